"""The catalogue of common mistakes, one module per chapter (hidden: the
grader's side only, like the checks).

Each ``mistakes/chNN.py`` declares, per graded function and per mistake
label, ``WRONG[function][label]``: the trusted source of a solution cell that
makes that one mistake and is otherwise right, and ``SAYS[function][label]``:
what the mistake is, in words a student reads (no code of the reference, no
expected value). The grader runs these variants like the reference (see
``autograder.diagnosis``) and names the mistake whose result a submission
reproduces; the test banks (``tests/banks``) grade every entry as a
submission. A new chapter's module is found by its name.
"""
import importlib
import textwrap
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Mistake:
    function: str
    label: str
    says: str       # for the student
    source: str     # the complete source of a solution cell that makes it


def answer(function: tuple, *body: str, checked: bool = True, imports: str = "import torch") -> str:
    """The source of a solution cell: ``imports``, the def line, the argument
    checks of ``function = (signature, checks)`` (unless ``checked`` is false)
    and the parts of ``body``, each dedented."""
    signature, checks = function
    parts = [textwrap.dedent(part).strip("\n") for part in body]
    lines = textwrap.dedent(checks if checked else "").lstrip("\n") + "\n".join(parts)
    return f"{imports}\n\n\ndef {signature}:\n" + textwrap.indent(lines, "    ") + "\n"


def _module(chapter: str):
    try:
        return importlib.import_module(f"{__name__}.{chapter}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{chapter}":
            raise
        return None


@lru_cache(maxsize=None)
def catalogue(chapter: str) -> dict:
    """function -> [Mistake] of a chapter, in the catalogue's order (empty
    for a chapter without a catalogue)."""
    module = _module(chapter)
    if module is None:
        return {}
    return {function: [Mistake(function, label, module.SAYS[function][label], source)
                       for label, source in entries.items()]
            for function, entries in module.WRONG.items()}


def mistakes_of(chapter: str, function: str) -> list:
    """The catalogued mistakes of one graded function."""
    return catalogue(chapter).get(function, [])
