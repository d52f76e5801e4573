"""scripts/execute_chapters.py, which runs the book's chapters side by side
before the build: its kernels cannot collide, and a chapter whose kernel
fails is handed back to the build instead of stopping it."""
import json
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

import nbformat

from autograder import paths

sys.path.insert(0, str(paths.ROOT / "scripts"))   # spawned workers get this sys.path too
import execute_chapters  # noqa: E402

PYTHON3 = {"name": "python3", "display_name": "Python 3", "language": "python"}


def notebook(tmp_path, name, source, kernelspec=PYTHON3):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = kernelspec
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_chapters_side_by_side_talk_to_their_kernels_over_sockets_of_their_own(tmp_path):
    source = "import ipykernel, json; print(json.dumps(json.loads(ipykernel.get_connection_info())))"
    paths_ = [notebook(tmp_path, f"ch{i}.ipynb", source) for i in (1, 2)]
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        runs = [pool.submit(execute_chapters.execute, path, 60) for path in paths_]
        results = [run.result() for run in runs]
    assert [error for _, _, error in results] == [None, None]
    connections = [json.loads(nb.cells[0].outputs[0]["text"]) for nb, _, _ in results]
    assert {info["transport"] for info in connections} == {"ipc"}
    assert connections[0]["ip"] != connections[1]["ip"]


def test_a_kernel_that_does_not_start_is_reported_not_raised(tmp_path):
    path = notebook(tmp_path, "ch.ipynb", "1",
                    kernelspec={"name": "no-such-kernel", "display_name": "none", "language": "python"})
    nb, seconds, error = execute_chapters.execute(path, 60)
    assert nb is None and seconds >= 0
    assert "no-such-kernel" in error


def test_a_failing_cell_is_reported_with_its_traceback(tmp_path):
    nb, _, error = execute_chapters.execute(notebook(tmp_path, "ch.ipynb", "1 / 0"), 60)
    assert nb is None and "ZeroDivisionError" in error
