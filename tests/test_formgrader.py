"""Written answers graded by hand in nbgrader's formgrader, in a real browser
(issue 17, item 3).

A course with two ch02 submissions, autograded by ``python -m autograder
autograde``; ``./course formgrader --course DIR`` serves it. In headless
Chromium the instructor opens the URL the command prints, goes to Manual
Grading, sees each student's autograded score and the written answers
waiting for a manual grade, opens one submission and enters a score and a
comment for one written answer. The gradebook (nbgrader's Gradebook API)
then holds that score and comment, and nothing else changed. The pages load
nothing from outside the machine. Screenshots: test-artifacts/formgrader-*.png.
"""
import copy
import json
import re
import secrets
import urllib.request

import pytest

from autograder.nbgrader_course import course_gradebook, generate_assignments, make_course
from autograder.notebook import grade_id, is_written_answer
from autograder.submissions import release, solved, with_answers, write
from .conftest import jupyter_server, save_screenshot, watch
from .test_cli import autograde_course
from .test_nbgrader import partially_wrong   # ch02, like this course

CHAPTER = "ch02"
STUDENTS = {"ada": lambda: solved(CHAPTER), "bob": partially_wrong}
GRADED = "ada"   # the student whose written answer the instructor grades
COMMENT = "Right idea. Say why teacher forcing lets the steps be computed in parallel."


def written_answers() -> list:
    """grade_ids of the release's written answers (graded by hand)."""
    return [grade_id(cell) for cell in release(CHAPTER).cells if is_written_answer(cell)]


def written_by(student: str, cell_id: str) -> str:
    return f"{student.title()}'s answer to {cell_id}: it depends."


def handed_in(student: str):
    """What ``student`` hands in: their code answers and a sentence for every written answer."""
    return with_answers(STUDENTS[student](), {cell_id: written_by(student, cell_id) for cell_id in written_answers()})


def submissions(course) -> dict:
    """Per student, as the gradebook holds it: code score, written score and
    every written answer's grade and comment."""
    with course_gradebook(course) as gradebook:
        found = {}
        for student in STUDENTS:
            submission = gradebook.find_submission_notebook(CHAPTER, CHAPTER, student)
            grades = {grade.name: grade for grade in submission.grades}
            comments = {comment.name: comment.manual_comment for comment in submission.comments}
            found[student] = {
                "code": (submission.code_score, submission.max_code_score),
                "written": (submission.written_score, submission.max_written_score),
                "answers": {cell_id: {"score": grades[cell_id].manual_score, "of": grades[cell_id].max_score,
                                      "waiting": grades[cell_id].needs_manual_grade, "comment": comments[cell_id]}
                            for cell_id in written_answers()}}
        return found


