"""The student's flow in JupyterLab (issue 5, item 1), as a student meets it.

``./course lab`` serves a copy of exercises/ on loopback: the JupyterLab the
requirements pin, with nbgrader's lab extensions. In headless Chromium, for
each chapter, a student opens the notebook, types an answer into every graded
cell, restarts the kernel and runs all cells (as the notebook's instructions
say) and sees every visible test pass; in ch02 they also press nbgrader's
Validate button: success (it executes the whole notebook again in a new
kernel, about half of each chapter's time here; every chapter's answered
release running top to bottom without an error is tests/test_exercises.py's). Then, in ch02, the student breaks one answer (the recurrent weight
transposed), runs all cells again and sees that function's visible test fail
with a message saying what is wrong; Validate fails too. Screenshots:
test-artifacts/lab-*.png.
"""
import re
import secrets
import shutil
import time

import pytest

from autograder import paths
from autograder.checks import CHAPTERS
from autograder.notebook import grade_id, is_test_cell, is_written_answer
from autograder.submissions import reference_answers, release
from .banks import wrong_answers
from .conftest import jupyter_server, save_screenshot, watch
from .test_environment import pins

SHOWN = ".jp-NotebookPanel:not(.lm-mod-hidden)"   # the notebook in the front tab (others may stay open)
VALIDATED = "ch02"   # the chapter whose Validate button is pressed
WRITTEN_ANSWER = "My answer to the written question, in my own words."   # nbgrader validates that one is given
SOLUTION_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|\Z)", flags=re.M)


@pytest.fixture(scope="module")
def lab(tmp_path_factory, free_tcp_port_factory):
    """The address of JupyterLab, started by ``./course lab`` in a fresh home
    directory on a copy of exercises/; stopped (kernels too) afterwards."""
    home = tmp_path_factory.mktemp("student")
    shutil.copytree(paths.EXERCISES, home / "exercises")
    lab_command = ["lab", f"--ServerApp.root_dir={home / 'exercises'}"]
    with jupyter_server(lab_command, home, free_tcp_port_factory(), secrets.token_hex(16)) as server:
        server.ready()
        yield {"base": server.base, "token": server.token}


@pytest.fixture(scope="module")
def open_in_lab(lab, browser):
    """open_in_lab(chapter) -> a browser tab on the chapter's notebook, its
    kernel started; ``page.seen``: what the tab met (``conftest.watch``)."""
    pages = []

    def open_notebook(chapter: str):
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        pages.append(page)
        page.seen = watch(page)
        # ?reset: a fresh layout, not the one another tab left in the shared workspace
        page.goto(f"{lab['base']}/lab/tree/{chapter}/{chapter}.ipynb?reset&token={lab['token']}")
        page.wait_for_selector(f"{SHOWN} .jp-Notebook", timeout=60000)
        wait_for_idle_kernel(page)
        return page

    yield open_notebook
    for page in pages:
        page.close()


def cells(chapter: str) -> list:
    """The release's cells, in the order the page shows them."""
    return release(chapter).cells


def index_of(chapter: str, cell_id: str) -> int:
    return next(i for i, cell in enumerate(cells(chapter)) if grade_id(cell) == cell_id)


def as_a_student_writes_it(source: str) -> str:
    """An answer without nbgrader's solution markers."""
    return SOLUTION_MARKER.sub("", source)


def wait_for_idle_kernel(page, seconds: float = 120) -> None:
    """Until the status bar says the notebook's kernel is idle."""
    page.wait_for_function("""() => {
        const status = document.querySelector("#jp-main-statusbar [title^='Change kernel']");
        return status !== null && status.textContent.endsWith("| Idle");
    }""", timeout=seconds * 1000)


def cell_at(page, index: int):
    return page.locator(f"{SHOWN} .jp-Notebook .jp-Cell").nth(index)


def active_cell(page) -> int:
    """The index of the active cell, read from the status bar ("Cell 3/17")."""
    text = page.locator("#jp-main-statusbar .jp-StatusBar-TextItem", has_text=re.compile(r"^Cell \d+/\d+$"))
    return int(re.search(r"Cell (\d+)/", text.text_content()).group(1)) - 1


def go_to_cell(page, index: int) -> None:
    """Make cell ``index`` the active one, in command mode, as a keyboard user
    does (k / j) from the cell that is active now; the notebook scrolls it
    into view and draws its editor."""
    cell_at(page, active_cell(page)).click()   # the notebook has the keyboard, in command mode
    page.keyboard.press("Escape")
    for _ in range(200):
        current = active_cell(page)
        if current == index:
            return
        page.keyboard.press("j" if current < index else "k")
    raise AssertionError(f"could not move to cell {index}")


def type_into_cell(page, index: int, source: str) -> None:
    """Go to the cell, select all its text and type ``source`` in its place, as a paste."""
    go_to_cell(page, index)
    page.keyboard.press("Enter")         # edit mode
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(source)
    page.keyboard.press("Escape")        # back to command mode


def choose_menu(page, menu: str, command: str) -> None:
    page.locator(".lm-MenuBar-item", has_text=menu).click()
    page.locator(f".lm-Menu-item[data-command='{command}']").click()


