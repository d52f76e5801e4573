"""The grader is right: references score full marks, an untouched release
scores zero, and every typical wrong answer loses points."""
import pytest

from autograder.checks import CHAPTERS
from autograder.submissions import release, solved

from .banks import wrong_answers as bank
from .conftest import full_marks, scores

CHAPTER_NAMES = sorted(CHAPTERS)


def bank_rounds(chapter):
    """Round k answers every function with its k-th wrong implementation
    (functions with fewer wrong ones keep the reference)."""
    wrong = bank(chapter)
    rounds = max(len(entries) for entries in wrong.values())
    return [{name: list(entries.items())[k] for name, entries in wrong.items() if k < len(entries)}
            for k in range(rounds)]


@pytest.mark.parametrize("chapter", CHAPTER_NAMES)
def test_reference_scores_full_marks(chapter, grade):
    report = grade(solved(chapter), chapter)
    failed = {name: [c["name"] + ": " + c["message"] for c in e["checks"] if not c["passed"]]
              for name, e in report["exercises"].items() if e["score"] < e["max_score"]}
    assert not failed
    assert report["score"] == report["max_score"] > 0


@pytest.mark.parametrize("chapter", CHAPTER_NAMES)
def test_untouched_release_scores_zero(chapter, grade):
    report = grade(release(chapter), chapter)
    assert report["score"] == 0
    for exercise in report["exercises"].values():
        assert exercise["checks"] and not any(check["passed"] for check in exercise["checks"])
        assert any("NotImplementedError" in check["message"] for check in exercise["checks"])


@pytest.mark.parametrize("chapter", CHAPTER_NAMES)
def test_bank_has_five_wrong_answers_per_function(chapter):
    wrong = bank(chapter)
    assert set(wrong) == {spec.name for spec in CHAPTERS[chapter]}
    assert all(len(entries) >= 5 for entries in wrong.values())


@pytest.mark.parametrize("chapter,round_index", [
    (chapter, k) for chapter in CHAPTER_NAMES for k in range(len(bank_rounds(chapter)))])
def test_every_wrong_answer_loses_points(chapter, round_index, grade):
    answers = bank_rounds(chapter)[round_index]
    report = grade(solved(chapter, **{name: source for name, (_, source) in answers.items()}), chapter)
    got, best = scores(report), full_marks(report)
    kept_full = [f"{name}/{label}" for name, (label, _) in answers.items() if got[name] >= best[name]]
    assert not kept_full, f"wrong answers that kept full marks: {kept_full}"
    untouched = set(best) - set(answers)
    assert all(got[name] == best[name] for name in untouched)
