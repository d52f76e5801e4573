"""Feedback that names the mistake, never the answer.

A failed check is worded by :class:`Diagnosis` (one per graded function and
submission), in the exercise's own words:

* the outputs and arguments by the names the spec gives them
  (``Spec.outputs``, the reference's parameters), not ``output[0]``;
* wrong values located: where the output is first wrong (time step, index);
* the mistake named when the student's result equals, on the same case,
  the result of a catalogued mistake (``autograder.mistakes``) that fails
  the same check; else a symptom (``rnncourse.symptoms``: shifted in time,
  off by a factor B or T, a weight transposed or a bias left out), followed
  by the check's hint;
* a later check that fails only because of the same wrong values says so in
  one line; a check that fails for a reason of its own keeps its message.

The mistakes' results are computed here, in the grader's process, like the
reference's (once per process, then reused), and only for a failed case: a
correct submission costs nothing more. Messages never show an expected value
or the reference's code. The verdicts are the judges' alone: a diagnosis
changes words, never a score.
"""
from __future__ import annotations

import copy
import inspect
import re
import warnings
from functools import lru_cache
from typing import Optional

import torch

from rnncourse.symptoms import symptom, variants

from .checks.core import (TOLERANCES, Check, Spec, _first_dtype, compare_grads, compare_outputs, evidence, seed_for,
                          trusted_message)
from .harness.cells import run_cell
from .harness.invoke import invoke
from .mistakes import Mistake, mistakes_of
from .reference import reference_namespace

SAME_VALUES = "same wrong values as above"
SAME_PROBLEM = "same problem as above"
MOST_NAMED = 3          # more mistakes than this fit the result: name none
_RESULTS: dict = {}     # (function, check, device, case index, what) -> trusted result


@lru_cache(maxsize=None)
def mistake_function(chapter: str, mistake: Mistake):
    """The graded function as ``mistake`` writes it, defined among the
    reference notebook's other cells (a copy of their namespace)."""
    namespace = dict(reference_namespace(chapter))
    run_cell(mistake.source, namespace, f"<mistake {mistake.function}/{mistake.label}>")
    return namespace[mistake.function]


def same_result(expected: dict, actual: dict, device: str, tol: tuple) -> bool:
    """Whether two raw results are the same within ``tol``: both raised the
    same error, or returned equal outputs (and gradients) with the same side
    effects. ``device``: where ``actual``'s outputs must be."""
    if expected["ok"] != actual["ok"]:
        return False
    if not expected["ok"]:
        return (expected.get("error_types"), expected.get("error")) == (actual.get("error_types"), actual.get("error"))
    if not _same_output(expected["output"], actual["output"], device, tol):
        return False
    if (expected.get("grads") is None) != (actual.get("grads") is None):
        return False
    if compare_grads(expected.get("grads"), actual.get("grads"), tol) is not None:
        return False
    return all(bool(expected.get(key)) == bool(actual.get(key)) and
               list(expected.get(key) or []) == list(actual.get(key) or [])
               for key in ("mutated", "grad_written", "autograd_ran", "global_rng_moved"))


def _same_output(expected: dict, actual: dict, device: str, tol: tuple) -> bool:
    if expected["kind"] == actual["kind"] == "other":   # e.g. a NumPy scalar: by its type
        return expected.get("type") == actual.get("type")
    return compare_outputs(expected, actual, device, tol) is None


def _tolerance(reference: dict) -> tuple:
    output = reference.get("output")
    return TOLERANCES.get(_first_dtype(output) if output else "", TOLERANCES["float64"])


def _short(name: str) -> str:
    return name.split(" (")[0]


def _axes(name: str) -> list:
    """['T', 'B', 'K'] of 'o (T, B, K)'; [] when no axes are given."""
    found = re.search(r"\(([^)]*)\)", name)
    return [axis.strip() for axis in found.group(1).split(",")] if found else []


def _first_wrong_tensor(expected: dict, actual: dict, tol: tuple, path: str = "output"):
    """(path, expected values, actual values) of the first output tensor
    whose values differ (same structure and shape), in the order of the outputs."""
    kind = expected["kind"]
    if kind != actual["kind"] and not {kind, actual["kind"]} <= {"tuple", "list"}:
        return None
    if kind in ("tuple", "list", "dict"):
        keys = list(expected["items"]) if kind == "dict" else range(len(expected["items"]))
        for key in keys:
            try:
                pair = (expected["items"][key], actual["items"][key])
            except (KeyError, IndexError):
                return None
            found = _first_wrong_tensor(*pair, tol, f"{path}[{key!r}]" if kind == "dict" else f"{path}[{key}]")
            if found:
                return found
        return None
    if kind != "tensor" or expected["values"] is None or actual["values"] is None:
        return None
    want, got = expected["values"].to(torch.float64), actual["values"].to(torch.float64)
    if want.shape != got.shape or torch.allclose(got, want, rtol=tol[0], atol=tol[1], equal_nan=True):
        return None
    return path, want, got


