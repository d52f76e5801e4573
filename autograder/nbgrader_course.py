"""An nbgrader course directory wired to this repository, and running
nbgrader's apps in it (for tests and benchmarks of the instructor's path)."""
import os
import subprocess
import sys
from pathlib import Path

from . import paths


def make_course(root: Path) -> Path:
    """Write ``root/nbgrader_config.py``: the repository's configuration with
    ``root`` as the course directory and the repository's solutions as source."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(
        f"exec(open({str(paths.ROOT / 'nbgrader_config.py')!r}).read())\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.source_directory = {str(paths.SOLUTIONS)!r}\n")
    return root


def run_nbgrader(root: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in the course ``root``; raise RuntimeError with its
    output if it fails. nbgrader calls the alembic executable, hence PATH."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done
