"""Banks of answers, one module per chapter, each answer the complete source
of a solution cell:

* ``WRONG[function][label]`` is the grader's catalogue of mistakes
  (``autograder.mistakes.<chapter>``, re-exported: one source); each
  entry makes the one mistake named by its label and must lose points; a label that names the CPU (``..._on_the_cpu``,
  ``float32_cpu_...``) marks a tensor created on the CPU whatever the
  inputs' device, which the check "new tensors follow the inputs' device"
  must catch;
* ``RIGHT[function][label]`` is a correct answer written unlike the
  reference (its label says how: ``F_linear``, ``loss_accumulated_with_item``,
  ``python_if_...``) and must score full marks, visible tests passed.

``tests/test_grading.py`` grades every entry of every chapter's module
through :func:`wrong_answers`, :func:`cpu_mistakes` and :func:`right_answers`,
a few at a time (:func:`rounds`, :func:`answered`), and
``tests/test_rnncourse_testing.py`` runs the visible tests on the ``RIGHT``
ones: a new chapter's bank needs both dicts and no registration."""
import importlib

from autograder.mistakes import answer  # noqa: F401 (the banks' RIGHT answers use it too)
from autograder.submissions import solved


def wrong_answers(chapter: str) -> dict:
    """The bank of a chapter: ``WRONG`` of ``tests.banks.<chapter>`` (the catalogue's)."""
    return importlib.import_module(f"tests.banks.{chapter}").WRONG


def right_answers(chapter: str) -> dict:
    """The correct alternatives of a chapter: ``RIGHT`` of ``tests.banks.<chapter>``."""
    return importlib.import_module(f"tests.banks.{chapter}").RIGHT


def cpu_mistakes(chapter: str) -> dict:
    """The wrong answers of a chapter whose label names the CPU, by function."""
    found = {name: {label: source for label, source in entries.items() if "cpu" in label}
             for name, entries in wrong_answers(chapter).items()}
    return {name: entries for name, entries in found.items() if entries}


def rounds(answers: dict) -> list:
    """Round k answers every function of ``answers`` (function -> label ->
    source) with its k-th entry, as ``{function: (label, source)}``."""
    count = max((len(entries) for entries in answers.values()), default=0)
    return [{name: list(entries.items())[k] for name, entries in answers.items() if k < len(entries)}
            for k in range(count)]


def answered(chapter: str, round_: dict):
    """The chapter's release answered with one round of answers (the reference elsewhere)."""
    return solved(chapter, **{name: source for name, (_, source) in round_.items()})


KNOWN = "This looks like a known mistake"
AMONG = "This looks like one of these known mistakes"
UNLOCATED = "differs from the expected values"   # a value mismatch not located
SAME = ("same wrong values as above", "same problem as above")


def diagnosis(exercise: dict, says: str) -> str:
    """How the report of one exercise explains a bank entry whose mistake
    ``says`` describes: 'named' (that mistake named, alone), 'among' (named
    among a few that give the same result), 'wrong' (other mistakes named,
    not this one), 'located' (no mistake named, but a failure located or said
    what is wrong: where values first differ, a shape, dtype, device, error,
    an input modified), 'unexplained' (only unlocated mismatches)."""
    messages = [check["message"] for check in exercise["checks"] if not check["passed"]]
    if any(f"{KNOWN}: {says}." in message for message in messages):
        return "named"
    if any(says in message for message in messages if AMONG in message):
        return "among"
    if any(KNOWN in message or AMONG in message for message in messages):
        return "wrong"
    if any(message not in SAME and UNLOCATED not in message for message in messages):
        return "located"
    return "unexplained"


def first_wrong_answer(chapter: str, function: str) -> tuple:
    """(label, source) of the bank's first wrong answer for ``function``."""
    return next(iter(wrong_answers(chapter)[function].items()))
