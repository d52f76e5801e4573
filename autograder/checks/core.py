"""The one check library: every graded function is checked by the same code.

A chapter module declares one :class:`Spec` per graded function (how to build
valid inputs, which inputs get gradients, which shapes are inconsistent, and
any checks of its own). :func:`standard_checks` turns a spec into the checks
every function gets:

* the reference's result on random inputs with non-square shapes (float64),
* a batch of one (B = 1) and a single time step (T = 1),
* float32 inputs give float32 outputs,
* new tensors follow the inputs' device ('meta' when grading on the CPU, which
  catches a tensor created on the CPU; 'cuda' when grading on a GPU),
* gradients through the function equal the reference's (float64),
* inputs are not modified in place,
* ValueError on inconsistent shapes (when the spec lists such shapes).

A check is a list of cases and a judge. The judge compares the student's
raw result (see ``autograder.harness.invoke``) with the reference's result on
the same case, computed here, outside the student's process.

A call on 'meta' that failed only because meta tensors hold no values (the
function read one: ``.item()``, ``.tolist()``, a Python ``if`` on a tensor,
all fine on a GPU) is judged by the same call made again with values
(:func:`evidence`), never by that failure.
"""
from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

import torch

from rnncourse.meta_values import lacks_values
from rnncourse.symptoms import no_gradient

from ..harness.invoke import invoke

DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64"}
TOLERANCES = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5)}


@dataclass(frozen=True)
class Dims:
    """Sizes of one case: T steps, B sequences, D inputs, H hidden, K outputs."""
    T: int = 5
    B: int = 3
    D: int = 4
    H: int = 6
    K: int = 7


class Inputs:
    """Seeded factory of the tensors of one case, all in one dtype (on the CPU;
    the harness moves them to the device under test)."""

    def __init__(self, seed: int, dtype: torch.dtype = torch.float64):
        self.generator = torch.Generator().manual_seed(seed)
        self.dtype = dtype

    def randn(self, *shape, scale: float = 1.0) -> torch.Tensor:
        return scale * torch.randn(shape, generator=self.generator, dtype=self.dtype)

    def uniform(self, *shape, low: float = -1.0, high: float = 1.0) -> torch.Tensor:
        return low + (high - low) * torch.rand(shape, generator=self.generator, dtype=self.dtype)

    def randint(self, high: int, *shape) -> torch.Tensor:
        return torch.randint(high, shape, generator=self.generator)

    def weight(self, rows: int, cols: int) -> torch.Tensor:
        """A weight matrix (rows, cols) scaled like a default nn.Linear init."""
        return self.uniform(rows, cols) / math.sqrt(cols)


@dataclass
class Case:
    """One call of the graded function.

    args/kwargs: the inputs; grad_wrt: positions or names of the inputs whose
    gradients are compared; label: how the case is described in messages.
    """
    args: list
    kwargs: dict = field(default_factory=dict)
    grad_wrt: tuple = ()
    label: str = ""
    inference_mode: bool = False
    count_ops: bool = False
    device: Optional[str] = None          # None: the grading device
    expect_error: Optional[str] = None    # e.g. "ValueError": the call must raise it
    global_seed: Optional[int] = None     # seed of torch's global generator before the call
    record_ops: bool = False              # report the names of the aten operators the call reached

    def message(self, fn: str, device: str, grad_seed: int = 0) -> dict:
        return {"fn": fn, "args": list(self.args), "kwargs": dict(self.kwargs),
                "device": device, "grad_wrt": list(self.grad_wrt), "grad_seed": grad_seed,
                "inference_mode": self.inference_mode, "count_ops": self.count_ops,
                "global_seed": self.global_seed, "record_ops": self.record_ops}


# A judge gets (case, reference result, student result, expected device) and
# returns None when the student's result is right, else a short message.
Judge = Callable[[Case, dict, dict, str], Optional[str]]
# A judge of all cases together gets ([Case], [student result]) once every case
# has passed its own judge, for properties that relate several calls.
JointJudge = Callable[[list, list], Optional[str]]


