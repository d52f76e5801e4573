"""Written questions through the class flow (issue 17, item 2), against plain
nbgrader: twin ch02 classes, one autograded by `nbgrader autograde`, the
other by the course's parallel `python -m autograder autograde`, must hold the
same gradebook at every step.

1. Autograde: a written answer waits for the instructor ("needs manual
   grading", no score); one left as released ("YOUR ANSWER HERE") scores 0 with
   nbgrader's "No response." and waits for no one.
2. The instructor grades it by hand: the score and comment are entered as
   formgrader enters them (its API handlers' code, `grade_by_hand`; the
   browser itself is test_formgrader's). The gradebook, nbgrader's CSV, the
   course's Canvas and long exports and the student's feedback
   (`generate_feedback`) all carry them.
3. Our autograde run again: nothing handed in has changed, nothing is graded
   again, the manual grade stays as it was.
4. The student resubmits (a changed notebook, a later timestamp): both
   autogrades regrade it; the manual grade and comment are kept and the cell
   is flagged for review again ("needs manual grading"), nbgrader's rule in
   SaveAutoGrades: a cell with a manual score is marked for review whenever
   it is autograded.
5. The student's notebook turns unreadable: ours gives it 0 autograded points
   (what nbgrader gives a notebook not handed in) and keeps the manual grade.

The plain twin runs nbgrader's own apps; the steps that are the same code in
both twins (generate_assignment, collect, generate_feedback, the exporters)
run nbgrader's API in this process."""
import csv
import io
import shutil
from datetime import datetime

import pytest
from nbgrader.plugins.export import CsvExportPlugin

from autograder.assignments import load_assignment
from autograder.nbgrader_course import (collect, course_gradebook, generate_assignments, grade_by_hand, hand_in,
                                        make_course, nbgrader_api, run_nbgrader as nbgrader)
from autograder.nbgrader_export import CourseExport
from autograder.submissions import solved, with_answers

from .test_cli import autograde_course

CHAPTER = "ch02"
QUESTION = load_assignment(CHAPTER).written[0]   # ch02's written question
CODE_POINTS = load_assignment(CHAPTER).max_score
ANSWER = "The output is all the next step sees of the past: it must predict, not remember."
SECOND_ANSWER = ANSWER + " Teacher forcing lets every step be trained at once."
MANUAL_SCORE, COMMENT = 1.5, "Right about (a); (b) misses why training parallelises."
HANDED_IN = datetime(2026, 11, 30, 9, 0, 0)
RESUBMITTED = datetime(2026, 11, 30, 10, 0, 0)


def answered(text: str):
    """ch02 with the reference's code and ``text`` as the written answer."""
    return with_answers(solved(CHAPTER), {QUESTION.name: text})


def gradebook_view(course) -> dict:
    """Per student: timestamp, score, whether it needs manual grading, and
    every grade cell's (auto score, manual score, needs manual grade) and
    comment's (auto comment, manual comment)."""
    with course_gradebook(course) as gradebook:
        return {s.student_id: {"timestamp": s.timestamp, "score": s.score, "needs": s.needs_manual_grade,
                               "grades": {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade)
                                          for n in s.notebooks for g in n.grades},
                               "comments": {c.name: (c.auto_comment, c.manual_comment)
                                            for n in s.notebooks for c in n.comments}}
                for s in gradebook.find_assignment(CHAPTER).submissions}


def exported(course, plugin, tmp_path) -> list:
    """The rows an nbgrader export plugin writes from the course's gradebook."""
    destination = tmp_path / "export.csv"
    with course_gradebook(course) as gradebook:
        plugin(to=str(destination)).export(gradebook)
    return list(csv.reader(io.StringIO(destination.read_text())))


@pytest.fixture(scope="module")
def flow(tmp_path_factory):
    """The twins through steps 1-5: each step's gradebook views (plain, ours),
    and what step 2 exported and fed back."""
    plain = make_course(tmp_path_factory.mktemp("plain") / "course")
    generate_assignments(plain, CHAPTER)
    hand_in(plain, "ada", CHAPTER, answered(ANSWER), HANDED_IN)
    hand_in(plain, "bob", CHAPTER, solved(CHAPTER), HANDED_IN)   # leaves the written answer as released
    collect(plain, CHAPTER)
    ours = tmp_path_factory.mktemp("ours") / "course"
    shutil.copytree(plain, ours, ignore=shutil.ignore_patterns("nbgrader_config.py"))
    make_course(ours)
    steps = {}

    nbgrader(plain, "autograde", CHAPTER)
    assert "2 graded, 2 recorded" in autograde_course(ours, CHAPTER, "--workers", "2")
    steps["autograded"] = gradebook_view(plain), gradebook_view(ours)

    for course in (plain, ours):
        grade_by_hand(course, CHAPTER, "ada", QUESTION.name, MANUAL_SCORE, COMMENT)
    steps["graded by hand"] = gradebook_view(plain), gradebook_view(ours)
    export_folder = tmp_path_factory.mktemp("exports")
    steps["exports"] = {layout: exported(ours, lambda **kw: CourseExport(layout=layout, **kw), export_folder)
                        for layout in ("canvas", "long")}
    steps["exports"]["nbgrader"] = exported(ours, CsvExportPlugin, export_folder)
    assert nbgrader_api(ours).generate_feedback(CHAPTER)["success"]
    steps["feedback"] = {student: (ours / "feedback" / student / CHAPTER / f"{CHAPTER}.html").read_text()
                         for student in ("ada", "bob")}

    assert "0 graded, 0 recorded in the gradebook, 2 unchanged" in autograde_course(ours, CHAPTER, "--workers", "2")
    steps["rerun"] = gradebook_view(ours)

    for course in (plain, ours):
        hand_in(course, "ada", CHAPTER, answered(SECOND_ANSWER), RESUBMITTED)
        collect(course, CHAPTER)
    nbgrader(plain, "autograde", CHAPTER)   # regrades what was handed in since (ada)
    assert "1 graded, 1 recorded in the gradebook, 1 unchanged" in autograde_course(ours, CHAPTER, "--workers", "2")
    steps["resubmitted"] = gradebook_view(plain), gradebook_view(ours)

    (ours / "submitted" / "ada" / CHAPTER / f"{CHAPTER}.ipynb").write_text("{ not a notebook")
    assert "ada: 0 points, nbgrader could not autograde it" in autograde_course(ours, CHAPTER, "--workers", "2")
    steps["unreadable"] = gradebook_view(ours)
    return steps


