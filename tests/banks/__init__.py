"""Banks of answers, one module per chapter, each answer the complete source
of a solution cell:

* ``WRONG[function][label]`` makes the one mistake named by its label and
  must lose points; a label that names the CPU (``..._on_the_cpu``,
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
import textwrap

from autograder.submissions import solved


def answer(function: tuple, *body: str, checked: bool = True, imports: str = "import torch") -> str:
    """The source of a solution cell: ``imports``, the def line, the argument
    checks of ``function = (signature, checks)`` (unless ``checked`` is false)
    and the parts of ``body``, each dedented."""
    signature, checks = function
    parts = [textwrap.dedent(part).strip("\n") for part in body]
    lines = textwrap.dedent(checks if checked else "").lstrip("\n") + "\n".join(parts)
    return f"{imports}\n\n\ndef {signature}:\n" + textwrap.indent(lines, "    ") + "\n"


def wrong_answers(chapter: str) -> dict:
    """The bank of a chapter: ``WRONG`` of ``tests.banks.<chapter>``."""
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


def first_wrong_answer(chapter: str, function: str) -> tuple:
    """(label, source) of the bank's first wrong answer for ``function``."""
    return next(iter(wrong_answers(chapter)[function].items()))
