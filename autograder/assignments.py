"""What an assignment is: its graded functions, their points, its written
questions (graded by hand), its locked cells."""
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths
from .checks import CHAPTERS
from .notebook import cells_by_id, is_written_answer, nbgrader, read


@dataclass(frozen=True)
class Exercise:
    name: str        # the graded function, also the grade_id of its solution cell
    points: float    # points of its test cell, test_<name>

    @property
    def test_id(self) -> str:
        return f"test_{self.name}"


@dataclass(frozen=True)
class WrittenQuestion:
    name: str        # the grade_id of its answer cell (markdown), written_<topic>
    points: float    # graded by hand (nbgrader's formgrader), never by the autograder


@dataclass(frozen=True)
class Assignment:
    chapter: str
    exercises: tuple
    locked_sources: dict   # grade_id -> source of each locked cell of the release
    written: tuple         # its WrittenQuestions

    @property
    def max_score(self) -> float:
        """The autograded points: what the course's grader scores."""
        return sum(exercise.points for exercise in self.exercises)

    @property
    def total_points(self) -> float:
        """Everything the notebook is worth (nbgrader's max_score): the
        autograded points and those of the written questions."""
        return self.max_score + sum(question.points for question in self.written)


@lru_cache(maxsize=None)
def load_assignment(chapter: str) -> Assignment:
    if chapter not in CHAPTERS:
        raise KeyError(f"unknown assignment {chapter!r}")
    source = cells_by_id(read(paths.solution_notebook(chapter)))
    exercises = tuple(Exercise(spec.name, float(nbgrader(source[f"test_{spec.name}"])["points"]))
                      for spec in CHAPTERS[chapter])
    written = tuple(WrittenQuestion(cell_id, float(nbgrader(cell)["points"]))
                    for cell_id, cell in source.items() if is_written_answer(cell))
    release = read(paths.release_notebook(chapter))
    locked = {cell_id: cell.source for cell_id, cell in cells_by_id(release).items()
              if nbgrader(cell).get("locked")}
    return Assignment(chapter, exercises, locked, written)


def identify(path: Path, nb=None) -> str:
    """The assignment of a submission: by file name (chNN.ipynb), else by the
    graded functions it contains."""
    stem = Path(path).stem
    if stem in CHAPTERS:
        return stem
    if nb is not None:
        ids = set(cells_by_id(nb))
        for chapter, specs in CHAPTERS.items():
            if {spec.name for spec in specs} <= ids:
                return chapter
    raise KeyError(f"cannot tell which assignment {Path(path).name} belongs to; pass --assignment")