@dataclass
class Check:
    name: str
    hint: str
    cases: Callable[[str], list]   # grading device -> [Case]
    judge: Judge
    joint: Optional[JointJudge] = None
    dims: Dims = Dims()            # the sizes of its cases, for messages ("off by a factor B = 3")


@dataclass
class Spec:
    """How to check one graded function.

    make(inputs, dims) -> Case builds a valid call; grad_wrt names the inputs
    that must receive gradients; bad_shapes(inputs) -> [Case] lists calls that
    must raise ValueError; extra_checks are the function's own checks.
    A function of plain numbers (tensor_inputs false) gets none of the
    standard checks, only its own. main_judge, when given, judges the main
    check (random inputs) instead of matches_reference, e.g. to also fail a
    call that reached an operator the exercise must not use. outputs names
    what the function returns as the exercise does, with its axes, for
    messages: ``("o (T, B, K)", "h (T, B, H)")``, ``("loss", "grads")``.
    """
    name: str
    make: Callable[[Inputs, Dims], Case]
    grad_wrt: tuple = ()
    uses_time: bool = True
    uses_batch: bool = True
    bad_shapes: Optional[Callable[[Inputs], list]] = None
    extra_checks: list = field(default_factory=list)
    differentiable: bool = True
    tensor_inputs: bool = True
    main_judge: Optional[Judge] = None
    outputs: tuple = ()


def seed_for(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode())


# --------------------------------------------------------------------------
# comparing results


def _error(result: dict) -> str:
    kinds = result.get("error_types") or ["Error"]
    return f"raised {kinds[0]}: {result.get('error', '')}"


def _dtype_of(description: dict) -> str:
    return description.get("dtype", "")


def compare_outputs(expected: dict, actual: dict, device: str, tol: tuple, path: str = "output") -> Optional[str]:
    """Compare two output descriptions (see harness.invoke.describe)."""
    kind, got = expected["kind"], actual["kind"]
    sequences = ("tuple", "list")
    if kind in sequences and got in sequences:
        if len(expected["items"]) != len(actual["items"]):
            return f"{path} should have {len(expected['items'])} items, has {len(actual['items'])}"
        for index, (e, a) in enumerate(zip(expected["items"], actual["items"])):
            problem = compare_outputs(e, a, device, tol, f"{path}[{index}]")
            if problem:
                return problem
        return None
    if kind == "dict" and got == "dict":
        if set(expected["items"]) != set(actual["items"]):
            return f"{path} should have the keys {sorted(expected['items'])}, has {sorted(actual['items'])}"
        for key in expected["items"]:
            problem = compare_outputs(expected["items"][key], actual["items"][key], device, tol, f"{path}[{key!r}]")
            if problem:
                return problem
        return None
    if kind == "tensor":
        if got != "tensor":
            return f"{path} should be a torch.Tensor, is a {actual.get('type', got)}"
        if expected["shape"] != actual["shape"]:
            return f"{path} has shape {tuple(actual['shape'])}, expected {tuple(expected['shape'])}"
        if expected["dtype"] != actual["dtype"]:
            return f"{path} has dtype {actual['dtype']}, expected {expected['dtype']} (follow the inputs' dtype)"
        if actual["device"] != device:
            return f"{path} is on device '{actual['device']}', expected '{device}' (create tensors on the inputs' device)"
        if expected["values"] is None or actual["values"] is None:
            return None
        return compare_values(expected["values"], actual["values"], tol, path)
    if kind in ("float", "int", "bool") and got in ("float", "int", "bool"):
        if kind == "int" and got != "int":
            return f"{path} should be an int, is a {got}"
        e, a = float(expected["value"]), float(actual["value"])
        if not math.isclose(e, a, rel_tol=tol[0], abs_tol=tol[1]):
            return f"{path} is {a!r}, which differs from the expected value"
        return None
    if kind == got == "NoneType":
        return None
    name = actual.get("type", got)
    return f"{path} should be a {expected.get('type', kind)}, is a {name}"


