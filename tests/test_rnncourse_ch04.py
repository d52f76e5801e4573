"""Tests of rnncourse.bptt (the helpers of chapter 4)."""

import io

import pytest
import torch
from matplotlib.figure import Figure

from rnncourse import bptt


def gids(fig: Figure, prefix: str) -> set[str]:
    """The gids of the patches and lines of the figure's axes that start with ``prefix``, prefix removed."""
    ax = fig.axes[0]
    return {a.get_gid()[len(prefix):] for a in [*ax.patches, *ax.lines]
            if a.get_gid() and a.get_gid().startswith(prefix)}


# ----------------------------------------------------------------------------- SavedTensors

def test_saved_tensors_counts_the_bytes_of_a_saved_output():
    x = torch.randn(10, dtype=torch.float64, requires_grad=True)
    with bptt.SavedTensors() as saved:
        torch.tanh(x)                       # tanh saves its output: 10 float64
    assert (saved.count, saved.nbytes) == (1, 80)


def test_saved_tensors_counts_a_tensor_saved_twice_once():
    w = torch.randn(4, 4, requires_grad=True)
    h = torch.randn(4, requires_grad=True)
    with bptt.SavedTensors() as saved:
        for _ in range(3):
            h = w @ h                       # saves w (the same tensor) and each h
    # w once (64 bytes), then h(0), h(1), h(2) (16 bytes each)
    assert saved.nbytes == 64 + 3 * 16
    assert saved.count == 4


def test_saved_tensors_grow_linearly_with_the_length_of_an_rnn():
    torch.manual_seed(0)
    rnn = torch.nn.RNN(3, 5)

    def nbytes(T):
        with bptt.SavedTensors() as saved:
            rnn(torch.randn(T, 2, 3))[0].sum()
        return saved.nbytes

    assert nbytes(20) - nbytes(10) == nbytes(30) - nbytes(20) > 0


def test_saved_tensors_leaves_the_graph_usable_and_releases_references():
    x = torch.randn(5, requires_grad=True)
    with bptt.SavedTensors() as saved:
        y = (torch.sin(x) * x).sum()
    assert saved.nbytes > 0 and not saved._seen
    (grad,) = torch.autograd.grad(y, x)
    assert torch.allclose(grad, torch.cos(x) * x + torch.sin(x))


def test_saved_tensors_records_nothing_outside_the_block():
    x = torch.randn(5, requires_grad=True)
    with bptt.SavedTensors() as saved:
        pass
    torch.tanh(x)
    assert (saved.count, saved.nbytes) == (0, 0)


# ----------------------------------------------------------------------------- drawing

def test_gradient_flow_has_forward_and_backward_arrows():
    fig = bptt.draw_gradient_flow(3)
    assert isinstance(fig, Figure)
    fig.savefig(io.BytesIO(), format="png")
    assert {f"{s}({t})" for s in "xhoL" for t in (1, 2, 3)} == gids(fig, "node:")
    assert {"h(1)->h(2)", "h(2)->h(3)", "x(2)->h(2)", "o(3)->L(3)"} <= gids(fig, "forward:")
    backward = gids(fig, "backward:")
    assert {"h(2)->h(1)", "h(3)->h(2)", "L(1)->o(1)", "o(1)->h(1)"} <= backward
    assert not gids(fig, "cut:")


def test_truncated_gradient_flow_cuts_only_the_backward_arrows_at_chunk_boundaries():
    fig = bptt.draw_gradient_flow(5, chunk=2)
    fig.savefig(io.BytesIO(), format="png")
    assert gids(fig, "cut:") == {"2|3", "4|5"}
    backward = gids(fig, "backward:")
    assert {"h(2)->h(1)", "h(4)->h(3)"} <= backward
    assert not {"h(3)->h(2)", "h(5)->h(4)"} & backward
    assert {"h(2)->h(3)", "h(4)->h(5)"} <= gids(fig, "forward:")   # the state is carried


@pytest.mark.parametrize("T, chunk", [(0, None), (3, 0)])
def test_gradient_flow_rejects_bad_sizes(T, chunk):
    with pytest.raises(ValueError):
        bptt.draw_gradient_flow(T, chunk)
