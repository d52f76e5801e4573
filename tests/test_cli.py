"""The command line: the JSON contract, devices, broken notebooks."""
import json
import os
import subprocess
import sys

from autograder import paths
from autograder.submissions import release, write


def run_cli(*args):
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=paths.ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_json_report_has_the_contract_fields(tmp_path):
    path = tmp_path / "ch01.ipynb"
    write(release("ch01"), path)
    done = run_cli("grade", str(path), "--json", "--device", "cuda")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {"notebook", "device", "score", "max_score", "exercises"} <= set(report)
    assert report["device"] == "cpu" and "no CUDA device" in done.stderr
    assert set(report["exercises"]) == {"unroll", "untied_gradient"}
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