def compare_values(expected: torch.Tensor, actual: torch.Tensor, tol: tuple, path: str) -> Optional[str]:
    expected, actual = expected.to(torch.float64), actual.to(torch.float64)
    if not torch.isfinite(actual).all() and torch.isfinite(expected).all():
        return f"{path} contains inf or nan (is the computation numerically stable?)"
    if torch.allclose(actual, expected, rtol=tol[0], atol=tol[1], equal_nan=True):
        return None
    error = (actual - expected).abs().nan_to_num(float("inf")).max().item()
    return f"{path} differs from the expected values (max abs error {error:.3g})"


def compare_grads(expected: Optional[dict], actual: Optional[dict], tol: tuple) -> Optional[str]:
    if expected is None:
        return None
    if actual is None:
        return no_gradient("output")
    for key, want in expected.items():
        got = actual.get(key)
        name = f"the gradient w.r.t. argument {key}"
        if got is None and want is None:
            continue
        if got is None:
            if want.abs().max().item() == 0:
                continue
            return f"no gradient reaches argument {key} (is it used, and not detached?)"
        if want is None:
            want = torch.zeros_like(got)
        if tuple(got.shape) != tuple(want.shape):
            return f"{name} has shape {tuple(got.shape)}, expected {tuple(want.shape)}"
        problem = compare_values(want, got, tol, name)
        if problem:
            return problem
    return None


def _label(case: Case) -> str:
    return f" ({case.label})" if case.label else ""


def _attached(description: dict, path: str = "output") -> list:
    """Paths of the output tensors that still require grad."""
    if description["kind"] == "tensor":
        return [path] if description.get("requires_grad") else []
    items = description.get("items") or []
    pairs = items.items() if isinstance(items, dict) else enumerate(items)
    return [found for key, item in pairs for found in _attached(item, f"{path}[{key!r}]")]


def _result_problem(student: dict, detached: bool, grad_untouched: bool) -> Optional[str]:
    if detached and _attached(student["output"]):
        return f"{_attached(student['output'])[0]} still requires grad: return detached tensors (.detach())"
    if grad_untouched and student.get("grad_written"):
        names = ", ".join(map(str, student["grad_written"]))
        return (f"your function wrote .grad of its input(s) {names}: compute gradients with "
                "torch.autograd.grad on copies, not .backward()")
    return None


def matches_reference(tol: Optional[tuple] = None, grads: bool = False, mutation: bool = True,
                      detached: bool = False, grad_untouched: bool = False) -> Judge:
    """The student's result equals the reference's: outputs (structure, shape,
    dtype, device, values), optionally gradients, and inputs left unchanged;
    optionally every returned tensor detached and no input's .grad written."""
    def judge(case, reference, student, device):
        if case.expect_error:
            return raises(case.expect_error)(case, reference, student, device)
        if not reference["ok"]:
            raise RuntimeError(f"the reference failed on a check case: {_error(reference)}")
        if not student["ok"]:
            return _error(student) + _label(case)
        if student.get("autograd_ran"):
            return "autograd computed part of the result: this function must compute its gradients by hand"
        dtype = _first_dtype(reference["output"])
        limits = tol or TOLERANCES.get(dtype, TOLERANCES["float64"])
        problem = compare_outputs(reference["output"], student["output"], device, limits)
        if problem is None and grads:
            problem = compare_grads(reference.get("grads"), student.get("grads"), limits)
        if problem is None and mutation and student.get("mutated"):
            names = ", ".join(map(str, student["mutated"]))
            problem = f"your function modified its input(s) {names} in place"
        if problem is None:
            problem = _result_problem(student, detached, grad_untouched)
        return None if problem is None else problem + _label(case)
    return judge


def operator_names(op_names: list, matches: Callable[[str], object]) -> list:
    """The names among ``op_names`` ('aten::NAME' or 'aten::NAME.overload', as
    ``Case.record_ops`` reports them) whose NAME ``matches``."""
    return [name for name in op_names if matches(name.split("::")[-1].split(".")[0])]


