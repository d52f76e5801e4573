"""Tests of the parts of rnncourse added for chapter 3 (teacher forcing)."""

import io

from matplotlib.figure import Figure

from rnncourse import graphs


def edges_of(fig: Figure, ax: int) -> set[str]:
    return {p.get_gid()[len("edge:"):] for p in fig.axes[ax].patches
            if (p.get_gid() or "").startswith("edge:")}


def nodes_of(fig: Figure, ax: int) -> set[str]:
    return {p.get_gid()[len("node:"):] for p in fig.axes[ax].patches
            if (p.get_gid() or "").startswith("node:")}


def test_teacher_forcing_feeds_the_target_at_train_time_and_the_output_at_test_time():
    fig = graphs.draw_teacher_forcing()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    fig.savefig(io.BytesIO(), format="png")  # bad mathtext or geometry raises here
    train, test = edges_of(fig, 0), edges_of(fig, 1)
    assert "y(t-1)->h(t)" in train and "o(t-1)->h(t)" not in train
    assert "o(t-1)->h(t)" in test and not any(e.startswith("y") for e in test)
    for t in ("t-1", "t"):
        assert {f"x({t})->h({t})", f"h({t})->o({t})"} <= train & test
        assert {f"o({t})->L({t})", f"y({t})->L({t})"} <= train
    assert not any(e.startswith("h") and "->h" in e for e in train | test)  # no h -> h recurrence
    assert {n[0] for n in nodes_of(fig, 1)} == {"x", "h", "o"}  # no targets or losses at test time
    assert [ax.get_title() for ax in fig.axes] == ["Train time", "Test time"]
