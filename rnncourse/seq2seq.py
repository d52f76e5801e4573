"""Chapter 8: encoder-decoder models on a toy translation task.

* :func:`reversal_batch`: digit strings and their reversals, padded, time-major;
* :class:`Seq2Seq`: a small GRU encoder-decoder, either with one fixed context
  vector (Cho et al. 2014) or with additive attention over the encoder states
  (Bahdanau et al. 2015);
* :func:`train_seq2seq`: seeded training with the masked loss;
* :func:`step_function`: the decoder as ``step_fn(tokens (B,), state) -> (logits (B, V), state)``,
  the interface of the exercises' decoders;
* :func:`decode_greedy`, :func:`decode_beam`: the chapter's own decoders on that interface;
* :func:`accuracy_by_length`, :func:`plot_accuracy_by_length`, :func:`plot_attention`.

Tokens: the digits 0-9, then ``PAD``, ``BOS`` and ``EOS``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import torch
from torch import nn

from .tasks import _generator
from .training import train

__all__ = ["PAD", "BOS", "EOS", "VOCAB", "reversal_batch", "masked_nll", "Seq2Seq", "train_seq2seq",
           "step_function", "decode_greedy", "decode_beam", "sequence_log_prob", "beam_outputs", "accuracy_by_length",
           "plot_accuracy_by_length", "plot_attention"]

DIGITS = 10
PAD, BOS, EOS = 10, 11, 12
VOCAB = 13

StepFn = Callable[[torch.Tensor, torch.Tensor], tuple]


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


def masked_nll(logits: torch.Tensor, targets: torch.Tensor, pad_id: int = PAD) -> torch.Tensor:
    """Mean negative log-likelihood over the tokens that are not ``pad_id``:
    logits (T, B, V), targets (T, B)."""
    losses = nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten(), reduction="none")
    keep = (targets.flatten() != pad_id).to(losses.dtype)
    return (losses * keep).sum() / keep.sum()


def additive_scores(query: torch.Tensor, keys_projected: torch.Tensor, W_q: nn.Linear, v: nn.Linear,
                    mask: torch.Tensor) -> torch.Tensor:
    """Attention weights softmax_s(v^T tanh(W_q q + W_k k(s))) with padding masked out.

    query (..., B, H), keys_projected (S, B, A) = W_k k: returns (..., S, B)."""
    energy = v(torch.tanh(W_q(query)[..., None, :, :] + keys_projected)).squeeze(-1)
    return energy.masked_fill(~mask, float("-inf")).softmax(dim=-2)


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
            weights = additive_scores(states, self.W_k(keys), self.W_q, self.v, mask)
            context = (weights[..., None] * keys).sum(dim=-3)
        else:
            context = context.expand(states.shape[0], -1, -1)
        return self.out(torch.cat([states, context], dim=-1)), last[0], weights

    def forward(self, src: torch.Tensor, lengths: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits (L+1, B, V) of the targets ``tgt`` (L+1, B)."""
        memory = self.encode(src, lengths)
        inputs = torch.cat([torch.full_like(tgt[:1], BOS), tgt[:-1]])
        return self.decode(memory, inputs, memory[2])[0]


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
        src, lengths, tgt = reversal_batch(data, batch_size, min_len, max_len)
        return masked_nll(model(src, lengths, tgt), tgt)

    losses = train(model.parameters(), loss, steps, lr=lr, clip_norm=1.0)
    model.eval()
    return TrainedModel(model, losses)


def step_function(model: Seq2Seq, src: torch.Tensor, lengths: torch.Tensor, record: list | None = None) -> tuple:
    """The decoder of ``model`` on the source ``src`` (S, B) as ``(step_fn, s0)``.

    ``step_fn(tokens (N,), state (N, H)) -> (logits (N, V), state)``; N is B, or
    any number of copies of a single source (B = 1: the beams of beam search).
    When ``record`` is a list, each call appends its attention weights (S, N)."""
    with torch.no_grad():
        memory = model.encode(src, lengths)

    def step_fn(tokens: torch.Tensor, state: torch.Tensor) -> tuple:
        n = tokens.shape[0]
        keys, context, s0, mask = memory
        if keys.shape[1] != n:          # one source, n beams
            keys, context, mask = keys.expand(-1, n, -1), context.expand(n, -1), mask.expand(-1, n)
        with torch.no_grad():
            logits, state, weights = model.decode((keys, context, s0, mask), tokens[None], state)
        if record is not None and weights is not None:
            record.append(weights[0])
        return logits[0], state

    return step_fn, memory[2]


