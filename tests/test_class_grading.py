"""The instructor's workflow for a class, through nbgrader, with generated
students: generate_assignment -> submit (simulated: the exchange's inbound
folder) -> collect -> `python -m autograder autograde` on parallel workers ->
generate_feedback -> export.

A twin course graded by plain `nbgrader autograde` ends with exactly the same
gradebook and export. Late work gets the configured plugin's penalty, the
latest resubmission counts, a rerun grades only what changed (also after an
interruption), and the feedback pages never show a hidden test."""
import csv
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from autograder import paths
from autograder.executors import LocalProcesses
from autograder.ledger import Ledger
from autograder.nbgrader_class import FEEDBACK_PAGE, LEDGER_FOLDER
from autograder.nbgrader_course import (course_gradebook, generate_assignments, hand_in, make_course,
                                        run_nbgrader as nbgrader)
from autograder.notebook import cells_by_id
from autograder.submissions import release, solved

from .conftest import sandbox_workers
from .dying_task import doubled_or_dies
from .test_cli import autograde_course, run_cli
from .test_nbgrader import partially_wrong   # ch02, like this class
from .test_no_leaks import hidden_tests_in, leaks_in

CHAPTER = "ch02"
DUE = datetime(2026, 11, 30, 12, 0, 0)
LATE_PENALTY = 'c.LateSubmissionPlugin.penalty_method = "zero"\n'


def hours_before_due(hours: float) -> datetime:
    return DUE - timedelta(hours=hours)


def locked_cell_edited():
    nb = solved(CHAPTER)
    cells_by_id(nb)["test_rnn_step"].source = "pass"   # nbgrader restores it from the gradebook
    return nb


HAND_INS = [  # (student, what they hand in, hours before the due date: negative is late)
    ("ada", lambda: solved(CHAPTER), 5),
    ("bob", partially_wrong, 4),
    ("cyd", lambda: release(CHAPTER), 3),
    ("dan", lambda: solved(CHAPTER), -2),
    ("eve", partially_wrong, 6),
    ("eve", lambda: solved(CHAPTER), 1),   # the resubmission is the one collected
    ("fay", locked_cell_edited, 2),
]
STUDENTS = sorted({student for student, _, _ in HAND_INS})


def collected_course(root):
    """A course whose students have handed in HAND_INS and whose submissions
    nbgrader has collected, the due date and a late penalty configured."""
    course = make_course(root, LATE_PENALTY)
    nbgrader(course, "generate_assignment", CHAPTER, "--force")
    nbgrader(course, "db", "assignment", "add", CHAPTER, f"--duedate={DUE:%Y-%m-%d %H:%M:%S} UTC")
    for student, build, hours in HAND_INS:
        hand_in(course, student, CHAPTER, build(), hours_before_due(hours))
    nbgrader(course, "collect", CHAPTER)
    return course


def twin(course, root):
    """A copy of ``course`` at ``root`` (its own configuration, same gradebook)."""
    shutil.copytree(course, root, ignore=shutil.ignore_patterns("nbgrader_config.py"))
    return make_course(root, LATE_PENALTY)


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """(plain, ours): the same collected class, autograded by plain nbgrader
    and by the course's parallel autograde; both then generate feedback and export."""
    plain = collected_course(tmp_path_factory.mktemp("plain") / "course")
    ours = twin(plain, tmp_path_factory.mktemp("ours") / "course")
    nbgrader(plain, "autograde", CHAPTER)
    summary = autograde_course(ours, CHAPTER, "--workers", "2")
    assert f"{len(STUDENTS)} graded, {len(STUDENTS)} recorded" in summary
    for course in (plain, ours):
        nbgrader(course, "generate_feedback", CHAPTER)
        nbgrader(course, "export", "--to=grades.csv")
    return plain, ours


def gradebook_view(course) -> dict:
    """Per student: timestamp, late penalty, score and every grade cell's score."""
    with course_gradebook(course) as gradebook:
        return {s.student_id: {"timestamp": s.timestamp, "penalty": s.late_submission_penalty, "score": s.score,
                               "cells": {g.name: (g.auto_score, g.needs_manual_grade)
                                         for notebook in s.notebooks for g in notebook.grades}}
                for s in gradebook.find_assignment(CHAPTER).submissions}


def test_gradebook_equals_plain_nbgrader_autograde(twins):
    plain, ours = twins
    expected = gradebook_view(plain)
    assert sorted(expected) == STUDENTS
    assert gradebook_view(ours) == expected


def test_export_equals_plain_nbgrader_export(twins):
    plain, ours = twins
    def rows(course):   # in the order the students were recorded: sort them
        header, *body = (course / "grades.csv").read_text().splitlines()
        return header, sorted(body)

    assert rows(ours) == rows(plain)
    assert len(rows(ours)[1]) == len(STUDENTS)


def test_scores_late_work_and_resubmissions_as_nbgrader_defines_them(twins):
    view = gradebook_view(twins[1])
    best = 13.0
    assert {s: view[s]["score"] for s in ("ada", "eve", "fay")} == {"ada": best, "eve": best, "fay": best}
    assert 0 < view["bob"]["score"] < best and view["cyd"]["score"] == 0
    assert view["dan"]["score"] == best and view["dan"]["penalty"] == best   # zero for late work
    assert all(not view[s]["penalty"] for s in STUDENTS if s != "dan")
    assert view["eve"]["timestamp"] == hours_before_due(1)


