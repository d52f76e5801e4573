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
from autograder.notebook import cells_by_id, grade_id, is_test_cell, is_written_answer, nbgrader, read
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
def test_one_or_two_written_questions_graded_by_hand_with_their_points_in_the_table(chapter):
    """Each written question: a locked prompt, then nbgrader's manually graded
    answer cell (markdown, points) holding only nbgrader's placeholder, its
    points in the grading table and the gradebook's."""
    cells = read(paths.release_notebook(chapter)).cells
    answers = {index: cell for index, cell in enumerate(cells) if is_written_answer(cell)}
    assert 1 <= len(answers) <= 2, f"{chapter} has {len(answers)} written questions"
    for index, cell in answers.items():
        meta, prompt = nbgrader(cell), cells[index - 1]
        assert meta["grade_id"].startswith("written_") and not meta["locked"] and meta["points"] > 0
        assert cell.source == "YOUR ANSWER HERE", f"{meta['grade_id']} holds more than nbgrader's placeholder"
        assert prompt.cell_type == "markdown" and nbgrader(prompt)["locked"], f"{meta['grade_id']}: no locked prompt"
        assert grade_id(prompt) == f"explain_{meta['grade_id']}" and "graded by hand" in prompt.source
    table = dict(re.findall(r"^\| `(written_\w+)` \(written answer\) \| ([\d.]+) \(graded by hand\) \|$",
                            introduction(chapter), flags=re.M))
    expected = {question.name: question.points for question in load_assignment(chapter).written}
    assert {name: float(points) for name, points in table.items()} == expected
    assert expected == {grade_id(cell): float(nbgrader(cell)["points"]) for cell in answers.values()}
    source = cells_by_id(read(paths.solution_notebook(chapter)))
    for name, points in expected.items():   # the instructor's copy: a model answer and the rubric's points
        rubric = re.search(r"^\*\*Model answer\.\*\* .+^\*\*Rubric \(([\d.]+) points?\)\.\*\*$",
                           source[name].source, flags=re.M | re.S)
        assert rubric and float(rubric.group(1)) == points, f"{name}: no model answer, or a rubric of other points"


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_every_answer_cell_is_a_stub_with_a_docstring_giving_shapes(chapter):
    answers = [cell for cell in read(paths.release_notebook(chapter)).cells
               if nbgrader(cell).get("solution") and not is_written_answer(cell)]
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
