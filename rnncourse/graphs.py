"""Drawings of recurrent computational graphs, with matplotlib only.

Every public function returns a :class:`matplotlib.figure.Figure` (made without
pyplot, so nothing is shown or kept alive behind your back; in a notebook the
figure is displayed when it is the last expression of a cell).

Conventions of the drawings (those of the course notes):

* circles are variables: inputs ``x`` (green), hidden states ``h`` or system
  states ``s`` (blue), outputs ``o`` (orange), targets ``y`` (grey); rounded
  squares are losses ``L`` (red); a dashed outline stands for "more steps";
* an arrow is a dependency, labelled by the weight matrix it uses
  (``U`` input-to-hidden, ``W`` recurrent, ``V`` hidden-to-output);
* a small black square on an arrow is a delay of one time step: the arrow
  feeds the value of the *previous* step.

Every node, arrow and delay marker carries a ``gid`` (``"node:h(t)"``,
``"edge:h(t-1)->h(t)"``, ``"delay:h->h"``) so that a drawing can be inspected,
e.g. by the tests: ``[p.get_gid() for p in fig.axes[0].patches]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.path import Path

__all__ = ["draw_dynamical_system", "draw_design_pattern", "draw_input_cases", "draw_teacher_forcing",
           "PATTERNS"]

#: The three design patterns of the notes, by name.
PATTERNS = ("hidden_recurrence", "output_recurrence", "single_output")

# kind -> (fill, outline); colour-blind-safe hues, light fills for readability
_COLORS = {
    "input": ("#dcefd5", "#2e7d32"),
    "hidden": ("#d6e6f5", "#1f4e8c"),
    "output": ("#fde3c8", "#b35900"),
    "target": ("#ececec", "#555555"),
    "loss": ("#f8d4d4", "#a61c1c"),
    "layer": ("#ece2f4", "#5e3c99"),
}
_INK = "#333333"
_R = 0.42  # node radius (data units)
_DX = 1.85  # column spacing
_DY = 1.4  # row spacing
_INCH_PER_UNIT = 0.7
_ELLIPSIS = "..."


@dataclass
class _Node:
    x: float
    y: float
    label: str
    kind: str
    dashed: bool = False


@dataclass
class _Diagram:
    """Nodes and arrows in data coordinates, drawn later on one axes."""

    nodes: dict[str, _Node] = field(default_factory=dict)
    edges: list[tuple] = field(default_factory=list)  # (src, dst, label, rad, delay, side)
    loops: list[tuple] = field(default_factory=list)  # (name, label, angle)
    notes: list[tuple] = field(default_factory=list)  # (x, y, text, size, style)
    arrows: list[tuple] = field(default_factory=list)  # big "unfold" arrows: (x0, x1, y)

    def node(self, name, x, y, label, kind, dashed=False):
        self.nodes[name] = _Node(x, y, label, kind, dashed)

    def edge(self, src, dst, label=None, rad=0.0, delay=False, side=1):
        self.edges.append((src, dst, label, rad, delay, side))

    def draw(self, ax) -> None:
        for name, n in self.nodes.items():
            _draw_node(ax, name, n)
        for src, dst, label, rad, delay, side in self.edges:
            _draw_edge(ax, src, dst, self.nodes[src], self.nodes[dst], label, rad, delay, side)
        for name, label, angle in self.loops:
            _draw_loop(ax, name, self.nodes[name], label, angle)
        for x0, x1, y in self.arrows:
            ax.add_patch(FancyArrowPatch((x0, y), (x1, y), arrowstyle="simple,head_width=0.9,head_length=0.7",
                                         mutation_scale=18, color="#b0b0b0", lw=0, gid="unfold"))
            ax.text((x0 + x1) / 2, y + 0.28, "unfold", ha="center", va="bottom", fontsize=11, color="#707070")
        for x, y, text, size, style in self.notes:
            ax.text(x, y, text, ha="center", va="center", fontsize=size, style=style, color="#606060")
        x0, x1, y0, y1 = self.extent()
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.set_axis_off()

    def extent(self) -> tuple[float, float, float, float]:
        """``(xmin, xmax, ymin, ymax)`` of the drawing in data units, margins included."""
        points = [(n.x, n.y) for n in self.nodes.values()] + [(x, y) for x, y, *_ in self.notes]
        xs, ys = zip(*points)
        return min(xs) - 0.9, max(xs) + 0.9, min(ys) - 0.45, max(ys) + 0.5

    def size(self) -> tuple[float, float]:
        """Width and height of the drawing in data units, margins included."""
        x0, x1, y0, y1 = self.extent()
        return x1 - x0, y1 - y0


def _draw_node(ax, name, n: _Node) -> None:
    face, edge = _COLORS[n.kind]
    style = dict(facecolor=face, edgecolor=edge, lw=1.6, ls="--" if n.dashed else "-", zorder=2,
                 gid=f"node:{name}")
    if n.kind == "loss":
        s = 0.88 * _R
        ax.add_patch(FancyBboxPatch((n.x - s, n.y - s), 2 * s, 2 * s,
                                    boxstyle="round,pad=0,rounding_size=0.09", **style))
    else:
        ax.add_patch(Circle((n.x, n.y), _R, **style))
    ax.text(n.x, n.y, n.label, ha="center", va="center", fontsize=12, zorder=3, color="#111111")


def _boundary(n: _Node, toward: np.ndarray) -> np.ndarray:
    """Point where the segment from the centre of ``n`` toward ``toward`` leaves the node."""
    c = np.array([n.x, n.y])
    d = toward - c
    d = d / np.linalg.norm(d)
    if n.kind == "loss":  # square of half-side 0.88 R
        return c + d * (0.88 * _R / max(abs(d[0]), abs(d[1])))
    return c + d * _R


def _draw_edge(ax, src, dst, a: _Node, b: _Node, label, rad, delay, side) -> None:
    ca, cb = np.array([a.x, a.y]), np.array([b.x, b.y])
    mid = (ca + cb) / 2
    perp = np.array([cb[1] - ca[1], -(cb[0] - ca[0])])  # arc3's control offset direction
    control = mid + rad * perp
    # leave and enter the nodes in the direction of the curve's tangent
    p0, p1 = _boundary(a, control if rad else cb), _boundary(b, control if rad else ca)
    ctrl = (p0 + p1) / 2 + rad * np.array([p1[1] - p0[1], -(p1[0] - p0[0])])
    ax.add_patch(FancyArrowPatch(tuple(p0), tuple(p1), arrowstyle="-|>", mutation_scale=13, lw=1.4,
                                 color=_INK, connectionstyle=f"arc3,rad={rad}", shrinkA=0, shrinkB=0,
                                 zorder=1, gid=f"edge:{src}->{dst}"))
    on_curve = 0.25 * p0 + 0.5 * ctrl + 0.25 * p1  # midpoint of the quadratic Bezier curve
    if delay:
        _delay_square(ax, on_curve, f"delay:{src.split('(')[0]}->{dst.split('(')[0]}")
    if label:
        t = p1 - p0
        normal = np.array([-t[1], t[0]]) / np.linalg.norm(t)
        if normal[0] < 0 or (normal[0] == 0 and normal[1] < 0):
            normal = -normal  # "side=+1" is right of (or above) the arrow
        pos = on_curve + side * normal * (0.2 if not delay else 0.24)
        ax.text(*pos, label, ha="center", va="center", fontsize=11, color=_INK, zorder=3)


def _draw_loop(ax, name, n: _Node, label, angle) -> None:
    c = np.array([n.x, n.y])

    def unit(deg):
        return np.array([np.cos(np.radians(deg)), np.sin(np.radians(deg))])

    p0, p3 = c + _R * unit(angle + 35), c + _R * unit(angle - 35)
    p1, p2 = c + 3.4 * _R * unit(angle + 60), c + 3.4 * _R * unit(angle - 60)
    path = Path([p0, p1, p2, p3], [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])
    ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=13, lw=1.4, color=_INK,
                                 zorder=1, gid=f"edge:{name}->{name}"))
    top = (p0 + 3 * p1 + 3 * p2 + p3) / 8
    base = name.split("(")[0]
    _delay_square(ax, top, f"delay:{base}->{base}")
    ax.text(*(top + 0.28 * unit(angle)), label, ha="center", va="center", fontsize=11, color=_INK)


def _delay_square(ax, xy, gid) -> None:
    s = 0.12
    ax.add_patch(Rectangle((xy[0] - s / 2, xy[1] - s / 2), s, s, color="black", zorder=4, gid=gid))


def _figure(panels: Sequence[tuple[_Diagram, str | None]], ncols: int | None = None) -> Figure:
    """Draw each diagram on its own axes (one row unless ``ncols`` is given)."""
    ncols = ncols or len(panels)
    nrows = -(-len(panels) // ncols)
    widths = [d.size()[0] for d, _ in panels]
    heights = [d.size()[1] for d, _ in panels]
    w = max(sum(widths[i:i + ncols]) for i in range(0, len(panels), ncols))
    h = sum(max(heights[i:i + ncols]) for i in range(0, len(panels), ncols))
    title_room = 0.35 * nrows if any(t for _, t in panels) else 0
    fig = Figure(figsize=(w * _INCH_PER_UNIT, (h + title_room) * _INCH_PER_UNIT), layout="constrained")
    for i, (diagram, title) in enumerate(panels):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        diagram.draw(ax)
        if title:
            ax.set_title(title, fontsize=12, color="#222222")
    return fig


def _math(symbol: str, t: str | None = None) -> str:
    """Mathtext label such as ``h^(t-1)`` in bold; ``t == '...'`` gives ``h^(...)``."""
    bold = symbol if symbol == "L" else rf"\boldsymbol{{{symbol}}}"
    if t is None:
        return f"${bold}$"
    index = r"\ldots" if t == _ELLIPSIS else t
    return f"${bold}^{{({index})}}$"


def _names(symbol: str, times: Sequence[str]) -> list[str]:
    """Unique node names: ``h(t)``, and ``h(...1)``, ``h(...4)`` for ellipsis columns."""
    return [f"{symbol}({t}{i if t == _ELLIPSIS else ''})" for i, t in enumerate(times)]


def _check_times(times: Sequence[str]) -> list[str]:
    times = list(times)
    if not times or all(t == _ELLIPSIS for t in times):
        raise ValueError("times needs at least one time index that is not '...'")
    return times


def draw_dynamical_system(times: Sequence[str] = ("0", "1", "2", _ELLIPSIS, r"\tau"), *,
                          inputs: bool = False, state: str = "s", folded: bool = True) -> Figure:
    """Folded and unrolled graph of ``s(t) = f(s(t-1); θ)`` or, with inputs, ``f(s(t-1), x(t); θ)``.

    times:  the time index of each unrolled column, as mathtext (``"t-1"``, ``r"\\tau"``);
            ``"..."`` draws a dashed "more steps" node; a column ``"0"`` is the
            initial state and gets no input.
    inputs: draw the external inputs ``x(t)`` below the states.
    state:  the letter of the state (``"s"`` for a dynamical system, ``"h"`` for an RNN).
    folded: draw the folded graph (one node, a self-loop with a delay) on the left.
    """
    times = _check_times(times)
    d = _Diagram()
    y_state = _DY if inputs else 0.0
    x0 = 0.0
    if folded:
        d.node(state, 0.0, y_state, _math(state), "hidden")
        d.loops.append((state, "$f$", 180))
        if inputs:
            d.node("x", 0.0, 0.0, _math("x"), "input")
            d.edge("x", state)
        d.notes.append((0.0, -0.85, "folded", 10, "italic"))
        x0 = 3.2
        d.arrows.append((0.85, x0 - 0.95, y_state))
    names = _names(state, times)
    for i, (t, name) in enumerate(zip(times, names)):
        x = x0 + i * _DX
        d.node(name, x, y_state, _math(state, t), "hidden", dashed=t == _ELLIPSIS)
        if i:
            d.edge(names[i - 1], name, "$f$", side=1)
        if inputs and t not in (_ELLIPSIS, "0"):
            d.node(f"x({t})", x, 0.0, _math("x", t), "input")
            d.edge(f"x({t})", name)
    if folded:
        d.notes.append((x0 + (len(times) - 1) * _DX / 2, -0.85, "unrolled", 10, "italic"))
    return _figure([(d, None)])


def _add_output_stack(d: _Diagram, t: str, x: float, h_name: str) -> None:
    """o(t), L(t), y(t) above the hidden node ``h_name``, with V, o->L and y->L arrows."""
    d.node(f"o({t})", x, 2 * _DY, _math("o", t), "output")
    d.node(f"L({t})", x, 3 * _DY, _math("L", t), "loss")
    d.node(f"y({t})", x, 4 * _DY, _math("y", t), "target")
    d.edge(h_name, f"o({t})", "$V$")
    d.edge(f"o({t})", f"L({t})")
    d.edge(f"y({t})", f"L({t})")


def _folded_pattern(d: _Diagram, pattern: str) -> None:
    d.node("x", 0.0, 0.0, _math("x"), "input")
    d.node("h", 0.0, _DY, _math("h"), "hidden")
    d.node("o", 0.0, 2 * _DY, _math("o"), "output")
    d.node("L", 0.0, 3 * _DY, "$L$", "loss")
    d.node("y", 0.0, 4 * _DY, _math("y"), "target")
    d.edge("x", "h", "$U$", side=-1)
    d.edge("h", "o", "$V$", side=-1)
    d.edge("o", "L")
    d.edge("y", "L")
    if pattern == "hidden_recurrence":
        d.loops.append(("h", "$W$", 180))
    else:  # output_recurrence: o(t-1) feeds h(t)
        d.edge("o", "h", "$W$", rad=-0.9, delay=True, side=1)
    d.notes.append((0.0, -0.85, "folded", 10, "italic"))


def draw_design_pattern(pattern: str, times: Sequence[str] | None = None, *, folded: bool | None = None) -> Figure:
    """One of the three design patterns of recurrent networks, as in the notes.

    pattern: ``"hidden_recurrence"`` (an output and a loss at every step, recurrence
             ``h(t-1) -> h(t)`` through ``W``), ``"output_recurrence"`` (an output at
             every step, the only recurrence is ``o(t-1) -> h(t)`` through ``W``) or
             ``"single_output"`` (recurrence ``h -> h``, one output after the whole
             sequence).
    times:   the time index of each unrolled column (``"..."`` for "more steps");
             default ``("...", "t-1", "t", "t+1", "...")``, and
             ``("1", "2", "...", r"\\tau")`` for ``"single_output"``, whose last
             column must be a real step (it carries the output).
    folded:  draw the folded graph on the left (default: yes, except for
             ``"single_output"``, which has no useful folded form).
    """
    if pattern not in PATTERNS:
        raise ValueError(f"pattern must be one of {PATTERNS}, got {pattern!r}")
    single = pattern == "single_output"
    if times is None:
        times = ("1", "2", _ELLIPSIS, r"\tau") if single else (_ELLIPSIS, "t-1", "t", "t+1", _ELLIPSIS)
    times = _check_times(times)
    if single and times[-1] == _ELLIPSIS:
        raise ValueError("the last column of 'single_output' carries the output: it cannot be '...'")
    folded = (not single) if folded is None else folded
    d = _Diagram()
    x0 = 0.0
    if folded:
        _folded_pattern(d, "hidden_recurrence" if single else pattern)
        x0 = 3.2
        d.arrows.append((0.85, x0 - 0.95, _DY))
    h_names, o_names = _names("h", times), _names("o", times)
    for i, t in enumerate(times):
        x, h = x0 + i * _DX, h_names[i]
        d.node(h, x, _DY, _math("h", t), "hidden", dashed=t == _ELLIPSIS)
        if t != _ELLIPSIS:
            d.node(f"x({t})", x, 0.0, _math("x", t), "input")
            d.edge(f"x({t})", h, "$U$")
        if pattern == "output_recurrence":
            if t == _ELLIPSIS:  # a dashed o(...) above the dashed h(...)
                d.node(o_names[i], x, 2 * _DY, _math("o", t), "output", dashed=True)
                d.edge(h, o_names[i], "$V$")
            else:
                _add_output_stack(d, t, x, h)
                o_names[i] = f"o({t})"
            if i:
                d.edge(o_names[i - 1], h, "$W$", side=1)
        else:
            if i:
                d.edge(h_names[i - 1], h, "$W$", side=1)
            if t != _ELLIPSIS and (not single or i == len(times) - 1):
                _add_output_stack(d, t, x, h)
    if folded:
        d.notes.append((x0 + (len(times) - 1) * _DX / 2, -0.85, "unrolled", 10, "italic"))
    return _figure([(d, None)])


def draw_input_cases() -> Figure:
    """The ways a recurrent network can take its input when there is no input sequence.

    Four panels, three steps each (hidden row ``h``, output row ``o``):
    (a) no input: the previous output (a sampled ``y(t-1)``, from a seed ``y(0)``)
    is the next input, through ``U``; (b) one fixed vector ``x`` fed at every
    step through ``R``; (c) ``x`` as the initial state, ``h(0) = tanh(P x)``;
    (d) both.
    """
    steps = ("1", "2", "3")
    panels = []
    for case in ("none", "every_step", "initial_state", "both"):
        d = _Diagram()
        for i, t in enumerate(steps):
            x = i * _DX
            d.node(f"h({t})", x, 0.0, _math("h", t), "hidden")
            d.node(f"o({t})", x, _DY, _math("o", t), "output")
            d.edge(f"h({t})", f"o({t})", "$V$", side=-1)
            if i:
                d.edge(f"h({steps[i - 1]})", f"h({t})", "$W$", side=-1)
        if case == "none":
            d.node("y(0)", -_DX, _DY, _math("y", "0"), "input")
            for prev, t in zip(("y(0)", "o(1)", "o(2)"), steps):
                d.edge(prev, f"h({t})", "$U$", side=1)
        if case in ("every_step", "both"):
            d.node("x", _DX, -1.25 * _DY, _math("x"), "input")
            for t, side in zip(steps, (-1, 1, 1)):
                d.edge("x", f"h({t})", "$R$", side=side)
        if case in ("initial_state", "both"):
            d.node("h(0)", -_DX, 0.0, _math("h", "0"), "hidden")
            d.edge("h(0)", "h(1)", "$W$", side=-1)
            if case == "initial_state":
                d.node("x", -_DX, -1.25 * _DY, _math("x"), "input")
            d.edge("x", "h(0)", "$P$", side=-1)
        # keep the panels the same size: an invisible frame
        d.notes.append((-_DX, -1.25 * _DY, "", 1, "normal"))
        panels.append(d)
    titles = ["(a) no input: output fed back", "(b) one vector $\\boldsymbol{x}$ at every step",
              "(c) $\\boldsymbol{x}$ as the initial state", "(d) both"]
    return _figure(list(zip(panels, titles)), ncols=2)


def draw_teacher_forcing() -> Figure:
    """Teacher forcing in a network with output-to-hidden recurrence, at train and at test time.

    Two panels, steps ``t-1`` and ``t`` each, rows ``x``, ``h``, ``o`` (and, at
    train time, the losses ``L`` and targets ``y``). Train time: the *true*
    previous target ``y(t-1)`` feeds ``h(t)`` through ``W``. Test time: the true
    output is unknown, so the model's own output ``o(t-1)`` feeds ``h(t)``
    through ``W`` (open-loop mode).
    """
    steps = ("t-1", "t")
    panels = []
    for phase in ("train", "test"):
        d = _Diagram()
        for i, t in enumerate(steps):
            x = i * 1.3 * _DX  # wider than usual: room for the long y(t-1) -> h(t) arrow
            d.node(f"x({t})", x, 0.0, _math("x", t), "input")
            d.node(f"h({t})", x, _DY, _math("h", t), "hidden")
            d.edge(f"x({t})", f"h({t})", "$U$", side=-1)
            if phase == "train":
                _add_output_stack(d, t, x, f"h({t})")
            else:
                d.node(f"o({t})", x, 2 * _DY, _math("o", t), "output")
                d.edge(f"h({t})", f"o({t})", "$V$", side=-1)
        if phase == "train":
            d.edge("y(t-1)", "h(t)", "$W$", rad=0.12, side=1)
            d.notes.append((0.65 * _DX, -0.75, "the true output is fed back", 10, "italic"))
        else:
            d.edge("o(t-1)", "h(t)", "$W$", side=1)
            d.notes.append((0.65 * _DX, -0.75, "the model's output is fed back", 10, "italic"))
            d.notes.append((0.0, 4 * _DY, "", 1, "normal"))  # invisible: same height as the train panel
        panels.append(d)
    return _figure(list(zip(panels, ["Train time", "Test time"])))
