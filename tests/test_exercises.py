"""The student's exercise notebooks read well (issue 5, item 2): each begins
with what the student will do, how to work and run the tests, how it is
graded (points per function, equal to the gradebook's; CPU or GPU), and the
notation; each answer cell is a stub with a docstring that gives the shapes
of the tensors it takes and returns. Answered with the reference, each runs
top to bottom in a fresh kernel, and its visible tests take under 5 s."""
import re
from datetime import datetime

import nbclient
import pytest

from autograder import paths
from autograder.assignments import load_assignment
from autograder.checks import CHAPTERS
from autograder.notebook import grade_id, is_test_cell, nbgrader, read
from autograder.submissions import solved

VISIBLE_TESTS_SECONDS = 5


def introduction(chapter: str) -> str:
    return read(paths.release_notebook(chapter)).cells[0].source


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_notebook_opens_with_what_how_grading_and_notation(chapter):
    text = introduction(chapter)
    assert text.startswith(f"# Chapter {int(chapter[2:])} exercises")
    assert "you will" in text.lower()
    for heading in ("## How to work", "## How it is graded", "## Notation"):
        assert heading in text, heading
    assert "CPU" in text and "GPU" in text


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_grading_table_matches_the_gradebook_points(chapter):
    table = dict(re.findall(r"^\| `(\w+)` \| ([\d.]+) \|$", introduction(chapter), flags=re.M))
    expected = {exercise.name: exercise.points for exercise in load_assignment(chapter).exercises}
    assert {name: float(points) for name, points in table.items()} == expected


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_every_answer_cell_is_a_stub_with_a_docstring_giving_shapes(chapter):
    answers = [cell for cell in read(paths.release_notebook(chapter)).cells if nbgrader(cell).get("solution")]
    assert {grade_id(cell) for cell in answers} == {spec.name for spec in CHAPTERS[chapter]}
    for cell in answers:
        assert "raise NotImplementedError()" in cell.source, grade_id(cell)
        docstring = re.search(r'"""(.*?)"""', cell.source, flags=re.S)
        assert docstring, f"{grade_id(cell)} has no docstring"
        if "tensor" in docstring.group(1).lower():   # a function of numbers only has no shapes to give
            assert re.search(r"\((?:[A-Za-z0-9_]+, )+[A-Za-z0-9_]+\)|shape", docstring.group(1)), \
                f"{grade_id(cell)}: the docstring should give the shapes, e.g. x: (T, B, D)"


def seconds_to_run(cell) -> float:
    """How long the kernel took to run a cell (nbclient's recorded timing)."""
    timing = cell.metadata.execution
    start, end = (datetime.fromisoformat(timing[key]) for key in ("iopub.execute_input", "shell.execute_reply"))
    return (end - start).total_seconds()


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_answered_notebook_runs_top_to_bottom_with_fast_visible_tests(chapter):
    nb = solved(chapter)
    nbclient.NotebookClient(nb, timeout=60, kernel_name="python3", record_timing=True).execute()
    tests = {grade_id(cell): seconds_to_run(cell) for cell in nb.cells if is_test_cell(cell)}
    assert set(tests) == {f"test_{spec.name}" for spec in CHAPTERS[chapter]}
    assert sum(tests.values()) < VISIBLE_TESTS_SECONDS, tests
