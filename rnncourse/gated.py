"""Helpers of chapter 7, gated recurrent networks (LSTM and GRU).

* :func:`parameter_count` and :func:`peephole_parameter_count`: how many
  parameters one recurrent layer has, from the sizes of its weight blocks;
* :func:`norms_back_from_T`: the spectral norm of ``ds(T)/ds(t)`` for every
  ``t`` of one sequence, for any step function ``s(t) = step(s(t-1), x(t))``
  (a tanh network, an LSTM whose state is ``[h; c]``, ...), optionally
  restricted to a block of the state such as the LSTM's cell;
* :func:`train_on_adding`: one run of the adding problem of chapter 5 with a
  ``torch.nn.RNN``, ``LSTM`` or ``GRU`` layer read out at the last step, the
  same for the chapter and for ``scripts/ch07_adding_seeds.py``;
* :func:`running_mean`, :func:`first_step_below` and :func:`left_the_baseline`:
  how fast such a run learned, and :func:`plot_training_curves`: its training
  curve on a log scale, with the baseline of predicting the mean.

The cells themselves are the chapter's exercises, so they are not here: the
chapter writes them out, and PyTorch's modules train the models.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from . import regression, tasks

__all__ = ["LAYERS", "ADDING_EXPERIMENT", "parameter_count", "peephole_parameter_count", "norms_back_from_T",
           "AddingRun", "train_on_adding", "running_mean", "first_step_below", "left_the_baseline",
           "plot_training_curves"]

LAYERS = {"RNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}
# How many (input-to-hidden, hidden-to-hidden, two biases) blocks each layer
# stacks: the candidate alone, or the candidate and 3 (LSTM) or 2 (GRU) gates.
BLOCKS = {"RNN": 1, "LSTM": 4, "GRU": 3}
ADDING_BASELINE = 1 / 6   # MSE of always predicting the mean target, 1
# The chapter's comparison on the adding problem (and scripts/ch07_adding_seeds.py's):
# 8 units, minibatches of 32, Adam with learning rate 0.01, gradient norm clipped to 1.
ADDING_EXPERIMENT = {"T": 100, "hidden_size": 8, "steps": 4000, "batch_size": 32, "lr": 1e-2, "clip_norm": 1.0}


def parameter_count(kind: str, D: int, H: int) -> int:
    """Parameters of one layer of ``torch.nn.RNN``, ``LSTM`` or ``GRU`` (``kind``)
    with ``D`` inputs and ``H`` units: each block has ``W_ih (H, D)``,
    ``W_hh (H, H)``, ``b_ih (H,)`` and ``b_hh (H,)`` (PyTorch keeps two biases
    where the equations have one)."""
    if kind not in BLOCKS:
        raise ValueError(f"kind must be one of {sorted(BLOCKS)}, got {kind!r}")
    return BLOCKS[kind] * (H * D + H * H + 2 * H)


def peephole_parameter_count(D: int, H: int) -> int:
    """Parameters of the notes' peephole LSTM: gates ``W_x (3H, D)``, ``U_c (3H, H)``,
    ``b (3H,)`` and the candidate ``W_c (H, D)``, ``b_c (H,)``, which reads no state."""
    return 3 * (H * D + H * H + H) + H * D + H


def norms_back_from_T(step: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], s0: torch.Tensor,
                      xs: torch.Tensor, block: slice = slice(None)) -> torch.Tensor:
    """Spectral norms of ``ds(T)/ds(t)`` of one sequence, from the last step back.

    Args:
        step: ``s(t) = step(s(t-1), x(t))`` for one sequence, ``(S,), (D,) -> (S,)``.
        s0: the initial state ``s(0)``, ``(S,)``.
        xs: the inputs ``x(1..T)``, ``(T, D)``.
        block: the part of the state to look at, e.g. ``slice(H, 2 * H)`` for
            the cell of an LSTM whose state is ``[h; c]``: entry ``k`` is then
            the norm of the block of ``ds(T)/ds(T-k)`` that maps that part to
            itself (how ``c(T)`` depends on ``c(T-k)`` when ``h(T-k)`` is held).

    Returns:
        ``(T + 1,)`` float64: entry ``k`` is ``||ds(T)/ds(T-k)||_2`` for
        ``k = 0, 1, ..., T`` (entry 0 is the identity's norm, 1). The Jacobian
        of each step is computed by autograd (``torch.func.jacrev``) and the
        products are built from ``J(T)`` backwards, each reusing the previous.
    """
    states = [s0]
    for x in xs:
        states.append(step(states[-1], x))
    size = s0.shape[0]
    product = torch.eye(size, dtype=s0.dtype, device=s0.device)          # ds(T)/ds(T)
    norms = [torch.linalg.matrix_norm(product[block, block], ord=2)]
    jacobian = torch.func.jacrev(step)
    for t in range(len(xs), 0, -1):                                        # J(t) = ds(t)/ds(t-1)
        product = product @ jacobian(states[t - 1], xs[t - 1])
        norms.append(torch.linalg.matrix_norm(product[block, block], ord=2))
    return torch.stack(norms).detach().to(torch.float64)


@dataclass
class AddingRun:
    """One training run on the adding problem (see :func:`train_on_adding`)."""
    kind: str
    losses: list           # training MSE of every step
    held_out_mse: float    # on 1000 sequences the training never saw
    seconds: float         # wall-clock time of the training
    parameters: int        # of the recurrent layer and the readout
    model: torch.nn.Module  # the trained regressor (rnncourse.regression.LastStateRegressor)


def train_on_adding(kind: str, T: int, hidden_size: int, steps: int, seed: int, *, batch_size: int = 32,
                    lr: float = 1e-2, clip_norm: float | None = 1.0, test_seed: int = 10_000) -> AddingRun:
    """Train a ``torch.nn.RNN``, ``LSTM`` or ``GRU`` layer (``kind``) of ``hidden_size``
    units, read out linearly after the last step, on the adding problem with
    sequences of ``T`` steps (``rnncourse.regression.fit``: Adam, fresh
    minibatches of ``batch_size``, gradient norm clipped to ``clip_norm``), then
    measure it on 1000 held-out sequences drawn with ``test_seed``.

    ``seed`` seeds both the initial weights (torch's global generator, set
    here) and the training minibatches, so a run is reproducible. float32.
    """
    if kind not in LAYERS:
        raise ValueError(f"kind must be one of {sorted(LAYERS)}, got {kind!r}")
    torch.manual_seed(seed)
    model = regression.LastStateRegressor(LAYERS[kind](2, hidden_size), hidden_size=hidden_size)
    started = time.perf_counter()
    losses = regression.fit(model, tasks.adding_problem, T, steps, seed=seed, batch_size=batch_size,
                            lr=lr, clip_norm=clip_norm)
    seconds = time.perf_counter() - started
    held_out = regression.evaluate_mse(model, tasks.adding_problem, T, seed=test_seed)
    return AddingRun(kind, losses, held_out, seconds, sum(p.numel() for p in model.parameters()), model)


def running_mean(losses: list, window: int = 50) -> np.ndarray:
    """Means of ``window`` consecutive losses: entry ``k`` covers steps ``k+1 .. k+window``."""
    if not 1 <= window <= len(losses):
        raise ValueError(f"window must be between 1 and {len(losses)} (the number of losses), got {window}")
    return np.convolve(losses, np.ones(window) / window, mode="valid")


def first_step_below(losses: list, level: float, window: int = 50) -> int | None:
    """The first training step (counted from 1) at which the running mean of the
    last ``window`` losses is below ``level``; None if it never is."""
    below = np.flatnonzero(running_mean(losses, window) < level)
    return int(below[0]) + window if below.size else None


def left_the_baseline(losses: list) -> int | None:
    """The step at which a run on the adding problem left the baseline 1/6: the
    first at which the mean of the last 100 training losses is below 0.05."""
    return first_step_below(losses, 0.05, window=100)


COLORS = {"RNN": "#e15759", "LSTM": "#1f4e8c", "GRU": "#59a14f"}


def plot_training_curves(ax, runs: list, window: int = 50):
    """Draw the running mean over ``window`` steps of each run's training loss on
    ``ax`` (log scale), in the order given (the last on top), labelled and
    coloured by its kind, and the baseline 1/6 dashed."""
    for run in runs:
        smooth = running_mean(run.losses, window)
        ax.plot(np.arange(window, len(run.losses) + 1), smooth, color=COLORS[run.kind], lw=1.6, label=run.kind)
    ax.axhline(ADDING_BASELINE, color="black", ls="--", lw=1, label="predict the mean (1/6)")
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel(f"training MSE (running mean of {window})")
    ax.legend(fontsize=8)