def decode_greedy(step_fn: StepFn, state: torch.Tensor, max_len: int) -> tuple:
    """Greedy decoding from BOS: returns (tokens (B, L), lengths (B,)); each row
    stops at its EOS (counted in its length) and is padded with EOS."""
    B = state.shape[0]
    tokens = torch.full((B,), BOS)
    done = torch.zeros(B, dtype=torch.bool)
    lengths = torch.full((B,), max_len)
    out = []
    for t in range(max_len):
        logits, state = step_fn(tokens, state)
        tokens = torch.where(done, EOS, logits.argmax(dim=-1))
        out.append(tokens)
        ended = ~done & (tokens == EOS)
        lengths[ended] = t + 1
        done = done | ended
        if done.all():
            break
    return torch.stack(out, dim=1), lengths


def decode_beam(step_fn: StepFn, state: torch.Tensor, beam_size: int, max_len: int,
                length_penalty: float = 0.0) -> tuple:
    """Beam search for one sequence (state (1, H)): returns (tokens (L,), score)
    with score = sum of log-probabilities / length**length_penalty, the length
    counting EOS. Finished hypotheses leave the beam; the best of the finished
    and the live ones at the end is returned."""
    prefixes = torch.empty(1, 0, dtype=torch.long)
    scores = torch.zeros(1, dtype=torch.float64)
    finished = []
    for t in range(1, max_len + 1):
        last = prefixes[:, -1] if t > 1 else torch.full((1,), BOS)
        logits, state = step_fn(last, state)
        total = (scores[:, None] + logits.double().log_softmax(dim=-1)).flatten()
        best = total.topk(min(beam_size, total.numel())).indices
        beam, token = best // logits.shape[-1], best % logits.shape[-1]
        extended = torch.cat([prefixes[beam], token[:, None]], dim=1)
        ends = token == EOS
        finished += [(extended[i], total[best[i]].item()) for i in ends.nonzero().flatten().tolist()]
        prefixes, scores, state = extended[~ends], total[best][~ends], state[beam[~ends]]
        if len(prefixes) == 0:
            break
    candidates = finished + [(prefixes[i], scores[i].item()) for i in range(len(prefixes))]
    tokens, total = max(candidates, key=lambda c: c[1] / len(c[0]) ** length_penalty)
    return tokens, total / len(tokens) ** length_penalty


def sequence_log_prob(step_fn: StepFn, state: torch.Tensor, tokens: torch.Tensor) -> float:
    """Sum of the log-probabilities the decoder gives to ``tokens`` (L,) after BOS (one sequence)."""
    inputs = torch.cat([torch.tensor([BOS]), tokens[:-1]])
    total = 0.0
    for fed, next_token in zip(inputs, tokens):
        logits, state = step_fn(fed[None], state)
        total += logits.double().log_softmax(dim=-1)[0, next_token].item()
    return total


def beam_outputs(model: Seq2Seq, src: torch.Tensor, lengths: torch.Tensor, tgt: torch.Tensor,
                 beams: Sequence[int], length_penalty: float = 0.0, extra: int = 5) -> dict:
    """Beam search of every source sequence (one at a time) with each beam size:
    {beam: {"log_prob": (B,), "exact": (B,) bool, "length": (B,)}} with log_prob the
    sum of the log-probabilities of the returned tokens and length their number (EOS counted)."""
    results = {k: {"log_prob": [], "exact": [], "length": []} for k in beams}
    for b in range(src.shape[1]):
        n = int(lengths[b])
        step_fn, s0 = step_function(model, src[:n, b:b + 1], lengths[b:b + 1])
        want = tgt[:n + 1, b]
        for k in beams:
            tokens, score = decode_beam(step_fn, s0, k, n + extra, length_penalty)
            results[k]["log_prob"].append(score * len(tokens) ** length_penalty)
            results[k]["exact"].append(len(tokens) == n + 1 and bool((tokens == want).all()))
            results[k]["length"].append(len(tokens))
    return {k: {key: torch.tensor(values) for key, values in r.items()} for k, r in results.items()}


def accuracy_by_length(model: Seq2Seq, lengths: Sequence[int], per_length: int = 100, seed: int = 1234) -> dict:
    """Greedy decoding of ``per_length`` fresh strings of each length:
    {length: (exact-sequence accuracy, per-token accuracy)}; a token counts
    as right when the output has the right digit at its position (EOS included)."""
    results = {}
    for n in lengths:
        src, src_len, tgt = reversal_batch(seed + n, per_length, n, n)
        step_fn, s0 = step_function(model, src, src_len)
        tokens, _ = decode_greedy(step_fn, s0, max_len=n + 1)
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