def _output_name(outputs: tuple, path: str) -> tuple:
    """(name, rest of the path) of the output at ``path`` ('[1][0]...' after
    'output'), named by ``outputs`` (a nested tuple names a nested output);
    (None, path) when ``outputs`` does not name it."""
    if len(outputs) == 1:
        return outputs[0], path
    names = outputs
    while True:
        index = re.match(r"\[(\d+)\]", path)
        if not index or int(index.group(1)) >= len(names):
            return None, path
        names, path = names[int(index.group(1))], path[index.end():]
        if isinstance(names, str):
            return names, path


class Diagnosis:
    """The explanation of each failed check of one graded function in one
    submission: an ``Explain`` for ``judge_check``. It remembers the wrong
    values it has reported, so that later checks refer to them."""

    def __init__(self, chapter: str, spec: Spec, reference_fn, grading_device: str):
        self.chapter, self.spec, self.reference_fn, self.device = chapter, spec, reference_fn, grading_device
        try:
            self.parameters = list(inspect.signature(reference_fn).parameters)
        except (TypeError, ValueError):
            self.parameters = []
        self.reported: Optional[list] = None    # the mistakes named with the wrong values reported, if any
        self.problems: set = set()              # the other problems reported, as worded

    # -- the message -------------------------------------------------------

    def __call__(self, check: Check, index: int, case, reference: dict, student: dict, problem: str) -> str:
        try:
            return self._explain(check, index, case, reference, student, problem)
        except Exception:   # a diagnosis must never change a verdict, nor stop the grading
            return f"{problem}. Hint: {check.hint}"

    def _explain(self, check, index, case, reference, student, problem) -> str:
        device = case.device or self.device
        tol = _tolerance(reference)
        wrong_values = "differs from the expected value" in problem and student["ok"]
        same_values = wrong_values and self.reported is not None
        if same_values and (not self.reported or self._matching(check, index, case, reference, student, device,
                                                                tol, self.reported)):
            return SAME_VALUES
        label = f" ({case.label})" if case.label else ""
        text = self.named(problem)
        if not wrong_values:
            if text.removesuffix(label) in self.problems:
                return SAME_PROBLEM
            self.problems.add(text.removesuffix(label))
        mistakes = self._matching(check, index, case, reference, student, device, tol)
        if same_values and not mistakes:    # no other mistake explains them better
            return SAME_VALUES
        located = self._located(reference, student, tol) if wrong_values else None
        if located:
            text = located + label
        if wrong_values:
            self.reported = mistakes
        text = text.rstrip(".")
        if len(mistakes) == 1:
            return f"{text}. This looks like a known mistake: {mistakes[0].says}."
        if mistakes:
            return f"{text}. This looks like one of these known mistakes: " + "; or ".join(
                m.says for m in mistakes) + "."
        seen = self._symptom(check, index, case, reference, student, device, tol) if wrong_values else None
        return f"{text}{'. It ' + seen if seen else ''}. Hint: {check.hint}"

    def named(self, problem: str) -> str:
        """``problem`` with ``output[i]`` and ``argument k`` replaced by the
        names the exercise uses."""
        outputs = self.spec.outputs

        def output(match):
            name, rest = _output_name(outputs, match.group(1))
            if name is None:
                return match.group(0)
            return (name if " has shape" in problem and not rest else _short(name)) + rest

        def argument(match):
            number = int(match.group(2))
            return (match.group(1) + self.parameters[number] if number < len(self.parameters)
                    else match.group(0))

        if outputs:
            problem = re.sub(r"\boutput((?:\[[^\]]*\])*)", output, problem)
        problem = re.sub(r"(argument )(\d+)\b", argument, problem)
        return re.sub(r"(input\(s\) )([\d, ]+)(?= in place)", lambda m: m.group(1) + ", ".join(
            self.parameters[int(k)] if int(k) < len(self.parameters) else k
            for k in m.group(2).split(", ")), problem)

    def _full_name(self, path: str) -> str:
        """'o (T, B, K)' of the output at ``path`` ('output[0]'), axes included."""
        name, rest = _output_name(self.spec.outputs, path.removeprefix("output")) if self.spec.outputs else (None, "")
        return name + rest if name else path

    def _located(self, reference: dict, student: dict, tol: tuple) -> Optional[str]:
        """'h (T, B, H) is right up to t = 1 and first differs at t = 2, at h[1, 0, 3] (...)'."""
        found = _first_wrong_tensor(reference["output"], student["output"], tol)
        if not found:
            return None
        path, want, got = found
        name = self._full_name(path)
        short, axes = _short(name), _axes(name)
        if want.dim() == 0:   # its error, with a named factor, would tell the expected value
            return f"{short} differs from the expected value"
        error = (got - want).abs().nan_to_num(float("inf"))
        size = f" (max abs error {error.max().item():.3g})"
        off = (~torch.isclose(got, want, rtol=tol[0], atol=tol[1], equal_nan=True)).nonzero()
        if "T" in axes and len(axes) == want.dim():
            time = axes.index("T")
            step = int(off[:, time].min())
            first = tuple(int(i) for i in off[off[:, time] == step][0])
            where = f"{short}[{', '.join(map(str, first))}]"
            if step == 0:
                return f"{name} is wrong from t = 1 on, first at {where}{size}"
            return f"{name} is right up to t = {step} and first differs at t = {step + 1}, at {where}{size}"
        first = tuple(int(i) for i in off[0])
        return f"{name} first differs at {short}[{', '.join(map(str, first))}]{size}"

    # -- mistakes and symptoms -----------------------------------------------

    def _trusted(self, check: Check, index: int, case, what: str, fn, change=None) -> dict:
        """The result of ``fn`` (the reference or a mistake; trusted code) on
        the case, with its arguments changed by ``change``, cached per process."""
        key = (self.spec.name, check.name, self.device, index, what, fn)
        if key not in _RESULTS:
            message = copy.deepcopy(trusted_message(self.spec, case, seed_for(self.spec.name, check.name, str(index)),
                                                    self.device))
            if change is not None:
                message["args"], message["kwargs"] = change(message["args"], message["kwargs"])
            with warnings.catch_warnings():   # a mistake's overflow is no news to the grader's log
                warnings.simplefilter("ignore")
                _RESULTS[key] = evidence(invoke(fn, message))
        return _RESULTS[key]

    def _matching(self, check, index, case, reference, student, device, tol, among=None) -> list:
        """The catalogued mistakes (or those ``among`` them) that fail this
        check on this case with the student's very result (none when more
        than MOST_NAMED do)."""
        trusted_device = "meta" if device == "meta" else "cpu"
        found = []
        for mistake in mistakes_of(self.chapter, self.spec.name) if among is None else among:
            result = self._trusted(check, index, case, mistake.label, mistake_function(self.chapter, mistake))
            if check.judge(case, reference, result, trusted_device) is None:
                continue
            if same_result(result, student, device, _tolerance(result) if result["ok"] else tol):
                found.append(mistake)
        return found if len(found) <= MOST_NAMED else []

    def _symptom(self, check, index, case, reference, student, device, tol) -> Optional[str]:
        found = _first_wrong_tensor(reference["output"], student["output"], tol)
        if not found:
            return None
        path, want, got = found
        axes = _axes(self._full_name(path))
        time = axes.index("T") if "T" in axes and len(axes) == want.dim() else None
        sizes = {axis: size for axis, size in (("B", check.dims.B), ("T", check.dims.T)) if size > 1}
        seen = symptom(got, want, time_dim=time, sizes=sizes, rtol=tol[0], atol=tol[1])
        if seen or device == "meta":
            return seen
        return self._variant(check, index, case, student, device, tol)

    def _variant(self, check, index, case, student, device, tol) -> Optional[str]:
        """'looks like the expected result with W transposed' when the
        student's output equals the reference's on such changed inputs."""
        named = dict(zip(self.parameters, case.args))
        for what, changed in variants(named):
            def change(args, kwargs, changed=changed):
                return [changed.get(name, value) for name, value in zip(self.parameters, args)], kwargs
            result = self._trusted(check, index, case, what, self.reference_fn, change)
            if result["ok"] and compare_outputs(result["output"], student["output"], device, tol) is None:
                return f"looks like the expected result with {what}"
        return None