def without_operators(judge: Judge, forbidden: Callable[[list], list], why: Callable[[str], str]) -> Judge:
    """``judge``, after failing any call that reached an operator the exercise
    must not use: ``forbidden(op_names)`` lists them, ``why(first one)`` says so
    (the case must record its operators, ``Case.record_ops``)."""
    def judged(case, reference, student, device):
        found = forbidden(student.get("op_names", [])) if student["ok"] else []
        if found:
            return why(found[0])
        return judge(case, reference, student, device)
    return judged


def _first_dtype(description: dict) -> str:
    if description["kind"] == "tensor":
        return description["dtype"]
    items = description.get("items")
    if isinstance(items, dict):
        items = list(items.values())
    for item in items or []:
        found = _first_dtype(item)
        if found:
            return found
    return ""


def raises(error: str = "ValueError") -> Judge:
    def judge(case, reference, student, device):
        if student["ok"]:
            return f"no {error} was raised for {case.label}"
        if error not in student.get("error_types", []):
            return f"expected {error} for {case.label}, but it {_error(student)}"
        return None
    return judge


# --------------------------------------------------------------------------
# the standard checks of every graded function


def _case(spec: Spec, check: str, dims: Dims = Dims(), dtype=torch.float64, grads: bool = False) -> Case:
    case = spec.make(Inputs(seed_for(spec.name, check), dtype), dims)
    return replace(case, grad_wrt=spec.grad_wrt) if grads else case


def _one(spec: Spec, check: str, **options) -> Callable[[str], list]:
    return lambda device: [_case(spec, check, **options)]


def _device_cases(spec: Spec) -> Callable[[str], list]:
    """On a GPU the case runs there; on the CPU it runs again on 'meta'
    (shapes only), where a tensor created on the CPU makes the call fail
    (and, where the call reads values, see :func:`evidence`)."""
    def cases(device):
        case = _case(spec, "device")
        return [case] if device != "cpu" else [case, replace(case, device="meta", label="inputs on the 'meta' device")]
    return cases


def _shape_cases(spec: Spec) -> Callable[[str], list]:
    """A valid call, which must still work, then each inconsistent one."""
    def cases(device):
        bad = spec.bad_shapes(Inputs(seed_for(spec.name, "shapes")))
        return [_case(spec, "shapes-valid")] + [replace(case, expect_error="ValueError") for case in bad]
    return cases


def standard_checks(spec: Spec) -> list:
    if not spec.tensor_inputs:
        return list(spec.extra_checks)
    checks = [
        Check("matches the reference on random inputs (float64, non-square shapes)",
              "Compare each formula with the specification: which weight multiplies which vector, "
              "the (out_features, in_features) layout, the bias and the activation.",
              _one(spec, "random"), spec.main_judge or matches_reference(mutation=False)),
    ]
    if spec.uses_batch:
        checks.append(Check("batch of one (B = 1)",
                            "Avoid squeezing or indexing away the batch dimension.",
                            _one(spec, "batch1", dims=Dims(B=1)), matches_reference(mutation=False),
                            dims=Dims(B=1)))
    if spec.uses_time:
        checks.append(Check("a single time step (T = 1)",
                            "Check the first step and the loop bounds over time.",
                            _one(spec, "time1", dims=Dims(T=1)), matches_reference(mutation=False),
                            dims=Dims(T=1)))
    checks += [
        Check("float32 inputs give float32 results",
              "Create new tensors with the inputs' dtype (e.g. torch.zeros(..., dtype=x.dtype)).",
              _one(spec, "float32", dtype=torch.float32), matches_reference(mutation=False)),
        Check("new tensors follow the inputs' device",
              "Create new tensors on the inputs' device (torch.zeros_like(x), x.new_zeros(...), "
              "torch.tensor(..., device=x.device)): a tensor made without device= is on the CPU.",
              _device_cases(spec), matches_reference(mutation=False)),
        Check("inputs are left unchanged",
              "Do not modify an argument in place (+=, [...] =, .add_()); work on new tensors.",
              _one(spec, "mutation"), matches_reference(mutation=True)),
    ]
    if spec.differentiable and spec.grad_wrt:
        checks.append(Check("gradients match the reference (float64)",
                            "Keep the computation differentiable: no .detach(), torch.no_grad(), "
                            ".data, numpy round trips or in-place edits of tensors that need gradients.",
                            _one(spec, "grads", grads=True), matches_reference(grads=True)))
    if spec.bad_shapes is not None:
        checks.append(Check("ValueError on inconsistent shapes",
                            "Validate the shapes the docstring lists and raise ValueError naming them.",
                            _shape_cases(spec), matches_reference(mutation=False)))
    return checks + list(spec.extra_checks)


