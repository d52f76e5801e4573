"""nbgrader's real workflow (SQLite gradebook) with the course's grader:
generate_assignment -> submissions -> autograde -> generate_feedback.
Scores in the gradebook equal those of the CLI grading the class folder in
parallel; neither route's feedback shows a hidden test."""
import csv
import json

import pytest

from autograder import paths
from autograder.assignments import load_assignment
from autograder.checks import CHAPTERS
from autograder.nbgrader_course import course_gradebook, generate_assignments, make_course, run_nbgrader as nbgrader
from autograder.submissions import release, solved, write

from .banks import first_wrong_answer
from .test_cli import run_cli
from .test_no_leaks import hidden_tests_in, leaks_in, written_answers_in

CHAPTER = "ch02"


def partially_wrong():
    """The reference, except one wrong function (the bank's first rnn_forward)."""
    return solved(CHAPTER, rnn_forward=first_wrong_answer(CHAPTER, "rnn_forward")[1])


STUDENTS = {
    "ada": lambda: solved(CHAPTER),
    "bob": partially_wrong,
    "cyd": lambda: release(CHAPTER),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory using the repository's nbgrader configuration, with
    the assignment released and autograded for three students."""
    course = make_course(tmp_path_factory.mktemp("course"))
    generate_assignments(course, *CHAPTERS)
    with course_gradebook(course) as gradebook:
        for student, build in STUDENTS.items():   # as `nbgrader db student add` does, without its app
            write(build(), course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb")
            gradebook.add_student(student)
    nbgrader(course, "autograde", CHAPTER, "--force")
    nbgrader(course, "generate_feedback", CHAPTER, "--force")
    return course


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_release_matches_committed_exercises(course, chapter):
    generated = (course / "exercises" / chapter / f"{chapter}.ipynb").read_text()
    assert generated == paths.release_notebook(chapter).read_text(), \
        "exercises/ is stale: regenerate it with ./course release"


@pytest.fixture(scope="module")
def class_grading(course, tmp_path_factory):
    """The CLI's grading of the whole submitted/ folder, two notebooks at a time."""
    out = tmp_path_factory.mktemp("class")
    done = run_cli("grade", str(course / "submitted"), "--workers", "2", "--json",
                   "--csv", str(out / "scores.csv"), "--feedback", str(out / "feedback"))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), out


def test_gradebook_scores_equal_class_grading(course, class_grading):
    reports, _ = class_grading
    assert [report["notebook"] for report in reports] == [
        str(course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb") for student in sorted(STUDENTS)]
    with course_gradebook(course) as gradebook:
        for student, report in zip(sorted(STUDENTS), reports):
            submission = gradebook.find_submission_notebook(CHAPTER, CHAPTER, student)
            by_cell = {grade.name: grade.score for grade in submission.grades}
            for name, exercise in report["exercises"].items():
                assert by_cell[f"test_{name}"] == pytest.approx(exercise["score"], abs=1e-9), (student, name)


def test_class_csv_has_a_total_per_student(class_grading):
    reports, out = class_grading
    with open(out / "scores.csv", newline="") as handle:
        totals = {row["submission"]: float(row["score"]) for row in csv.DictReader(handle)
                  if row["exercise"] == "TOTAL"}
    assert totals == {f"{student}/{CHAPTER}/{CHAPTER}.ipynb": report["score"]
                      for student, report in zip(sorted(STUDENTS), reports)}


def test_class_feedback_names_failures_without_secrets(class_grading):
    _, out = class_grading
    files = sorted((out / "feedback").rglob("*.txt"))
    assert [f.relative_to(out / "feedback").parts[0] for f in files] == sorted(STUDENTS)
    for page in files:
        found = leaks_in(page)
        assert not found, f"{page} shows: {found[:3]}"
    assert "FAIL" in (out / "feedback" / "bob" / CHAPTER / f"{CHAPTER}.txt").read_text()
    assert "FAIL" not in (out / "feedback" / "ada" / CHAPTER / f"{CHAPTER}.txt").read_text()


def test_expected_totals(course):
    with course_gradebook(course) as gradebook:
        totals = {s: gradebook.find_submission(CHAPTER, s).score for s in STUDENTS}
        maximum = gradebook.find_assignment(CHAPTER).max_score
    assert maximum == load_assignment(CHAPTER).total_points
    assert totals["ada"] == load_assignment(CHAPTER).max_score   # all but the written answers, graded by hand
    assert 0 < totals["bob"] < maximum
    assert totals["cyd"] == 0


def test_feedback_hides_hidden_tests(course):
    pages = list((course / "feedback").rglob("*.html"))
    assert len(pages) == len(STUDENTS)
    for page in pages:
        assert not hidden_tests_in(page), page
        assert not written_answers_in(page), page
        assert "checks passed" in page.read_text()  # the grader's per-check report is there
