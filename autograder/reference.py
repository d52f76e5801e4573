"""The reference solutions: the solution cells of solutions/chNN/chNN.ipynb.

They are the single source of truth: the grader runs the solution notebook's
code cells (all but the test cells) in a fresh namespace, in the grader's own
process, and takes the graded functions from there.
"""
from functools import lru_cache

from . import paths
from .checks import CHAPTERS
from .harness.cells import run_cell
from .harness.no_dynamo import first_meta_operation
from .notebook import code_to_run, read


@lru_cache(maxsize=None)
def reference_namespace(chapter: str) -> dict:
    """The namespace the solution notebook's code cells ran in (the graded
    functions and whatever they use). Not to be modified: copy it."""
    first_meta_operation()
    path = paths.solution_notebook(chapter)
    namespace = {"__name__": f"reference_{chapter}"}
    for index, source in enumerate(code_to_run(read(path))):
        run_cell(source, namespace, f"{path}:cell{index}")
    return namespace


@lru_cache(maxsize=None)
def load_references(chapter: str) -> dict:
    namespace = reference_namespace(chapter)
    return {spec.name: namespace[spec.name] for spec in CHAPTERS[chapter]}
