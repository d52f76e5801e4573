"""Hidden checks of every graded function, one module per chapter: each
``checks/chNN.py`` declares ``SPECS`` and is found here by its name, so a new
chapter needs no registration."""
import importlib
import pkgutil
import re

from .core import Spec, judge_check, standard_checks
from ..harness.invoke import invoke

CHAPTERS = {module.name: importlib.import_module(f"{__name__}.{module.name}").SPECS
            for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
            if re.fullmatch(r"ch\d\d", module.name)}


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