def test_a_written_answer_waits_for_the_instructor(flow):
    plain, ours = flow["autograded"]
    assert ours == plain
    assert ours["ada"]["grades"][QUESTION.name] == (None, None, True) and ours["ada"]["needs"]
    assert ours["ada"]["score"] == CODE_POINTS   # the code's points, nothing yet for the answer
    assert ours["bob"]["grades"][QUESTION.name] == (0.0, None, False) and not ours["bob"]["needs"]
    assert ours["bob"]["comments"][QUESTION.name] == ("No response.", None)


def test_a_manual_grade_and_comment_go_into_the_gradebook(flow):
    plain, ours = flow["graded by hand"]
    assert ours == plain
    assert ours["ada"]["grades"][QUESTION.name] == (None, MANUAL_SCORE, False) and not ours["ada"]["needs"]
    assert ours["ada"]["comments"][QUESTION.name] == (None, COMMENT)
    assert ours["ada"]["score"] == CODE_POINTS + MANUAL_SCORE
    assert ours["bob"] == flow["autograded"][1]["bob"]


def test_the_exports_count_the_manual_grade(flow):
    total = f"{CODE_POINTS + QUESTION.points:g}"
    expected = {"ada": f"{CODE_POINTS + MANUAL_SCORE:g}", "bob": f"{CODE_POINTS:g}"}

    header, points_possible, *rows = flow["exports"]["canvas"]
    assert points_possible[header.index(CHAPTER)] == total
    assert {row[header.index("SIS User ID")]: row[header.index(CHAPTER)] for row in rows} == expected

    header, *rows = flow["exports"]["long"]
    assert {row[header.index("student")]: row[header.index("score")] for row in rows} == expected
    assert {row[header.index("max_score")] for row in rows} == {total}

    header, *rows = flow["exports"]["nbgrader"]   # nbgrader writes 14.5 and 13.0
    assert {row[header.index("student_id")]: f"{float(row[header.index('score')]):g}" for row in rows} == expected
    assert {f"{float(row[header.index('max_score')]):g}" for row in rows} == {total}


def test_the_students_feedback_shows_the_grade_and_the_comment(flow):
    ada, bob = (" ".join(flow["feedback"][student].split()) for student in ("ada", "bob"))
    total = float(CODE_POINTS + QUESTION.points)
    assert f"{CHAPTER} (Score: {CODE_POINTS + MANUAL_SCORE} / {total})" in ada
    assert f"Written response</a> (Score: {MANUAL_SCORE} / {float(QUESTION.points)})" in ada
    assert COMMENT in ada and ANSWER in ada
    assert f"{CHAPTER} (Score: {float(CODE_POINTS)} / {total})" in bob
    assert COMMENT not in bob and "No response." in bob


def test_rerunning_our_autograde_keeps_the_manual_grade(flow):
    assert flow["rerun"] == flow["graded by hand"][1]


def test_a_resubmission_is_flagged_for_review_as_nbgrader_does(flow):
    plain, ours = flow["resubmitted"]
    assert ours == plain
    assert ours["ada"]["timestamp"] == RESUBMITTED
    assert ours["ada"]["grades"][QUESTION.name] == (None, MANUAL_SCORE, True) and ours["ada"]["needs"]
    assert ours["ada"]["comments"][QUESTION.name] == (None, COMMENT)
    assert ours["ada"]["score"] == CODE_POINTS + MANUAL_SCORE   # kept until the instructor reviews it
    assert ours["bob"] == flow["graded by hand"][1]["bob"]


def test_an_unreadable_resubmission_keeps_the_manual_grade(flow):
    ada = flow["unreadable"]["ada"]
    assert ada["grades"][QUESTION.name] == (0.0, MANUAL_SCORE, False)
    assert all(auto == 0 for name, (auto, _, _) in ada["grades"].items() if name != QUESTION.name)
    assert ada["score"] == MANUAL_SCORE and ada["comments"][QUESTION.name] == (None, COMMENT)
