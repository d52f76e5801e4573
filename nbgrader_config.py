"""nbgrader configuration of the course (run nbgrader from the repository root).

solutions/ is nbgrader's source directory and exercises/ its release
directory. Autograding does not run student code in a Jupyter kernel: the
course's sandboxed grader scores each test cell (see
autograder/nbgrader_plugin.py), so `nbgrader autograde` and
`python -m autograder grade` give the same scores. Feedback never shows the
hidden-test blocks.
"""
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests,
                                    GetGrades, LimitOutput, SaveAutoGrades)

from autograder.nbgrader_plugin import SandboxedGrade

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "rnn-course"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

c.Autograde.autograde_preprocessors = [
    SandboxedGrade,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
c.GenerateFeedback.preprocessors = [ClearHiddenTests, GetGrades, CSSHTMLHeaderPreprocessor]
