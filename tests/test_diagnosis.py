"""Feedback names the mistake, never the answer (issue 15): a student with
two different mistakes reads, in the exercise's words, where the values
first go wrong and which known mistake it looks like, once; the CLI (text
and JSON), nbgrader's test cells and the feedback page say the same words,
and none of them shows a reference value or the reference's code. The bank
tests (test_grading) hold the diagnosis of every catalogued mistake."""
import json
import re
from html import escape
from types import SimpleNamespace

import pytest

from autograder import nbgrader_plugin, paths
from autograder.checks import find_spec
from autograder.checks.core import prepared_cases, standard_checks
from autograder.diagnosis import SAME_VALUES, Diagnosis
from autograder.feedback import report_html, report_text
from autograder.grading import grade_notebook
from autograder.mistakes import catalogue
from autograder.reference import load_references
from autograder.submissions import solved, write

from .banks import diagnosis, wrong_answers
from .test_no_leaks import SECRETS

CHAPTER = "ch02"
TWO_MISTAKES = {"rnn_forward": "h0_returned_as_the_first_state", "sequence_nll": "sum_over_the_batch"}


def says(function: str, label: str) -> str:
    return next(m.says for m in catalogue(CHAPTER)[function] if m.label == label)


@pytest.fixture(scope="module")
def two_mistakes(tmp_path_factory):
    """The report of a ch02 notebook with two different mistakes."""
    path = tmp_path_factory.mktemp("diagnosis") / f"{CHAPTER}.ipynb"
    write(solved(CHAPTER, **{name: wrong_answers(CHAPTER)[name][label] for name, label in TWO_MISTAKES.items()}),
          path)
    return grade_notebook(path, chapter=CHAPTER)


def messages(report: dict, function: str) -> list:
    return [check["message"] for check in report["exercises"][function]["checks"] if not check["passed"]]


def test_the_mistake_is_named_once_in_the_exercise_words(two_mistakes):
    first, *later = messages(two_mistakes, "rnn_forward")
    assert first.startswith("o (T, B, K) is wrong from t = 1 on, first at o[0, ")
    assert f"This looks like a known mistake: {says('rnn_forward', 'h0_returned_as_the_first_state')}." in first
    assert "output[" not in first and "Hint" not in first
    assert later and all(message == SAME_VALUES for message in later)
    loss = messages(two_mistakes, "sequence_nll")
    assert loss[0].startswith("the loss differs from the expected value. This looks like a known mistake: ")
    assert says("sequence_nll", "sum_over_the_batch") in loss[0]


def test_scores_are_the_judges_alone(two_mistakes):
    assert two_mistakes["exercises"]["rnn_forward"]["score"] == 0
    assert two_mistakes["exercises"]["sequence_nll"]["score"] == pytest.approx(3 / 9, abs=1e-4)
    assert two_mistakes["exercises"]["rnn_step"]["score"] == two_mistakes["exercises"]["rnn_step"]["max_score"]


def _shown(report: dict) -> dict:
    """Every text a person reads of ``report``: the CLI's text and JSON, the
    test cells of nbgrader's feedback, the feedback page."""
    cells = "".join(output.get("text", "") for exercise in report["exercises"].values()
                    for output in nbgrader_plugin.test_cell_outputs(exercise))
    return {"cli text": report_text(report), "cli json": json.dumps(report), "nbgrader test cells": cells,
            "checks.html": report_html([report], "feedback")}


def test_the_same_words_everywhere(two_mistakes):
    encoded = {"checks.html": escape, "cli json": lambda words: json.dumps(words)[1:-1]}
    for function, label in TWO_MISTAKES.items():
        for where, text in _shown(two_mistakes).items():
            assert encoded.get(where, str)(says(function, label)) in text, (where, function)


def _numbers(text: str) -> set:
    return {float(n) for n in re.findall(r"(?<![\w.])-?\d+\.\d+(?:e-?\d+)?", text)}


