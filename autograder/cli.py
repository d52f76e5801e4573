"""Command line of the grader.

    python -m autograder grade NOTEBOOK.ipynb [--device auto|cpu|cuda] [--json] [--assignment chNN]
    python -m autograder grade FOLDER [--jobs N] [--csv scores.csv] [--feedback DIR]
                                        every notebook below FOLDER, N at a time
    python -m autograder release [chNN ...]
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

from . import classroom, paths
from .checks import CHAPTERS
from .feedback import report_text
from .grading import grade_notebook


def resolve_device(requested: str) -> str:
    """'auto' picks CUDA when present; 'cuda' without a GPU falls back to the
    CPU with a message on stderr."""
    import torch

    if requested == "cpu":
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    if requested == "cuda":
        print("autograder: --device cuda asked for, but no CUDA device is available; grading on the CPU",
              file=sys.stderr)
    return "cpu"


def grade(args) -> int:
    device = resolve_device(args.device)
    target = Path(args.notebook)
    if target.is_dir():
        reports = classroom.grade_folder(target, device=device, chapter=args.assignment, jobs=args.jobs)
        if args.csv:
            classroom.write_csv(reports, target, Path(args.csv))
        if args.feedback:
            classroom.write_feedback(reports, target, Path(args.feedback))
    else:
        try:
            reports = [grade_notebook(target, device=device, chapter=args.assignment)]
        except KeyError as exc:  # no assignment recognised: the instructor must name it
            print(f"autograder: {exc.args[0]}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(reports if target.is_dir() else reports[0], indent=2))
    else:
        print("\n".join(report_text(report) for report in reports))
    return 0


def release(args) -> int:
    """Regenerate exercises/ from solutions/ with nbgrader (in a scratch
    gradebook, so the instructor's gradebook is left alone)."""
    import tempfile

    chapters = args.chapters or sorted(CHAPTERS)
    unknown = set(chapters) - set(CHAPTERS)
    if unknown:
        print(f"autograder: unknown assignment(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        for chapter in chapters:
            subprocess.run(["nbgrader", "generate_assignment", chapter, "--force",
                            f"--CourseDirectory.db_url=sqlite:///{scratch}/gradebook.db"],
                           cwd=paths.ROOT, check=True)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    grade_parser = commands.add_parser("grade", help="grade one notebook or a folder of them")
    grade_parser.add_argument("notebook", help="a notebook, or a folder of notebooks")
    grade_parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu")
    grade_parser.add_argument("--json", action="store_true", help="print the report as JSON")
    grade_parser.add_argument("--assignment", choices=sorted(CHAPTERS), help="default: from the file name")
    grade_parser.add_argument("--jobs", type=int, default=classroom.default_jobs(),
                              help="folder: notebooks graded at once (default: %(default)s)")
    grade_parser.add_argument("--csv", help="folder: also write the scores to this CSV file")
    grade_parser.add_argument("--feedback", help="folder: also write one feedback file per submission here")
    grade_parser.set_defaults(run=grade)
    release_parser = commands.add_parser("release", help="regenerate exercises/ from solutions/")
    release_parser.add_argument("chapters", nargs="*", help=f"default: all of {', '.join(sorted(CHAPTERS))}")
    release_parser.set_defaults(run=release)
    args = parser.parse_args(argv)
    return args.run(args)
