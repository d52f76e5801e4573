"""Chapter 8: encoder-decoder models on a toy translation task.

* :func:`reversal_batch`: digit strings and their reversals, padded, time-major;
* :class:`Seq2Seq`: a small GRU encoder-decoder, either with one fixed context
  vector (Cho et al. 2014) or with additive attention over the encoder states
  (Bahdanau et al. 2015);
* :func:`masked_loss`, :func:`train_seq2seq`: the model's loss on a padded batch
  and seeded training with it;
* :func:`greedy_translate`, :func:`beam_translate`: the chapter's decoders, on the
  model and its source strings directly (the exercises write decoders on a step
  function instead);
* :func:`beam_outputs`, :func:`accuracy_by_length`, :func:`plot_accuracy_by_length`,
  :func:`plot_attention`: what the chapter's tables and figures show.

Tokens: the digits 0-9, then ``PAD``, ``BOS`` and ``EOS``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Sequence

import torch
from torch import nn

from .tasks import _generator
from .training import train

__all__ = ["PAD", "BOS", "EOS", "VOCAB", "reversal_batch", "masked_loss", "Seq2Seq", "train_seq2seq",
           "Translation", "Hypothesis", "greedy_translate", "beam_translate", "beam_outputs",
           "accuracy_by_length", "plot_accuracy_by_length", "plot_attention"]

DIGITS = 10
PAD, BOS, EOS = 10, 11, 12
VOCAB = 13


def reversal_batch(rng: int | torch.Generator, B: int, min_len: int, max_len: int,
                   lengths: Sequence[int] | None = None) -> tuple:
    """B digit strings of lengths drawn uniformly in [min_len, max_len] (or
    given by ``lengths``) and their reversals.

    Returns ``(src (S, B), src_lengths (B,), tgt (L+1, B))``, all long: ``src``
    is padded with PAD to the longest string S; ``tgt`` is each reversal
    followed by EOS, padded with PAD.
    """
    g = _generator(rng)
    if lengths is None:
        if not 1 <= min_len <= max_len:
            raise ValueError(f"need 1 <= min_len <= max_len, got {min_len}, {max_len}")
        lengths = torch.randint(min_len, max_len + 1, (B,), generator=g)
    lengths = torch.as_tensor(lengths, dtype=torch.long)
    S = int(lengths.max())
    digits = torch.randint(DIGITS, (S, B), generator=g)
    positions = torch.arange(S)[:, None]
    valid = positions < lengths[None]
    src = torch.where(valid, digits, PAD)
    # position t of the reversal is the source's position length - 1 - t
    reversed_index = (lengths[None] - 1 - positions).clamp(min=0)
    tgt = torch.where(valid, src.gather(0, reversed_index), PAD)
    tgt = torch.cat([tgt, torch.full((1, len(lengths)), PAD)])
    tgt[lengths, torch.arange(len(lengths))] = EOS
    return src, lengths, tgt


class Seq2Seq(nn.Module):
    """GRU encoder-decoder. ``attention=False``: the decoder sees one context
    C = the encoder's last state, at its start and at every step (Cho et al. 2014);
    ``attention=True``: every decoder state s(t) attends over the encoder states
    with additive scores and its output reads the weighted context c(t)
    (Bahdanau et al. 2015's scores, applied after the decoder's step as in Luong et al. 2015)."""

    def __init__(self, attention: bool, hidden: int = 64, embed: int = 16, attention_size: int = 32):
        super().__init__()
        self.attention = attention
        self.embed = nn.Embedding(VOCAB, embed)
        self.encoder = nn.GRU(embed, hidden, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden, hidden)
        context_in = 0 if attention else 2 * hidden
        self.decoder = nn.GRU(embed + context_in, hidden)
        if attention:
            self.W_q = nn.Linear(hidden, attention_size, bias=False)
            self.W_k = nn.Linear(2 * hidden, attention_size, bias=False)
            self.v = nn.Linear(attention_size, 1, bias=False)
        self.out = nn.Linear(hidden + 2 * hidden, VOCAB)

    def encode(self, src: torch.Tensor, lengths: torch.Tensor) -> tuple:
        """src (S, B) -> (keys (S, B, 2H), fixed context C (B, 2H), s0 (B, H), mask (S, B))."""
        packed = nn.utils.rnn.pack_padded_sequence(self.embed(src), lengths, enforce_sorted=False)
        states, last = self.encoder(packed)
        keys, _ = nn.utils.rnn.pad_packed_sequence(states, total_length=src.shape[0])
        context = torch.cat([last[0], last[1]], dim=-1)
        mask = torch.arange(src.shape[0])[:, None] < lengths[None]
        return keys, context, torch.tanh(self.bridge(context)), mask

    def attend(self, states: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor) -> tuple:
        """The model's additive attention of decoder states (T, B, H) over its
        encoder states keys (S, B, 2H), padding (mask False) excluded:
        returns (contexts (T, B, 2H), weights (T, S, B))."""
        energy = self.v(torch.tanh(self.W_q(states)[..., None, :, :] + self.W_k(keys))).squeeze(-1)
        weights = energy.masked_fill(~mask, float("-inf")).softmax(dim=-2)
        return (weights[..., None] * keys).sum(dim=-3), weights

    def decode(self, memory: tuple, inputs: torch.Tensor, s: torch.Tensor) -> tuple:
        """inputs (T, B) tokens fed to the decoder from state s (B, H):
        returns (logits (T, B, V), last state (B, H), weights (T, S, B) or None)."""
        keys, context, _, mask = memory
        x = self.embed(inputs)
        if not self.attention:
            x = torch.cat([x, context.expand(x.shape[0], -1, -1)], dim=-1)
        states, last = self.decoder(x, s[None])
        weights = None
        if self.attention:
            context, weights = self.attend(states, keys, mask)
        else:
            context = context.expand(states.shape[0], -1, -1)
        return self.out(torch.cat([states, context], dim=-1)), last[0], weights

    def step(self, memory: tuple, fed: torch.Tensor, s: torch.Tensor) -> tuple:
        """One decoder step of N rows: fed (N,) tokens, s (N, H). The memory
        holds N sources, or one that every row shares (the hypotheses of a beam):
        returns (logits (N, V), state (N, H), weights (S, N) or None)."""
        keys, context, s0, mask = memory
        rows = fed.shape[0]
        if keys.shape[1] != rows:
            keys, context, mask = keys.expand(-1, rows, -1), context.expand(rows, -1), mask.expand(-1, rows)
        logits, s, weights = self.decode((keys, context, s0, mask), fed[None], s)
        return logits[0], s, None if weights is None else weights[0]

    def forward(self, src: torch.Tensor, lengths: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits (L+1, B, V) of the targets ``tgt`` (L+1, B)."""
        memory = self.encode(src, lengths)
        inputs = torch.cat([torch.full_like(tgt[:1], BOS), tgt[:-1]])
        return self.decode(memory, inputs, memory[2])[0]


