"""Helpers for the visible tests of the exercise notebooks.

Every helper is silent on success and raises ``AssertionError`` with a message
that says what is wrong (which output, the shape, dtype or device it has and
the one it should have, the largest error and where it is) without revealing
the expected values, so a message is safe to show to a student.

A test cell built from these helpers passes when it prints nothing and raises
nothing.
"""
import inspect

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from .meta_values import lacks_values, values_on_meta
from .symptoms import no_gradient, symptom, variants

__all__ = [
    "assert_shape",
    "assert_close",
    "assert_call_close",
    "assert_differentiable",
    "assert_dtype_device_follow",
    "assert_inputs_unchanged",
    "assert_raises_value_error",
    "count_tensor_ops",
    "torch_rnn_states",
    "torch_lstm_cell",
    "torch_peephole_lstm_cell",
    "torch_gru_cell",
    "torch_lstm",
]


def _describe(value) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}, dtype {value.dtype}, on device '{value.device}'"
    return f"a {type(value).__name__}"


def _require_tensor(value, name: str) -> None:
    if not isinstance(value, torch.Tensor):
        raise AssertionError(f"{name}: expected a torch.Tensor, got {_describe(value)}")


def _named_arguments(fn, args, kwargs) -> list:
    """[(name, value)] of a call, named after fn's parameters where possible."""
    try:
        return list(inspect.signature(fn).bind(*args, **kwargs).arguments.items())
    except (TypeError, ValueError):   # no signature, or a call fn will reject itself
        return [(f"argument {i}", value) for i, value in enumerate(args)] + list(kwargs.items())


def _name(fn) -> str:
    return getattr(fn, "__name__", "the function")


def _call_text(fn, args, kwargs) -> str:
    """'rnn_step(x_t (3, 5), h_prev (3, 6), ...)': the call, with tensor shapes."""
    def show(name, value):
        if isinstance(value, torch.Tensor):
            return f"{name} {tuple(value.shape)}"
        return f"{name}={_name(value) if callable(value) else repr(value)}"
    parts = [show(name, value) for name, value in _named_arguments(fn, args, kwargs)]
    return f"{_name(fn)}({', '.join(parts)})"


def _tensors(output, name: str) -> list:
    """[(name, tensor)] of a tensor or of a (nested) tuple, list or dict of them."""
    if isinstance(output, torch.Tensor):
        return [(name, output)]
    if isinstance(output, (tuple, list)):
        return [found for index, item in enumerate(output) for found in _tensors(item, f"{name}[{index}]")]
    if isinstance(output, dict):
        return [found for key, item in output.items() for found in _tensors(item, f"{name}[{key!r}]")]
    return []


def _map_tensors(value, fn):
    """``value`` with ``fn`` applied to every tensor inside (nested lists, tuples, dicts)."""
    if isinstance(value, torch.Tensor):
        return fn(value)
    if isinstance(value, (tuple, list)):
        return type(value)(_map_tensors(item, fn) for item in value)
    if isinstance(value, dict):
        return {key: _map_tensors(item, fn) for key, item in value.items()}
    return value


def assert_shape(t, expected, name: str = "output") -> None:
    """``t`` is a tensor of shape ``expected`` (a tuple of ints; ``()`` for a scalar)."""
    _require_tensor(t, name)
    expected = tuple(expected)
    if tuple(t.shape) != expected:
        raise AssertionError(f"{name}: got shape {tuple(t.shape)}, expected {expected}")


