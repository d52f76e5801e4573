"""The course's exporter (autograder/nbgrader_export.py) against the gradebook:
two assignments, a student who did not hand one in, a late penalty; every
cell of the Canvas and the long file is checked.

The class is built in-process: nbgrader generates the two assignments into
the gradebook, and the submissions' grades are recorded through nbgrader's
Gradebook API as its autograde records them (grading them in the sandbox is
tested elsewhere and would take most of this file's time). The documented
command, `nbgrader export --exporter=...`, runs once (its app in this process)."""
import csv
from datetime import datetime, timezone

import pytest

from autograder.nbgrader_course import course_gradebook, generate_assignments, make_course
from autograder.nbgrader_export import POINTS_POSSIBLE, CourseExport

ASSIGNMENTS = ["ch01", "ch02"]
STUDENTS = {"ada": dict(first_name="Ada", last_name="Lovelace", lms_user_id="101"),
            "bob": dict(first_name="Bob", last_name="Babbage"),
            "cyd": {}}
DUE = datetime(2026, 11, 30, 12, 0, 0)
HAND_INS = {  # (student, assignment): (share of each cell's points earned, handed in, late penalty)
    ("ada", "ch01"): (1.0, datetime(2026, 11, 29, 9, 0, 0), 0.0),
    ("ada", "ch02"): (0.5, datetime(2026, 11, 30, 11, 59, 59, 250000), 0.0),
    ("bob", "ch01"): (0.25, datetime(2026, 11, 28, 17, 30, 0), 0.0),   # bob never hands in ch02
    ("cyd", "ch01"): (1.0, datetime(2026, 11, 29, 10, 0, 0), 0.0),
    ("cyd", "ch02"): (1.0, datetime(2026, 12, 1, 8, 0, 0), 2.5),       # late
}
EXPORTER = "autograder.nbgrader_export.CourseExport"


def record(gradebook, student, assignment, share, timestamp, penalty):
    """What autograde leaves in the gradebook for this hand-in."""
    gradebook.add_submission(assignment, student, timestamp=timestamp)
    handed_in = gradebook.find_submission(assignment, student)
    (notebook,) = handed_in.notebooks   # one notebook per assignment
    for grade in notebook.grades:
        grade.auto_score = share * grade.max_score
    notebook.late_submission_penalty = penalty   # as AssignLatePenalties sets it
    gradebook.db.commit()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("export"))
    generate_assignments(course, *ASSIGNMENTS)
    with course_gradebook(course) as gradebook:
        for name in ASSIGNMENTS:
            gradebook.update_or_create_assignment(name, duedate=DUE)
        for student, names in STUDENTS.items():
            gradebook.add_student(student, **names)
        for (student, assignment), hand_in in HAND_INS.items():
            record(gradebook, student, assignment, *hand_in)
    return course


def expected(course) -> dict:
    """From the gradebook: per assignment its max score and due date, and per
    (student, assignment) handed in: raw score, penalty, timestamp."""
    with course_gradebook(course) as gradebook:
        assignments = {a.name: (a.max_score, a.duedate) for a in gradebook.assignments}
        handed_in = {(student, assignment): (s.score, s.late_submission_penalty, s.timestamp)
                     for student, assignment in HAND_INS
                     for s in [gradebook.find_submission(assignment, student)]}
    assert sorted(assignments) == ASSIGNMENTS and all(score > 0 for score, _ in assignments.values())
    assert handed_in[("cyd", "ch02")][:2] == (assignments["ch02"][0], 2.5)
    return {"assignments": assignments, "handed_in": handed_in}


def final(raw, penalty) -> float:
    return max(0.0, raw - penalty)


def export(course, tmp_path, **traits) -> list:
    """The rows the plugin writes with these traits (in this process)."""
    destination = tmp_path / "export.csv"
    exporter = CourseExport(to=str(destination), **traits)
    with course_gradebook(course) as gradebook:
        exporter.export(gradebook)
    return read(destination)


def read(path) -> list:
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def cell(text: str):
    """A score cell as a number, or None when empty."""
    return float(text) if text else None


def nbgrader_export(course, *args) -> None:
    """``nbgrader export ARGS`` in the course, its app started in this process."""
    from nbgrader.apps import ExportApp

    app = ExportApp()
    app.initialize([*args, f"--CourseDirectory.root={course}"])
    app.start()


def test_nbgrader_export_writes_canvas_gradebook_import(course, monkeypatch):
    """The documented command: nbgrader's export app with the course's exporter."""
    monkeypatch.chdir(course)   # where nbgrader reads nbgrader_config.py
    nbgrader_export(course, f"--exporter={EXPORTER}", "--CourseExport.layout=canvas", "--to=canvas.csv")
    truth = expected(course)
    header, points, *rows = read(course / "canvas.csv")
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *ASSIGNMENTS]
    assert points[:5] == [POINTS_POSSIBLE, "", "", "", ""]
    assert [float(p) for p in points[5:]] == [truth["assignments"][a][0] for a in ASSIGNMENTS]
    assert [row[:5] for row in rows] == [["Lovelace, Ada", "101", "ada", "ada", ""],
                                         ["Babbage, Bob", "", "bob", "bob", ""], ["cyd", "", "cyd", "cyd", ""]]
    for row in rows:
        student = row[2]
        scores = {a: cell(text) for a, text in zip(ASSIGNMENTS, row[5:], strict=True)}
        assert scores == {a: (final(*truth["handed_in"][student, a][:2]) if (student, a) in HAND_INS else None)
                          for a in ASSIGNMENTS}
    assert rows[1][6] == ""   # bob's missing ch02: empty, not 0


def test_long_layout_has_every_student_and_assignment(course, tmp_path):
    truth = expected(course)
    header, *rows = export(course, tmp_path, layout="long")
    assert header == ["student", "lms_user_id", "assignment", "duedate", "timestamp",
                      "raw_score", "late_penalty", "score", "max_score"]
    assert sorted((row[0], row[2]) for row in rows) == sorted((s, a) for s in STUDENTS for a in ASSIGNMENTS)
    for student, lms_user_id, assignment, duedate, timestamp, raw, penalty, score, max_score in rows:
        assert lms_user_id == STUDENTS[student].get("lms_user_id", "")
        assert datetime.fromisoformat(duedate) == DUE.replace(tzinfo=timezone.utc)
        assert float(max_score) == truth["assignments"][assignment][0]
        if (student, assignment) not in HAND_INS:
            assert [timestamp, raw, penalty, score] == ["", "", "", ""]
            continue
        raw_score, late_penalty, handed_in = truth["handed_in"][student, assignment]
        assert handed_in == HAND_INS[student, assignment][1]
        assert datetime.fromisoformat(timestamp) == handed_in.replace(tzinfo=timezone.utc)
        assert (float(raw), float(penalty), float(score)) == (raw_score, late_penalty, final(raw_score, late_penalty))


def test_missing_submissions_count_as_configured(course, tmp_path):
    canvas = export(course, tmp_path, missing="0", points_possible_row=False, canvas_columns={"ch02": "Ch 2 (4711)"})
    assert canvas[0][5:] == ["ch01", "Ch 2 (4711)"] and canvas[2][2] == "bob"   # no Points Possible row
    assert canvas[2][6] == "0"
    long = export(course, tmp_path, layout="long", missing="EX", assignment=["ch02"], student=["bob"])
    assert long[1:] == [["bob", "", "ch02", long[1][3], "", "", "", "EX", long[1][8]]]
