"""nbgrader's autograde step, scored by the course's sandboxed grader.

Configured in nbgrader_config.py in place of nbgrader's ``Execute``
preprocessor: student code never runs in a Jupyter kernel beside the
references; the notebook (already sanitised by nbgrader: locked cells restored
from the gradebook) is graded by ``grading.grade_notebook``, and each test
cell gets the output nbgrader turns into that exercise's score:

* full marks: a report on stdout only,
* partial credit: the report, then the score as the cell's result,
* zero: the report, then an error.
"""
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Enum

from .cli import resolve_device
from .feedback import exercise_text
from .grading import grade_notebook
from .notebook import cells_by_id


def test_cell_outputs(exercise: dict) -> list:
    outputs = [new_output("stream", name="stdout", text=exercise_text(exercise))]
    if exercise["score"] == 0:
        outputs.append(new_output("error", ename="AutograderFailure",
                                  evalue="no check passed", traceback=[]))
    elif exercise["score"] < exercise["max_score"]:
        outputs.append(new_output("execute_result", data={"text/plain": repr(exercise["score"])},
                                  execution_count=None))
    return outputs


class SandboxedGrade(NbGraderPreprocessor):
    """Grade with the sandboxed course grader instead of executing the notebook."""

    device = Enum(["auto", "cpu", "cuda"], default_value="cpu",
                  help="Device the checks run on.").tag(config=True)

    def preprocess(self, nb, resources):
        chapter = resources["nbgrader"]["assignment"]
        name = resources["nbgrader"]["notebook"]
        report = grade_notebook(f"{name}.ipynb", device=resolve_device(self.device), chapter=chapter,
                                nb=nb, compare_locked=False)
        cells = cells_by_id(nb)
        for exercise_name, exercise in report["exercises"].items():
            test_cell = cells.get(f"test_{exercise_name}")
            if test_cell is not None:
                test_cell.outputs = test_cell_outputs(exercise)
        self.log.info("%s: %g / %g (sandbox: %s)", name, report["score"], report["max_score"],
                      report["isolation"])
        return nb, resources