def assert_close(actual, expected, name: str = "output", rtol: float = 1e-5, atol: float = 1e-8,
                 time_dim=None, sizes=None) -> None:
    """``actual`` equals ``expected`` (a tensor, or a number for a scalar) within
    ``|actual - expected| <= atol + rtol * |expected|``, with the same shape,
    dtype and device. The message gives the largest error and where it is,
    not the expected values, and the symptom of a usual mistake when it sees
    one (``rnncourse.symptoms``: shifted by a step along ``time_dim``, which
    defaults to the first dimension of a (T, B, ...) result; off by a factor,
    one of ``sizes`` such as ``{"B": 3}``)."""
    _require_tensor(actual, name)
    if not isinstance(expected, torch.Tensor):
        expected = torch.as_tensor(expected, dtype=actual.dtype, device=actual.device)
    assert_shape(actual, expected.shape, name)
    if actual.dtype != expected.dtype:
        raise AssertionError(f"{name}: got dtype {actual.dtype}, expected {expected.dtype}")
    if actual.device != expected.device:
        raise AssertionError(f"{name}: got device '{actual.device}', expected '{expected.device}'")
    actual, expected = actual.detach(), expected.detach()
    where = "" if actual.dim() == 0 else " at index {}"
    broken = ~torch.isfinite(actual) & torch.isfinite(expected)
    if broken.any():
        index = tuple(broken.nonzero()[0].tolist())
        raise AssertionError(f"{name}: got {actual[index].item()}{where.format(index)} where a finite "
                             "value is expected (is the computation numerically stable?)")
    off = ~torch.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    if off.any():
        error = (actual - expected).abs().nan_to_num(float("inf"))
        index = tuple(int(i) for i in torch.unravel_index(error.argmax(), error.shape))
        seen = symptom(actual, expected, time_dim=0 if time_dim is None and actual.dim() == 3 else time_dim,
                       sizes=sizes, rtol=rtol, atol=atol)
        raise AssertionError(f"{name}: {int(off.sum())} of {off.numel()} element(s) differ from the expected "
                             f"values, max abs error {error.max().item():.3g}{where.format(index)} "
                             f"(rtol={rtol:g}, atol={atol:g})" + (f"; it {seen}" if seen else ""))


def _returns(fn, args, expected, options: dict) -> bool:
    """Whether ``fn(*args)`` gives ``expected`` (within the tolerances of ``options``)."""
    try:
        got = fn(*args)
    except Exception:  # noqa: BLE001 - a call that fails gives nothing
        return False
    return (isinstance(got, torch.Tensor) and got.shape == expected.shape and
            bool(torch.allclose(got.detach().double(), expected.double(), rtol=options.get("rtol", 1e-5),
                                atol=options.get("atol", 1e-8))))


def assert_call_close(fn, args: tuple, expected, name: str = "output", **options) -> None:
    """``assert_close(fn(*args), expected, name, **options)``. When they
    differ and ``fn`` returns the expected values once one of its square
    weight matrices is given transposed, the message says that weight looks
    transposed: the function uses it the other way round."""
    try:
        assert_close(fn(*args), expected, name, **options)
    except AssertionError as failure:
        target = expected if isinstance(expected, torch.Tensor) else torch.as_tensor(expected, dtype=torch.float64)
        for what, varied in variants(dict(_named_arguments(fn, args, {}))):
            if what.endswith(" transposed") and _returns(fn, list(varied.values()), target, options):
                weight = what.removesuffix(" transposed")
                raise AssertionError(
                    f"{failure}; {weight} looks transposed: given {weight}.T the function returns the expected "
                    f"values (a weight is (out_features, in_features): {weight} h for a batch of rows h is "
                    f"h @ {weight}.T)") from None
        raise


def assert_differentiable(output, name: str = "output", **inputs) -> None:
    """Gradients flow from ``output`` (a tensor) back to every named input
    (tensors created with ``requires_grad=True``)."""
    _require_tensor(output, name)
    if not output.requires_grad:
        raise AssertionError(f"{name}: requires_grad is False although its inputs require grad. "
                             + no_gradient(name))
    grads = torch.autograd.grad(output.sum(), list(inputs.values()), allow_unused=True, retain_graph=True)
    missing = [key for key, grad in zip(inputs, grads) if grad is None]
    if missing:
        raise AssertionError(f"no gradient flows from {name} back to {', '.join(missing)}: "
                             "is every input used, and nothing detached?")


def assert_dtype_device_follow(fn, *args, device: str = "meta",
                               dtypes: tuple = (torch.float32, torch.float64), **kwargs) -> None:
    """For each dtype in ``dtypes``: call ``fn(*args, **kwargs)`` with its
    floating-point tensors converted to that dtype and all its tensors moved
    to ``device``, and check that every tensor it returns is on ``device`` and,
    if floating-point, of that dtype.

    The 'meta' device (shapes only, no values) exists on every machine and,
    like a GPU, rejects any tensor created on the CPU, so it catches
    ``torch.zeros(B, H)`` written without ``dtype=``/``device=``. A function
    that reads a value (``.item()``, ``.tolist()``, a Python ``if`` on a
    tensor), which meta tensors do not hold, is called again with values
    (``rnncourse.meta_values``).
    """
    for dtype in dtypes:
        inputs = f"{str(dtype).replace('torch.', '')} inputs on device '{device}'"
        try:
            output = _call_moved(fn, args, kwargs, device, dtype)
        except NotImplementedError:
            raise
        except RuntimeError as err:
            raise AssertionError(
                f"{_name(fn)} failed with {inputs}: {err}\n"
                "Create new tensors with the inputs' dtype and device, e.g. torch.zeros(..., dtype=x.dtype, "
                "device=x.device), torch.zeros_like(x) or x.new_zeros(...)") from err
        tensors = _tensors(output, "output")
        if not tensors:
            raise AssertionError(f"the output should be a tensor or a tuple, list or dict of tensors, "
                                 f"got {_describe(output)}")
        for name, tensor in tensors:
            if tensor.device.type != torch.device(device).type:
                raise AssertionError(f"with {inputs}, {name} is on device '{tensor.device}': "
                                     "create new tensors on the inputs' device")
            if tensor.is_floating_point() and tensor.dtype != dtype:
                raise AssertionError(f"with {inputs}, {name} has dtype {tensor.dtype}: "
                                     "create new tensors with the inputs' dtype")


def _call_moved(fn, args, kwargs, device: str, dtype: torch.dtype):
    """``fn`` called with its tensors moved to ``device`` and its floating-point
    ones converted to ``dtype``; on 'meta', made again with values when the
    call read a value that meta tensors do not hold."""
    def convert(value):
        return _map_tensors(value, lambda t: t.to(device=device, dtype=dtype if t.is_floating_point() else t.dtype))

    def call():
        return fn(*[convert(value) for value in args], **{key: convert(value) for key, value in kwargs.items()})

    try:
        return call()
    except RuntimeError as err:
        if torch.device(device).type != "meta" or not lacks_values(str(err)):
            raise
    with values_on_meta():
        return call()


def assert_inputs_unchanged(fn, *args, **kwargs):
    """Call ``fn(*args, **kwargs)``, check that it modified none of its tensor
    arguments in place, and return its output."""
    before = [(name, tensor, tensor.detach().clone())
              for argument, value in _named_arguments(fn, args, kwargs) for name, tensor in _tensors(value, argument)]
    output = fn(*args, **kwargs)
    for name, value, copy in before:
        if value.shape != copy.shape or value.dtype != copy.dtype or not torch.equal(value.detach(), copy):
            raise AssertionError(f"{_name(fn)} modified its argument {name} in place: compute on new tensors "
                                 "(write h = h + a, not h += a, h.copy_(...) or h[...] = ...)")
    return output


def assert_raises_value_error(fn, *args, **kwargs) -> ValueError:
    """``fn(*args, **kwargs)`` raises ValueError with a message; returns the error."""
    call = _call_text(fn, args, kwargs)
    try:
        fn(*args, **kwargs)
    except ValueError as err:
        if not str(err).strip():
            raise AssertionError(f"{call} raised ValueError without a message: "
                                 "say what is inconsistent") from err
        return err
    except NotImplementedError:
        raise
    except Exception as err:
        raise AssertionError(f"{call} should raise ValueError, but raised {type(err).__name__}: {err}\n"
                             "Check the shapes before computing and raise ValueError naming them") from err
    raise AssertionError(f"{call} should raise ValueError, but raised nothing")


