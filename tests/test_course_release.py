"""`./course release` sets up the instructor's gradebook: in a copy of the
working tree, it regenerates the release unchanged and records the
assignment where `python -m autograder autograde` looks for it (before,
release used a scratch gradebook and autograde said the gradebook had no
assignment)."""
import os
import shutil
import subprocess
import sys

from autograder import paths
from autograder.assignments import load_assignment
from autograder.nbgrader_course import course_gradebook

CHAPTER = "ch02"


def working_tree_copy(root):
    """The repository's tracked files as they are now (a fresh clone with
    this session's edits), at ``root``."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=paths.ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        source = paths.ROOT / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    return root


def run(root, *command):
    env = {**os.environ, "COURSE_VENV": str(paths.ROOT / ".venv"),
           "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_release_records_the_assignment_for_autograde(tmp_path):
    course = working_tree_copy(tmp_path / "course")
    released = run(course, "./course", "release", CHAPTER)
    assert released.returncode == 0, released.stdout + released.stderr

    release = f"exercises/{CHAPTER}/{CHAPTER}.ipynb"
    assert (course / release).read_bytes() == (paths.ROOT / release).read_bytes()
    with course_gradebook(course) as gradebook:
        assert gradebook.find_assignment(CHAPTER).max_score == load_assignment(CHAPTER).total_points

    graded = run(course, sys.executable, "-m", "autograder", "autograde", CHAPTER, "--workers", "1", "--quiet")
    assert graded.returncode == 0, graded.stdout + graded.stderr   # no "the gradebook has no assignment"
    assert f"{CHAPTER}: 0 graded" in graded.stdout   # nobody has handed in yet
