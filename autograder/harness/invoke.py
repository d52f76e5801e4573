"""Call one function on one case and describe what happened, as plain data.

The grader calls the reference through this module in its own process and the
student's function through the same module inside the sandbox, then compares
the two descriptions. A case is a dict:

    fn         name of the function (only used in messages)
    args       list of positional arguments (tensors, numbers, None, ...)
    kwargs     dict of keyword arguments
    device     "cpu", "cuda" or "meta": floating tensors are moved there first
    grad_wrt   positions (int) or keyword names (str) of the inputs to
               differentiate the output with respect to
    grad_seed  seed of the random weights w of the scalar sum(w * output)
    inference_mode  call inside torch.inference_mode() and report whether
               autograd's engine ran anyway (re-enabled inside the call)
    count_ops  count the aten operations the call dispatches
    record_ops  report the sorted names of the aten operators the call
               reached, as "op_names": those dispatched to kernels and those
               called from Python (a composite operator such as
               aten::lstm_cell is decomposed before it is dispatched, so only
               its call shows it)
    global_seed  seed torch's global generator with it just before the call
                 (a function told to draw from a given generator must not
                 depend on the global one), and report as "global_rng_moved"
                 whether the call changed its state (drew from it, or seeded it)

A call on 'meta' that fails only because meta tensors hold no values (the
function read one: ``.item()``, a Python ``if`` on a tensor...) is made again
with values (``rnncourse.meta_values``: the same meta tensors and device
checks, the values computed alongside on the CPU), and its description is
added to the first one as ``with_values``: evidence that the judge, outside,
decides to use or not.
"""
import functools

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from rnncourse.meta_values import lacks_values, values_on_meta

from .callables import resolve

MAX_MESSAGE = 300


class _Watch(TorchDispatchMode):
    """Counts the aten operations dispatched and notes any dispatched by
    autograd's engine (during a backward pass)."""

    def __init__(self):
        super().__init__()
        self.count = 0
        self.backward_ran = False
        self.names = set()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.count += 1
        self.names.add(func._schema.name)
        self.backward_ran = self.backward_ran or torch._C._current_graph_task_id() != -1
        return func(*args, **(kwargs or {}))


class _Calls(TorchFunctionMode):
    """Notes the aten operators of the torch functions called from Python
    (torch.lstm_cell, torch._VF.gru_cell, Tensor.sigmoid, torch.ops.aten.X):
    a composite operator never reaches a dispatch mode, its parts do."""

    def __init__(self):
        super().__init__()
        self.names = set()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = _operator_name(func)
        if name is not None:
            self.names.add(name)
        return func(*args, **(kwargs or {}))


def _operator_name(func):
    """'aten::NAME' of the operator a torch function calls, None for one that
    calls none (a property, a Python function)."""
    schema = getattr(func, "_schema", None)               # torch.ops.aten.NAME.overload
    if schema is not None:
        return schema.name
    packet = getattr(func, "_qualified_op_name", None)    # torch.ops.aten.NAME
    if packet is not None:
        return packet
    return _aten_operator("aten::" + getattr(func, "__name__", ""))


@functools.lru_cache(maxsize=None)
def _aten_operator(name):
    return name if torch._C._jit_get_schemas_for_operator(name) else None


def _map_tensors(value, fn):
    if isinstance(value, torch.Tensor):
        return fn(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_map_tensors(item, fn) for item in value)
    if isinstance(value, dict):
        return {key: _map_tensors(item, fn) for key, item in value.items()}
    return value


def _tensors(value, path="output"):
    """Yield (path, tensor) for every tensor inside a nested output."""
    if isinstance(value, torch.Tensor):
        yield path, value
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _tensors(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _tensors(item, f"{path}[{key!r}]")


def describe(value):
    """Plain-data description of an output: tensors become dicts that keep
    dtype, device, shape and autograd facts, with the values on the CPU
    (no values for meta tensors); anything unexpected becomes its type name."""
    if isinstance(value, torch.Tensor):
        return {
            "kind": "tensor",
            "dtype": str(value.dtype).replace("torch.", ""),
            "device": value.device.type,
            "shape": list(value.shape),
            "requires_grad": bool(value.requires_grad),
            "values": None if value.device.type == "meta" else value.detach().to("cpu").clone(),
        }
    if isinstance(value, (bool, int, float)) or value is None:
        return {"kind": type(value).__name__, "value": value}
    if isinstance(value, (list, tuple)):
        return {"kind": type(value).__name__, "items": [describe(item) for item in value]}
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"kind": "dict", "items": {key: describe(item) for key, item in value.items()}}
    return {"kind": "other", "type": type(value).__name__}


def _to_device(value, device):
    if device == "cpu":
        return value
    return _map_tensors(value, lambda t: t.to(device))


