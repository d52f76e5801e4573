"""Grade the reference solutions, the untouched releases and every entry of
the wrong-answer banks on one device, and print the scores (a report, not a
test: run it on a GPU machine to compare with the CPU).

    python scripts/grade_banks.py --device cuda [--json scores.json]
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.checks import CHAPTERS  # noqa: E402
from autograder.devices import resolve_device  # noqa: E402
from autograder.grading import grade_notebook  # noqa: E402
from autograder.submissions import release, solved, write  # noqa: E402
from tests.banks import wrong_answers  # noqa: E402


def submissions(chapter):
    yield "reference", None, solved(chapter)
    yield "untouched release", None, release(chapter)
    for name, entries in wrong_answers(chapter).items():
        for label, source in entries.items():
            yield f"{name}/{label}", name, solved(chapter, **{name: source})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--json", help="write all scores to this file")
    args = parser.parse_args()
    device = resolve_device(args.device)
    rows, failures = [], 0
    with tempfile.TemporaryDirectory() as scratch:
        for chapter in sorted(CHAPTERS):
            for label, target, nb in submissions(chapter):
                path = Path(scratch) / f"{chapter}.ipynb"
                write(nb, path)
                started = time.monotonic()
                report = grade_notebook(path, device=device)
                seconds = time.monotonic() - started
                scores = {name: e["score"] for name, e in report["exercises"].items()}
                if target is not None:
                    expected_ok = scores[target] < report["exercises"][target]["max_score"]
                elif label == "reference":
                    expected_ok = report["score"] == report["max_score"]
                else:
                    expected_ok = report["score"] == 0
                failures += not expected_ok
                rows.append({"chapter": chapter, "submission": label, "device": report["device"],
                             "isolation": report["isolation"], "score": report["score"],
                             "max_score": report["max_score"], "target_score": scores.get(target),
                             "as_expected": expected_ok, "seconds": round(seconds, 2)})
                shown = f"{scores[target]:g} on {target}" if target else f"{report['score']:g}"
                print(f"{chapter} {label:60s} {shown:>24s} / {report['max_score']:g} "
                      f"{'ok' if expected_ok else 'UNEXPECTED'} {seconds:5.1f} s", flush=True)
    print(f"{len(rows)} submissions graded on {device}, {failures} unexpected")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
