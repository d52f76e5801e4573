"""The symptom detectors (rnncourse.symptoms): each names its symptom on a
result that shows it, and stays silent on a result that is merely wrong."""
import pytest
import torch

from rnncourse.symptoms import no_gradient, scaled, shifted_in_time, symptom, variants
from rnncourse.testing import assert_close, assert_differentiable


def _states(T=5, B=3, H=4) -> torch.Tensor:
    return torch.randn(T, B, H, generator=torch.Generator().manual_seed(0), dtype=torch.float64)


def _noise(like: torch.Tensor) -> torch.Tensor:
    return torch.randn(like.shape, generator=torch.Generator().manual_seed(1), dtype=like.dtype)


def test_a_result_one_step_late_is_shifted_in_time():
    expected = _states()
    late = torch.cat([torch.zeros_like(expected[:1]), expected[:-1]])   # h(0) first, h(T) lost
    assert "one step late" in shifted_in_time(late, expected)


def test_a_result_one_step_early_is_shifted_in_time():
    expected = _states()
    early = torch.cat([expected[1:], torch.zeros_like(expected[:1])])
    assert "one step early" in shifted_in_time(early, expected)


def test_shifts_along_another_axis_and_plain_errors_are_not_shifts():
    expected = _states().transpose(0, 1)                     # (B, T, H): time is axis 1
    late = torch.cat([expected[:, :1], expected[:, :-1]], dim=1)
    assert shifted_in_time(late, expected, time_dim=1)
    assert shifted_in_time(late, expected, time_dim=0) is None
    assert shifted_in_time(_states() + _noise(_states()), _states()) is None


def test_a_constant_sequence_cannot_tell_a_shift():
    constant = torch.ones(4, 2, 3, dtype=torch.float64)
    assert shifted_in_time(constant, constant.clone()) is None


@pytest.mark.parametrize("factor,words", [(3, "factor B = 3: summed"), (1 / 3, "factor 1/B = 3: averaged"),
                                          (5, "factor T = 5"), (15, "factor B T = 15")])
def test_a_result_off_by_a_factor_B_or_T_is_named(factor, words):
    expected = torch.tensor(2.5, dtype=torch.float64)        # a loss: a scalar
    assert words in scaled(expected * factor, expected, {"B": 3, "T": 5})


def test_without_sizes_a_whole_factor_is_named_for_tensors_only():
    expected = _states()
    assert "factor 4" in scaled(4 * expected, expected, {})
    assert scaled(torch.tensor(10.0), torch.tensor(2.5), {}) is None    # every scalar is some multiple
    assert scaled(expected + 0.1, expected, {"B": 3}) is None


def test_variants_transpose_square_weights_and_leave_biases_out():
    W, U, b = torch.randn(4, 4), torch.randn(4, 2), torch.randn(4)
    found = dict(variants({"x": torch.randn(3, 2), "U": U, "W": W, "b": b, "steps": 3}))
    assert set(found) == {"W transposed", "the bias b left out"}
    assert torch.equal(found["W transposed"]["W"], W.T) and torch.equal(found["W transposed"]["U"], U)
    assert not found["the bias b left out"]["b"].any()


def test_no_gradient_names_the_output():
    assert no_gradient("h").startswith("h has the right values but carries no gradient")


def test_symptom_tries_the_shift_then_the_factor():
    expected = _states()
    assert "one step late" in symptom(torch.cat([expected[:1], expected[:-1]]), expected, time_dim=0)
    assert "factor B = 3" in symptom(3 * expected, expected, time_dim=0, sizes={"B": 3})
    assert symptom(expected + _noise(expected), expected, time_dim=0, sizes={"B": 3}) is None


def test_the_visible_tests_show_the_symptoms():
    expected = _states()
    with pytest.raises(AssertionError, match="looks one step late in time"):
        assert_close(torch.cat([torch.zeros_like(expected[:1]), expected[:-1]]), expected, "h")
    with pytest.raises(AssertionError, match="off by a factor B = 3"):
        assert_close(expected.sum() * 3, expected.sum(), "the loss", sizes={"B": 3})
    with pytest.raises(AssertionError, match="h has the right values but carries no gradient"):
        assert_differentiable(expected, "h", x=torch.zeros(1, requires_grad=True))
