"""Helpers of chapter 11, explicit memory.

* :class:`SoftMemory`: a memory matrix of N locations of width M per sequence
  of a batch, addressed by content (cosine similarity sharpened by a key
  strength, normalised over the locations), read as a weighted sum of its
  rows and written with the erase and add vectors of the neural Turing
  machine;
* :func:`codebook`: 2n well-separated codes of width n (the rows of a
  Hadamard matrix and their negatives);
* the associative-recall task: :func:`recall_batch` draws P key -> value
  pairs and a query (a key among them); :func:`memory_recall` stores the
  pairs in a :class:`SoftMemory`, one per location, and recalls the queried
  value by content; :class:`RecallGRU` and :func:`train_recall_gru` read the
  same pairs with a GRU and answer from its last state; :func:`accuracy_by_P`;
* :func:`plot_ntm_steps`, :func:`plot_read` and :func:`plot_recall`: the
  chapter's figures.

The chapter's exercises (content addressing, reading, writing) are written
out in the exercise; this module has its own memory for the chapter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["SoftMemory", "codebook", "RecallTask", "recall_batch", "memory_recall", "RecallGRU",
           "train_recall_gru", "accuracy_by_P", "plot_ntm_steps", "plot_read", "plot_recall"]

NORM_FLOOR = 1e-8


@dataclass(frozen=True)
class SoftMemory:
    """A batch of memories, ``rows (B, N, M)``: N locations of width M."""
    rows: torch.Tensor

    def weights(self, key: torch.Tensor, strength: torch.Tensor) -> torch.Tensor:
        """Content-based weights (B, N): softmax over the locations of strength * cosine(row, key)."""
        lengths = torch.linalg.vector_norm(self.rows, dim=2).clamp(min=NORM_FLOOR)
        key_length = torch.linalg.vector_norm(key, dim=1, keepdim=True).clamp(min=NORM_FLOOR)
        cosine = torch.einsum("bnm,bm->bn", self.rows, key) / (lengths * key_length)
        return (strength[:, None] * cosine).softmax(dim=1)

    def read(self, weights: torch.Tensor) -> torch.Tensor:
        """The weighted sum of the rows, (B, M)."""
        return torch.einsum("bn,bnm->bm", weights, self.rows)

    def written(self, weights: torch.Tensor, erase: torch.Tensor, add: torch.Tensor) -> "SoftMemory":
        """The memory after one write: each row first loses the erase vector's share
        (weighted), then gains the weighted add vector."""
        kept = 1 - weights[:, :, None] * erase[:, None, :]
        return SoftMemory(self.rows * kept + weights[:, :, None] * add[:, None, :])


def codebook(n: int) -> torch.Tensor:
    """(2n, n) codes of +-1: the rows of the n x n Hadamard matrix (n a power of 2) and
    their negatives; two different codes have cosine 0 or -1."""
    if n < 1 or n & (n - 1):
        raise ValueError(f"n must be a power of 2, got {n}")
    H = torch.ones(1, 1)
    while H.shape[0] < n:
        H = torch.cat([torch.cat([H, H], dim=1), torch.cat([H, -H], dim=1)])
    return torch.cat([H, -H])


@dataclass(frozen=True)
class RecallTask:
    """``keys``, ``values`` (B, P) symbols of the pairs, ``query`` (B,) the index of the queried pair."""
    keys: torch.Tensor
    values: torch.Tensor
    query: torch.Tensor

    @property
    def answer(self) -> torch.Tensor:
        """The queried value, (B,)."""
        return self.values.gather(1, self.query[:, None])[:, 0]


def recall_batch(B: int, P: int, symbols: int, generator: torch.Generator) -> RecallTask:
    """B sequences of P pairs: distinct keys and values with repetitions, both among
    ``symbols`` symbols (P <= symbols); the query is one of the P keys."""
    if not 1 <= P <= symbols:
        raise ValueError(f"P must lie in 1..{symbols}, got {P}")
    keys = torch.rand(B, symbols, generator=generator).argsort(dim=1)[:, :P]
    values = torch.randint(symbols, (B, P), generator=generator)
    return RecallTask(keys, values, torch.randint(P, (B,), generator=generator))


def memory_recall(task: RecallTask, codes: torch.Tensor, strength: float = 50.0) -> torch.Tensor:
    """The value recalled for each query (B,): pair p is written to location p as the row
    [code(key); code(value)] (weights one-hot at p, erase all, add the row), the query
    [code(key); 0] addresses the memory by content, and the value part of what is read
    is decoded to the nearest code."""
    B, P = task.keys.shape
    width = codes.shape[1]
    memory = SoftMemory(torch.zeros(B, P, 2 * width))
    for p in range(P):
        row = torch.cat([codes[task.keys[:, p]], codes[task.values[:, p]]], dim=1)
        at_p = torch.nn.functional.one_hot(torch.full((B,), p), P).float()
        memory = memory.written(at_p, torch.ones(B, 2 * width), row)
    asked = task.keys.gather(1, task.query[:, None])[:, 0]
    query = torch.cat([codes[asked], torch.zeros(B, width)], dim=1)
    value = memory.read(memory.weights(query, torch.full((B,), strength)))[:, width:]
    return (value @ codes.T).argmax(dim=1)


def _recall_inputs(task: RecallTask, symbols: int, length: int) -> torch.Tensor:
    """The task as GRU inputs (length + 1, B, 2 symbols + 1): left-padded with zeros to
    ``length`` pairs, one pair per step [one-hot key; one-hot value; 0], then the query
    [one-hot key; 0; 1]."""
    B, P = task.keys.shape
    one_hot = torch.nn.functional.one_hot
    x = torch.zeros(length + 1, B, 2 * symbols + 1)
    x[length - P: length, :, :symbols] = one_hot(task.keys.T, symbols).float()
    x[length - P: length, :, symbols: 2 * symbols] = one_hot(task.values.T, symbols).float()
    x[length, :, :symbols] = one_hot(task.keys.gather(1, task.query[:, None])[:, 0], symbols).float()
    x[length, :, -1] = 1.0
    return x


class RecallGRU(torch.nn.Module):
    """A GRU of H units reading the pairs and the query, and a linear layer from its
    last state to the value's logits."""

    def __init__(self, symbols: int, H: int, length: int):
        super().__init__()
        self.symbols, self.length = symbols, length
        self.gru = torch.nn.GRU(2 * symbols + 1, H)
        self.out = torch.nn.Linear(H, symbols)

    def forward(self, task: RecallTask) -> torch.Tensor:
        """The logits of the queried value, (B, symbols)."""
        _, h = self.gru(_recall_inputs(task, self.symbols, self.length))
        return self.out(h[0])


