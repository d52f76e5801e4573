"""Hidden checks of every graded function, one module per chapter."""
from . import ch01, ch02, ch03, ch04, ch05
from .core import Spec, judge_check, standard_checks
from ..harness.invoke import invoke

CHAPTERS = {"ch01": ch01.SPECS, "ch02": ch02.SPECS, "ch03": ch03.SPECS, "ch04": ch04.SPECS, "ch05": ch05.SPECS}


def find_spec(name: str) -> tuple:
    """(chapter, Spec) of the graded function called ``name``."""
    for chapter, specs in CHAPTERS.items():
        for spec in specs:
            if spec.name == name:
                return chapter, spec
    raise KeyError(f"no graded function named {name!r}")


def run_hidden_checks(name: str, fn, device: str = "cpu") -> None:
    """Run the hidden checks of ``name`` on ``fn`` in this process and raise
    AssertionError listing the failed ones (used by the solution notebooks)."""
    from ..reference import load_references

    chapter, spec = find_spec(name)
    reference = load_references(chapter)[name]
    results = [judge_check(check, spec, reference, lambda message: invoke(fn, message), device)
               for check in standard_checks(spec)]
    failed = [f"- {r.name}: {r.message}" for r in results if not r.passed]
    if failed:
        raise AssertionError(f"{len(failed)} of {len(results)} hidden checks failed:\n" + "\n".join(failed))
