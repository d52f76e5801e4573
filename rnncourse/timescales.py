"""Helpers of chapter 6, leaky units and multiple time scales.

* :func:`memory_horizon`: how many steps an impulse response takes to fall
  to ``1/e`` of its first value (the memory of a leaky unit).
* :func:`path_lengths`: the shortest paths through an unrolled graph whose
  groups of units are connected to themselves with different delays, as when
  length-one connections are removed and replaced by longer ones.
* :func:`clockwork_mask` and :func:`update_schedule`: the structure of a
  Clockwork RNN (Koutník et al., 2014): which modules read which, and which
  modules update at which step.
* :func:`multi_period_signal`, :class:`ClockworkGenerator`,
  :class:`LSTMGenerator` and :func:`fit_generator`: the sequence-generation
  task of the Clockwork RNN paper, on a synthetic target: networks driven by
  a constant input learn to output one fixed sequence.

Time steps of a Clockwork RNN are counted from ``t = 0``, as in the
specification of the chapter's exercise: every module updates at ``t = 0``.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch

from .training import train

__all__ = ["memory_horizon", "path_lengths", "clockwork_mask", "update_schedule", "multi_period_signal",
           "ClockworkGenerator", "LSTMGenerator", "fit_generator", "generation_mse"]


def memory_horizon(response: torch.Tensor) -> torch.Tensor:
    """The first lag at which each impulse response has fallen to ``1/e`` of its value at lag 0.

    Args:
        response: ``(..., L)``, responses at lags ``0 .. L-1`` (positive at lag 0).

    Returns:
        A long tensor of shape ``response.shape[:-1]``: the smallest ``n`` with
        ``response[..., n] <= response[..., 0] / e``.

    Raises:
        ValueError: if a response never gets that low within its ``L`` lags.
    """
    below = response <= response[..., :1] / math.e
    if not below.any(dim=-1).all():
        raise ValueError(f"a response of length {response.shape[-1]} never falls to 1/e of its start: "
                         "simulate more steps")
    return below.int().argmax(dim=-1)


def path_lengths(delays: Sequence[int], L: int) -> list[float]:
    """Shortest paths, counted in connections, from step 0 to each step ``0 .. L`` of an unrolled graph.

    The hidden units form groups; group ``g`` is connected to itself with delay
    ``delays[g]`` (from step ``s`` to step ``s + delays[g]``), and every group
    feeds every *other* group with delay 1. One group with delay 1 is the
    ordinary recurrent network; a group with a longer delay has had its
    length-one self-connections removed and replaced by longer ones. A path
    may start and end in any group.

    Returns:
        ``L + 1`` numbers: the fewest connections between step 0 and step
        ``l``, or ``math.inf`` where no path exists.
    """
    if not delays or any(d < 1 for d in delays) or L < 0:
        raise ValueError(f"need delays >= 1 and L >= 0, got delays={list(delays)}, L={L}")
    G = len(delays)
    fewest = [[0.0] * G] + [[math.inf] * G for _ in range(L)]   # fewest[s][g]: paths ending in group g
    for s in range(1, L + 1):
        for g, d in enumerate(delays):
            along_group = fewest[s - d][g] + 1 if s >= d else math.inf
            from_others = min((fewest[s - 1][other] for other in range(G) if other != g), default=math.inf) + 1
            fewest[s][g] = min(along_group, from_others)
    return [min(row) for row in fewest]


def _module_periods(periods: Sequence[int], module_size: int) -> torch.Tensor:
    """The period of each hidden unit, ``(len(periods) * module_size,)``."""
    if not periods or any(int(p) != p or p < 1 for p in periods) or module_size < 1:
        raise ValueError(f"need positive integer periods and module_size >= 1, got {list(periods)}, {module_size}")
    return torch.tensor([int(p) for p in periods]).repeat_interleave(module_size)


def clockwork_mask(periods: Sequence[int], module_size: int = 1) -> torch.Tensor:
    """Which recurrent weights a Clockwork RNN keeps: ``(H, H)`` bool, ``H = len(periods) * module_size``.

    Entry ``(i, j)`` is True when unit ``i`` reads unit ``j``: when the period
    of ``j``'s module is at least that of ``i``'s. Faster modules read slower
    ones, never the reverse; modules of equal period read each other.
    """
    unit_periods = _module_periods(periods, module_size)
    return unit_periods[None, :] >= unit_periods[:, None]


def update_schedule(periods: Sequence[int], T: int) -> torch.Tensor:
    """``(T, G)`` bool: module ``g`` updates at step ``t = 0 .. T-1`` iff ``t % periods[g] == 0``."""
    unit_periods = _module_periods(periods, 1)
    return torch.arange(T)[:, None] % unit_periods[None, :] == 0


def multi_period_signal(T: int = 320, periods: Sequence[float] = (7, 23, 61, 160), seed: int = 0,
                        peak: float = 0.9, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """A target sequence mixing several periods: ``sum_k sin(2 pi t / periods[k] + phase_k)``.

    The phases are uniform in ``[0, 2 pi)``, drawn with ``seed``; the sum over
    ``t = 1 .. T`` is scaled so that its largest magnitude is ``peak``.

    Returns ``(T,)`` of ``dtype``.
    """
    if T < 1 or not periods:
        raise ValueError(f"need T >= 1 and at least one period, got T={T}, periods={list(periods)}")
    generator = torch.Generator().manual_seed(seed)
    phases = 2 * math.pi * torch.rand(len(periods), generator=generator, dtype=torch.float64)
    t = torch.arange(1, T + 1, dtype=torch.float64)[:, None]
    signal = torch.sin(2 * math.pi * t / torch.tensor(periods, dtype=torch.float64) + phases).sum(dim=1)
    return (peak * signal / signal.abs().max()).to(dtype)


def _normal_(parameters, std: float, generator: torch.Generator) -> None:
    with torch.no_grad():
        for parameter in parameters:
            parameter.copy_(std * torch.randn(parameter.shape, generator=generator, dtype=parameter.dtype))


class ClockworkGenerator(torch.nn.Module):
    """A Clockwork RNN driven by the constant input ``x = 1`` and read out linearly.

    The ``H = len(periods) * module_size`` hidden units form modules; for
    ``t = 0 .. T-1``, starting from ``h = 0``, module ``g`` computes

        ``h_g(t) = tanh(b_g + U_g + [(W * M) h(t-1)]_g)``  if ``t % periods[g] == 0``,
        ``h_g(t) = h_g(t-1)``                             otherwise,

    with ``M = clockwork_mask(periods, module_size)``, and the output is
    ``y(t) = c + V h(t)``. One module of period 1 is a simple recurrent
    network (SRN). Every parameter starts from ``N(0, init_std^2)`` drawn with
    ``seed``, as in Koutník et al. (2014).
    """

    def __init__(self, periods: Sequence[int], module_size: int, *, seed: int = 0, init_std: float = 0.1,
                 dtype: torch.dtype = torch.float64):
        super().__init__()
        self.periods = [int(p) for p in periods]
        mask = clockwork_mask(self.periods, module_size)
        H = mask.shape[0]
        self.register_buffer("mask", mask.to(dtype))
        self.register_buffer("unit_periods", _module_periods(self.periods, module_size))
        self.U = torch.nn.Parameter(torch.empty(H, 1, dtype=dtype))
        self.W = torch.nn.Parameter(torch.empty(H, H, dtype=dtype))
        self.b = torch.nn.Parameter(torch.empty(H, dtype=dtype))
        self.V = torch.nn.Parameter(torch.empty(1, H, dtype=dtype))
        self.c = torch.nn.Parameter(torch.empty(1, dtype=dtype))
        _normal_(self.parameters(), init_std, torch.Generator().manual_seed(seed))

    def parameter_count(self) -> int:
        """The weights that can change the output: ``U, b, V, c`` and the kept entries of ``W``."""
        H = self.W.shape[0]
        return int(self.mask.sum().item()) + 3 * H + 1

    def forward(self, T: int) -> torch.Tensor:
        """The outputs ``y(0) .. y(T-1)``, ``(T,)``."""
        kept_W = self.W * self.mask
        drive = self.b + self.U[:, 0]                       # b + U x(t) with x(t) = 1
        active = torch.arange(T)[:, None] % self.unit_periods == 0   # (T, H)
        h, states = self.b.new_zeros(self.b.shape), []
        for t in range(T):
            h = torch.where(active[t], torch.tanh(drive + kept_W @ h), h)
            states.append(h)
        return torch.stack(states) @ self.V[0] + self.c


class LSTMGenerator(torch.nn.Module):
    """An LSTM layer (``torch.nn.LSTM``) driven by the constant input ``x = 1`` and read out linearly.

    Starts from zero states; every parameter starts from ``N(0, init_std^2)``
    drawn with ``seed``, like :class:`ClockworkGenerator`.
    """

    def __init__(self, hidden_size: int, *, seed: int = 0, init_std: float = 0.1,
                 dtype: torch.dtype = torch.float64):
        super().__init__()
        self.lstm = torch.nn.LSTM(1, hidden_size, dtype=dtype)
        self.readout = torch.nn.Linear(hidden_size, 1, dtype=dtype)
        _normal_(self.parameters(), init_std, torch.Generator().manual_seed(seed))

    def parameter_count(self) -> int:
        """All the parameters, as PyTorch counts them (two bias vectors per gate)."""
        return sum(p.numel() for p in self.parameters())

    def forward(self, T: int) -> torch.Tensor:
        """The outputs ``y(0) .. y(T-1)``, ``(T,)``."""
        ones = torch.ones(T, 1, 1, dtype=self.readout.weight.dtype)
        outputs, _ = self.lstm(ones)
        return self.readout(outputs[:, 0])[:, 0]


def generation_mse(model: torch.nn.Module, target: torch.Tensor) -> float:
    """The mean squared error between ``model(T)`` and ``target (T,)``, without gradients."""
    with torch.no_grad():
        return torch.nn.functional.mse_loss(model(len(target)), target).item()


def fit_generator(model: torch.nn.Module, target: torch.Tensor, steps: int, lr: float = 1e-2,
                  clip_norm: float | None = 1.0) -> list[float]:
    """Train a generator (``model(T) -> (T,)``) to output ``target (T,)``: Adam on the mean
    squared error of the whole sequence (full back-propagation through time), the gradient
    norm clipped to ``clip_norm``. Returns the loss of every step."""
    return train(model.parameters(), lambda step: torch.nn.functional.mse_loss(model(len(target)), target),
                 steps, lr=lr, clip_norm=clip_norm)
