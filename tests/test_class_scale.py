"""A class of 200 generated submissions through the parallel class autograde:
correct, partially wrong (the wrong-answer bank), untouched and hostile
notebooks (the hostile set, and one stuck for good), mixed.

Grading finishes; every gradebook score equals what that notebook scores
when graded alone; no worker is left running; memory stays bounded; and the
stuck submission costs only its own time budget while the other worker keeps
grading."""
import psutil
import pytest
from nbformat.v4 import new_code_cell

from autograder.executors import LocalProcesses
from autograder.jobs import Job, run_job
from autograder.nbgrader_class import Sanitiser, autograde_class, course_api
from autograder.nbgrader_course import course_gradebook, generate_assignments, make_course
from autograder.sandbox import Limits
from autograder.submissions import release, solved, write

from .banks import first_wrong_answer, wrong_answers
from .conftest import sandbox_workers
from .test_hostile import CHAPTER, HOSTILE_ANSWERS, TARGET, hostile_notebooks

LIMITS = Limits(cell_seconds=6, call_seconds=3, exercise_seconds=40, notebook_seconds=30)
CLASS_SIZE, BEST = 200, 13.0


def stuck():
    """Cells that each hang until the cell limit: only the notebook's budget stops it."""
    nb = solved(CHAPTER)
    for _ in range(12):
        nb.cells.insert(1, new_code_cell("while True:\n    pass"))
    return nb


def kinds() -> dict:
    """kind -> (notebook builder, how many students hand it in)."""
    found = {"reference": (lambda: solved(CHAPTER), 0), "untouched": (lambda: release(CHAPTER), 16),
             "stuck": (stuck, 1)}
    for function in wrong_answers(CHAPTER):
        label, source = first_wrong_answer(CHAPTER, function)
        found[f"wrong {function}: {label}"] = (lambda f=function, s=source: solved(CHAPTER, **{f: s}), 8)
    for label, build in hostile_notebooks():
        found[f"hostile: {label}"] = (build, 1)
    found["reference"] = (found["reference"][0], CLASS_SIZE - sum(count for _, count in found.values()))
    return found


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("scale") / "course")
    generate_assignments(course, CHAPTER)
    students = {}
    for kind, (build, count) in kinds().items():
        nb = build()
        for _ in range(count):
            student = f"s{len(students):03d}"
            write(nb, course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb")
            students[student] = kind
    parent_before = psutil.Process().memory_info().rss
    with LocalProcesses(2) as executor:
        run = autograde_class(course, CHAPTER, executor, limits=LIMITS)
    parent_growth = psutil.Process().memory_info().rss - parent_before
    return course, students, run, parent_growth


def known_scores(best: dict) -> dict:
    """kind -> its scores, where they are known without grading it again:
    a hostile answer scores 0 on the exercise it attacks and ``best`` (the
    reference's scores) elsewhere, as tests/test_hostile.py shows for each
    graded alone; the stuck notebook scores 0 everywhere."""
    return {"stuck": dict.fromkeys(best, 0),
            **{f"hostile: {label}": {**best, TARGET: 0} for label in HOSTILE_ANSWERS}}


@pytest.fixture(scope="module")
def alone(graded_class):
    """kind -> the report of one of its notebooks graded on its own (the
    notebook as nbgrader sanitises it, as in the class run), for the kinds
    whose score is not known already (:func:`known_scores`: grading those
    again would wait out their time limits again, about 35 s)."""
    course, students, _, _ = graded_class
    sanitise = Sanitiser(course_api(course, CHAPTER, "cpu"))
    known = known_scores({})
    first = {kind: student for student, kind in reversed(students.items()) if kind not in known}
    jobs = [Job(f"{student}/{CHAPTER}.ipynb", sanitise(course / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb"),
                CHAPTER, compare_locked=False, limits=LIMITS) for student in first.values()]
    with LocalProcesses(2) as executor:
        return {list(first)[index]: outcome["report"] for index, outcome in executor.as_completed(run_job, jobs)}


def test_every_submission_is_graded_and_recorded(graded_class):
    _, students, run, _ = graded_class
    assert len(students) == CLASS_SIZE
    assert sorted(run.graded) == sorted(run.recorded) == sorted(students)
    assert not run.errors and not run.regraded and not run.skipped


def test_every_score_equals_the_notebook_graded_alone(graded_class, alone):
    course, students, _, _ = graded_class
    assert alone["reference"]["score"] == BEST and alone["untouched"]["score"] == 0
    assert all(0 < alone[kind]["score"] < BEST for kind in alone if kind.startswith("wrong"))
    best = {name: exercise["score"] for name, exercise in alone["reference"]["exercises"].items()}
    known = known_scores(best)
    with course_gradebook(course) as gradebook:
        for student, kind in students.items():
            submission = gradebook.find_submission_notebook(CHAPTER, CHAPTER, student)
            got = {grade.name.removeprefix("test_"): grade.score for grade in submission.grades
                   if grade.cell.cell_type == "code"}   # not the written answer: graded by hand
            expected = known[kind] if kind in known else {
                name: exercise["score"] for name, exercise in alone[kind]["exercises"].items()}
            assert got == pytest.approx(expected, abs=1e-9), (student, kind)


def test_no_worker_is_left_running(graded_class):
    """Neither a sandbox nor a grading process (multiprocessing's resource
    tracker, also a child, lives as long as this process: it is no worker)."""
    assert not sandbox_workers()
    assert not [p for p in psutil.Process().children(recursive=True)
                if "spawn_main" in " ".join(p.cmdline()) and p.status() != psutil.STATUS_ZOMBIE]


def test_memory_stays_bounded(graded_class):
    _, _, run, parent_growth = graded_class
    assert max(outcome["worker_peak_bytes"] for outcome in run.outcomes) < 1.5 * 2 ** 30
    assert max(outcome["sandbox_peak_bytes"] for outcome in run.outcomes) < LIMITS.memory_bytes
    assert parent_growth < 300 * 2 ** 20, f"the parent grew by {parent_growth >> 20} MiB"


def test_the_stuck_submission_delays_no_one_else(graded_class):
    _, students, run, _ = graded_class
    (student,) = [s for s, kind in students.items() if kind == "stuck"]
    (mine,) = [o for o in run.outcomes if o["report"]["notebook"].startswith(f"{student}/")]
    assert LIMITS.notebook_seconds <= mine["finished"] - mine["started"] < LIMITS.notebook_seconds + 15
    assert "time budget" in str(mine["report"])
    meanwhile = [o for o in run.outcomes if o["worker"] != mine["worker"]
                 and mine["started"] <= o["started"] and o["finished"] <= mine["finished"]]
    assert len(meanwhile) >= 5, "the other worker should have kept grading"
