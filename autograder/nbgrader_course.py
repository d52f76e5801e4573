"""An nbgrader course directory wired to this repository, students handing
work in, and running nbgrader's apps in it (for tests and benchmarks of the
instructor's path)."""
import os
import secrets
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path

from . import paths
from .submissions import write

COURSE_ID = "rnn-course"   # nbgrader_config.py's CourseDirectory.course_id


def make_course(root: Path, extra_config: str = "") -> Path:
    """Write ``root/nbgrader_config.py``: the repository's configuration with
    ``root`` as the course directory, the repository's solutions as source,
    ``root/exchange`` as the exchange, and ``extra_config`` lines."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(
        f"exec(open({str(paths.ROOT / 'nbgrader_config.py')!r}).read())\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.source_directory = {str(paths.SOLUTIONS)!r}\n"
        f"c.Exchange.root = {str(root / 'exchange')!r}\n" + extra_config)
    return root


def course_gradebook(root: Path):
    """nbgrader's Gradebook of the course at ``root`` (``root/gradebook.db``),
    opened as the course (``COURSE_ID``) and used as a context manager; a
    Gradebook opened with nbgrader's default course id would add that course
    to the database."""
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID)


def hand_in(root: Path, student: str, assignment: str, nb, timestamp: datetime) -> None:
    """What ``nbgrader submit`` leaves in the exchange's inbound folder when
    ``student`` submits ``nb`` at ``timestamp`` (UTC): the notebook, the
    timestamp and the submission's secret (release_feedback names the
    student's feedback by it); ``nbgrader collect`` then takes it (the latest
    one per student) into submitted/."""
    stamp = timestamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    folder = root / "exchange" / COURSE_ID / "inbound" / f"{student}+{assignment}+{stamp}+{uuid.uuid4().hex[:12]}"
    write(nb, folder / f"{assignment}.ipynb")
    (folder / "timestamp.txt").write_text(stamp)
    (folder / "submission_secret.txt").write_text(secrets.token_hex(64))


def _alembic_on_path() -> dict:
    """The environment nbgrader needs: it calls the alembic executable."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}


def nbgrader_api(root: Path):
    """nbgrader's API on the course in ``root``, configured by its nbgrader_config.py."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    os.environ["PATH"] = _alembic_on_path()["PATH"]
    return NbGraderAPI(config=PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())


def _succeeded(result: dict, command: str) -> None:
    if not result["success"]:
        raise RuntimeError(f"nbgrader {command} failed:\n{result.get('log', '')[-3000:]}")


def generate_assignments(root: Path, *assignments: str) -> None:
    """``nbgrader generate_assignment ASSIGNMENT --force`` for each assignment,
    through nbgrader's API in this process: the same converter as the app,
    without starting it (about 10 s) once per assignment."""
    api = nbgrader_api(root)
    for assignment in assignments:
        _succeeded(api.generate_assignment(assignment, force=True), f"generate_assignment {assignment}")


def collect(root: Path, assignment: str) -> None:
    """``nbgrader collect ASSIGNMENT --update`` through nbgrader's API in this
    process: every student's latest hand-in from the exchange into submitted/,
    replacing an older one collected before."""
    _succeeded(nbgrader_api(root).collect(assignment, update=True), f"collect {assignment}")


def grade_by_hand(root: Path, assignment: str, student: str, cell: str, score: float, comment: str) -> None:
    """What nbgrader's formgrader does when the instructor enters ``score``
    and ``comment`` for the answer ``cell`` of a student's notebook (named
    after the assignment, as here): the page lists the submission's grades and
    comments with their ids, and saves the cell's by id (``PUT /api/grade/ID``
    and ``PUT /api/comment/ID``); this repeats those handlers' code
    (``GradeHandler.put``, ``CommentHandler.put`` in
    nbgrader/server_extensions/formgrader/apihandlers.py, nbgrader 0.9)."""
    with course_gradebook(root) as gradebook:
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        grade = gradebook.find_grade_by_id(next(g.id for g in notebook.grades if g.name == cell))
        grade.manual_score, grade.extra_credit = score, None   # the page sends both fields
        grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
        gradebook.db.commit()
        remark = gradebook.find_comment_by_id(next(c.id for c in notebook.comments if c.name == cell))
        remark.manual_comment = comment
        gradebook.db.commit()


def run_nbgrader(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in the course ``root``; raise RuntimeError with its
    output if it fails. nbgrader calls the alembic executable, hence PATH."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=_alembic_on_path(),
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done
