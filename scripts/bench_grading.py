"""Time the grading of one notebook of a chapter, the instructor's two ways:
the course's CLI (`python -m autograder grade`, a fresh process) and
`nbgrader autograde` for one student in a fresh course directory (SQLite
gradebook); with --class N, also a folder of N submissions graded by the CLI
one at a time and with --jobs. A benchmark, not a test: it prints wall times.

    python scripts/bench_grading.py [ch02] [--repeat 3] [--class 8 --jobs 2]
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.nbgrader_course import make_course, run_nbgrader  # noqa: E402
from autograder.submissions import solved, write  # noqa: E402


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", nargs="?", default="ch02")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--class", dest="class_size", type=int, default=0, help="submissions in the folder")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    chapter = args.chapter
    with tempfile.TemporaryDirectory() as tmp:
        course = make_course(Path(tmp) / "course")
        run_nbgrader(course, "generate_assignment", chapter, "--force")
        notebook = course / "submitted" / "ada" / chapter / f"{chapter}.ipynb"
        write(solved(chapter), notebook)
        run_nbgrader(course, "db", "student", "add", "ada")
        cli = [timed(lambda: subprocess.run([sys.executable, "-m", "autograder", "grade", str(notebook), "--json"],
                                            check=True, capture_output=True))
               for _ in range(args.repeat)]
        autograde = [timed(lambda: run_nbgrader(course, "autograde", chapter, "--student", "ada", "--force"))
                     for _ in range(args.repeat)]
        for name, times in (("CLI grade", cli), ("nbgrader autograde", autograde)):
            print(f"{chapter} {name}: median {statistics.median(times):.1f} s "
                  f"(runs: {', '.join(f'{t:.1f}' for t in times)})")
        if args.class_size:
            folder = Path(tmp) / "class"
            for student in range(args.class_size):
                write(solved(chapter), folder / f"student{student:03d}" / f"{chapter}.ipynb")
            for jobs in (1, args.jobs):
                seconds = timed(lambda: subprocess.run(
                    [sys.executable, "-m", "autograder", "grade", str(folder), "--jobs", str(jobs)],
                    check=True, capture_output=True))
                print(f"{chapter} class of {args.class_size}, --jobs {jobs}: {seconds:.1f} s "
                      f"({seconds / args.class_size:.1f} s per notebook)")


if __name__ == "__main__":
    main()
