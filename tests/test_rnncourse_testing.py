"""The helpers of the visible tests pass right answers silently and fail wrong
ones with a message that says what is wrong, without the expected values."""
import re

import pytest
import torch

from autograder.checks import CHAPTERS
from rnncourse.testing import (assert_call_close, assert_close, assert_differentiable, assert_dtype_device_follow,
                               assert_inputs_unchanged, assert_raises_value_error, assert_shape,
                               count_tensor_ops, torch_rnn_states)

from .banks import answered, right_answers, rounds

DT = torch.float64


def fails(match: str):
    """pytest.raises(AssertionError) whose message contains ``match`` (literal text)."""
    return pytest.raises(AssertionError, match=re.escape(match))


def step(x, h, W):
    """A correct little function of the kind the exercises ask for."""
    return torch.tanh(h @ W.T + x)


def step_inputs():
    generator = torch.Generator().manual_seed(0)
    return [torch.randn(shape, generator=generator, dtype=DT) for shape in ((2, 3), (2, 3), (3, 3))]


# assert_shape ----------------------------------------------------------------

def test_assert_shape_passes():
    assert_shape(torch.zeros(2, 3), (2, 3))
    assert_shape(torch.tensor(1.0), ())


def test_assert_shape_names_the_output_and_both_shapes():
    with fails("h: got shape (3, 2), expected (2, 3)"):
        assert_shape(torch.zeros(3, 2), (2, 3), "h")


def test_assert_shape_rejects_what_is_not_a_tensor():
    with fails("loss: expected a torch.Tensor, got a float"):
        assert_shape(1.5, (), "loss")


# assert_close ------------------------------------------------------------------

def test_assert_close_passes_within_tolerance_and_against_a_number():
    x = torch.linspace(-1, 1, 6, dtype=DT)
    assert_close(x + 1e-9, x)
    assert_close(torch.tensor(2.0, dtype=DT), 2.0)


def test_assert_close_reports_count_error_and_index_but_not_the_values():
    expected = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=DT)
    actual = expected.clone()
    actual[1, 0] = 3.5
    with pytest.raises(AssertionError) as error:
        assert_close(actual, expected, "o")
    message = str(error.value)
    assert "o: 1 of 4 element(s) differ" in message
    assert "max abs error 0.5 at index (1, 0)" in message
    assert "3.5" not in message and "3.0" not in message


def test_assert_call_close_says_which_weight_looks_transposed():
    x, W, b = torch.randn(2, 3, dtype=DT), torch.randn(3, 3, dtype=DT), torch.randn(3, dtype=DT)
    expected = torch.tanh(x @ W.T + b)
    assert_call_close(lambda x, W, b: torch.tanh(x @ W.T + b), (x, W, b), expected, "h")
    with fails("W looks transposed: given W.T the function returns the expected values"):
        assert_call_close(lambda x, W, b: torch.tanh(x @ W + b), (x, W, b), expected, "h")
    with pytest.raises(AssertionError) as other:   # another mistake: no such claim
        assert_call_close(lambda x, W, b: torch.tanh(x @ W.T), (x, W, b), expected, "h")
    assert "h: " in str(other.value) and "transposed" not in str(other.value)


def test_assert_close_checks_shape_dtype_and_device_first():
    expected = torch.zeros(2, 3, dtype=DT)
    with fails("got shape (3, 2), expected (2, 3)"):
        assert_close(torch.zeros(3, 2, dtype=DT), expected)
    with fails("got dtype torch.float32, expected torch.float64"):
        assert_close(torch.zeros(2, 3), expected)
    with fails("got device 'meta', expected 'cpu'"):
        assert_close(torch.zeros(2, 3, dtype=DT, device="meta"), expected)


def test_assert_close_points_at_infinities():
    with fails("loss: got inf where a finite value is expected"):
        assert_close(torch.tensor(float("inf"), dtype=DT), 1000.0, "loss")


# assert_differentiable -----------------------------------------------------------

def leaves():
    return {name: t.clone().requires_grad_(True) for name, t in zip(("x", "h", "W"), step_inputs())}


def test_assert_differentiable_passes():
    inputs = leaves()
    out = step(**inputs)
    assert_differentiable(out, "h(t)", **inputs)
    assert_differentiable(out, "h(t) again", **inputs)   # the graph is kept for further checks


def test_assert_differentiable_catches_a_detached_output():
    inputs = leaves()
    with fails("h(t): requires_grad is False"):
        assert_differentiable(step(**inputs).detach(), "h(t)", **inputs)


def test_assert_differentiable_names_the_inputs_no_gradient_reaches():
    inputs = leaves()
    out = torch.tanh(inputs["h"].detach() @ inputs["W"].T + inputs["x"])
    with fails("no gradient flows from h(t) back to h"):
        assert_differentiable(out, "h(t)", **inputs)


# assert_dtype_device_follow ---------------------------------------------------------

def test_dtype_device_follow_passes_and_keeps_integer_tensors():
    assert_dtype_device_follow(step, *step_inputs())

    def pick(o, y):
        return o.gather(-1, y.unsqueeze(-1)), y
    assert_dtype_device_follow(pick, torch.zeros(2, 3, dtype=DT), torch.tensor([0, 2]))


def test_dtype_device_follow_catches_a_tensor_created_on_the_cpu():
    def cpu_state(x, h, W):
        return torch.tanh(torch.zeros(h.shape) + h @ W.T + x)
    with fails("cpu_state failed with float32 inputs on device 'meta'"):
        assert_dtype_device_follow(cpu_state, *step_inputs())


def clip(x, h, max_norm=1.0):
    """Correct code that reads values: .item(), .tolist() and a Python if on a tensor."""
    norm = torch.linalg.vector_norm(h)
    if norm > max_norm:
        h = h * (max_norm / norm.item())
    return h + x.new_tensor(x.sum(dim=1).tolist())[:, None]


def test_dtype_device_follow_passes_code_that_reads_values():
    assert_dtype_device_follow(clip, *step_inputs()[:2])
    assert_dtype_device_follow(clip, *step_inputs()[:2], max_norm=1e3)


def test_dtype_device_follow_catches_a_tensor_created_on_the_cpu_after_reading_a_value():
    def clip_onto_cpu_zeros(x, h):
        return clip(x, h) + torch.zeros(h.shape, dtype=h.dtype)
    with fails("clip_onto_cpu_zeros failed with float32 inputs on device 'meta'"):
        assert_dtype_device_follow(clip_onto_cpu_zeros, *step_inputs()[:2])


def test_dtype_device_follow_catches_a_hard_coded_dtype():
    def always_double(x, h, W):
        return step(x, h, W).double()
    with fails("with float32 inputs on device 'meta', output has dtype torch.float64"):
        assert_dtype_device_follow(always_double, *step_inputs())

    def default_dtype_buffer(x, h, W):
        out = torch.zeros(h.shape, device=h.device)
        out[:] = step(x, h, W)
        return out, h
    with fails("with float64 inputs on device 'meta', output[0] has dtype torch.float32"):
        assert_dtype_device_follow(default_dtype_buffer, *step_inputs())


def test_an_unanswered_exercise_fails_with_not_implemented_error():
    """The released notebook's stub must surface as NotImplementedError, not as a test failure."""
    def unanswered(x, h, W):
        raise NotImplementedError()
    for helper in (assert_dtype_device_follow, assert_raises_value_error, assert_inputs_unchanged):
        with pytest.raises(NotImplementedError):
            helper(unanswered, *step_inputs())


# assert_inputs_unchanged --------------------------------------------------------------

def test_inputs_unchanged_returns_the_output():
    inputs = step_inputs()
    assert_close(assert_inputs_unchanged(step, *inputs), step(*inputs))


def test_inputs_unchanged_names_the_modified_argument():
    def in_place(x, h, W):
        h += x
        return torch.tanh(h @ W.T)
    with fails("in_place modified its argument h in place"):
        assert_inputs_unchanged(in_place, *step_inputs())


# assert_raises_value_error -------------------------------------------------------------

def checked_step(x, h, W):
    if x.shape != h.shape:
        raise ValueError(f"x {tuple(x.shape)} and h {tuple(h.shape)} differ")
    return step(x, h, W)


def test_raises_value_error_passes_and_returns_the_error():
    x, h, W = step_inputs()
    error = assert_raises_value_error(checked_step, x[:1], h, W)
    assert "(1, 3)" in str(error)


def test_raises_value_error_shows_the_call_when_nothing_is_raised():
    x, h, W = step_inputs()
    with fails("step(x (1, 3), h (2, 3), W (3, 3)) should raise ValueError, but raised nothing"):
        assert_raises_value_error(step, x[:1], h, W)


def test_raises_value_error_reports_another_exception():
    x, h, W = step_inputs()
    with fails("should raise ValueError, but raised RuntimeError"):
        assert_raises_value_error(step, x, h, W[:2])


def test_raises_value_error_wants_a_message():
    def silent(x):
        raise ValueError()
    with fails("raised ValueError without a message"):
        assert_raises_value_error(silent, torch.zeros(1))


def test_raises_value_error_shows_callables_by_name_and_other_values_as_repr():
    def apply(f, s, steps=None):
        return f(s)
    with fails("apply(f=tanh, s (2, 3), steps=3) should raise ValueError, but raised nothing"):
        assert_raises_value_error(apply, torch.tanh, torch.zeros(2, 3), steps=3)


def test_count_tensor_ops_tells_a_loop_over_time_from_one_batched_operation():
    def batched(x):
        return torch.tanh(x) * 2

    def looped(x):
        return torch.stack([torch.tanh(step) * 2 for step in x])

    short, long = torch.zeros(3, 2), torch.zeros(12, 2)
    assert count_tensor_ops(batched, short) == count_tensor_ops(batched, long) > 0
    assert count_tensor_ops(looped, long) > count_tensor_ops(looped, short)


def test_helpers_look_inside_lists_and_dicts():
    def scale_the_second_in_place(grads):
        grads[1].mul_(2)
        return grads

    with fails("modified its argument grads[1] in place"):
        assert_inputs_unchanged(scale_the_second_in_place, [torch.ones(2), torch.ones(3)])

    def cpu_gradient(grads):
        return {"a": grads[0] * 2, "b": torch.zeros(3)}

    with fails("output['b'] is on device 'cpu'"):
        assert_dtype_device_follow(cpu_gradient, [torch.ones(2)])


def test_torch_rnn_states_follow_the_recurrence_and_carry_gradients():
    gen = torch.Generator().manual_seed(0)
    T, B, D, H = 4, 2, 3, 5
    x, h0 = torch.randn(T, B, D, generator=gen, dtype=DT), torch.randn(B, H, generator=gen, dtype=DT)
    U, W, b = (torch.randn(shape, generator=gen, dtype=DT, requires_grad=True) for shape in ((H, D), (H, H), (H,)))
    h, states = h0, []
    for t in range(T):
        h = torch.tanh(b + h @ W.T + x[t] @ U.T)
        states.append(h)
    expected = torch.stack(states)
    got = torch_rnn_states(x, h0, U, W, b)
    assert torch.allclose(got, expected, rtol=1e-12, atol=1e-12)
    for a, e in zip(torch.autograd.grad(got.sum(), (U, W, b)), torch.autograd.grad(expected.sum(), (U, W, b))):
        assert torch.allclose(a, e, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_visible_tests_pass_the_banks_correct_alternatives(chapter, monkeypatch, tmp_path):
    """Each notebook's code cells, visible tests included, run here on the
    release answered with the bank's RIGHT answers (trusted code)."""
    monkeypatch.chdir(tmp_path)
    for answers in rounds(right_answers(chapter)):
        namespace = {"__name__": "__main__"}
        for cell in answered(chapter, answers).cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, f"{chapter}.ipynb", "exec"), namespace)
