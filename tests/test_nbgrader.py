"""nbgrader's real workflow (SQLite gradebook) with the course's grader:
generate_assignment -> submissions -> autograde -> generate_feedback.
Scores in the gradebook equal the CLI's; feedback shows no hidden test."""
import pytest
from nbgrader.api import Gradebook

from autograder import paths
from autograder.checks import CHAPTERS
from autograder.grading import grade_notebook
from autograder.nbgrader_course import make_course, run_nbgrader as nbgrader
from autograder.submissions import release, solved, write

from .banks.ch02 import WRONG

CHAPTER = "ch02"


def _partially_wrong():
    (label, source), = list(WRONG["rnn_forward"].items())[:1]
    return solved(CHAPTER, rnn_forward=source)


STUDENTS = {
    "ada": lambda: solved(CHAPTER),
    "bob": _partially_wrong,
    "cyd": lambda: release(CHAPTER),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory using the repository's nbgrader configuration, with
    the assignment released and autograded for three students."""
    course = make_course(tmp_path_factory.mktemp("course"))
    for chapter in CHAPTERS:
        nbgrader(course, "generate_assignment", chapter, "--force")
    for student, build in STUDENTS.items():
        write(build(), course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb")
        nbgrader(course, "db", "student", "add", student)
    nbgrader(course, "autograde", CHAPTER, "--force")
    nbgrader(course, "generate_feedback", CHAPTER, "--force")
    return course


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_release_matches_committed_exercises(course, chapter):
    generated = (course / "exercises" / chapter / f"{chapter}.ipynb").read_text()
    assert generated == paths.release_notebook(chapter).read_text(), \
        "exercises/ is stale: regenerate it with ./course release"


def test_gradebook_scores_equal_cli_scores(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in STUDENTS:
            submission = gradebook.find_submission_notebook(CHAPTER, CHAPTER, student)
            by_cell = {grade.name: grade.score for grade in submission.grades}
            cli = grade_notebook(course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb")
            for name, exercise in cli["exercises"].items():
                assert by_cell[f"test_{name}"] == pytest.approx(exercise["score"], abs=1e-9), (student, name)


def test_expected_totals(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        totals = {s: gradebook.find_submission(CHAPTER, s).score for s in STUDENTS}
        maximum = gradebook.find_assignment(CHAPTER).max_score
    assert totals["ada"] == maximum
    assert 0 < totals["bob"] < maximum
    assert totals["cyd"] == 0


def test_feedback_hides_hidden_tests(course):
    pages = list((course / "feedback").rglob("*.html"))
    assert len(pages) == len(STUDENTS)
    for page in pages:
        html = page.read_text()
        assert "HIDDEN TESTS" not in html and "run_hidden_checks" not in html, page
        assert "checks passed" in html  # the grader's per-check report is there