def test_no_reference_value_or_code_is_shown(two_mistakes):
    """No decimal number in the feedback is one of the reference's outputs on
    the graded cases (to 3 significant digits), and no line of the reference
    (nor of the catalogue's variants) appears."""
    values = set()
    for function in TWO_MISTAKES:
        _, spec = find_spec(function)
        reference = load_references(CHAPTER)[function]
        for check in standard_checks(spec):
            for _, _, result in prepared_cases(check, spec, reference, "cpu"):
                for item in (result.get("output") or {}).get("items", [result.get("output") or {}]):
                    if item.get("kind") == "tensor" and item["values"] is not None:
                        values |= {float(f"{v:.3g}") for v in item["values"].flatten().tolist()}
    sources = {line.strip() for entries in catalogue(CHAPTER).values() for m in entries
               for line in m.source.splitlines() if len(line.strip()) >= 30}
    for where, text in _shown(two_mistakes).items():
        shown = {float(f"{n:.3g}") for n in _numbers(text)}
        assert not shown & values, (where, sorted(shown & values)[:5])
        assert not [s for s in SECRETS | sources if s in text], where


def test_the_catalogue_describes_every_mistake_in_words():
    """Every entry has a description without the reference's lines, and a
    source that compiles (a syntax error would lose points for no mistake)."""
    for chapter in sorted(paths.chapters()):
        for function, entries in catalogue(chapter).items():
            assert set(wrong_answers(chapter)[function]) == {m.label for m in entries}
            for mistake in entries:
                compile(mistake.source, f"{chapter}/{function}/{mistake.label}", "exec")
                assert mistake.says and len(mistake.says) < 200, (chapter, function, mistake.label)
                assert not [s for s in SECRETS if s in mistake.says], (chapter, function, mistake.label)


def test_a_failure_of_the_diagnosis_leaves_the_plain_message():
    """A diagnosis that breaks (here: a result it cannot read) words the
    failure as before, the judge's problem and the check's hint."""
    _, spec = find_spec("rnn_step")
    explain = Diagnosis(CHAPTER, spec, load_references(CHAPTER)["rnn_step"], "cpu")
    check = SimpleNamespace(hint="the hint", name="a check", judge=None)
    assert explain(check, 0, None, {}, {"ok": True}, "it broke") == "it broke. Hint: the hint"


def test_a_symptom_is_named_when_no_catalogued_mistake_fits(grade):
    """Not in the catalogue: rnn_forward without the hidden bias b (a symptom
    detector names it) and rnn_step with b doubled (located only); both keep
    the check's hint."""
    no_b = wrong_answers(CHAPTER)["rnn_forward"]["sigmoid_instead_of_tanh"].replace("torch.sigmoid(b + ", "torch.tanh(")
    doubled = wrong_answers(CHAPTER)["rnn_step"]["missing_bias"].replace(
        "torch.tanh(h_prev @ W.T + x_t @ U.T)", "torch.tanh(h_prev @ W.T + x_t @ U.T + 2 * b)")
    report = grade(solved(CHAPTER, rnn_forward=no_b, rnn_step=doubled), CHAPTER)
    forward, step = messages(report, "rnn_forward")[0], messages(report, "rnn_step")[0]
    assert "It looks like the expected result with the bias b left out. Hint: " in forward
    assert step.startswith("h_t (B, H) first differs at h_t[0, ") and "Hint: " in step
    assert "known mistake" not in forward + step


def test_the_source_notebook_is_graded_as_a_submission():
    """`./course grade solutions/ch02/ch02.ipynb`: the instructor's own
    notebook, recognised by its markers, earns full marks, and the report says why."""
    report = grade_notebook(paths.solution_notebook(CHAPTER))
    assert report["score"] == report["max_score"] > 0
    assert "is the source notebook of ch02" in report["note"]
    assert "note: " in report_text(report)


def test_diagnosis_kinds_of_a_report(two_mistakes):
    assert diagnosis(two_mistakes["exercises"]["rnn_forward"],
                     says("rnn_forward", "h0_returned_as_the_first_state")) == "named"
    assert diagnosis(two_mistakes["exercises"]["rnn_forward"], says("rnn_forward", "no_shape_check")) == "wrong"
