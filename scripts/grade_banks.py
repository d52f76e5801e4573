"""Grade the reference solutions, the untouched releases, every entry of
the wrong-answer banks and every correct alternative on one device, and
print the scores (a report, not a test: run it on a GPU machine to compare
with the CPU).

    python scripts/grade_banks.py --device cuda [--json scores.json] [ch01 ch02 ...]

With --diagnosis, it grades the wrong answers only, a round at a time (as
tests/test_grading.py does), and prints how the feedback explains each
entry (see tests.banks.diagnosis) and the figures per chapter: named (alone
or among a few with the same result), located, wrongly named, unexplained.
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
from autograder.mistakes import catalogue  # noqa: E402
from tests.banks import answered, diagnosis, right_answers, rounds, wrong_answers  # noqa: E402

KINDS = ("named", "among", "located", "wrong", "unexplained")


def submissions(chapter):
    """(label, graded function or None, whether it should keep full marks, notebook)."""
    yield "reference", None, True, solved(chapter)
    yield "untouched release", None, False, release(chapter)
    for right, bank in ((False, wrong_answers(chapter)), (True, right_answers(chapter))):
        for name, entries in bank.items():
            for label, source in entries.items():
                yield f"{name}/{label}", name, right, solved(chapter, **{name: source})


def diagnosis_figures(chapters, device: str, scratch: Path) -> int:
    """Print each wrong answer's diagnosis and the figures per chapter;
    1 if any entry is wrongly named or unexplained."""
    totals = dict.fromkeys(KINDS, 0)
    for chapter in chapters:
        says = {(m.function, m.label): m.says for mistakes in catalogue(chapter).values() for m in mistakes}
        counts = dict.fromkeys(KINDS, 0)
        for round_ in rounds(wrong_answers(chapter)):
            path = scratch / f"{chapter}.ipynb"
            write(answered(chapter, round_), path)
            report = grade_notebook(path, device=device)
            for name, (label, _) in round_.items():
                kind = diagnosis(report["exercises"][name], says[name, label])
                counts[kind] += 1
                print(f"{chapter} {name}/{label:55s} {kind}", flush=True)
        entries = sum(counts.values())
        print(f"{chapter}: {entries} entries, " + ", ".join(f"{kind} {counts[kind]}" for kind in KINDS), flush=True)
        totals = {kind: totals[kind] + counts[kind] for kind in KINDS}
    entries = sum(totals.values())
    named = totals["named"] + totals["among"]
    print(f"all: {entries} entries, named {named} ({100 * named / max(entries, 1):.1f}%; alone {totals['named']}), "
          + ", ".join(f"{kind} {totals[kind]}" for kind in KINDS[2:]))
    return 1 if totals["wrong"] or totals["unexplained"] else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--json", help="write all scores to this file")
    parser.add_argument("--diagnosis", action="store_true", help="the wrong answers' diagnoses, per chapter")
    parser.add_argument("chapters", nargs="*", help="the chapters to grade (default: all)")
    args = parser.parse_args()
    device = resolve_device(args.device)
    if args.diagnosis:
        with tempfile.TemporaryDirectory() as scratch:
            return diagnosis_figures(args.chapters or sorted(CHAPTERS), device, Path(scratch))
    rows, failures = [], 0
    with tempfile.TemporaryDirectory() as scratch:
        for chapter in args.chapters or sorted(CHAPTERS):
            for label, target, right, nb in submissions(chapter):
                path = Path(scratch) / f"{chapter}.ipynb"
                write(nb, path)
                started = time.monotonic()
                report = grade_notebook(path, device=device)
                seconds = time.monotonic() - started
                scores = {name: e["score"] for name, e in report["exercises"].items()}
                if target is not None:
                    expected_ok = (scores[target] == report["exercises"][target]["max_score"]) == right
                else:
                    expected_ok = report["score"] == (report["max_score"] if right else 0)
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