class _OpCounter(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.count = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.count += 1
        return func(*args, **(kwargs or {}))


def count_tensor_ops(fn, *args, **kwargs) -> int:
    """How many tensor operations PyTorch runs for ``fn(*args, **kwargs)``.

    A computation written without a Python loop over time runs as many
    operations for a long sequence as for a short one; a loop runs more.
    """
    with _OpCounter() as counter:
        fn(*args, **kwargs)
    return counter.count


def torch_rnn_states(x, h0, U, W, b):
    """The hidden states h(1..T), (T, B, H), of h(t) = tanh(b + W h(t-1) + U x(t))
    computed by PyTorch's own ``torch.nn.RNN``: an independent computation for
    tests, differentiable w.r.t. every argument.

    x: (T, B, D), h0: (B, H), U: (H, D), W: (H, H), b: (H,).
    """
    layer = torch.nn.RNN(U.shape[1], U.shape[0], device="meta")   # holds no weights of its own
    weights = {"weight_ih_l0": U, "weight_hh_l0": W, "bias_ih_l0": b, "bias_hh_l0": torch.zeros_like(b)}
    return torch.func.functional_call(layer, weights, (x, h0.unsqueeze(0)))[0]


def _torch_module_call(module, weights: dict, *args):
    """``module(*args)`` with the given tensors as its parameters (the module,
    made on 'meta', holds no weights of its own)."""
    return torch.func.functional_call(module, weights, args)


def torch_lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """``(h', c')`` of one LSTM step computed by PyTorch's own ``torch.nn.LSTMCell``
    (gate order i, f, g, o): an independent computation for tests.

    x: (B, D), h and c: (B, H), W_ih: (4H, D), W_hh: (4H, H), b_ih and b_hh: (4H,).
    """
    cell = torch.nn.LSTMCell(W_ih.shape[1], W_hh.shape[1], device="meta")
    weights = {"weight_ih": W_ih, "weight_hh": W_hh, "bias_ih": b_ih, "bias_hh": b_hh}
    return _torch_module_call(cell, weights, x, (h, c))


def torch_peephole_lstm_cell(x, c, W_x, U_c, b, W_c, b_c):
    """``(h', c')`` of one step of the notes' peephole LSTM computed by
    ``torch.nn.LSTMCell``: an independent computation for tests.

    The peephole cell is an LSTM cell whose gates read ``c(t-1)`` where the
    traditional one reads ``h(t-1)``, and whose candidate reads no state. So
    ``torch.nn.LSTMCell`` fed ``c(t-1)`` as its hidden state computes it, with
    the gate blocks reordered from f, i, o to i, f, (g), o and zero recurrent
    weights for the candidate g.

    x: (B, D), c: (B, H), W_x: (3H, D), U_c: (3H, H), b: (3H,), W_c: (H, D), b_c: (H,).
    """
    f, i, o = (slice(k * c.shape[1], (k + 1) * c.shape[1]) for k in range(3))
    W_ih = torch.cat([W_x[i], W_x[f], W_c, W_x[o]])
    W_hh = torch.cat([U_c[i], U_c[f], torch.zeros_like(U_c[f]), U_c[o]])
    b_ih = torch.cat([b[i], b[f], b_c, b[o]])
    return torch_lstm_cell(x, c, c, W_ih, W_hh, b_ih, torch.zeros_like(b_ih))


def torch_gru_cell(x, h, W_ih, W_hh, b_ih, b_hh):
    """``h'`` of one GRU step computed by PyTorch's own ``torch.nn.GRUCell``
    (gate order r, z, n; ``h' = (1 - z) n + z h``): an independent computation for tests.

    x: (B, D), h: (B, H), W_ih: (3H, D), W_hh: (3H, H), b_ih and b_hh: (3H,).
    """
    cell = torch.nn.GRUCell(W_ih.shape[1], W_hh.shape[1], device="meta")
    weights = {"weight_ih": W_ih, "weight_hh": W_hh, "bias_ih": b_ih, "bias_hh": b_hh}
    return _torch_module_call(cell, weights, x, h)


def torch_lstm(x, h0, c0, W_ih, W_hh, b_ih, b_hh):
    """``(h_all (T, B, H), (h_T, c_T))`` of a one-layer LSTM computed by PyTorch's
    own ``torch.nn.LSTM``: an independent computation for tests. The states are
    ``(B, H)``, without ``torch.nn.LSTM``'s layer dimension.

    x: (T, B, D), h0 and c0: (B, H), W_ih: (4H, D), W_hh: (4H, H), b_ih and b_hh: (4H,).
    """
    layer = torch.nn.LSTM(W_ih.shape[1], W_hh.shape[1], device="meta")
    weights = {"weight_ih_l0": W_ih, "weight_hh_l0": W_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh}
    h_all, (h_T, c_T) = _torch_module_call(layer, weights, x, (h0.unsqueeze(0), c0.unsqueeze(0)))
    return h_all, (h_T[0], c_T[0])
