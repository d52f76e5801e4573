"""The grader is right: references and correct alternatives score full
marks, an untouched release scores zero, and every typical wrong answer
loses points (a tensor created on the CPU, the device check among them)."""
import pytest

from autograder.checks import CHAPTERS
from autograder.submissions import release, solved

from .banks import answered, cpu_mistakes, right_answers, rounds
from .banks import wrong_answers as bank
from .conftest import full_marks, scores

CHAPTER_NAMES = sorted(CHAPTERS)
DEVICE_CHECK = "new tensors follow the inputs' device"


def bank_rounds(chapter):
    """Round k answers every function with its k-th wrong implementation
    (functions with fewer wrong ones keep the reference)."""
    return rounds(bank(chapter))


def failed_checks(exercise: dict) -> list:
    return [check["name"] for check in exercise["checks"] if not check["passed"]]


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
def test_bank_has_six_wrong_answers_per_function(chapter):
    wrong = bank(chapter)
    assert set(wrong) == {spec.name for spec in CHAPTERS[chapter]}
    assert all(len(entries) >= 6 for entries in wrong.values())


@pytest.mark.parametrize("chapter,round_index", [
    (chapter, k) for chapter in CHAPTER_NAMES for k in range(len(bank_rounds(chapter)))])
def test_every_wrong_answer_loses_points(chapter, round_index, grade):
    answers = bank_rounds(chapter)[round_index]
    report = grade(answered(chapter, answers), chapter)
    got, best = scores(report), full_marks(report)
    kept_full = [f"{name}/{label}" for name, (label, _) in answers.items() if got[name] >= best[name]]
    assert not kept_full, f"wrong answers that kept full marks: {kept_full}"
    untouched = set(best) - set(answers)
    assert all(got[name] == best[name] for name in untouched)


@pytest.mark.parametrize("chapter", CHAPTER_NAMES)
def test_a_tensor_created_on_the_cpu_fails_the_device_check(chapter, grade):
    for answers in rounds(cpu_mistakes(chapter)):
        report = grade(answered(chapter, answers), chapter)
        passed = [f"{name}/{label}" for name, (label, _) in answers.items()
                  if DEVICE_CHECK not in failed_checks(report["exercises"][name])]
        assert not passed, f"answers that create a tensor on the CPU yet pass the device check: {passed}"


@pytest.mark.parametrize("chapter", CHAPTER_NAMES)
def test_correct_alternatives_score_full_marks(chapter, grade):
    """Correct code written unlike the reference (F.linear, loops, .item(),
    .tolist(), Python conditions on tensor values) loses nothing, graded on
    the CPU, where the device check runs on 'meta'."""
    for answers in rounds(right_answers(chapter)):
        report = grade(answered(chapter, answers), chapter)
        failed = {f"{name}/{label}": failed_checks(report["exercises"][name])
                  for name, (label, _) in answers.items()
                  if report["exercises"][name]["score"] < report["exercises"][name]["max_score"]}
        assert not failed, f"correct answers that lost points: {failed}"