# --------------------------------------------------------------------------
# running checks


@dataclass
class CheckResult:
    name: str
    passed: bool
    message: str


_PREPARED: dict = {}


def evidence(result: dict) -> dict:
    """The result to judge of one call: its own, unless it is a call on 'meta'
    that failed only because meta tensors hold no values; then the result of
    the same call made again with values (``with_values``: the same meta
    tensors and device checks, the values computed alongside on the CPU, see
    ``rnncourse.meta_values``). The plain meta run stays the evidence
    wherever it says something about devices: it passed, or failed otherwise."""
    if not result["ok"] and "with_values" in result and lacks_values(result.get("error", "")):
        return result["with_values"]
    return result


def prepared_cases(check: Check, spec: Spec, reference_fn, grading_device: str) -> list:
    """``[(case, student message, reference result)]`` of ``check``: the cases
    built and the reference run on them once per process (the reference here,
    on the CPU, or on 'meta' for a meta case), then reused for every notebook
    graded by this process. Safe because cases are seeded and the reference
    is the trusted solution: the same inputs give the same result."""
    key = (spec.name, check.name, grading_device, reference_fn)
    if key not in _PREPARED:
        prepared = []
        for index, case in enumerate(check.cases(grading_device)):
            seed = seed_for(spec.name, check.name, str(index))
            reference = evidence(invoke(reference_fn, trusted_message(spec, case, seed, grading_device)))
            prepared.append((case, case.message(spec.name, case.device or grading_device, seed), reference))
        _PREPARED[key] = prepared
    return _PREPARED[key]


def trusted_message(spec: Spec, case: Case, seed: int, grading_device: str) -> dict:
    """The call of ``case`` made in the grader's own process (the reference,
    a catalogued mistake): on the CPU, or on 'meta' for a meta case."""
    return case.message(spec.name, "meta" if (case.device or grading_device) == "meta" else "cpu", seed)


# Explains a failed case: (check, index of the case, case, reference result,
# student result, the judge's problem) -> the message a student reads.
Explain = Callable[[Check, int, Case, dict, dict, str], str]


def plain_message(check: Check, index: int, case: Case, reference: dict, student: dict, problem: str) -> str:
    return f"{problem}. Hint: {check.hint}"


def judge_check(check: Check, spec: Spec, reference_fn, call, grading_device: str,
                explain: Explain = plain_message) -> CheckResult:
    """Run every case of ``check``: the student through ``call(message)``,
    which returns the student's raw result (or raises to abort the check),
    judged against the reference's result (see ``prepared_cases``); then the
    joint judge, if any, on all the student's results. ``explain`` words the
    failure of a case (``autograder.diagnosis`` names the mistake); the
    verdict is the judge's alone."""
    cases, students = [], []
    for index, (case, message, reference) in enumerate(prepared_cases(check, spec, reference_fn, grading_device)):
        student = evidence(call(message))
        problem = check.judge(case, reference, student, case.device or grading_device)
        if problem:
            return CheckResult(check.name, False, explain(check, index, case, reference, student, problem))
        cases.append(case)
        students.append(student)
    problem = check.joint(cases, students) if check.joint else None
    if problem:
        return CheckResult(check.name, False, f"{problem}. Hint: {check.hint}")
    return CheckResult(check.name, True, "")
