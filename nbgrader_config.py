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

# Grades out: `nbgrader export` writes nbgrader's own grades.csv; the course's
# exporter (autograder/nbgrader_export.py) writes what a learning-management
# system imports, chosen per run:
#   nbgrader export --exporter=autograder.nbgrader_export.CourseExport --CourseExport.layout=canvas --to=canvas.csv
# or for every export, with these lines:
#   c.ExportApp.plugin_class = "autograder.nbgrader_export.CourseExport"
#   c.CourseExport.layout = "canvas"          # Canvas's gradebook import; "long": a row per student and assignment
#   c.CourseExport.missing = ""               # no submission: empty (ungraded); "0": a zero; "EX": excused in Canvas
#   c.CourseExport.points_possible_row = True # canvas: the "Points Possible" row of maximum scores
#   c.CourseExport.canvas_columns = {"ch02": "Chapter 2 (4711)"}   # canvas: an existing Canvas assignment's header
