"""Sequence-to-one regression with a recurrent layer: the model, its training, its test error.

Tasks such as the adding problem (``rnncourse.tasks.adding_problem``) read a
whole sequence and ask for real numbers after the last step: design pattern 3
of chapter 2 with a real output and a squared-error loss. The chapters that
compare recurrent units on such a task (a vanilla tanh network, LSTM, GRU)
share the readout, the training run and the test error here, so that only the
recurrent layer differs between them.

A task is a generator with the signature of those in ``rnncourse.tasks``:
``task(rng, T, B, dtype=...) -> (x (T, B, D), y (B, K))``.
"""

from __future__ import annotations

from typing import Callable

import torch

from .training import train

__all__ = ["LastStateRegressor", "fit", "evaluate_mse"]

Task = Callable[..., tuple[torch.Tensor, torch.Tensor]]


class LastStateRegressor(torch.nn.Module):
    """A recurrent layer read out linearly after the last step: ``y_hat = c + V h(T)``.

    Args:
        recurrent: a time-major module whose forward maps ``x (T, B, D)`` to
            ``(outputs (T, B, H), final state)``, such as ``torch.nn.RNN``,
            ``torch.nn.GRU`` or ``torch.nn.LSTM`` (one direction).
        hidden_size: ``H``, the size of the recurrent layer's outputs.
        output_size: ``K``, the number of real outputs.
    """

    def __init__(self, recurrent: torch.nn.Module, hidden_size: int, output_size: int = 1):
        super().__init__()
        dtype = next(recurrent.parameters()).dtype
        self.recurrent = recurrent
        self.readout = torch.nn.Linear(hidden_size, output_size, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x (T, B, D)`` -> predictions ``(B, K)`` from the state after the last step."""
        outputs, _ = self.recurrent(x)
        return self.readout(outputs[-1])


def _dtype(model: torch.nn.Module) -> torch.dtype:
    return next(model.parameters()).dtype


def fit(model: torch.nn.Module, task: Task, T: int, steps: int, *, seed: int, batch_size: int = 64,
        lr: float = 1e-2, clip_norm: float | None = 1.0) -> list[float]:
    """Train ``model`` with Adam on the mean squared error over fresh minibatches of ``task``.

    Every step draws a new minibatch of ``batch_size`` sequences of length ``T``
    from one ``torch.Generator`` seeded with ``seed``; the model's initial
    weights are the caller's (seed the global RNG before building it). The
    global gradient norm is clipped to ``clip_norm`` (``None``: no clipping).

    Returns the training loss of every step (length ``steps``).
    """
    generator = torch.Generator().manual_seed(seed)
    dtype = _dtype(model)

    def minibatch_loss(step: int) -> torch.Tensor:
        x, y = task(generator, T, batch_size, dtype=dtype)
        return torch.nn.functional.mse_loss(model(x), y)

    return train(model.parameters(), minibatch_loss, steps, lr=lr, clip_norm=clip_norm)


def evaluate_mse(model: torch.nn.Module, task: Task, T: int, *, seed: int, batch_size: int = 1000) -> float:
    """The mean squared error of ``model`` on one batch of ``task`` drawn with ``seed``.

    Use a seed the training did not use, so that the batch is held out. The
    model is evaluated without gradients and left unchanged.
    """
    x, y = task(seed, T, batch_size, dtype=_dtype(model))
    with torch.no_grad():
        return torch.nn.functional.mse_loss(model(x), y).item()
