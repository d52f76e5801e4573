"""Hostile submissions: each scores 0 on the exercise it attacks, the other
exercises of the notebook still grade correctly, and grading ends in bounded
time with no worker left running."""
import copy
import time

import pytest

from autograder import paths
from autograder.notebook import cells_by_id
from autograder.sandbox import close_warm_workers, isolation
from autograder.submissions import solved

from .conftest import full_marks, sandbox_workers, scores, submission_processes

CHAPTER, TARGET = "ch02", "sequence_nll"   # nothing else in ch02 calls sequence_nll
SOLUTION_FILE = paths.solution_notebook(CHAPTER)


def answer(body: str) -> str:
    return f"import torch\n\ndef {TARGET}(o, y):\n" + "".join(f"    {line}\n" for line in body.splitlines())


HOSTILE_ANSWERS = {
    "infinite loop in the function": answer("while True:\n    pass"),
    "infinite loop when the cell runs": "while True:\n    pass\n" + answer("return o.sum()"),
    "os._exit in the function": answer("import os\nos._exit(3)"),
    "sys.exit when the cell runs": "import sys\nsys.exit(0)\n" + answer("return o.sum()"),
    "20 GB allocation": answer("big = torch.ones(5 * 10**9)\nreturn big.sum() + o.sum()"),
    "100 MB printed": answer("print('x' * (100 * 2**20))\nreturn o.sum()"),
    "monkeypatched allclose": ("import numpy\nimport torch\n"
                               "torch.allclose = lambda *a, **k: True\n"
                               "numpy.allclose = lambda *a, **k: True\n"
                               "torch.testing.assert_close = lambda *a, **k: None\n"
                               + answer("return (o * 0).sum()")),
    "imports the reference": answer("from autograder.reference import load_references\n"
                                    f"return load_references('{CHAPTER}')['{TARGET}'](o, y)"),
    "reads the solution notebook": answer(f"text = open({str(SOLUTION_FILE)!r}).read()\n"
                                          "raise RuntimeError(text[:100])"),
    "syntax error": f"def {TARGET}(o, y)\n    return o.sum()\n",
}


def _edit(nb, cell_id, change):
    nb = copy.deepcopy(nb)
    cell = cells_by_id(nb)[cell_id]
    change(nb, cell)
    return nb


HOSTILE_EDITS = {
    "deleted locked test cell": lambda nb, cell: nb.cells.remove(cell),
    "edited locked test cell": lambda nb, cell: setattr(cell, "source", "pass"),
}


def _to_markdown(nb, cell):
    cell.cell_type = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)


def hostile_notebooks():
    for label, source in HOSTILE_ANSWERS.items():
        yield label, lambda source=source: solved(CHAPTER, **{TARGET: source})
    for label, change in HOSTILE_EDITS.items():
        yield label, lambda change=change: _edit(solved(CHAPTER), f"test_{TARGET}", change)
    yield "answer cell turned into markdown", lambda: _edit(solved(CHAPTER), TARGET, _to_markdown)


def test_sandbox_isolates_files():
    assert isolation() == "bubblewrap", "install bubblewrap: the reference must be unreadable to students"


@pytest.mark.parametrize("label,build", list(hostile_notebooks()), ids=[l for l, _ in hostile_notebooks()])
def test_hostile_submission(label, build, grade):
    started = time.monotonic()
    report = grade(build(), CHAPTER)
    elapsed = time.monotonic() - started
    got, best = scores(report), full_marks(report)
    assert got[TARGET] == 0, report["exercises"][TARGET]["checks"]
    assert {name: got[name] for name in got if name != TARGET} == \
           {name: best[name] for name in best if name != TARGET}
    assert elapsed < 90


def test_no_worker_left_running(grade):
    """The submission's processes end with its grading; the warm process
    stays for the next one, until its grading process closes it."""
    grade(solved(CHAPTER, **{TARGET: HOSTILE_ANSWERS["infinite loop in the function"]}), CHAPTER)
    assert sandbox_workers() and not submission_processes()
    close_warm_workers()
    assert not sandbox_workers()
