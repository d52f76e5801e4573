"""Grade one notebook: integrity of the locked cells, then every check of
every graded function, student code in the sandbox, verdicts here."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import notebook
from .assignments import Assignment, identify, load_assignment
from .checks import CHAPTERS, standard_checks
from .checks.core import CheckResult, judge_check
from .diagnosis import Diagnosis
from .reference import load_references
from .report import error_report
from .sandbox import Limits, SandboxError, Session, isolation
from .submissions import is_source_notebook, source_as_submission


def exercise_score(points: float, results: list) -> float:
    """Partial credit: the points times the fraction of checks passed."""
    if not results:
        return 0.0
    return round(points * sum(r.passed for r in results) / len(results), 4)


def _report(name, points, results) -> dict:
    return {"score": exercise_score(points, results), "max_score": points,
            "checks": [{"name": r.name, "passed": r.passed, "message": r.message} for r in results]}


def _all_failed(spec, message: str) -> list:
    return [CheckResult(check.name, False, message) for check in standard_checks(spec)]


def integrity_problems(assignment: Assignment, nb, compare_locked: bool = True) -> dict:
    """Exercise name -> why it cannot be graded (locked test cell missing or
    edited, solution cell missing or no longer code). nbgrader restores locked
    cells itself (with their hidden tests), so it passes compare_locked=False."""
    cells = notebook.cells_by_id(nb)
    problems = {}
    for exercise in assignment.exercises:
        answer, test = cells.get(exercise.name), cells.get(exercise.test_id)
        if answer is None:
            problems[exercise.name] = f"the answer cell '{exercise.name}' is missing: restore it from the release"
        elif answer.get("cell_type") != "code":
            problems[exercise.name] = f"the answer cell '{exercise.name}' is no longer a code cell"
        elif test is None or test.get("cell_type") != "code":
            problems[exercise.name] = f"the locked test cell '{exercise.test_id}' is missing or not code"
        elif compare_locked and test.source != assignment.locked_sources.get(exercise.test_id):
            problems[exercise.name] = f"the locked test cell '{exercise.test_id}' was edited: restore it from the release"
    return problems


def _grade_exercise(session: Session, chapter: str, spec, reference, device: str, limits: Limits) -> list:
    results, deadline = [], time.monotonic() + limits.exercise_seconds
    checks, diagnosis = standard_checks(spec), Diagnosis(chapter, spec, reference, device)
    try:
        session.reset_output()
    except SandboxError:
        session.restart()
    for position, check in enumerate(checks):
        if time.monotonic() > deadline:
            results += [CheckResult(c.name, False, "not run: the exercise's time budget was used up")
                        for c in checks[position:]]
            break
        try:
            results.append(judge_check(check, spec, reference, session.call, device, diagnosis))
        except SandboxError as exc:
            results.append(CheckResult(check.name, False, f"your code stopped the grader's worker: {exc}"))
            results += [CheckResult(c.name, False, "not run: the worker had to be restarted after the failure above")
                        for c in checks[position + 1:]]
            session.restart()
            break
    return results


def grade_notebook(path, device: str = "cpu", chapter: str | None = None, limits: Limits = Limits(),
                   nb=None, compare_locked: bool = True) -> dict:
    """The JSON report of one notebook (see the grading contract).

    ``nb``: the notebook, as an object or as its JSON text, when it is not to
    be read from ``path``; ``path`` then only names it (and its assignment).
    """
    path = Path(path)
    report = {"notebook": str(path), "device": device, "isolation": isolation(), "score": 0.0,
              "max_score": 0.0, "exercises": {}}
    try:
        if nb is None:
            nb = notebook.read(path)
        elif isinstance(nb, str):
            nb = notebook.parse(nb, path.name)
    except notebook.NotebookError as exc:
        nb, unreadable = None, str(exc)
    chapter = chapter or identify(path, nb)
    assignment = load_assignment(chapter)
    if nb is not None and compare_locked and is_source_notebook(nb):
        nb = source_as_submission(chapter, nb)
        report["note"] = (f"{path.name} is the source notebook of {chapter} (solution and hidden-test markers): "
                          f"its answers were graded as a submission of {chapter}")
    specs = {spec.name: spec for spec in CHAPTERS[chapter]}
    blocked = ({exercise.name: unreadable for exercise in assignment.exercises} if nb is None
               else integrity_problems(assignment, nb, compare_locked))
    results = {name: _all_failed(specs[name], message) for name, message in blocked.items()}
    pending = [e for e in assignment.exercises if e.name not in blocked]
    if pending:
        # the references load (the first time: torch's meta device, ~1 s) while this thread
        # waits for the sandbox and the sandbox runs the student's cells
        with ThreadPoolExecutor(1) as loader:
            loading = loader.submit(load_references, chapter)
            try:
                with Session(limits, device) as session:
                    for source in notebook.code_to_run(nb):
                        session.run_cell(source)
                    references = loading.result()
                    for exercise in pending:
                        results[exercise.name] = _grade_exercise(
                            session, chapter, specs[exercise.name], references[exercise.name], device, limits)
            except SandboxError as exc:  # no worker could be (re)started, or the time budget is spent
                for exercise in pending:
                    results.setdefault(exercise.name, _all_failed(
                        specs[exercise.name], f"not graded: {exc}"))
    for exercise in assignment.exercises:
        report["exercises"][exercise.name] = _report(exercise.name, exercise.points, results[exercise.name])
    report["score"] = round(sum(e["score"] for e in report["exercises"].values()), 4)
    report["max_score"] = assignment.max_score
    # the written questions' points, left to the instructor: in neither score nor max_score
    report["graded_by_hand"] = {question.name: question.points for question in assignment.written}
    return report
