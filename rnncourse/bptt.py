"""Helpers of chapter 4, back-propagation through time (BPTT).

* :class:`SavedTensors` counts the memory that autograd keeps for the backward
  pass while a graph is built: a deterministic measure of the memory cost of
  BPTT, the same on every machine (unlike timings or peak-RSS readings).
* :func:`draw_gradient_flow` draws the unrolled graph of a recurrent network with
  an output at every step, its forward arrows and the backward flow of the
  gradients, optionally cut into chunks as in truncated BPTT.

The drawing follows the conventions of :mod:`rnncourse.graphs` (colours, node
shapes) and returns a :class:`matplotlib.figure.Figure` made without pyplot.
Every node and arrow carries a ``gid`` (``"node:h(2)"``, ``"forward:h(1)->h(2)"``,
``"backward:h(2)->h(1)"``, ``"cut:2|3"``) so that a drawing can be inspected.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

__all__ = ["SavedTensors", "draw_gradient_flow"]


class SavedTensors:
    """Context manager that records the tensors autograd saves for the backward pass.

    Inside ``with SavedTensors() as saved:`` every tensor that an operation saves
    for its backward is recorded (through ``torch.autograd.graph.saved_tensors_hooks``).
    Afterwards ``saved.nbytes`` is the number of bytes of the *distinct* saved tensors,
    each counted once by the bytes it spans (``numel * element_size``): a parameter
    saved at every step is counted once, a hidden state saved by two operations too.
    ``saved.count`` is the number of distinct tensors. The references are dropped
    when the block ends; the graph itself is not changed.
    """

    def __init__(self) -> None:
        self.nbytes = 0
        self.count = 0
        self._seen: dict[tuple, torch.Tensor] = {}
        self._hooks = torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)

    def _pack(self, tensor: torch.Tensor) -> torch.Tensor:
        key = (tensor.device, tensor.data_ptr(), tensor.dtype, tuple(tensor.shape), tuple(tensor.stride()))
        if key not in self._seen:
            # keeping a reference makes the address unique while we count
            self._seen[key] = tensor
            self.nbytes += tensor.numel() * tensor.element_size()
            self.count += 1
        return tensor

    @staticmethod
    def _unpack(tensor: torch.Tensor) -> torch.Tensor:
        return tensor

    def __enter__(self) -> SavedTensors:
        self._hooks.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._hooks.__exit__(*exc)
        self._seen.clear()


# ----------------------------------------------------------------------------- drawing

# kind -> (fill, outline), as in rnncourse.graphs
_COLORS = {
    "input": ("#dcefd5", "#2e7d32"),
    "hidden": ("#d6e6f5", "#1f4e8c"),
    "output": ("#fde3c8", "#b35900"),
    "loss": ("#f8d4d4", "#a61c1c"),
}
_INK = "#333333"
_GRAD = "#c0392b"  # backward arrows
_R = 0.42  # node radius (data units)
_DX = 1.85  # column spacing
_DY = 1.4  # row spacing
_INCH_PER_UNIT = 0.7
_ROWS = {"x": 0.0, "h": _DY, "o": 2 * _DY, "L": 3 * _DY}
_KINDS = {"x": "input", "h": "hidden", "o": "output", "L": "loss"}


def _label(symbol: str, t: int) -> str:
    bold = symbol if symbol == "L" else rf"\boldsymbol{{{symbol}}}"
    return f"${bold}^{{({t})}}$"


def _node(ax, symbol: str, t: int, x: float) -> None:
    face, edge = _COLORS[_KINDS[symbol]]
    y = _ROWS[symbol]
    style = dict(facecolor=face, edgecolor=edge, lw=1.6, zorder=2, gid=f"node:{symbol}({t})")
    if symbol == "L":
        s = 0.88 * _R
        ax.add_patch(FancyBboxPatch((x - s, y - s), 2 * s, 2 * s, boxstyle="round,pad=0,rounding_size=0.09",
                                    **style))
    else:
        ax.add_patch(Circle((x, y), _R, **style))
    ax.text(x, y, _label(symbol, t), ha="center", va="center", fontsize=12, zorder=3, color="#111111")


def _arrow(ax, start, end, gid: str, backward: bool, label: str | None = None, label_at: float = 0.5) -> None:
    """A solid forward arrow, or a dashed backward one shifted to its right, between two node centres.

    The label goes right of a vertical arrow and below a horizontal one (the
    backward arrow of a horizontal pair runs above it), at the fraction ``label_at``
    of its length.
    """
    p0, p1 = np.asarray(start, float), np.asarray(end, float)
    d = (p1 - p0) / np.linalg.norm(p1 - p0)
    gap = _R + 0.03
    p0, p1 = p0 + gap * d, p1 - gap * d
    if backward:
        normal = np.array([d[1], -d[0]])  # to the right of the direction of travel
        p0, p1 = p0 + 0.17 * normal, p1 + 0.17 * normal
    ax.add_patch(FancyArrowPatch(tuple(p0), tuple(p1), arrowstyle="-|>", mutation_scale=12,
                                 lw=1.5 if backward else 1.3, color=_GRAD if backward else _INK,
                                 ls="--" if backward else "-", connectionstyle="arc3,rad=0",
                                 shrinkA=0, shrinkB=0, zorder=1, gid=gid))
    if label:
        normal = np.array([abs(d[1]), -abs(d[0])])  # right of vertical, below horizontal
        ax.text(*(p0 + label_at * (p1 - p0) + 0.2 * normal), label, ha="center", va="center", fontsize=10,
                color=_INK, zorder=3)


def draw_gradient_flow(T: int = 5, chunk: int | None = None) -> Figure:
    """The unrolled graph of a recurrent network with an output at every step, and its gradients.

    Columns ``t = 1..T`` hold ``x(t)``, ``h(t)``, ``o(t)`` and the loss ``L(t)``;
    solid arrows are the forward computation (labelled ``U``, ``W``, ``V``), red
    dashed arrows the backward flow of the gradient: ``L(t) -> o(t) -> h(t)`` and
    ``h(t+1) -> h(t)``.

    chunk: if given, truncated BPTT with chunks of ``chunk`` steps: a dotted line
           marks each chunk boundary, the forward arrow crosses it (the state is
           carried) but no backward arrow does (the state is detached).
    """
    if T < 1 or (chunk is not None and chunk < 1):
        raise ValueError(f"need T >= 1 and chunk >= 1, got T={T}, chunk={chunk}")
    width, height = (T - 1) * _DX + 1.5, 3 * _DY + 1.6
    fig = Figure(figsize=(width * _INCH_PER_UNIT, (height + 0.6) * _INCH_PER_UNIT), layout="constrained")
    ax = fig.add_subplot()
    xs = {t: (t - 1) * _DX for t in range(1, T + 1)}
    for t, x in xs.items():
        for symbol in ("x", "h", "o", "L"):
            _node(ax, symbol, t, x)
        _arrow(ax, (x, _ROWS["x"]), (x, _ROWS["h"]), f"forward:x({t})->h({t})", False, "$U$")
        _arrow(ax, (x, _ROWS["h"]), (x, _ROWS["o"]), f"forward:h({t})->o({t})", False, "$V$")
        _arrow(ax, (x, _ROWS["o"]), (x, _ROWS["L"]), f"forward:o({t})->L({t})", False)
        _arrow(ax, (x, _ROWS["L"]), (x, _ROWS["o"]), f"backward:L({t})->o({t})", True)
        _arrow(ax, (x, _ROWS["o"]), (x, _ROWS["h"]), f"backward:o({t})->h({t})", True)
    for t in range(1, T):
        left, right = (xs[t], _ROWS["h"]), (xs[t + 1], _ROWS["h"])
        cut = chunk is not None and t % chunk == 0
        _arrow(ax, left, right, f"forward:h({t})->h({t + 1})", False, "$W$", 0.25 if cut else 0.5)
        if cut:
            x_cut = (xs[t] + xs[t + 1]) / 2
            ax.add_line(Line2D([x_cut, x_cut], [-0.55, 3 * _DY + 0.55], color=_GRAD, lw=1.2, ls=":",
                               gid=f"cut:{t}|{t + 1}"))
            ax.text(x_cut, -0.75, "detach", ha="center", va="center", fontsize=9, color=_GRAD, style="italic")
        else:
            _arrow(ax, right, left, f"backward:h({t + 1})->h({t})", True)
    handles = [Line2D([], [], color=_INK, lw=1.3, label="forward"),
               Line2D([], [], color=_GRAD, lw=1.5, ls="--", label="backward (gradient)")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=2, frameon=False,
              fontsize=9)
    ax.set_xlim(-0.75, xs[T] + 0.75)
    ax.set_ylim(-1.0, 3 * _DY + 0.6)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig
