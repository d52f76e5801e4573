"""Submissions per minute of a class autograde, in one run on the same
submissions: plain `nbgrader autograde` (serial, scoring through the course's
sandboxed grader, as nbgrader_config.py sets it up), nbgrader's stock
autograde (a Jupyter kernel per notebook, its Execute preprocessor: what
nbgrader does without this course's plugin) and the course's
`python -m autograder autograde` with 1 and 2 workers; each in a fresh copy
of the course, timed from the command's start to its end. Also the peak
resident memory per worker, and a check that all runs gave the same scores.
A benchmark, not a test: it prints what it measured.

    python scripts/bench_class.py [ch02] [--students 50] [--workers 1 2]
"""
import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder import paths  # noqa: E402
from autograder.nbgrader_course import course_gradebook, make_course, run_nbgrader  # noqa: E402
from autograder.submissions import release, solved, write  # noqa: E402
from tests.banks import wrong_answers  # noqa: E402


def class_of(chapter: str, size: int) -> list:
    """A plausible class: 8 in 10 correct, 1 in 10 with one wrong function, 1 in 10 untouched."""
    wrong = [(function, source) for function, bank in wrong_answers(chapter).items() for source in bank.values()]
    notebooks = []
    for student in range(size):
        if student % 10 == 8:
            function, source = wrong[student // 10 % len(wrong)]
            notebooks.append(solved(chapter, **{function: source}))
        else:
            notebooks.append(release(chapter) if student % 10 == 9 else solved(chapter))
    return notebooks


# nbgrader's own default: notebooks executed in a kernel (hidden tests and all), no sandbox
STOCK = ("from nbgrader.preprocessors import Execute\n"
         "c.Autograde.autograde_preprocessors = [Execute] + c.Autograde.autograde_preprocessors[1:]\n")


def fresh_course(root: Path, chapter: str, notebooks: list, extra_config: str = "") -> Path:
    course = make_course(root, extra_config)
    run_nbgrader(course, "generate_assignment", chapter, "--force")
    for student, nb in enumerate(notebooks):
        write(nb, course / "submitted" / f"s{student:03d}" / chapter / f"{chapter}.ipynb")
    return course


def totals(course: Path, chapter: str) -> dict:
    with course_gradebook(course) as gradebook:
        return {s.student_id: s.score for s in gradebook.find_assignment(chapter).submissions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", nargs="?", default="ch02")
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    chapter, size = args.chapter, args.students
    notebooks = class_of(chapter, size)
    rates, scores = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        course = fresh_course(Path(tmp) / "plain", chapter, notebooks)
        start = time.perf_counter()
        run_nbgrader(course, "autograde", chapter, timeout=3600)
        seconds = time.perf_counter() - start
        rates["nbgrader autograde"], scores["nbgrader autograde"] = size / seconds * 60, totals(course, chapter)
        print(f"nbgrader autograde: {seconds:.1f} s, {rates['nbgrader autograde']:.1f} submissions/min", flush=True)
        stock = "nbgrader autograde, stock (a kernel per notebook)"
        course = fresh_course(Path(tmp) / "stock", chapter, notebooks, STOCK)
        start = time.perf_counter()
        run_nbgrader(course, "autograde", chapter, timeout=3600)
        seconds = time.perf_counter() - start
        stock_rate, stock_scores = size / seconds * 60, totals(course, chapter)
        print(f"{stock}: {seconds:.1f} s, {stock_rate:.1f} submissions/min", flush=True)
        for workers in args.workers:
            name = f"autograder autograde --workers {workers}"
            course = fresh_course(Path(tmp) / f"workers{workers}", chapter, notebooks)
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "autograder", "autograde", chapter, "--course", str(course),
                                   "--workers", str(workers), "--quiet"], cwd=paths.ROOT, capture_output=True,
                                  text=True, check=True)
            seconds = time.perf_counter() - start
            rates[name], scores[name] = size / seconds * 60, totals(course, chapter)
            memory = re.search(r"peak memory per worker.*", done.stdout)
            print(f"{name}: {seconds:.1f} s, {rates[name]:.1f} submissions/min; "
                  f"{memory.group(0) if memory else 'no memory figure'}", flush=True)
    base = rates["nbgrader autograde"]
    for name, rate in rates.items():
        print(f"{name}: {rate / base:.2f}x plain nbgrader autograde, {rate / stock_rate:.2f}x stock nbgrader")
    same = all(found == scores["nbgrader autograde"] for found in scores.values())
    print(f"same scores in every run of the course's grader: {same} "
          f"({sum(scores['nbgrader autograde'].values()):g} points in all; stock nbgrader, which gives "
          f"no partial credit and runs unsandboxed: {sum(stock_scores.values()):g})")


if __name__ == "__main__":
    main()
