"""The README's instructor path, run as written (issue 17, item 5).

The commands of the block between README.md's `<!-- instructor-path -->`
markers run one after another, each as the README writes it, in a fresh
clone of the repository (`git clone`, then this checkout's files over it:
what a clone holds once the current edits are committed; no gradebook.db).
`./course` reuses this checkout's virtual environment through COURSE_VENV.
The exchange is a folder of its own, set as JupyterHub's nbgrader
configuration would set it (`c.Exchange.root` in the Jupyter configuration
directory, JUPYTER_CONFIG_DIR here).

Two things an instructor does not type are done by the test where they
happen: just before `collect`, two students submit (what `nbgrader submit`
leaves in the exchange's inbound folder, `hand_in`); ada answers the code
and the written question, bob the code only. In place of the interactive
`./course formgrader` the test grades ada's written answer through the very
code formgrader's API runs (`grade_by_hand`; the browser is
test_formgrader's). The export at the end must hold both students' scores,
ada's with the manual grade, and the feedback released must carry the
grader's comment."""
import csv
import os
import shlex
import subprocess
from datetime import datetime

import pytest
from nbgrader.utils import notebook_hash

from autograder import paths
from autograder.assignments import load_assignment
from autograder.nbgrader_class import FEEDBACK_PAGE
from autograder.nbgrader_course import COURSE_ID, grade_by_hand, hand_in
from autograder.submissions import solved, with_answers

from .conftest import fresh_clone

README = paths.ROOT / "README.md"
BEGIN, END = "<!-- instructor-path -->", "<!-- /instructor-path -->"
CHAPTER = "ch02"   # the README's assignment
QUESTION = load_assignment(CHAPTER).written[0]
CODE_POINTS = load_assignment(CHAPTER).max_score
MANUAL_SCORE, COMMENT = 1.5, "Clear on (a); for (b), say what teacher forcing buys."
HANDED_IN = {"ada": with_answers(solved(CHAPTER), {QUESTION.name: "The output is all the next step sees."}),
             "bob": solved(CHAPTER)}


def instructor_path() -> list:
    """Each command of the README's instructor path, as its words (comments dropped)."""
    block = README.read_text().split(BEGIN, 1)[1].split(END, 1)[0].strip().splitlines()
    assert block[0] == "```bash" and block[-1] == "```", "the instructor path is one bash code block"
    return [words for words in (shlex.split(line, comments=True) for line in block[1:-1]) if words]


def is_command(words: list, *prefix: str) -> bool:
    return words[:len(prefix)] == list(prefix)


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """(clone, exchange) once the path has run."""
    top = tmp_path_factory.mktemp("instructor")
    clone, exchange, jupyter = top / "rnn-course", top / "exchange", top / "jupyter"
    fresh_clone(clone)
    exchange.mkdir()   # made by the hub's administrator
    jupyter.mkdir()
    (jupyter / "nbgrader_config.py").write_text(f"c.Exchange.root = {str(exchange)!r}\n")
    env = {**os.environ, "COURSE_VENV": str(paths.ROOT / ".venv"), "JUPYTER_CONFIG_DIR": str(jupyter)}
    commands = instructor_path()
    assert any(is_command(w, "./course", "nbgrader", "collect") for w in commands), commands
    assert any(is_command(w, "./course", "formgrader") for w in commands), commands
    for words in commands:
        if is_command(words, "./course", "formgrader"):   # the instructor grades in the browser
            grade_by_hand(clone, CHAPTER, "ada", QUESTION.name, MANUAL_SCORE, COMMENT)
            continue
        if is_command(words, "./course", "nbgrader", "collect"):   # the students have submitted
            for minute, (student, nb) in enumerate(HANDED_IN.items()):
                hand_in(top, student, CHAPTER, nb, datetime(2026, 11, 30, 11, minute))   # into top/exchange
        done = subprocess.run(words, cwd=clone, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{shlex.join(words)}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
    return clone, exchange


def test_the_export_holds_both_students_and_the_manual_grade(walked):
    clone, _ = walked
    (export,) = [words[-1].removeprefix("--to=") for words in instructor_path()
                 if is_command(words, "./course", "nbgrader", "export")]
    header, points_possible, *rows = list(csv.reader((clone / export).read_text().splitlines()))
    column = header.index(CHAPTER)
    assert points_possible[column] == f"{CODE_POINTS + QUESTION.points:g}"
    assert {row[header.index("SIS User ID")]: row[column] for row in rows} == {
        "ada": f"{CODE_POINTS + MANUAL_SCORE:g}", "bob": f"{CODE_POINTS:g}"}


def test_the_feedback_released_carries_the_comment(walked):
    """Each student's released pages (named as nbgrader names them for the
    student's own submission): the notebook's and the checks page."""
    clone, exchange = walked
    released = {}
    for student in HANDED_IN:
        secret = (clone / "feedback" / student / CHAPTER / "submission_secret.txt").read_text()
        released[student] = {page: (exchange / COURSE_ID / "feedback" /
                                    f"{notebook_hash(secret=secret, notebook_id=page)}.html").read_text()
                             for page in (CHAPTER, FEEDBACK_PAGE.removesuffix(".html"))}
    assert COMMENT in released["ada"][CHAPTER]
    assert COMMENT not in released["bob"][CHAPTER]
    assert all("rnn_step" in pages[FEEDBACK_PAGE.removesuffix(".html")] for pages in released.values())
