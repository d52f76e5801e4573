"""Command line of the grader.

    python -m autograder grade NOTEBOOK.ipynb [--device auto|cpu|cuda] [--json] [--assignment chNN]
    python -m autograder grade FOLDER [--csv scores.csv]   every notebook below FOLDER
    python -m autograder release [chNN ...]
"""
import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

from . import paths
from .checks import CHAPTERS


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


def format_text(report: dict) -> str:
    lines = [f"{report['notebook']}: {report['score']:g} / {report['max_score']:g} "
             f"(device {report['device']}, sandbox {report['isolation']})"]
    for name, exercise in report["exercises"].items():
        lines.append(f"  {name}: {exercise['score']:g} / {exercise['max_score']:g}")
        for check in exercise["checks"]:
            mark = "ok  " if check["passed"] else "FAIL"
            lines.append(f"    [{mark}] {check['name']}" + ("" if check["passed"] else f": {check['message']}"))
    return "\n".join(lines)


def notebooks_under(path: Path) -> list:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return [path]


def write_csv(reports: list, destination: Path) -> None:
    with open(destination, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["notebook", "exercise", "score", "max_score"])
        for report in reports:
            for name, exercise in report["exercises"].items():
                writer.writerow([report["notebook"], name, exercise["score"], exercise["max_score"]])
            writer.writerow([report["notebook"], "TOTAL", report["score"], report["max_score"]])


def grade(args) -> int:
    from .grading import grade_notebook

    device = resolve_device(args.device)
    reports = [grade_notebook(path, device=device, chapter=args.assignment)
               for path in notebooks_under(Path(args.notebook))]
    if args.json:
        print(json.dumps(reports[0] if len(reports) == 1 else reports, indent=2))
    else:
        print("\n".join(format_text(report) for report in reports))
    if args.csv:
        write_csv(reports, Path(args.csv))
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
    grade_parser = commands.add_parser("grade", help="grade one notebook")
    grade_parser.add_argument("notebook", help="a notebook, or a folder of notebooks")
    grade_parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu")
    grade_parser.add_argument("--json", action="store_true", help="print the report as JSON")
    grade_parser.add_argument("--assignment", choices=sorted(CHAPTERS), help="default: from the file name")
    grade_parser.add_argument("--csv", help="also write the scores to this CSV file")
    grade_parser.set_defaults(run=grade)
    release_parser = commands.add_parser("release", help="regenerate exercises/ from solutions/")
    release_parser.add_argument("chapters", nargs="*", help=f"default: all of {', '.join(sorted(CHAPTERS))}")
    release_parser.set_defaults(run=release)
    args = parser.parse_args(argv)
    return args.run(args)
