"""Banks of wrong answers, one module per chapter: ``WRONG[function][label]``
is the complete source of a solution cell that makes the one mistake named
by its label."""
import textwrap


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
    import importlib

    return importlib.import_module(f"tests.banks.{chapter}").WRONG


def first_wrong_answer(chapter: str, function: str) -> tuple:
    """(label, source) of the bank's first wrong answer for ``function``."""
    return next(iter(wrong_answers(chapter)[function].items()))
