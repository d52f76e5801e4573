"""nbgrader's autograde step, scored by the course's sandboxed grader.

Configured in nbgrader_config.py in place of nbgrader's ``Execute``
preprocessor: student code never runs in a Jupyter kernel beside the
references; the notebook (already sanitised by nbgrader: locked cells restored
from the gradebook) is graded by ``grading.grade_notebook``, and each test
cell gets the output nbgrader turns into that exercise's score:

* full marks: a report on stdout only,
* partial credit: the report, then the score as the cell's result,
* zero: the report, then an error.

A test cell the report does not cover (the notebook could not be graded at
all) gets an error: nbgrader would count a test cell without one as passed.

``RecordedGrade`` is the same step for ``python -m autograder autograde``,
which has already graded the class in parallel: it takes the report made of
this very notebook from the class run's ledger instead of grading it again.
"""
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Enum, Unicode

from .devices import resolve_device
from .feedback import exercise_text
from .ledger import Ledger
from .notebook import digest, grade_id, is_test_cell


def test_cell_outputs(exercise: dict) -> list:
    outputs = [new_output("stream", name="stdout", text=exercise_text(exercise))]
    if exercise["score"] == 0:
        outputs.append(new_output("error", ename="AutograderFailure",
                                  evalue="no check passed", traceback=[]))
    elif exercise["score"] < exercise["max_score"]:
        outputs.append(new_output("execute_result", data={"text/plain": repr(exercise["score"])},
                                  execution_count=None))
    return outputs


def not_graded_outputs(why: str) -> list:
    return [new_output("stream", name="stdout", text=f"not graded: {why}\n"),
            new_output("error", ename="AutograderFailure", evalue="not graded", traceback=[])]


class SandboxedGrade(NbGraderPreprocessor):
    """Grade with the sandboxed course grader instead of executing the notebook."""

    device = Enum(["auto", "cpu", "cuda"], default_value="cpu",
                  help="Device the checks run on.").tag(config=True)

    def report_for(self, nb, resources) -> dict:
        from .grading import grade_notebook   # not at import: RecordedGrade grades only what it must regrade

        return grade_notebook(f"{resources['nbgrader']['notebook']}.ipynb", device=resolve_device(self.device),
                              chapter=resources["nbgrader"]["assignment"], nb=nb, compare_locked=False)

    def preprocess(self, nb, resources):
        report = self.report_for(nb, resources)
        for cell in nb.cells:
            if is_test_cell(cell):
                exercise = report["exercises"].get(grade_id(cell).removeprefix("test_"))
                cell.outputs = (test_cell_outputs(exercise) if exercise is not None
                                else not_graded_outputs(report.get("error", "no check covers this cell")))
        self.log.info("%s: %g / %g (sandbox: %s)", resources["nbgrader"]["notebook"], report["score"],
                      report["max_score"], report.get("isolation"))
        return nb, resources


REGRADED = "the class run graded another version of this notebook; grading it again"


class RecordedGrade(SandboxedGrade):
    """SandboxedGrade that reuses the class run's report of this exact notebook."""

    ledger = Unicode(help="Folder of the class run's ledger.").tag(config=True)

    def report_for(self, nb, resources) -> dict:
        meta = resources["nbgrader"]
        report = Ledger(self.ledger).report_of(meta["student"], meta["notebook"], digest(nb))
        if report is None:
            self.log.warning("%s/%s: %s", meta["student"], meta["notebook"], REGRADED)
            return super().report_for(nb, resources)
        return report
