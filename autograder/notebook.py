"""Reading notebooks the way nbgrader marks them up."""
import hashlib
import sys
from pathlib import Path

# nbformat's validator imports jsonschema, which imports rfc3987_syntax when
# it is installed (Jupyter's event schemas need it) to check IRI formats, and
# that module compiles a grammar when imported: 2 s of every grader start.
# Notebook schemas use no IRI format, so where nothing has imported it yet,
# the grader's process tells jsonschema it is absent.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402


class NotebookError(Exception):
    """The file is not a readable Jupyter notebook."""


def read(path: Path) -> nbformat.NotebookNode:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # missing file, not text ...
        raise NotebookError(f"{Path(path).name} is not a readable notebook ({type(exc).__name__})") from None
    return parse(text, Path(path).name)


def parse(text: str, name: str) -> nbformat.NotebookNode:
    """The notebook in ``text`` (the JSON of a file called ``name``)."""
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as exc:  # invalid JSON, wrong schema ...
        raise NotebookError(f"{name} is not a readable notebook ({type(exc).__name__})") from None


def nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def grade_id(cell):
    return nbgrader(cell).get("grade_id")


def is_test_cell(cell) -> bool:
    """An autograder-tests cell: graded code that is not an answer."""
    meta = nbgrader(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.get("cell_type") == "code"


def is_written_answer(cell) -> bool:
    """A written answer: a markdown solution cell that is graded (by hand:
    nbgrader's "manual" grade cell; the autograder does not score it)."""
    meta = nbgrader(cell)
    return bool(meta.get("grade")) and bool(meta.get("solution")) and cell.get("cell_type") == "markdown"


def cells_by_id(nb) -> dict:
    return {grade_id(cell): cell for cell in nb.cells if grade_id(cell)}


def code_to_run(nb) -> list:
    """Sources of the code cells a grader runs: every code cell but the tests."""
    return [cell.source for cell in nb.cells
            if cell.get("cell_type") == "code" and not is_test_cell(cell)]


def digest(nb) -> str:
    """SHA-256 of a notebook's canonical JSON: equal for equal notebooks."""
    return hashlib.sha256(nbformat.writes(nb).encode()).hexdigest()