def _inputs(case):
    device = case.get("device", "cpu")
    args = list(resolve(case.get("args", []), device))
    kwargs = dict(resolve(case.get("kwargs", {}), device))
    return _to_device(args, device), _to_device(kwargs, device)


def _get(args, kwargs, key):
    return args[key] if isinstance(key, int) else kwargs[key]


def _set(args, kwargs, key, value):
    if isinstance(key, int):
        args[key] = value
    else:
        kwargs[key] = value


def _snapshot(args, kwargs):
    """(key, tensor, copy) of every input tensor; key is the argument's
    position or name, with an index for a tensor inside a list argument."""
    named = [(index, value) for index, value in enumerate(args)] + list(kwargs.items())
    snapshot = []
    for key, value in named:
        for path, tensor in _tensors(value, str(key)):
            snapshot.append((key if isinstance(value, torch.Tensor) else path, tensor, tensor.detach().clone()))
    return snapshot


def _mutated(snapshot):
    changed = []
    for key, tensor, before in snapshot:
        if tensor.device.type == "meta":
            same = tensor.shape == before.shape and tensor.dtype == before.dtype
        else:
            same = (tensor.shape == before.shape and tensor.dtype == before.dtype
                    and torch.equal(tensor.detach(), before))
        if not same:
            changed.append(key)
    return changed


def _weights(tensor, seed):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(tuple(tensor.shape), generator=generator,
                       dtype=torch.float64).to(dtype=tensor.dtype, device=tensor.device)


def _gradients(output, inputs, seed):
    """Gradients of sum_k sum(w_k * out_k) w.r.t. ``inputs``; None when the
    output does not depend on them through autograd."""
    parts = [(path, t) for path, t in _tensors(output) if t.requires_grad]
    if not parts:
        return None
    total = sum((t * _weights(t, seed + k)).sum() for k, (_, t) in enumerate(parts))
    grads = torch.autograd.grad(total, inputs, allow_unused=True)
    return [None if g is None else g.detach().to("cpu") for g in grads]


def _failure(exc):
    message = str(exc)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "..."
    return {"ok": False,
            "error_types": [klass.__name__ for klass in type(exc).__mro__],
            "error": message}


def invoke(fn, case):
    """Call ``fn`` on ``case`` and return a plain-data description (on 'meta',
    with ``with_values`` where the call lacked values)."""
    result = _described_call(fn, case)
    if case.get("device") == "meta" and not result["ok"] and lacks_values(result["error"]):
        result["with_values"] = _with_values(fn, case)
    return result


def _with_values(fn, case):
    try:
        with values_on_meta():
            return _described_call(fn, case)
    except BaseException as exc:  # the student's code left the dispatch modes unbalanced
        return _failure(exc)


def _described_call(fn, case):
    try:
        args, kwargs = _inputs(case)
        grad_keys = list(case.get("grad_wrt", []))
        for key in grad_keys:
            _set(args, kwargs, key, _get(args, kwargs, key).detach().clone().requires_grad_(True))
        snapshot = _snapshot(args, kwargs)
        watch = _Watch() if case.get("count_ops") or case.get("inference_mode") or case.get("record_ops") else None
        calls = _Calls() if case.get("record_ops") else None
        if case.get("global_seed") is not None:
            torch.manual_seed(int(case["global_seed"]))
            global_before = torch.get_rng_state()
        if case.get("inference_mode"):
            with torch.inference_mode():
                output = _call(fn, args, kwargs, watch, calls)
        else:
            output = _call(fn, args, kwargs, watch, calls)
        result = {"ok": True, "output": describe(output), "mutated": _mutated(snapshot),
                  "grad_written": [key for key, tensor, _ in snapshot
                                   if tensor.is_leaf and tensor.grad is not None]}
        if case.get("global_seed") is not None:
            result["global_rng_moved"] = not torch.equal(global_before, torch.get_rng_state())
        if case.get("count_ops"):
            result["ops"] = watch.count
        if case.get("inference_mode"):
            result["autograd_ran"] = watch.backward_ran
        if case.get("record_ops"):
            result["op_names"] = sorted(watch.names | calls.names)
        if grad_keys:
            grads = _gradients(output, [_get(args, kwargs, key) for key in grad_keys],
                               int(case.get("grad_seed", 0)))
            result["grads"] = None if grads is None else dict(zip(map(str, grad_keys), grads))
        return result
    except BaseException as exc:  # a student's sys.exit() must not end the worker
        return _failure(exc)


def _call(fn, args, kwargs, watch, calls=None):
    if calls is not None:
        with calls:
            return _call(fn, args, kwargs, watch)
    if watch is None:
        return fn(*args, **kwargs)
    with watch:
        return fn(*args, **kwargs)
