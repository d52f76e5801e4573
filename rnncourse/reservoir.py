"""Helpers of chapter 9, echo state networks.

* :func:`mackey_glass`: the Mackey–Glass delay-differential equation
  ``dx/dt = a x(t - tau) / (1 + x(t - tau)^n) - b x(t)``, integrated by the
  classical Runge–Kutta scheme on a grid of step ``h``; the delayed value at
  a half step is the cubic (four-point Lagrange) interpolation of the stored
  grid values (one-sided where the history's derivative jumps, at t = 0), so
  the scheme is fourth-order away from the breaking points of the solution.
* :func:`nrmse`: the normalised root-mean-square error ``sqrt(MSE / var)``.
* :class:`EchoStateNetwork`: a reservoir drawn from an :class:`ESNConfig`, driven
  by a whole input (any batch of sequences at once) and run in closed loop
  (the output fed back as the next input); :class:`Readout`, the linear
  readout, fitted by ridge regression as one least-squares problem.
* :class:`MackeyGlassESN` and :func:`fit_esn`: the chapter's prediction set-up
  (teacher-forced states, washout, readout, one-step and free-run errors);
  :func:`sweep_radius` and :func:`sweep_ridge`; :func:`state_distances`: the
  echo state property, two copies of a reservoir driven by the same input
  from different states.
* :func:`plot_sweep` and :func:`plot_distances`: the chapter's figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Optional, Sequence

import numpy as np
import torch

__all__ = ["mackey_glass", "nrmse", "ESNConfig", "EchoStateNetwork", "Readout", "MackeyGlassESN", "fit_esn",
           "sweep_radius", "sweep_ridge", "state_distances", "plot_sweep", "plot_distances"]


# --------------------------------------------------------------------------
# the Mackey–Glass series


def mackey_glass(length: int, tau: float = 17.0, h: float = 0.1, sample_every: float = 1.0,
                 discard: float = 1000.0, x_history: float = 1.2, a: float = 0.2, b: float = 0.1,
                 n: int = 10) -> np.ndarray:
    """Samples of the Mackey–Glass system, one every ``sample_every`` time units.

    ``x(t) = x_history`` for ``t <= 0``; the first ``discard`` time units (the
    transient towards the attractor) are dropped. Integration: classical RK4 with
    step ``h``; ``tau``, ``sample_every`` and ``discard`` must be multiples of ``h``
    (``tau >= 3 h``). The delayed value at the midpoint of a step,
    ``x(t + h/2 - tau)``, is interpolated from the four grid values around it,
    ``(-x[j-1] + 9 x[j] + 9 x[j+1] - x[j+2]) / 16`` (error O(h^4)); it is the
    constant history before t = 0 and, on the first step after t = 0, where the
    history's derivative jumps, the one-sided ``(5 x[j] + 15 x[j+1] - 5 x[j+2] + x[j+3]) / 16``.

    Returns:
        A float64 array ``(length,)``: ``x(discard + k * sample_every)``, k = 0..length-1.
    """
    def steps(duration: float, name: str) -> int:
        count = round(duration / h)
        if abs(count * h - duration) > 1e-9 * max(1.0, duration):
            raise ValueError(f"{name} = {duration} is not a multiple of the step h = {h}")
        return count

    lag, every, skip = steps(tau, "tau"), steps(sample_every, "sample_every"), steps(discard, "discard")
    if lag < 3:
        raise ValueError(f"tau = {tau} must be at least three steps h = {h}")
    total = skip + every * (length - 1)
    x = [x_history] * (lag + 1) + [0.0] * total        # x[i] = x((i - lag) h); x[lag] = x(0)

    def f(now: float, delayed: float) -> float:
        return a * delayed / (1.0 + delayed ** n) - b * now

    for i in range(lag, lag + total):
        back = i - lag                                  # x[back] = x(t - tau)
        if back < lag:                                  # t - tau + h/2 < 0: the constant history
            middle = x_history
        elif back == lag:                               # x' jumps at t = 0: interpolate from the right
            middle = (5.0 * x[back] + 15.0 * x[back + 1] - 5.0 * x[back + 2] + x[back + 3]) / 16.0
        else:
            middle = (-x[back - 1] + 9.0 * x[back] + 9.0 * x[back + 1] - x[back + 2]) / 16.0
        now = x[i]
        k1 = f(now, x[back])
        k2 = f(now + 0.5 * h * k1, middle)
        k3 = f(now + 0.5 * h * k2, middle)
        k4 = f(now + h * k3, x[back + 1])
        x[i + 1] = now + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return np.array(x[lag + skip::every][:length])


def nrmse(prediction, target, variance: Optional[float] = None) -> float:
    """sqrt(mean((prediction - target)^2) / variance), the variance of ``target``
    unless given (for a short target, give the variance of the whole series)."""
    prediction = torch.as_tensor(prediction, dtype=torch.float64)
    target = torch.as_tensor(target, dtype=torch.float64)
    spread = target.var(unbiased=False).item() if variance is None else variance
    return math.sqrt(((prediction - target) ** 2).mean().item() / spread)


# --------------------------------------------------------------------------
# the echo state network and its readout


@dataclass(frozen=True)
class ESNConfig:
    """An ESN for a scalar series: n units, the reservoir's spectral radius and density,
    the leaking rate, the input weights uniform in [-input_scale, input_scale], the ridge,
    and the seed of the generator that draws the weights."""
    n: int = 500
    spectral_radius: float = 1.0
    density: float = 0.1
    leak_rate: float = 1.0
    input_scale: float = 1.0
    ridge: float = 1e-10
    seed: int = 0


class EchoStateNetwork:
    """A fixed random reservoir read by one scalar input, float64, on the CPU.

    Drawn from one generator seeded with ``config.seed``: the reservoir ``W (n, n)``
    (each entry kept with probability ``config.density``, uniform in [-1, 1], the
    matrix then scaled to the spectral radius ``config.spectral_radius``), then the
    input weights ``W_in (n, 1)``, uniform in [-input_scale, input_scale]. No bias.
    States are rows: a batch of states is ``(..., n)``.
    """

    def __init__(self, config: ESNConfig):
        self.config = config
        generator = torch.Generator().manual_seed(config.seed)

        def draw(*shape: int) -> torch.Tensor:
            return torch.rand(*shape, generator=generator, dtype=torch.float64)

        n = config.n
        entries = 2 * draw(n, n) - 1
        sparse = torch.where(draw(n, n) < config.density, entries, 0.0)
        largest = torch.linalg.eigvals(sparse).abs().max()
        self.W = sparse * (config.spectral_radius / largest)
        self.W_in = config.input_scale * (2 * draw(n, 1) - 1)

    def step(self, x: torch.Tensor, drive: torch.Tensor) -> torch.Tensor:
        """One leaky update, x <- (1 - a) x + a tanh(drive + W x), for states ``x (..., n)``
        and the input's share ``drive = W_in u``, ``(..., n)``."""
        a = self.config.leak_rate
        return (1 - a) * x + a * torch.tanh(drive + x @ self.W.T)

    def drive(self, u: torch.Tensor, start: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The states x(1..T) while reading ``u (T, ..., 1)`` (any batch shape), from
        x(0) = ``start (..., n)``, zeros by default: ``(T, ..., n)``."""
        pushes = u @ self.W_in.T                       # W_in u(t) for all t at once
        found = torch.empty_like(pushes)
        x = pushes.new_zeros(pushes.shape[1:]) if start is None else start
        for t in range(len(pushes)):
            x = found[t] = self.step(x, pushes[t])
        return found

    def generate(self, readout: "Readout", start: torch.Tensor, last_input: torch.Tensor,
                 steps: int) -> torch.Tensor:
        """The closed loop from x(0) = ``start (..., n)`` and u(0) = ``last_input (..., 1)``:
        each output y(t) = readout(x(t)) is the next input. Returns y(1..steps), ``(steps, ..., 1)``."""
        x, u = start, last_input
        generated = u.new_empty((steps, *u.shape))
        for t in range(steps):
            x = self.step(x, u @ self.W_in.T)
            u = generated[t] = readout(x)
        return generated


@dataclass(frozen=True)
class Readout:
    """The linear readout y = weights x + bias: ``weights (K, n)``, ``bias (K,)``."""
    weights: torch.Tensor
    bias: torch.Tensor

    def __call__(self, states: torch.Tensor) -> torch.Tensor:
        """The outputs ``(..., K)`` of states ``(..., n)``."""
        return states @ self.weights.T + self.bias

    @classmethod
    def fit(cls, states: torch.Tensor, targets: torch.Tensor, ridge: float) -> "Readout":
        """Ridge regression of ``targets (T, K)`` on ``states (T, n)``, the bias not penalised,
        as one least-squares problem: the design [states, 1] stacked on the rows
        [sqrt(ridge) I, 0], the targets on zeros. Its normal equations are the ridge's,
        but QR on the tall matrix never forms the Gram matrix, whose condition is the square.
        The driver is plain QR (``gels``): the default, pivoting ``gelsy``, rounds differently
        from one call to the next, and a closed loop amplifies such differences."""
        count = states.shape[1]
        design = torch.cat([torch.cat([states, states.new_ones(len(states), 1)], dim=1),
                            math.sqrt(ridge) * torch.eye(count, count + 1, dtype=states.dtype, device=states.device)])
        wanted = torch.cat([targets, targets.new_zeros(count, targets.shape[1])])
        theta = torch.linalg.lstsq(design, wanted, driver="gels").solution  # (n + 1, K): weights, bias
        return cls(theta[:count].T, theta[count])


# --------------------------------------------------------------------------
# the chapter's prediction set-up


class MackeyGlassESN:
    """An :class:`EchoStateNetwork` driven by a scalar series ``u (T,)`` (float64), its states kept.

    ``states[t]`` is x(t+1), the state after reading ``u[t]``: the readout fitted on
    it predicts ``u[t+1]``.
    """

    def __init__(self, config: ESNConfig, u: torch.Tensor):
        self.config = config
        self.network = EchoStateNetwork(config)
        self.u = u
        self.states = self.network.drive(u[:, None])

    def fit(self, washout: int, train_end: int, ridge: float) -> Readout:
        """The readout fitted on the states after ``washout`` steps up to ``train_end``."""
        return Readout.fit(self.states[washout:train_end - 1], self.u[washout + 1:train_end, None], ridge)

    def one_step(self, readout: Readout, start: int, stop: int) -> torch.Tensor:
        """Teacher-forced predictions of u[start .. stop-1], each from the true past."""
        return readout(self.states[start - 1:stop - 1])[:, 0]

    def free_runs(self, readout: Readout, starts: Sequence[int], steps: int) -> torch.Tensor:
        """Free runs of ``steps`` from each start s (the reservoir teacher-forced up to u[s - 1],
        then fed its own outputs): predictions of u[s .. s + steps - 1], ``(steps, len(starts))``."""
        index = torch.as_tensor(list(starts))
        # x(s-1) read u[s-2]; the free run's first update reads u[s-1] and predicts u[s].
        return self.network.generate(readout, self.states[index - 2], self.u[index - 1, None], steps)[..., 0]

    def scores(self, readout: Readout, test_start: int, starts: Sequence[int], horizon: int = 84) -> dict:
        """The readout's errors after ``test_start``, normalised by the variance of the whole series:

        * ``one_step``: NRMSE of the teacher-forced predictions of u[test_start .. max(starts) + horizon),
        * ``free_run``: NRMSE of the free runs from ``starts`` over all their ``horizon`` steps,
        * ``at_horizon``: NRMSE of the free runs' last step only (Jaeger's NRMSE84 for 84 steps),

        with the runs ``(horizon, len(starts))`` and the true values ``truth`` beside them."""
        variance = self.u.var(unbiased=False).item()
        stop = max(starts) + horizon
        runs = self.free_runs(readout, starts, horizon)
        truth = torch.stack([self.u[s:s + horizon] for s in starts], dim=1)
        return {"one_step": nrmse(self.one_step(readout, test_start, stop), self.u[test_start:stop], variance),
                "free_run": nrmse(runs, truth, variance), "at_horizon": nrmse(runs[-1], truth[-1], variance),
                "runs": runs, "truth": truth}


def fit_esn(u: torch.Tensor, config: ESNConfig, washout: int, train_end: int, starts: Sequence[int],
            horizon: int = 84) -> dict:
    """Fit one ESN on ``u[washout:train_end]`` and score it after ``train_end``
    (:meth:`MackeyGlassESN.scores`); the network and its readout are returned too."""
    esn = MackeyGlassESN(config, u)
    readout = esn.fit(washout, train_end, config.ridge)
    return {**esn.scores(readout, train_end, starts, horizon), "esn": esn, "readout": readout}


def sweep_radius(u: torch.Tensor, config: ESNConfig, radii: Sequence[float], washout: int, train_end: int,
                 starts: Sequence[int], horizon: int = 84) -> dict:
    """NRMSEs (one_step, free_run, at_horizon: lists over ``radii``) of ESNs that differ from
    ``config`` only by their spectral radius."""
    found = {"one_step": [], "free_run": [], "at_horizon": []}
    for radius in radii:
        result = fit_esn(u, replace(config, spectral_radius=float(radius)), washout, train_end, starts, horizon)
        for key, values in found.items():
            values.append(result[key])
    return found


def sweep_ridge(esn: MackeyGlassESN, ridges: Sequence[float], washout: int, train_end: int,
                starts: Sequence[int], horizon: int = 84) -> dict:
    """NRMSEs (lists over ``ridges``) of readouts fitted with each ridge on the same reservoir."""
    found = {"one_step": [], "free_run": [], "at_horizon": []}
    for ridge in ridges:
        result = esn.scores(esn.fit(washout, train_end, float(ridge)), train_end, starts, horizon)
        for key, values in found.items():
            values.append(result[key])
    return found


def state_distances(network: EchoStateNetwork, u: torch.Tensor, generator: torch.Generator,
                    scale: float = 1.0) -> torch.Tensor:
    """|x(t) - x'(t)| for t = 1..T: two copies of ``network`` driven by the same ``u (T, 1)``
    from two random states uniform in [-scale, scale]^n."""
    n = network.config.n
    starts = scale * (2 * torch.rand(2, n, generator=generator, dtype=network.W.dtype) - 1)
    both = network.drive(u[:, None].expand(-1, 2, -1), start=starts)
    return (both[:, 0] - both[:, 1]).norm(dim=-1)


# --------------------------------------------------------------------------
# figures


def plot_sweep(axes, radii: Sequence[float], by_radius: dict, ridges: Sequence[float], by_ridge: dict):
    """Two panels: the error against the spectral radius (one line per measure in
    ``by_radius``: name -> values) and against the ridge (``by_ridge`` likewise)."""
    left, right = axes
    for name, values in by_radius.items():
        left.semilogy(radii, values, marker="o", label=name)
    left.set_xlabel("spectral radius of W")
    left.set_ylabel("NRMSE")
    left.legend()
    for name, values in by_ridge.items():
        right.loglog(ridges, values, marker="o", label=name)
    right.set_xlabel("ridge")
    right.set_ylabel("NRMSE")
    right.legend()
    for ax in axes:
        ax.grid(True, which="major", alpha=0.3)


def plot_distances(ax, distances: dict):
    """The distance between two copies of a reservoir against time, one line per
    spectral radius (``distances``: radius -> (T,) tensor)."""
    for radius, d in distances.items():
        ax.semilogy(np.arange(1, len(d) + 1), d.clamp(min=1e-17).numpy(), label=f"radius {radius:g}")
    ax.set_xlabel("time step t")
    ax.set_ylabel("|x(t) - x'(t)|")
    ax.legend()
    ax.grid(True, which="major", alpha=0.3)