def train_recall_gru(symbols: int, H: int, length: int, steps: int, batch: int = 256, lr: float = 3e-3,
                     seed: int = 0) -> tuple:
    """A :class:`RecallGRU` trained with Adam on batches whose P is drawn uniformly in
    1..length for every update. Returns (model, training losses)."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = RecallGRU(symbols, H, length)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        P = int(torch.randint(1, length + 1, (1,), generator=generator))
        task = recall_batch(batch, P, symbols, generator)
        loss = torch.nn.functional.cross_entropy(model(task), task.answer)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    return model, losses


@torch.no_grad()
def accuracy_by_P(recall, Ps, symbols: int, B: int = 2000, seed: int = 1) -> dict:
    """P -> the share of B fresh queries that ``recall(task) -> (B,) values`` answers right."""
    generator = torch.Generator().manual_seed(seed)
    found = {}
    for P in Ps:
        task = recall_batch(B, P, symbols, generator)
        found[P] = (recall(task) == task.answer).double().mean().item()
    return found


def _heat(ax, values: torch.Tensor, title: str, limits=(-1, 1), cmap: str = "RdBu_r"):
    ax.imshow(values.detach().numpy(), cmap=cmap, vmin=limits[0], vmax=limits[1], aspect="auto")
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])


def plot_ntm_steps(fig, memories: list, writes: list):
    """One row per write: the memory before (N x M), the weights w (N x 1), the erase and add
    vectors (1 x M) and the memory after. ``memories`` has one (N, M) matrix more than
    ``writes``, a list of (w (N,), erase (M,), add (M,))."""
    rows = len(writes)
    grid = fig.add_gridspec(rows, 5, width_ratios=[4, 1, 4, 4, 4])
    for r, (w, erase, add) in enumerate(writes):
        axes = [fig.add_subplot(grid[r, c]) for c in range(5)]
        _heat(axes[0], memories[r], f"write {r + 1}: memory before")
        _heat(axes[1], w[:, None], "w", limits=(0, 1), cmap="Greys")
        _heat(axes[2], erase[None], "erase e", limits=(0, 1), cmap="Greys")
        _heat(axes[3], add[None], "add a")
        _heat(axes[4], memories[r + 1], "memory after")


def plot_read(axes, memory: torch.Tensor, key: torch.Tensor, weights: dict):
    """The memory (N x M) with the key (1 x M) beside it, then the weights for several
    key strengths (``weights``: beta -> (N,)) as bars."""
    left, middle, right = axes
    _heat(left, memory, "memory (N locations x M)")
    _heat(middle, key[None], "key k")
    positions = np.arange(memory.shape[0])
    width = 0.8 / len(weights)
    for i, (beta, w) in enumerate(weights.items()):
        right.bar(positions + i * width, w.numpy(), width=width, label=f"beta = {beta:g}")
    right.set_xlabel("location n")
    right.set_ylabel("w(n)")
    right.set_ylim(0, 1)
    right.legend(fontsize=7)


def plot_recall(ax, by_P: dict, chance: float):
    """Recall accuracy against the number of stored pairs P (``by_P``: name -> {P: accuracy})."""
    for (name, found), marker in zip(by_P.items(), "os^"):
        ax.plot(list(found), list(found.values()), marker=marker, label=name)
    ax.axhline(chance, color="grey", ls=":", label="chance")
    ax.set_xlabel("pairs stored P")
    ax.set_ylabel("recall accuracy")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
