"""A small, deterministic training loop shared by the chapters' experiments.

The chapters train tiny models on toy tasks; they differ in the model and the
loss, not in the loop, so the loop lives here once. The caller passes a
function of the step number that returns the loss of one minibatch, which
lets a chapter change the data or the forward pass as training goes on
(scheduled sampling, curricula) without writing its own loop.
"""

from __future__ import annotations

from typing import Callable, Iterable

import torch

__all__ = ["train"]


def train(parameters: Iterable[torch.Tensor], minibatch_loss: Callable[[int], torch.Tensor],
          steps: int, lr: float = 1e-2, clip_norm: float | None = None,
          optimizer: str = "adam") -> list[float]:
    """Minimise ``minibatch_loss(step)`` for ``steps`` steps and return the losses.

    Args:
        parameters: the tensors to train (they must require grad).
        minibatch_loss: step index (0, 1, ...) -> scalar loss of one minibatch.
        steps: number of optimisation steps.
        lr: learning rate.
        clip_norm: if given, clip the global gradient norm to this value
            (``torch.nn.utils.clip_grad_norm_``) before each update.
        optimizer: ``"adam"`` or ``"sgd"``.

    Returns:
        The loss of every step, as Python floats (length ``steps``).
    """
    parameters = list(parameters)
    if not parameters or not all(p.requires_grad for p in parameters):
        raise ValueError("train needs a non-empty list of tensors that require grad")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    optimizers = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}
    if optimizer not in optimizers:
        raise ValueError(f"optimizer must be one of {sorted(optimizers)}, got {optimizer!r}")
    opt = optimizers[optimizer](parameters, lr=lr)
    losses = []
    for step in range(steps):
        opt.zero_grad(set_to_none=True)
        loss = minibatch_loss(step)
        if loss.dim() != 0:
            raise ValueError(f"minibatch_loss must return a scalar, got shape {tuple(loss.shape)}")
        loss.backward()
        if clip_norm is not None:
            torch.nn.utils.clip_grad_norm_(parameters, clip_norm)
        opt.step()
        losses.append(loss.item())
    return losses