def masked_loss(model: Seq2Seq, src: torch.Tensor, lengths: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
    """The model's teacher-forced loss on a padded batch (src (S, B), tgt (L+1, B)):
    the mean negative log-likelihood over the target tokens that are not PAD."""
    logits = model(src, lengths, tgt)
    per_token = nn.functional.cross_entropy(logits.flatten(0, 1), tgt.flatten(), reduction="none")
    real = (tgt.flatten() != PAD).to(per_token.dtype)
    return (per_token * real).sum() / real.sum()


@dataclass
class TrainedModel:
    model: Seq2Seq
    losses: list


def train_seq2seq(attention: bool, steps: int, seed: int = 0, batch_size: int = 64, min_len: int = 5,
                  max_len: int = 20, lr: float = 3e-3, **sizes) -> TrainedModel:
    """Train a :class:`Seq2Seq` on reversal (lengths min_len..max_len) with the masked loss."""
    torch.manual_seed(seed)
    model = Seq2Seq(attention, **sizes)
    data = torch.Generator().manual_seed(seed + 1)

    def loss(step: int) -> torch.Tensor:
        return masked_loss(model, *reversal_batch(data, batch_size, min_len, max_len))

    losses = train(model.parameters(), loss, steps, lr=lr, clip_norm=1.0)
    model.eval()
    return TrainedModel(model, losses)


class Translation(NamedTuple):
    """Greedy outputs of a batch: tokens (B, L) without BOS, each row padded with
    EOS after its first EOS; lengths (B,) up to and including that EOS (max_len
    when there is none); attention (L, S, B), or None when not recorded or the
    model has no attention."""
    tokens: torch.Tensor
    lengths: torch.Tensor
    attention: torch.Tensor | None


@torch.no_grad()
def greedy_translate(model: Seq2Seq, src: torch.Tensor, lengths: torch.Tensor, max_len: int,
                     record_attention: bool = False) -> Translation:
    """Translate the sources src (S, B) greedily: the most probable token at each
    step is fed back, until every row has produced EOS or max_len tokens."""
    memory = model.encode(src, lengths)
    s, fed = memory[2], torch.full((src.shape[1],), BOS)
    said_eos = torch.zeros(src.shape[1], dtype=torch.bool)
    produced, weights = [], []
    while len(produced) < max_len and not said_eos.all():
        logits, s, w = model.step(memory, fed, s)
        fed = logits.argmax(dim=-1)              # rows that have ended go on: their tokens are replaced below
        said_eos |= fed == EOS
        produced.append(fed)
        weights.append(w)
    tokens = torch.stack(produced, dim=1)
    ended = (tokens == EOS).cumsum(dim=1) > 0                       # at and after the first EOS
    out_lengths = torch.where(ended[:, -1], (~ended).sum(dim=1) + 1, max_len)
    attention = torch.stack(weights) if record_attention and model.attention else None
    return Translation(tokens.masked_fill(ended, EOS), out_lengths, attention)


class Hypothesis(NamedTuple):
    """A decoded prefix: its tokens (without BOS) and the sum of their log-probabilities."""
    tokens: tuple
    log_prob: float

    def score(self, length_penalty: float) -> float:
        """log_prob / length**length_penalty, the length counting EOS."""
        return self.log_prob / len(self.tokens) ** length_penalty


@torch.no_grad()
def beam_translate(model: Seq2Seq, src: torch.Tensor, lengths: torch.Tensor, beam_size: int, max_len: int,
                   length_penalty: float = 0.0) -> Hypothesis:
    """Beam search for one source (src (S, 1), lengths (1,)). The live
    hypotheses are the rows of the decoder's state; at each step the beam_size
    best extensions of all of them are kept, in order, and those ending in EOS
    join the finished ones. Returns the hypothesis of best :meth:`Hypothesis.score`
    among the finished and those still live after max_len tokens (the first one on a tie)."""
    memory = model.encode(src, lengths)
    live, s, finished = [Hypothesis((), 0.0)], memory[2], []
    while live and len(live[0].tokens) < max_len:
        fed = torch.tensor([h.tokens[-1] if h.tokens else BOS for h in live])
        logits, s, _ = model.step(memory, fed, s)
        so_far = torch.tensor([h.log_prob for h in live], dtype=torch.float64)
        sums = logits.double().log_softmax(dim=-1) + so_far[:, None]        # (live, V): every extension
        values, best = sums.flatten().topk(min(beam_size, sums.numel()))
        survivors, rows = [], []
        for value, row, token in zip(values.tolist(), (best // VOCAB).tolist(), (best % VOCAB).tolist()):
            child = Hypothesis(live[row].tokens + (token,), value)
            if token == EOS:
                finished.append(child)
            else:
                survivors.append(child)
                rows.append(row)
        live, s = survivors, s[rows]
    return max(finished + live, key=lambda h: h.score(length_penalty))


def beam_outputs(model: Seq2Seq, src: torch.Tensor, lengths: torch.Tensor, tgt: torch.Tensor,
                 beams: Sequence[int], length_penalty: float = 0.0, extra: int = 5) -> dict:
    """Beam search of every source sequence (one at a time, max_len its length + extra)
    with each beam size: {beam: {"log_prob": (B,), "exact": (B,) bool, "length": (B,)}}
    with log_prob the sum of the log-probabilities of the returned tokens and length
    their number (EOS counted)."""
    results = {k: {"log_prob": [], "exact": [], "length": []} for k in beams}
    for b in range(src.shape[1]):
        n = int(lengths[b])
        want = tuple(tgt[:n + 1, b].tolist())
        for k in beams:
            best = beam_translate(model, src[:n, b:b + 1], lengths[b:b + 1], k, n + extra, length_penalty)
            results[k]["log_prob"].append(best.log_prob)
            results[k]["exact"].append(best.tokens == want)
            results[k]["length"].append(len(best.tokens))
    return {k: {key: torch.tensor(values) for key, values in r.items()} for k, r in results.items()}


def accuracy_by_length(model: Seq2Seq, lengths: Sequence[int], per_length: int = 100, seed: int = 1234) -> dict:
    """Greedy decoding of ``per_length`` fresh strings of each length:
    {length: (exact-sequence accuracy, per-token accuracy)}; a token counts
    as right when the output has the right digit at its position (EOS included)."""
    results = {}
    for n in lengths:
        src, src_len, tgt = reversal_batch(seed + n, per_length, n, n)
        tokens = greedy_translate(model, src, src_len, max_len=n + 1).tokens
        out = torch.full((n + 1, per_length), -1)
        out[:tokens.shape[1]] = tokens.T
        right = out == tgt
        results[n] = (right.all(dim=0).double().mean().item(), right.double().mean().item())
    return results


def plot_accuracy_by_length(ax, results: dict, train_range: tuple, metric: int = 0):
    """Accuracy against input length for several models (``results``: label -> accuracy_by_length)."""
    for label, by_length in results.items():
        lengths = sorted(by_length)
        ax.plot(lengths, [100 * by_length[n][metric] for n in lengths], marker="o", markersize=3, label=label)
    ax.axvspan(*train_range, color="0.9", zorder=0, label="training lengths")
    ax.set_xlabel("input length")
    ax.set_ylabel(("exact-sequence" if metric == 0 else "per-token") + " accuracy (%)")
    ax.set_ylim(-3, 103)
    ax.legend(loc="upper right")


def plot_attention(ax, weights: torch.Tensor, src: Sequence[int], out: Sequence[int]):
    """Heat map of attention weights (T_out, S): rows are output tokens, columns source tokens."""
    names = [str(t) if t < DIGITS else {PAD: "pad", BOS: "bos", EOS: "eos"}[t] for t in range(VOCAB)]
    image = ax.imshow(weights, cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(src)), [names[t] for t in src])
    ax.set_yticks(range(len(out)), [names[t] for t in out])
    ax.set_xlabel("source token")
    ax.set_ylabel("output token")
    return image
