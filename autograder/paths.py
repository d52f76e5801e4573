"""Where the course's files are."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
HARNESS = Path(__file__).resolve().parent / "harness"
PUBLIC_PACKAGE = ROOT / "rnncourse"


def chapters() -> list:
    """The assignments, chNN, one per check module (without importing them)."""
    return sorted(path.stem for path in (ROOT / "autograder" / "checks").glob("ch[0-9][0-9].py"))


def solution_notebook(chapter: str) -> Path:
    return SOLUTIONS / chapter / f"{chapter}.ipynb"


def release_notebook(chapter: str) -> Path:
    return EXERCISES / chapter / f"{chapter}.ipynb"
