"""Building submissions from the release: what a student would hand in.

Used by the test suite and the benchmarks to grade known answers: the
reference's, a bank of wrong ones, hostile ones.
"""
import copy

import nbformat

from . import paths
from .notebook import cells_by_id, nbgrader, read


def reference_answers(chapter: str) -> dict:
    """grade_id -> source of each code answer cell of the solution notebook
    (not the written answers: their model answers and rubrics are the
    instructor's, and a student's feedback shows what the student wrote)."""
    cells = cells_by_id(read(paths.solution_notebook(chapter)))
    return {cell_id: cell.source for cell_id, cell in cells.items()
            if nbgrader(cell).get("solution") and cell.get("cell_type") == "code"}


def release(chapter: str) -> nbformat.NotebookNode:
    return read(paths.release_notebook(chapter))


def with_answers(nb: nbformat.NotebookNode, answers: dict) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose cells named in ``answers`` (grade_id -> source)
    hold the given sources."""
    nb = copy.deepcopy(nb)
    for cell_id, cell in cells_by_id(nb).items():
        if cell_id in answers:
            cell.source = answers[cell_id]
    return nb


def solved(chapter: str, **overrides) -> nbformat.NotebookNode:
    """The release answered with the reference, except the answers given."""
    return with_answers(release(chapter), {**reference_answers(chapter), **overrides})


def is_source_notebook(nb) -> bool:
    """Whether ``nb`` is an assignment's source (solutions/chNN/chNN.ipynb):
    answers between solution markers and test cells with hidden tests."""
    sources = [cell.source for cell in nb.cells if cell.get("cell_type") == "code"]
    return (any("### BEGIN SOLUTION" in source for source in sources)
            and any("### BEGIN HIDDEN TESTS" in source for source in sources))


def source_as_submission(chapter: str, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The release of ``chapter`` answered with the answer cells of its source
    notebook ``nb``: what a student handing in those answers would submit."""
    answers = {cell_id: cell.source for cell_id, cell in cells_by_id(nb).items() if nbgrader(cell).get("solution")}
    return with_answers(release(chapter), answers)


def write(nb: nbformat.NotebookNode, path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
