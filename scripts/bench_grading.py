"""What grading one notebook costs, measured the instructor's ways in one run:

* one notebook through the CLI (`python -m autograder grade`, a fresh
  process: cold), against `nbgrader autograde` of one student;
* a warm worker: from a submission reaching it to its first cell having run
  (a process forked from the warm sandbox), median of many;
* a folder of N notebooks graded by the CLI with W workers: wall time per
  notebook, as a ratio to `python -c "import torch"` measured in the same run;
* peak resident memory: the grading process, its warm sandbox, the largest
  submission process.

A benchmark, not a test: it prints what it measured.

    python scripts/bench_grading.py [ch02] [--repeat 5] [--folder 20] [--workers 2]
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder import sandbox  # noqa: E402
from autograder.executors import LocalProcesses  # noqa: E402
from autograder.jobs import Job, run_job  # noqa: E402
from autograder.nbgrader_course import make_course, run_nbgrader  # noqa: E402
from autograder.submissions import solved, write  # noqa: E402


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def runs(times: list, unit: str = "s", scale: float = 1.0) -> str:
    return (f"median {statistics.median(times) * scale:.3g} {unit} "
            f"(runs: {', '.join(f'{t * scale:.3g}' for t in times)})")


def cold_cli_and_nbgrader(chapter: str, repeat: int, tmp: Path) -> None:
    course = make_course(tmp / "course")
    run_nbgrader(course, "generate_assignment", chapter, "--force")
    notebook = course / "submitted" / "ada" / chapter / f"{chapter}.ipynb"
    write(solved(chapter), notebook)
    run_nbgrader(course, "db", "student", "add", "ada")
    cli = [timed(lambda: subprocess.run([sys.executable, "-m", "autograder", "grade", str(notebook), "--json"],
                                        check=True, capture_output=True)) for _ in range(repeat)]
    autograde = [timed(lambda: run_nbgrader(course, "autograde", chapter, "--student", "ada", "--force"))
                 for _ in range(repeat)]
    print(f"{chapter} one notebook, CLI grade (cold): {runs(cli)}")
    print(f"{chapter} one notebook, nbgrader autograde: {runs(autograde)}")


def warm_start(repeat: int) -> None:
    """Session open (fork) to the first cell's reply, on an already warm worker."""
    sandbox.start_warm_worker("cpu")._ready()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with sandbox.Session(sandbox.Limits(), "cpu") as session:
            session.run_cell("pass")
            times.append(time.perf_counter() - start)
    print(f"warm worker, submission in to first cell run: {runs(times, 'ms', 1000)}")


def folder(chapter: str, size: int, workers: int, tmp: Path) -> None:
    root = tmp / "folder"
    for student in range(size):
        write(solved(chapter), root / f"s{student:03d}" / f"{chapter}.ipynb")
    torch_import = timed(lambda: subprocess.run([sys.executable, "-c", "import torch"], check=True))
    seconds = timed(lambda: subprocess.run([sys.executable, "-m", "autograder", "grade", str(root),
                                            "--workers", str(workers)], check=True, capture_output=True))
    per_notebook = seconds / size
    print(f"{chapter} folder of {size}, {workers} workers: {seconds:.1f} s, {per_notebook:.3f} s per notebook; "
          f"import torch {torch_import:.2f} s; ratio {per_notebook / torch_import:.2f}")
    jobs = [Job(str(path), path.read_text(), chapter) for path in sorted(root.rglob("*.ipynb"))]
    with LocalProcesses(workers, warm="cpu") as executor:
        outcomes = [outcome for _, outcome in executor.as_completed(run_job, jobs)]
    mib = 2 ** 20
    print(f"peak resident memory: grading process {max(o['worker_peak_bytes'] for o in outcomes) / mib:.0f} MiB, "
          f"its warm sandbox {max(o['warm_peak_bytes'] for o in outcomes) / mib:.0f} MiB, "
          f"largest submission process {max(o['sandbox_peak_bytes'] for o in outcomes) / mib:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", nargs="?", default="ch02")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--folder", type=int, default=20, help="notebooks in the folder")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cold_cli_and_nbgrader(args.chapter, args.repeat, Path(tmp))
        warm_start(20)
        folder(args.chapter, args.folder, args.workers, Path(tmp))


if __name__ == "__main__":
    main()
