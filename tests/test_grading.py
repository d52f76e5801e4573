"""The grader is right: references and correct alternatives score full
marks, an untouched release scores zero, and every typical wrong answer
loses points (a tensor created on the CPU, the device check among them),
its feedback naming that mistake (or, for the few listed in LOCATED_ONLY,
saying where or what is wrong) and never another."""
import pytest

from autograder.checks import CHAPTERS
from autograder.mistakes import catalogue
from autograder.submissions import release, solved

from .banks import answered, cpu_mistakes, diagnosis, right_answers, rounds
from .banks import wrong_answers as bank
from .conftest import full_marks, scores

CHAPTER_NAMES = sorted(CHAPTERS)
DEVICE_CHECK = "new tensors follow the inputs' device"
NAMED = ("named", "among")
# The catalogued mistakes whose feedback locates the failure without naming
# the mistake: their results depend on draws from torch's global generator,
# which the grader's run of the mistake does not share, or the failing check
# relates several calls (the operation counts of two lengths).
LOCATED_ONLY = {
    "ch03": {"teacher_forced_logits/loop_over_time", "free_running_logits/samples_from_the_softmax_instead_of_argmax",
             "scheduled_sampling_logits/draws_from_the_global_rng"},
    "ch09": {"init_reservoir/mask_drawn_from_the_global_generator", "init_reservoir/global_generator_reseeded"},
    "ch11": {"sample_sequence/global_generator_used", "sample_sequence/global_generator_reseeded"},
}


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
    says = {(m.function, m.label): m.says for mistakes in catalogue(chapter).values() for m in mistakes}
    explained = {f"{name}/{label}": diagnosis(report["exercises"][name], says[name, label])
                 for name, (label, _) in answers.items() if (name, label) in says}
    misnamed = {entry: kind for entry, kind in explained.items() if kind not in NAMED + ("located",)}
    assert not misnamed, f"wrong answers named wrongly, or not located: {misnamed}"
    unnamed = {entry for entry, kind in explained.items() if kind == "located"}
    assert unnamed <= LOCATED_ONLY.get(chapter, set()), f"catalogued mistakes not named: {unnamed}"


def test_most_catalogued_mistakes_are_named():
    """At least 80% of the catalogue is named (test_every_wrong_answer_loses_points
    holds each entry to it, those of LOCATED_ONLY to a located failure)."""
    entries = sum(len(mistakes) for chapter in CHAPTER_NAMES for mistakes in catalogue(chapter).values())
    assert entries >= 290
    assert sum(map(len, LOCATED_ONLY.values())) <= 0.2 * entries


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
