"""Seeded toy tasks, as time-major tensors.

Every generator takes ``rng`` first, either an ``int`` seed or a
``torch.Generator`` (which it advances), then the sequence length ``T`` and the
batch size ``B``, and returns CPU tensors laid out time-major: inputs
``x (T, B, D)``, real targets ``(T, B, D)``, integer targets ``(T, B)``.
The same seed always gives the same tensors.
"""

from __future__ import annotations

import torch

__all__ = ["sliding_window_sum", "noisy_cycle_tokens", "adding_problem"]


def _generator(rng: int | torch.Generator) -> torch.Generator:
    if isinstance(rng, torch.Generator):
        return rng
    if isinstance(rng, int) and not isinstance(rng, bool):
        return torch.Generator().manual_seed(rng)
    raise TypeError(f"rng must be an int seed or a torch.Generator, got {type(rng).__name__}")


def _check_sizes(T: int, B: int) -> None:
    if T < 1 or B < 1:
        raise ValueError(f"T and B must be at least 1, got T={T}, B={B}")


def sliding_window_sum(rng: int | torch.Generator, T: int, B: int, window: int = 3,
                       dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs uniform in [-1, 1] and, at every step, the sum of the last ``window`` inputs.

    ``y(t) = x(t) + x(t-1) + ... + x(t-window+1)``, inputs before ``t = 1`` count as 0.
    The rule is the same at every step, so a recurrence that has learned it on
    short sequences applies it to sequences of any length.

    Returns ``x (T, B, 1)`` and ``y (T, B, 1)`` of ``dtype``.
    """
    _check_sizes(T, B)
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    x = torch.rand(T, B, 1, generator=_generator(rng), dtype=torch.float64) * 2 - 1
    padded = torch.cat([x.new_zeros(window - 1, B, 1), x])
    y = padded.unfold(0, window, 1).sum(-1)  # (T, B, 1): windows along time
    return x.to(dtype), y.to(dtype)


def noisy_cycle_tokens(rng: int | torch.Generator, T: int, B: int, K: int, noise: float = 0.1,
                       dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Next-token prediction on sequences that mostly count ``0, 1, ..., K-1, 0, 1, ...``.

    Each sequence has ``T + 1`` tokens: the first is uniform, then each token is
    the previous one plus 1 (mod ``K``) with probability ``1 - noise``, and a
    uniformly random token otherwise. The input at step ``t`` is token ``t`` as
    a one-hot vector, the target is token ``t + 1``.

    Returns ``x (T, B, K)`` one-hot of ``dtype`` and ``y (T, B)`` long.
    """
    _check_sizes(T, B)
    if K < 2 or not 0.0 <= noise <= 1.0:
        raise ValueError(f"need K >= 2 and 0 <= noise <= 1, got K={K}, noise={noise}")
    g = _generator(rng)
    random_tokens = torch.randint(0, K, (T + 1, B), generator=g)
    jump = torch.rand(T + 1, B, generator=g) < noise
    tokens = torch.empty(T + 1, B, dtype=torch.long)
    tokens[0] = random_tokens[0]
    for t in range(1, T + 1):
        tokens[t] = torch.where(jump[t], random_tokens[t], (tokens[t - 1] + 1) % K)
    x = torch.nn.functional.one_hot(tokens[:-1], K).to(dtype)
    return x, tokens[1:].clone()


def adding_problem(rng: int | torch.Generator, T: int, B: int,
                   dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """The adding problem of Hochreiter & Schmidhuber (1997): sum two marked values.

    Each step carries two features: a value uniform in [0, 1] and a marker,
    1.0 at one uniformly chosen step of the first half (steps ``0 .. T//2 - 1``)
    and at one of the second half, 0.0 elsewhere. The target is the sum of the
    two marked values, known only after the last step. Always predicting the
    mean target, 1, gives a mean squared error of 1/6 ≈ 0.167.

    Returns ``x (T, B, 2)`` and ``y (B, 1)`` of ``dtype``; needs ``T >= 2``.
    """
    _check_sizes(T, B)
    if T < 2:
        raise ValueError(f"the adding problem needs T >= 2 (one marker per half), got T={T}")
    g = _generator(rng)
    values = torch.rand(T, B, generator=g, dtype=torch.float64)
    half = T // 2
    first = torch.randint(0, half, (B,), generator=g)
    second = torch.randint(half, T, (B,), generator=g)
    markers = torch.zeros(T, B, dtype=torch.float64)
    batch = torch.arange(B)
    markers[first, batch] = 1.0
    markers[second, batch] = 1.0
    x = torch.stack([values, markers], dim=-1)
    y = (values * markers).sum(dim=0).unsqueeze(-1)
    return x.to(dtype), y.to(dtype)
