"""Command line of the grader.

    python -m autograder grade NOTEBOOK.ipynb [--device auto|cpu|cuda] [--json] [--assignment chNN]
    python -m autograder grade FOLDER [--workers N] [--csv scores.csv] [--feedback DIR]
                                        every notebook below FOLDER, N at a time
    python -m autograder autograde chNN [--course DIR] [--workers N] [--executor local|dask]
                                        nbgrader's autograde of the whole class, in parallel,
                                        resumable, into the gradebook, a CSV and feedback pages
    python -m autograder release [chNN ...]
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

# light imports only: grading one notebook starts its sandbox before torch is imported here
from . import paths, sandbox
from .devices import likely_device, resolve_device
from .errors import UsageError
from .executors import ENGINES, default_workers, make_executor
from .sandbox import Limits

CHAPTERS = paths.chapters()


def grade(args) -> int:
    from . import classroom
    from .feedback import report_text
    from .grading import grade_notebook

    device = resolve_device(args.device)
    target = Path(args.notebook)
    limits = Limits(notebook_seconds=args.time_limit)
    if target.is_dir():
        with make_executor(args.executor, args.workers, args.scheduler, warm=device) as executor:
            reports = classroom.grade_folder(target, device=device, chapter=args.assignment,
                                             executor=executor, limits=limits)
        if args.csv:
            classroom.write_csv(reports, target, Path(args.csv))
        if args.feedback:
            classroom.write_feedback(reports, target, Path(args.feedback))
    else:
        try:
            reports = [grade_notebook(target, device=device, chapter=args.assignment, limits=limits)]
        except KeyError as exc:  # no assignment recognised: the instructor must name it
            print(f"autograder: {exc.args[0]}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(reports if target.is_dir() else reports[0], indent=2))
    else:
        print("\n".join(report_text(report) for report in reports))
    return 0


def autograde(args) -> int:
    """nbgrader's autograde of a class (see nbgrader_class)."""
    course = Path(args.course).resolve()
    if not (course / "nbgrader_config.py").is_file():
        print(f"autograder: {course} has no nbgrader_config.py: run from the course directory or pass --course",
              file=sys.stderr)
        return 2
    device = resolve_device(args.device)
    with make_executor(args.executor, args.workers, args.scheduler, warm=device) as executor:
        # the workers import torch and warm their sandboxes up while nbgrader is imported here
        # (seconds: both happen before the first job), even when a rerun then finds nothing to grade
        executor.start()
        from .nbgrader_class import autograde_class, course_api, write_scores

        run = autograde_class(course, args.assignment, executor, device=device,
                              limits=Limits(notebook_seconds=args.time_limit), force=args.force,
                              progress=not args.quiet)
    scores = Path(args.csv or course / f"{args.assignment}_scores.csv")
    rows = write_scores(course_api(course, args.assignment, device), args.assignment, scores, run.errors)
    print(f"{args.assignment}: {len(run.graded)} graded, {len(run.recorded)} recorded in the gradebook, "
          f"{len(run.skipped)} unchanged since the last run, {len(run.errors)} not gradable "
          f"(device {device}, {executor.workers} {args.executor} workers)")
    for student, why in sorted(run.errors.items()):
        print(f"  {student}: 0 points, nbgrader could not autograde it: {why}")
    if run.regraded:
        print(f"warning: {len(run.regraded)} notebooks graded again while recording (nbgrader handed over "
              f"another version than the workers graded): {', '.join(run.regraded)}")
    if run.outcomes:
        print(f"peak memory per worker: {max(o['worker_peak_bytes'] for o in run.outcomes) >> 20} MiB "
              f"(its sandboxes: {max(o['sandbox_peak_bytes'] for o in run.outcomes) >> 20} MiB)")
    print(f"scores of {len(rows)} students: {scores}; feedback pages: autograded/<student>/{args.assignment}/"
          "checks.html (nbgrader generate_feedback copies them into feedback/)")
    return 0


def release(args) -> int:
    """Regenerate exercises/ from solutions/ with nbgrader, which records each
    assignment (its notebook, graded cells and points) in the course's
    gradebook (gradebook.db here, or nbgrader_config.py's
    CourseDirectory.db_url): autograde, generate_feedback and export find it
    there. nbgrader refuses to add or remove graded cells of an assignment
    that has submissions, so a release never disagrees with graded work."""
    chapters = args.chapters or sorted(CHAPTERS)
    unknown = set(chapters) - set(CHAPTERS)
    if unknown:
        print(f"autograder: unknown assignment(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    for chapter in chapters:
        done = subprocess.run(["nbgrader", "generate_assignment", chapter, "--force"], cwd=paths.ROOT)
        if done.returncode != 0:
            print(f"autograder: nbgrader could not release {chapter} (its log is above)", file=sys.stderr)
            return done.returncode
    return 0


def _add_class_options(parser, workers: int, why: str) -> None:
    parser.add_argument("--workers", type=int, default=workers,
                        help=f"notebooks graded at once (default: {why}, %(default)s)")
    parser.add_argument("--executor", choices=ENGINES, default="local",
                        help="local processes, or Dask distributed (default: %(default)s)")
    parser.add_argument("--scheduler", help="with --executor dask: a running cluster's scheduler address "
                                            "(default: a LocalCluster of --workers processes)")
    parser.add_argument("--time-limit", type=float, default=Limits().notebook_seconds,
                        help="seconds one submission may take in all (default: %(default)g)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    grade_parser = commands.add_parser("grade", help="grade one notebook or a folder of them")
    grade_parser.add_argument("notebook", help="a notebook, or a folder of notebooks")
    grade_parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu")
    grade_parser.add_argument("--json", action="store_true", help="print the report as JSON")
    grade_parser.add_argument("--assignment", choices=sorted(CHAPTERS), help="default: from the file name")
    _add_class_options(grade_parser, default_workers(), "the number of cores")
    grade_parser.add_argument("--csv", help="folder: also write the scores to this CSV file")
    grade_parser.add_argument("--feedback", help="folder: also write one feedback file per submission here")
    grade_parser.set_defaults(run=grade)
    class_parser = commands.add_parser("autograde", help="nbgrader's autograde of a whole class, in parallel")
    class_parser.add_argument("assignment", help="the assignment, e.g. ch02")
    class_parser.add_argument("--course", default=".", help="the nbgrader course directory (default: here)")
    class_parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu")
    # this process records every student through nbgrader, the slowest step: it keeps a core
    _add_class_options(class_parser, max(1, default_workers() - 1), "the number of cores less one")
    class_parser.add_argument("--csv", help="the class's scores (default: COURSE/ASSIGNMENT_scores.csv)")
    class_parser.add_argument("--force", action="store_true", help="regrade students whose files are unchanged")
    class_parser.add_argument("--quiet", action="store_true", help="no progress bar")
    class_parser.set_defaults(run=autograde)
    release_parser = commands.add_parser("release", help="regenerate exercises/ from solutions/, recording "
                                                         "the assignments in the course's gradebook")
    release_parser.add_argument("chapters", nargs="*", help=f"default: all of {', '.join(sorted(CHAPTERS))}")
    release_parser.set_defaults(run=release)
    args = parser.parse_args(argv)
    if args.command == "grade" and not Path(args.notebook).exists():
        print(f"autograder: no notebook or folder {args.notebook}", file=sys.stderr)
        return 2
    if args.command == "grade" and not Path(args.notebook).is_dir():
        sandbox.start_warm_worker(likely_device(args.device))   # warms up while this process prepares
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"autograder: {exc}", file=sys.stderr)
        return 2