def restart_and_run_all(page) -> None:
    """Clear every output, then Kernel > Restart Kernel and Run All Cells,
    as the notebook's instructions say; running stops at the first error."""
    choose_menu(page, "Edit", "editmenu:clear-all")
    choose_menu(page, "Kernel", "runmenu:restart-and-run-all")
    page.locator(".jp-Dialog .jp-mod-accept").click()     # "Restart"


def outcome(page, index: int) -> dict:
    """The execution count a cell shows and the text of its error output."""
    cell = cell_at(page, index)
    errors = cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return {"prompt": cell.locator(".jp-InputPrompt").text_content().strip(),
            "error": "\n".join(errors.all_text_contents())}


def wait_until_ran(page, index: int, seconds: float = 120) -> None:
    """Until the cell shows an execution count (not ``[*]`` nor ``[ ]``)."""
    prompt = cell_at(page, index).locator(".jp-InputPrompt")
    deadline = time.monotonic() + seconds
    while not re.fullmatch(r"\[\d+\]:", prompt.text_content().strip()):
        assert time.monotonic() < deadline, f"cell {index} did not run"
        time.sleep(0.2)
    wait_for_idle_kernel(page)


def validate(page, screenshot: str) -> str:
    """Save, press nbgrader's Validate button, keep a screenshot of its
    dialog and return what the dialog says."""
    page.keyboard.press("Control+S")
    page.locator(SHOWN).get_by_role("button", name="Validate").click()
    result = page.locator(".jp-Dialog .validation-success, .jp-Dialog .validation-failed").first
    result.wait_for(timeout=120000)
    save_screenshot(page, screenshot)
    text = result.inner_text().strip()
    page.locator(".jp-Dialog .jp-mod-accept").click()
    return text


def test_lab_is_the_pinned_version_with_nbgrader_validate(open_in_lab):
    page = open_in_lab("ch02")
    config = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent)")
    assert config["appVersion"] == pins((paths.ROOT / "requirements.txt").read_text().splitlines())["jupyterlab"]
    assert page.locator(SHOWN).get_by_role("button", name="Validate").is_visible()
    # lab-config/: no online news prompt, none of nbgrader's instructor tools
    disabled = set(config["disabledExtensions"])
    assert {"@jupyterlab/apputils-extension:announcements", "@jupyter/nbgrader:formgrader",
            "@jupyter/nbgrader:create-assignment"} <= disabled, disabled
    assert page.get_by_text("Create Assignment").count() == 0
    page.locator(".lm-MenuBar-item", has_text="Nbgrader").click()
    menu = page.locator(".lm-Menu-content").inner_text()
    page.keyboard.press("Escape")
    assert "Assignment List" in menu and "Formgrader" not in menu, menu
    save_screenshot(page, "lab-ch02-opened")
    assert not page.seen["errors"], page.seen["errors"]


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_correct_answers_pass_the_visible_tests_and_validate(open_in_lab, chapter):
    page = open_in_lab(chapter)
    answers = reference_answers(chapter)
    for cell_id, source in answers.items():
        type_into_cell(page, index_of(chapter, cell_id), as_a_student_writes_it(source))
    for index in (i for i, cell in enumerate(cells(chapter)) if is_written_answer(cell)):
        type_into_cell(page, index, WRITTEN_ANSWER)
    restart_and_run_all(page)
    code_cells = [i for i, cell in enumerate(cells(chapter)) if cell.cell_type == "code"]
    wait_until_ran(page, code_cells[-1])
    tests = {grade_id(cell): outcome(page, i) for i, cell in enumerate(cells(chapter)) if is_test_cell(cell)}
    assert set(tests) == {f"test_{cell_id}" for cell_id in answers}
    assert all(re.fullmatch(r"\[\d+\]:", seen["prompt"]) and not seen["error"] for seen in tests.values()), tests
    save_screenshot(page, f"lab-{chapter}-visible-tests-pass")

    if chapter == VALIDATED:
        outcome_of_validation = validate(page, f"lab-{chapter}-validate-success")
        assert outcome_of_validation == "Success! Your notebook passes all the tests.", outcome_of_validation
    assert not page.seen["errors"], page.seen["errors"]
    assert not page.seen["remote"], page.seen["remote"]


def test_a_wrong_answer_fails_its_visible_test_with_a_helpful_message(open_in_lab):
    page = open_in_lab("ch02")
    answer, test = index_of("ch02", "rnn_step"), index_of("ch02", "test_rnn_step")
    type_into_cell(page, answer, wrong_answers("ch02")["rnn_step"]["transposed_recurrent_weight"])
    restart_and_run_all(page)
    wait_until_ran(page, test)
    error = outcome(page, test)["error"]
    cell_at(page, test).locator(".jp-OutputArea-output").last.scroll_into_view_if_needed()
    save_screenshot(page, "lab-ch02-wrong-answer")
    # what is wrong (which case, which weight, how far off), not what is right
    assert re.search(r"AssertionError: h\(t\) for .* and the W given: \d+ of \d+ element\(s\) differ "
                     r"from the expected values, max abs error", error), error
    assert "W looks transposed" in error, error   # the symptom, seen before submitting
    assert "element(s) differ from the expected values" in validate(page, "lab-ch02-validate-fails")