@pytest.fixture(scope="module")
def formgrader(tmp_path_factory, free_tcp_port_factory):
    """(course, server): a course whose ch02 submissions are autograded,
    served by ``./course formgrader --course COURSE`` (started first: it
    boots while the class is graded)."""
    home = tmp_path_factory.mktemp("instructor")
    course = make_course(home / "course")
    (course / "exchange").mkdir()   # else formgrader's first page warns that release and collect cannot work
    with jupyter_server(["formgrader", "--course", str(course)], home, free_tcp_port_factory(),
                        secrets.token_hex(16)) as server:
        generate_assignments(course, CHAPTER)
        for student in STUDENTS:
            write(handed_in(student), course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb")
        autograde_course(course, CHAPTER, "--workers", "2")
        yield course, server.ready()


def as_shown(score: float, max_score: float) -> str:
    """A score as formgrader writes it: '2.5 / 3'."""
    return f"{round(score, 2):g} / {round(max_score, 2):g}"


def test_the_instructor_grades_a_written_answer_in_formgrader(formgrader, browser):
    course, server = formgrader
    before = submissions(course)
    assert written_answers() and all(answer["waiting"] and answer["score"] is None
                                     for student in before.values() for answer in student["answers"].values()), before
    printed = re.search(r"http://127\.0\.0\.1:\d+(/formgrader)\?token=", server.log.read_text())
    assert printed, server.log.read_text()   # the URL to open, as the command prints it

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.seen = watch(page)
    page.goto(f"{server.base}{printed.group(1)}?token={server.token}")
    assignment = page.locator("#main-table tr", has=page.get_by_role("link", name=CHAPTER, exact=True))
    assignment.wait_for()
    save_screenshot(page, "formgrader-assignments")

    page.get_by_role("link", name="Manual Grading").first.click()
    page.locator("#main-table").get_by_role("link", name=CHAPTER, exact=True).click()   # the assignment
    page.locator("#main-table").get_by_role("link", name=CHAPTER, exact=True).click()   # its notebook
    page.locator("table.dataTable #main-table").wait_for()   # formgrader listed the submissions
    page.get_by_role("button", name="Show All Names").click()
    page.get_by_role("button", name="Hide All Names").wait_for()
    for student, expected in before.items():
        row = page.locator("#main-table tr", has=page.locator("a.name-shown", has_text=student))
        assert row.locator(".code-score").inner_text() == as_shown(*expected["code"])
        assert row.locator(".written-score").inner_text() == as_shown(*expected["written"])
        assert row.locator(".needs-manual-grade .glyphicon-ok").count() == 1   # written answers waiting
    save_screenshot(page, "formgrader-submissions")

    page.locator("a.name-shown", has_text=GRADED).click()
    answer = written_answers()[0]
    score, comment = page.locator(f"input.score#{answer}"), page.locator(f"textarea#{answer}-comment")
    page.locator(f"input.score#{answer}.needs_manual_grade").wait_for()   # formgrader loaded its grades
    page.locator("mjx-container").first.wait_for()   # the notebook's maths, typeset by the server's MathJax
    assert page.get_by_text(written_by(GRADED, answer)).is_visible()
    panel = page.locator("div.panel", has=comment).last   # the written answer, its score and comment fields
    save_screenshot(panel, "formgrader-written-answer-waiting")

    given = before[GRADED]["answers"][answer]["of"] / 2
    with page.expect_response(lambda response: "/formgrader/api/grade/" in response.url
                              and response.request.method == "PUT" and response.ok):
        score.fill(f"{given:g}")
        score.press("Tab")   # formgrader saves a score when the field loses focus
    with page.expect_response(lambda response: "/formgrader/api/comment/" in response.url
                              and response.request.method == "PUT" and response.ok):
        comment.fill(COMMENT)
        comment.press("Tab")
    save_screenshot(panel, "formgrader-written-answer-graded")
    assert not page.seen["errors"], page.seen["errors"]
    assert not page.seen["remote"], page.seen["remote"]   # MathJax and all from the server, no CDN
    page.close()

    expected = copy.deepcopy(before)
    expected[GRADED]["answers"][answer].update(score=given, waiting=False, comment=COMMENT)
    expected[GRADED]["written"] = (given, before[GRADED]["written"][1])
    assert submissions(course) == expected   # that answer graded, nothing else changed


def test_the_instructors_lab_has_nbgraders_tools_and_nothing_online(formgrader):
    """What instructor-config/ gives JupyterLab (lab-config/ turns the tools
    off for students): nbgrader's formgrader and create-assignment, no news,
    no update checks, no extension index; the course as the server's root."""
    course, server = formgrader
    with urllib.request.urlopen(f"{server.base}/lab?token={server.token}") as response:
        page = response.read().decode()
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page, flags=re.S).group(1))
    assert config["disabledExtensions"] == ["@jupyterlab/apputils-extension:announcements"], config
    assert config["news"] == {"disabled": True}
    assert config["extensionManager"]["name"] == "read-only" and not config["extensionManager"]["can_install"]
    assert config["rootUri"] == course.as_uri()
