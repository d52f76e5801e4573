"""Tests of the shared package rnncourse (graphs and tasks)."""

import io
import subprocess
import sys

import pytest
import torch
from matplotlib.figure import Figure

from rnncourse import graphs, tasks


# ----------------------------------------------------------------------------- helpers

def gids(fig: Figure, prefix: str, ax: int = 0) -> set[str]:
    """The gids of the patches of one axes that start with ``prefix``, prefix removed."""
    return {p.get_gid()[len(prefix):] for p in fig.axes[ax].patches
            if p.get_gid() and p.get_gid().startswith(prefix)}


def texts(fig: Figure, ax: int = 0) -> list[str]:
    return [t.get_text() for t in fig.axes[ax].texts]


def render(fig: Figure) -> None:
    """Render the figure to PNG for real, so that bad mathtext or geometry raises."""
    fig.savefig(io.BytesIO(), format="png")


# ----------------------------------------------------------------------------- package

def test_importing_the_package_imports_neither_matplotlib_nor_torch():
    code = "import sys, rnncourse; print('matplotlib' in sys.modules, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ----------------------------------------------------------------------------- graphs

def test_dynamical_system_folded_and_unrolled():
    fig = graphs.draw_dynamical_system(("0", "1", "2", "...", r"\tau"))
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    render(fig)
    nodes = gids(fig, "node:")
    assert nodes == {"s", "s(0)", "s(1)", "s(2)", "s(...3)", "s(\\tau)"}
    edges = gids(fig, "edge:")
    assert edges == {"s->s", "s(0)->s(1)", "s(1)->s(2)", "s(2)->s(...3)", "s(...3)->s(\\tau)"}
    assert gids(fig, "delay:") == {"s->s"}        # the self-loop carries the delay
    assert texts(fig).count("$f$") == 5          # the loop and the four unrolled arrows
    assert "folded" in texts(fig) and "unrolled" in texts(fig) and "unfold" in texts(fig)


def test_dynamical_system_with_inputs_has_one_input_per_real_step():
    fig = graphs.draw_dynamical_system(("0", "1", "...", "t"), inputs=True, state="h", folded=False)
    render(fig)
    nodes = gids(fig, "node:")
    assert {n for n in nodes if n.startswith("x")} == {"x(1)", "x(t)"}   # none for "0" or "..."
    assert {"x(1)->h(1)", "x(t)->h(t)"} <= gids(fig, "edge:")
    assert not gids(fig, "delay:")                                        # nothing folded
    assert "unfold" not in texts(fig)


def test_pattern_hidden_recurrence():
    fig = graphs.draw_design_pattern("hidden_recurrence", ("1", "2", "3"))
    render(fig)
    nodes, edges = gids(fig, "node:"), gids(fig, "edge:")
    for t in "123":
        assert {f"x({t})", f"h({t})", f"o({t})", f"L({t})", f"y({t})"} <= nodes
        assert {f"x({t})->h({t})", f"h({t})->o({t})", f"o({t})->L({t})", f"y({t})->L({t})"} <= edges
    assert {"h(1)->h(2)", "h(2)->h(3)", "h->h"} <= edges
    assert not any(e.startswith("o(") and "->h" in e for e in edges)
    assert gids(fig, "delay:") == {"h->h"}
    labels = texts(fig)
    assert labels.count("$W$") == 3 and labels.count("$U$") == 4 and labels.count("$V$") == 4


def test_pattern_output_recurrence_has_no_hidden_to_hidden_edge():
    fig = graphs.draw_design_pattern("output_recurrence", ("1", "2", "3"))
    render(fig)
    edges = gids(fig, "edge:")
    assert {"o(1)->h(2)", "o(2)->h(3)", "o->h"} <= edges
    assert not any(e.startswith("h") and "->h" in e for e in edges)
    assert gids(fig, "delay:") == {"o->h"}


def test_pattern_single_output_has_one_output():
    fig = graphs.draw_design_pattern("single_output")
    render(fig)
    nodes = gids(fig, "node:")
    assert {n for n in nodes if n[0] in "oLy"} == {"o(\\tau)", "L(\\tau)", "y(\\tau)"}
    assert {n for n in nodes if n[0] == "x"} == {"x(1)", "x(2)", "x(\\tau)"}
    assert "h(2)->h(...2)" in gids(fig, "edge:")
    assert "unfold" not in texts(fig)                 # no folded graph by default


@pytest.mark.parametrize("pattern,expected", [("hidden_recurrence", {"h(...0)", "h(...4)"}),
                                              ("output_recurrence", {"h(...0)", "h(...4)", "o(...0)", "o(...4)"})])
def test_default_patterns_have_dashed_ends(pattern, expected):
    fig = graphs.draw_design_pattern(pattern)
    dashed = {p.get_gid()[len("node:"):] for p in fig.axes[0].patches
              if (p.get_gid() or "").startswith("node:") and p.get_linestyle() in ("--", "dashed")}
    assert dashed == expected


def test_input_cases():
    fig = graphs.draw_input_cases()
    assert len(fig.axes) == 4
    render(fig)
    none, every, initial, both = (gids(fig, "edge:", i) for i in range(4))
    assert {"y(0)->h(1)", "o(1)->h(2)", "o(2)->h(3)"} <= none
    assert {"x->h(1)", "x->h(2)", "x->h(3)"} <= every and "x->h(0)" not in every
    assert "x->h(0)" in initial and not {"x->h(1)", "x->h(2)"} & initial
    assert {"x->h(0)", "x->h(1)", "x->h(2)", "x->h(3)"} <= both


