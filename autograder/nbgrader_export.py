"""The course's ``nbgrader export`` plugin: the gradebook as a CSV file a
learning-management system imports.

    nbgrader export --exporter=autograder.nbgrader_export.CourseExport --CourseExport.layout=canvas --to=canvas.csv
    nbgrader export --exporter=autograder.nbgrader_export.CourseExport --CourseExport.layout=long --to=grades.csv

(or ``c.ExportApp.plugin_class`` and ``c.CourseExport.*`` in nbgrader_config.py;
nbgrader's ``--student`` and ``--assignment`` select as for its own exporter).

Students come in the order of their ids, assignments in nbgrader's (by due date).

``layout = "canvas"`` (the default) writes what Canvas's gradebook import
reads (its GradebookImporter, app/models/gradebook_importer.rb in canvas-lms),
in the layout of the CSV file its gradebook exports:

- ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column per
  assignment. The importer takes "Student, ID, Section" or
  "Student, ID, SIS User ID, SIS Login ID, Section" as the student columns (the
  one before the assignments must be Section): "SIS User ID" without
  "SIS Login ID" after it is an invalid header row, hence both. It finds a
  student by ``ID``, Canvas's user id, which is nbgrader's LMS user id of the
  student (``nbgrader db student add --lms-user-id``, empty when unknown), then
  by ``SIS User ID``, then by ``SIS Login ID``: both hold nbgrader's student id,
  the hub login, which institutions make one or the other; then by ``Student``,
  "Last, First" as Canvas writes it (the id when nbgrader has no name).
  ``Section`` is empty: nbgrader has no sections, and the importer skips it.
- An assignment's column is headed by its nbgrader name. The importer matches
  a header "Title (id)", as Canvas's export writes them, by the id, any other
  by the title of an existing assignment, and offers to create the assignment
  otherwise; ``canvas_columns`` gives an assignment another header, e.g.
  ``{"ch02": "Chapter 2 (4711)"}``.
- The second row, ``    Points Possible`` as Canvas's export writes it (the
  importer looks for "Points Possible" in the first cell), gives each
  assignment's maximum score, which the importer takes as the points of the
  assignments it creates; ``points_possible_row = False`` leaves it out.

``layout = "long"`` writes one row per student and assignment: ``student,
lms_user_id, assignment, duedate, timestamp, raw_score, late_penalty, score,
max_score`` (times in ISO 8601, UTC), for spreadsheets and other systems.

In both a score is nbgrader's: the submission's score less its late penalty,
never below 0 (as nbgrader's own CSV). A student who submitted nothing gets
``missing`` (default: an empty cell, which Canvas shows as ungraded rather than
as a zero; "0" counts it as zero, "EX" excuses it in Canvas).
"""
import csv
from datetime import timezone

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Bool, Dict, Enum, Unicode

POINTS_POSSIBLE = "    Points Possible"
CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
LONG_COLUMNS = ["student", "lms_user_id", "assignment", "duedate", "timestamp",
                "raw_score", "late_penalty", "score", "max_score"]


def number(value: float) -> str:
    """A score as Canvas and spreadsheets read it: 13, 12.5, 0.3333333333."""
    return f"{value:.10g}"


def utc(moment) -> str:
    """nbgrader's naive UTC time in ISO 8601, empty for none."""
    return moment.replace(tzinfo=timezone.utc).isoformat() if moment else ""


def final_score(submission) -> float:
    """What the student earned: nbgrader's score less the late penalty, at least 0."""
    return max(0.0, submission.score - (submission.late_submission_penalty or 0.0))


class CourseExport(ExportPlugin):
    """Grades for a learning-management system (see the module's docstring)."""

    layout = Enum(["canvas", "long"], default_value="canvas",
                  help="canvas: Canvas's gradebook import layout; long: one row per student and "
                       "assignment").tag(config=True)
    missing = Unicode("", help="the score of a student who submitted nothing: empty by default "
                               "(ungraded), e.g. '0' to count it as zero or 'EX' (Canvas: excused)").tag(config=True)
    points_possible_row = Bool(True, help="canvas: write the Points Possible row").tag(config=True)
    canvas_columns = Dict(value_trait=Unicode(), default_value={},
                          help="canvas: the column header of an assignment, by nbgrader name, e.g. "
                               "{'ch02': 'Chapter 2 (4711)'} for an existing Canvas assignment").tag(config=True)

    def export(self, gradebook) -> None:
        destination = self.to or "grades.csv"
        rows = {"canvas": self.canvas_rows, "long": self.long_rows}[self.layout](gradebook)
        self.log.info("Exporting grades to %s (%s layout)", destination, self.layout)
        with open(destination, "w", newline="") as handle:
            csv.writer(handle).writerows(rows)

    def selected(self, gradebook):
        """(students by id, assignments in nbgrader's order): those --student and
        --assignment name, all by default."""
        wanted_students = {str(name) for name in self.student}
        wanted_assignments = {str(name) for name in self.assignment}
        return (sorted((s for s in gradebook.students if not wanted_students or s.id in wanted_students),
                       key=lambda s: s.id),
                [a for a in gradebook.assignments if not wanted_assignments or a.name in wanted_assignments])

    def canvas_rows(self, gradebook):
        students, assignments = self.selected(gradebook)
        yield CANVAS_STUDENT_COLUMNS + [self.canvas_columns.get(a.name, a.name) for a in assignments]
        if self.points_possible_row:
            no_student = [""] * (len(CANVAS_STUDENT_COLUMNS) - 1)
            yield [POINTS_POSSIBLE, *no_student, *(number(a.max_score) for a in assignments)]
        for student in students:
            name = ", ".join(filter(None, [student.last_name, student.first_name])) or student.id
            scores = [self.score(submission(gradebook, a, student)) for a in assignments]
            yield [name, student.lms_user_id or "", student.id, student.id, ""] + scores

    def long_rows(self, gradebook):
        students, assignments = self.selected(gradebook)
        yield LONG_COLUMNS
        for student in students:
            for assignment in assignments:
                handed_in = submission(gradebook, assignment, student)
                timestamp_raw_penalty = ([utc(handed_in.timestamp), number(handed_in.score),
                                          number(handed_in.late_submission_penalty or 0.0)]
                                         if handed_in else ["", "", ""])
                yield [student.id, student.lms_user_id or "", assignment.name, utc(assignment.duedate),
                       *timestamp_raw_penalty, self.score(handed_in), number(assignment.max_score)]

    def score(self, handed_in) -> str:
        """The score cell of a submission, or of none."""
        return number(final_score(handed_in)) if handed_in else self.missing


def submission(gradebook, assignment, student):
    """The student's submission of the assignment, None if they submitted nothing."""
    try:
        return gradebook.find_submission(assignment.name, student.id)
    except MissingEntry:
        return None
