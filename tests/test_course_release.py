"""`./course release` sets up the instructor's gradebook: in a fresh clone
(with this checkout's files), it regenerates the release unchanged and records the
assignment where `python -m autograder autograde` looks for it (before,
release used a scratch gradebook and autograde said the gradebook had no
assignment)."""
import os
import subprocess
import sys

from autograder import paths
from autograder.assignments import load_assignment
from autograder.nbgrader_course import course_gradebook

from .conftest import fresh_clone

CHAPTER = "ch02"


def run(root, *command):
    env = {**os.environ, "COURSE_VENV": str(paths.ROOT / ".venv"),
           "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_release_records_the_assignment_for_autograde(tmp_path):
    course = fresh_clone(tmp_path / "course")
    released = run(course, "./course", "release", CHAPTER)
    assert released.returncode == 0, released.stdout + released.stderr

    release = f"exercises/{CHAPTER}/{CHAPTER}.ipynb"
    assert (course / release).read_bytes() == (paths.ROOT / release).read_bytes()
    with course_gradebook(course) as gradebook:
        assert gradebook.find_assignment(CHAPTER).max_score == load_assignment(CHAPTER).total_points

    graded = run(course, sys.executable, "-m", "autograder", "autograde", CHAPTER, "--workers", "1", "--quiet")
    assert graded.returncode == 0, graded.stdout + graded.stderr   # no "the gradebook has no assignment"
    assert f"{CHAPTER}: 0 graded" in graded.stdout   # nobody has handed in yet