def test_class_csv_reads_the_gradebook(twins):
    view = gradebook_view(twins[1])
    with open(twins[1] / f"{CHAPTER}_scores.csv", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert sorted(rows) == STUDENTS
    for student, row in rows.items():
        penalty = view[student]["penalty"] or 0
        assert float(row["score"]) == view[student]["score"] - penalty, student
        assert float(row["late_penalty"]) == penalty
        assert float(row["test_rnn_forward"]) == view[student]["cells"]["test_rnn_forward"][0]


def test_feedback_pages_name_checks_and_hints_never_hidden_tests(twins):
    feedback = twins[1] / "feedback"
    pages = {student: feedback / student / CHAPTER / FEEDBACK_PAGE for student in STUDENTS}
    assert all(page.is_file() for page in pages.values()), "generate_feedback should carry checks.html"
    for page in pages.values():
        found = leaks_in(page)
        assert not found, f"{page} shows: {found[:3]}"
    for page in feedback.rglob(f"{CHAPTER}.html"):   # nbgrader's: the student's own code, no hidden test
        assert not hidden_tests_in(page), page
    bob = pages["bob"].read_text()
    assert "failed" in bob and "rnn_forward" in bob and "class='hint'" in bob
    assert "failed</td>" not in pages["ada"].read_text()


def test_rerun_grades_only_what_changed_on_a_dask_cluster(twins):
    """Last in this module: it hands in a resubmission to both twins."""
    plain, ours = twins
    unchanged = autograde_course(ours, CHAPTER, "--executor", "dask", "--workers", "2")
    assert f"0 graded, 0 recorded in the gradebook, {len(STUDENTS)} unchanged" in unchanged
    for course in (plain, ours):
        hand_in(course, "cyd", CHAPTER, solved(CHAPTER), hours_before_due(0.5))
        nbgrader(course, "collect", CHAPTER, "--update")
    nbgrader(plain, "autograde", CHAPTER)   # plain nbgrader regrades newer submissions too
    changed = autograde_course(ours, CHAPTER, "--executor", "dask", "--workers", "2")
    assert f"1 graded, 1 recorded in the gradebook, {len(STUDENTS) - 1} unchanged" in changed
    assert gradebook_view(ours) == gradebook_view(plain)
    assert gradebook_view(ours)["cyd"]["score"] == 13.0


def _as_in_a_terminal() -> None:
    """Ctrl-C's default action, as in a terminal: a test run started in the
    background (CI) has SIGINT ignored, and its children would inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path):
    course = make_course(tmp_path / "course")
    generate_assignments(course, CHAPTER)   # in-process: the twins above run the app
    students = [f"s{number}" for number in range(6)]
    for student in students:
        hand_in(course, student, CHAPTER, solved(CHAPTER), hours_before_due(1))
    nbgrader(course, "collect", CHAPTER)
    ledger = Ledger(course / LEDGER_FOLDER / CHAPTER)
    command = [sys.executable, "-m", "autograder", "autograde", CHAPTER, "--course", str(course),
               "--workers", "1", "--quiet"]
    run = subprocess.Popen(command, cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=_as_in_a_terminal)
    deadline = time.monotonic() + 120
    while not any((ledger.entry(s) or {}).get("recorded") for s in students) and time.monotonic() < deadline:
        time.sleep(0.2)
    run.send_signal(signal.SIGINT)   # the instructor presses Ctrl-C
    run.communicate(timeout=60)
    assert run.returncode != 0
    done_before = [s for s in students if (ledger.entry(s) or {}).get("recorded")]
    assert 1 <= len(done_before) < len(students)
    time.sleep(0.5)
    assert not sandbox_workers(), "an interrupted run left sandbox workers behind"
    rest = autograde_course(course, CHAPTER, "--workers", "2")
    left = len(students) - len(done_before)
    assert f"{left} graded, {left} recorded in the gradebook, {len(done_before)} unchanged" in rest
    with course_gradebook(course) as gradebook:
        assert [gradebook.find_submission(CHAPTER, s).score for s in students] == [13.0] * len(students)


def test_local_processes_survive_a_worker_that_dies():
    with LocalProcesses(2) as executor:
        outcomes = dict(executor.as_completed(doubled_or_dies, [1, "die", 3, 4]))
    assert (outcomes[0], outcomes[2], outcomes[3]) == (2, 6, 8)
    assert isinstance(outcomes[1], Exception)


def test_an_assignment_nbgrader_does_not_know_gets_a_clear_message(tmp_path):
    course = make_course(tmp_path / "course")
    done = run_cli("autograde", CHAPTER, "--course", str(course), "--quiet")
    assert done.returncode == 2 and f"run nbgrader generate_assignment {CHAPTER} first" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_an_unreadable_notebook_scores_zero_with_its_reason(tmp_path):
    course = make_course(tmp_path / "course")
    generate_assignments(course, CHAPTER)   # in-process: the twins above run the app
    hand_in(course, "ada", CHAPTER, solved(CHAPTER), hours_before_due(1))
    hand_in(course, "bob", CHAPTER, solved(CHAPTER), hours_before_due(1))
    nbgrader(course, "collect", CHAPTER)
    autograde_course(course, CHAPTER, "--workers", "2")   # bob's first notebook is fine ...
    (course / "submitted" / "bob" / CHAPTER / f"{CHAPTER}.ipynb").write_text("{ this is not json")
    summary = autograde_course(course, CHAPTER, "--workers", "2")   # ... then he breaks it
    assert "bob: 0 points, nbgrader could not autograde it: the notebook could not be read" in summary
    with open(course / f"{CHAPTER}_scores.csv", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert float(rows["ada"]["score"]) == 13.0 and not rows["ada"]["error"]
    assert float(rows["bob"]["score"]) == 0.0 and "could not be read" in rows["bob"]["error"]
    page = (course / "autograded" / "bob" / CHAPTER / FEEDBACK_PAGE).read_text()
    assert "Not graded: the notebook could not be read" in page
