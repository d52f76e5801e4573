"""The ch10 reference solutions agree with independent computations
(torch.nn.RNN, bidirectional with packed sequences and stacked, the
recursive network of rnncourse.structure), and the properties balanced_tree
is graded by hold for it and fail for a chain."""
import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from autograder.checks import ch10 as checks
from autograder.checks.core import Case, Inputs
from autograder.harness.invoke import invoke
from autograder.reference import load_references
from rnncourse.structure import RecursiveNet, Tree, chain

DT = torch.float64


@pytest.fixture(scope="module")
def ch10():
    return load_references("ch10")


def test_bidirectional_rnn_forward_is_torch_bidirectional_rnn_on_packed_sequences(ch10):
    torch.manual_seed(0)
    T, B, D, H = 8, 5, 3, 4
    rnn = nn.RNN(D, H, bidirectional=True, dtype=DT)
    x, h0 = torch.randn(T, B, D, dtype=DT), torch.randn(2, B, H, dtype=DT)
    lengths = torch.tensor([8, 1, 5, 3, 8])
    with torch.no_grad():
        packed = rnn(pack_padded_sequence(x, lengths, enforce_sorted=False), h0)[0]
        expected = pad_packed_sequence(packed, total_length=T)[0]
        weights = [getattr(rnn, f"{name}_l0{suffix}") for suffix in ("", "_reverse")
                   for name in ("weight_ih", "weight_hh", "bias_ih")]
        weights[2] = weights[2] + rnn.bias_hh_l0
        weights[5] = weights[5] + rnn.bias_hh_l0_reverse
        h_f, h_b = ch10["bidirectional_rnn_forward"](x, h0[0], h0[1], *weights, lengths)
    torch.testing.assert_close(torch.cat([h_f, h_b], dim=-1), expected)


def test_deep_rnn_forward_is_torch_rnn_with_num_layers(ch10):
    torch.manual_seed(1)
    T, B, D, H, L = 7, 3, 5, 4, 3
    rnn = nn.RNN(D, H, num_layers=L, dtype=DT)
    x, h0 = torch.randn(T, B, D, dtype=DT), torch.randn(L, B, H, dtype=DT)
    layers = [(getattr(rnn, f"weight_ih_l{l}"), getattr(rnn, f"weight_hh_l{l}"),
               getattr(rnn, f"bias_ih_l{l}") + getattr(rnn, f"bias_hh_l{l}")) for l in range(L)]
    with torch.no_grad():
        out, h_T = ch10["deep_rnn_forward"](x, h0, layers)
        expected_out, expected_h_T = rnn(x, h0)
    torch.testing.assert_close(out, expected_out)
    torch.testing.assert_close(h_T, expected_h_T)


@pytest.mark.parametrize("n", [1, 2, 9, 30])
def test_recursive_forward_is_the_recursive_network_of_rnncourse(ch10, n):
    inputs = Inputs(n)
    children, H = checks.random_tree(inputs, n), 5
    net = RecursiveNet.random(H, gain=1.3, seed=n)
    leaves = inputs.randn(n, 2, H)
    torch.testing.assert_close(ch10["recursive_forward"](leaves, children, net.W, net.b),
                               net.states(Tree(children), leaves))


def test_balanced_tree_has_the_graded_properties_for_every_size_up_to_300(ch10):
    for n in range(1, 301):
        case = Case(args=[n], label=f"n = {n}")
        student = invoke(ch10["balanced_tree"], case.message("balanced_tree", "cpu"))
        for judge in (checks._valid_layout, checks._leaves_in_order, checks._balanced_depth):
            assert judge(case, None, student, "cpu") is None, (n, judge.__name__)


def test_a_chain_fails_only_the_depth_check():
    case = Case(args=[6], label="n = 6")
    student = invoke(lambda n: chain(n).children, case.message("balanced_tree", "cpu"))
    assert checks._valid_layout(case, None, student, "cpu") is None
    assert checks._leaves_in_order(case, None, student, "cpu") is None
    assert "depth 5, expected ceil(log2 n) = 3" in checks._balanced_depth(case, None, student, "cpu")
