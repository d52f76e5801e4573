"""An nbgrader course directory wired to this repository, students handing
work in, and running nbgrader's apps in it (for tests and benchmarks of the
instructor's path)."""
import os
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


def hand_in(root: Path, student: str, assignment: str, nb, timestamp: datetime) -> None:
    """What ``nbgrader submit`` leaves in the exchange's inbound folder when
    ``student`` submits ``nb`` at ``timestamp`` (UTC); ``nbgrader collect``
    then takes it (the latest one per student) into submitted/."""
    stamp = timestamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    folder = root / "exchange" / COURSE_ID / "inbound" / f"{student}+{assignment}+{stamp}+{uuid.uuid4().hex[:12]}"
    write(nb, folder / f"{assignment}.ipynb")
    (folder / "timestamp.txt").write_text(stamp)


def _alembic_on_path() -> dict:
    """The environment nbgrader needs: it calls the alembic executable."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}


def generate_assignments(root: Path, *assignments: str) -> None:
    """``nbgrader generate_assignment ASSIGNMENT --force`` for each assignment,
    through nbgrader's API in this process: the same converter as the app,
    without starting it (about 10 s) once per assignment."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    os.environ["PATH"] = _alembic_on_path()["PATH"]
    api = NbGraderAPI(config=PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())
    for assignment in assignments:
        result = api.generate_assignment(assignment, force=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{result.get('log', '')[-3000:]}")


def run_nbgrader(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in the course ``root``; raise RuntimeError with its
    output if it fails. nbgrader calls the alembic executable, hence PATH."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=_alembic_on_path(),
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done
