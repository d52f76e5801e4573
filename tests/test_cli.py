"""The command line: the JSON contract, devices, broken notebooks, a class folder."""
import json
import os
import subprocess
import sys
from pathlib import Path

from autograder import paths
from autograder.classroom import grade_folder
from autograder.feedback import report_text
from autograder.submissions import release, write


def run_cli(*args):
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=paths.ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def autograde_course(course, assignment: str, *options: str) -> str:
    """``python -m autograder autograde ASSIGNMENT --course COURSE --quiet OPTIONS``,
    which must succeed and reuse the report it recorded for every grade cell
    (never "graded again"); its summary."""
    done = run_cli("autograde", assignment, "--course", str(course), "--quiet", *options)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "graded again" not in done.stdout, done.stdout
    return done.stdout


def test_json_report_has_the_contract_fields(tmp_path):
    path = tmp_path / "ch01.ipynb"
    write(release("ch01"), path)
    done = run_cli("grade", str(path), "--json", "--device", "cuda")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"notebook", "device", "score", "max_score", "exercises"} <= set(report)
    assert report["device"] == "cpu" and "no CUDA device" in done.stderr
    assert set(report["exercises"]) == {"unroll", "untied_gradient"}
    # the written question is left to the instructor: named with its points, in neither total
    assert report["graded_by_hand"] == {"written_unseen_lengths": 2.0}
    assert "graded by hand and not in this total: written_unseen_lengths (2 points)" in report_text(report)
    assert report["max_score"] == sum(exercise["max_score"] for exercise in report["exercises"].values())
    for exercise in report["exercises"].values():
        assert {"score", "max_score", "checks"} <= set(exercise)
        for check in exercise["checks"]:
            assert set(check) == {"name", "passed", "message"}


def test_unreadable_notebook_scores_zero_without_crashing(tmp_path):
    path = tmp_path / "ch02.ipynb"
    path.write_text("{ this is not json")
    done = run_cli("grade", str(path), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["score"] == 0 and report["max_score"] > 0
    assert all("not a readable notebook" in check["message"]
               for exercise in report["exercises"].values() for check in exercise["checks"])


def test_folder_grading_survives_a_notebook_it_cannot_grade(tmp_path):
    write(release("ch01"), tmp_path / "ada" / "ch01.ipynb")
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "notes.ipynb").write_text("{ this is not json")
    reports = grade_folder(tmp_path, workers=2)
    assert [Path(r["notebook"]).name for r in reports] == ["ch01.ipynb", "notes.ipynb"]
    assert reports[0]["score"] == 0 and reports[0]["max_score"] == 5
    assert reports[1]["score"] == 0 and "cannot tell which assignment" in reports[1]["error"]
    assert "not graded: KeyError" in report_text(reports[1])


def test_a_notebook_of_no_known_assignment_asks_for_one(tmp_path):
    path = tmp_path / "notes.ipynb"
    path.write_text("{ this is not json")
    done = run_cli("grade", str(path))
    assert done.returncode == 2 and "pass --assignment" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_path_that_does_not_exist_is_said_once(tmp_path):
    done = run_cli("grade", str(tmp_path / "ch02.ipynb"))
    assert done.returncode == 2 and done.stderr.strip() == f"autograder: no notebook or folder {tmp_path / 'ch02.ipynb'}"
    assert not done.stdout