def test_bad_arguments():
    with pytest.raises(ValueError, match="pattern"):
        graphs.draw_design_pattern("bidirectional")
    with pytest.raises(ValueError, match="last column"):
        graphs.draw_design_pattern("single_output", ("1", "..."))
    with pytest.raises(ValueError, match="times"):
        graphs.draw_dynamical_system(("...",))


# ----------------------------------------------------------------------------- tasks

@pytest.mark.parametrize("T,B,window", [(1, 1, 3), (7, 4, 3), (12, 2, 1), (5, 3, 8)])
def test_sliding_window_sum_shapes_and_values(T, B, window):
    x, y = tasks.sliding_window_sum(0, T, B, window=window)
    assert x.shape == y.shape == (T, B, 1)
    assert x.dtype == y.dtype == torch.float32
    assert x.abs().max() <= 1
    for t in range(T):          # the definition, written out
        expected = x[max(0, t - window + 1):t + 1].sum(dim=0)
        torch.testing.assert_close(y[t], expected, rtol=1e-5, atol=1e-6)


def test_sliding_window_sum_is_seeded():
    x1, y1 = tasks.sliding_window_sum(3, 6, 2, dtype=torch.float64)
    x2, y2 = tasks.sliding_window_sum(torch.Generator().manual_seed(3), 6, 2, dtype=torch.float64)
    assert x1.dtype == torch.float64
    assert torch.equal(x1, x2) and torch.equal(y1, y2)
    x3, _ = tasks.sliding_window_sum(4, 6, 2, dtype=torch.float64)
    assert not torch.equal(x1, x3)


def test_a_generator_is_advanced():
    g = torch.Generator().manual_seed(0)
    first, _ = tasks.sliding_window_sum(g, 4, 2)
    second, _ = tasks.sliding_window_sum(g, 4, 2)
    assert not torch.equal(first, second)


@pytest.mark.parametrize("T,B,K", [(1, 1, 2), (9, 5, 4), (30, 2, 7)])
def test_noisy_cycle_tokens_shapes(T, B, K):
    x, y = tasks.noisy_cycle_tokens(0, T, B, K)
    assert x.shape == (T, B, K) and x.dtype == torch.float32
    assert y.shape == (T, B) and y.dtype == torch.long
    assert torch.equal(x.sum(-1), torch.ones(T, B))                 # one-hot
    assert int(y.min()) >= 0 and int(y.max()) < K
    tokens = x.argmax(-1)
    assert torch.equal(tokens[1:], y[:-1])                          # the target is the next input


def test_noisy_cycle_tokens_follow_the_cycle():
    x, y = tasks.noisy_cycle_tokens(1, 50, 40, 5, noise=0.0)
    assert torch.equal(y, (x.argmax(-1) + 1) % 5)
    x, y = tasks.noisy_cycle_tokens(1, 200, 50, 5, noise=0.2)
    follows = (y == (x.argmax(-1) + 1) % 5).double().mean().item()
    assert abs(follows - (0.8 + 0.2 / 5)) < 0.02


def test_noisy_cycle_tokens_is_seeded():
    a = tasks.noisy_cycle_tokens(5, 8, 3, 4, dtype=torch.float64)
    b = tasks.noisy_cycle_tokens(torch.Generator().manual_seed(5), 8, 3, 4, dtype=torch.float64)
    assert a[0].dtype == torch.float64
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_task_argument_errors():
    with pytest.raises(ValueError):
        tasks.sliding_window_sum(0, 0, 2)
    with pytest.raises(ValueError):
        tasks.sliding_window_sum(0, 3, 2, window=0)
    with pytest.raises(ValueError):
        tasks.noisy_cycle_tokens(0, 3, 2, K=1)
    with pytest.raises(TypeError):
        tasks.noisy_cycle_tokens(0.5, 3, 2, K=3)


def test_adding_problem_markers_and_targets():
    x, y = tasks.adding_problem(0, 10, 64, dtype=torch.float64)
    assert x.shape == (10, 64, 2) and y.shape == (64, 1)
    markers = x[..., 1]
    assert torch.equal(markers[:5].sum(0), torch.ones(64)) and torch.equal(markers[5:].sum(0), torch.ones(64))
    assert torch.allclose((x[..., 0] * markers).sum(0, keepdim=True).T, y)
    assert ((x[..., 0] >= 0) & (x[..., 0] <= 1)).all()


def test_adding_problem_baseline_is_one_sixth():
    _, y = tasks.adding_problem(1, 20, 20000, dtype=torch.float64)
    assert abs(((y - 1.0) ** 2).mean().item() - 1 / 6) < 0.01
    with pytest.raises(ValueError):
        tasks.adding_problem(0, 1, 4)


def test_train_fits_a_line_and_clips():
    from rnncourse.training import train

    torch.manual_seed(0)
    w = torch.zeros(1, requires_grad=True)
    x = torch.linspace(-1, 1, 20)
    losses = train([w], lambda step: ((w * x - 3 * x) ** 2).mean(), steps=200, lr=0.1)
    assert len(losses) == 200 and losses[-1] < 1e-4 < losses[0]
    v = torch.zeros(1, requires_grad=True)
    train([v], lambda step: (v - 100.0).abs().sum() * 1000, steps=1, lr=1.0, clip_norm=0.5, optimizer="sgd")
    assert torch.allclose(v.detach(), torch.tensor([0.5]))
    with pytest.raises(ValueError):
        train([torch.zeros(1)], lambda step: torch.zeros(()), steps=1)
