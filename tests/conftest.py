"""Shared fixtures: grading a notebook object with limits sized for tests;
a headless Chromium for the browser tests, the Jupyter servers they open,
what a page meets in them, and where their screenshots go; a fresh clone
of the repository."""
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

from autograder import paths
from autograder.grading import grade_notebook
from autograder.sandbox import Limits
from autograder.submissions import write

TEST_LIMITS = Limits(cell_seconds=6, call_seconds=3, exercise_seconds=40)


@pytest.fixture
def grade(tmp_path):
    """grade(nb, chapter) -> report, grading a notebook object on the CPU."""
    def run(nb, chapter, limits=TEST_LIMITS, **kwargs):
        path = tmp_path / f"{chapter}.ipynb"
        write(nb, path)
        return grade_notebook(path, chapter=chapter, limits=limits, **kwargs)
    return run


def scores(report) -> dict:
    return {name: exercise["score"] for name, exercise in report["exercises"].items()}


def full_marks(report) -> dict:
    return {name: exercise["max_score"] for name, exercise in report["exercises"].items()}


def sandbox_workers() -> list:
    """Every process of a sandbox on the machine (bubblewrap's, the warm
    processes, the submissions they forked): none may outlive the grading
    process that started it (an interrupted run's orphans included, which are
    no longer our children)."""
    import psutil

    return [p for p in psutil.process_iter(["cmdline"]) if "harness.warm" in " ".join(p.info["cmdline"] or [])]


def submission_processes() -> list:
    """Running processes below a warm process: the submission being graded
    and whatever it started. None may outlive the grading of its submission."""
    import psutil

    warm = [p for p in psutil.process_iter(["name"]) if p.info["name"] == "grader-warm"]
    found = []
    for process in warm:
        try:
            found += [child for child in process.children(recursive=True)
                      if child.status() != psutil.STATUS_ZOMBIE]
        except psutil.NoSuchProcess:
            continue
    return found


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "install Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@dataclass
class Server:
    """A Jupyter server on loopback: its address, token, process and log."""
    base: str
    token: str
    process: subprocess.Popen
    log: Path

    def ready(self, seconds: float = 90) -> "Server":
        """Wait until the server answers its API (it may still be starting)."""
        url = f"{self.base}/api/status?token={self.token}"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server exited while starting; its log: {self.log.read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"the server did not answer {url} within {seconds} s")


@contextmanager
def jupyter_server(course_command: list, home: Path, port: int, token: str):
    """The Jupyter server ``./course COURSE_COMMAND`` starts, on 127.0.0.1:PORT
    with ``token``, as a user whose home is ``home`` (Jupyter's configuration,
    data and runtime folders there, none of the machine's); its output in
    home/server.log. Yields a ``Server`` at once (``ready()`` waits for it);
    afterwards stops the server's whole process group, kernels included."""
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
           "JUPYTER_DATA_DIR": str(home / ".local/share/jupyter"), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    log = home / "server.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [str(paths.ROOT / "course"), *course_command, "--no-browser", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             "--ServerApp.allow_root=True"],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield Server(f"http://127.0.0.1:{port}", token, process, log)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def fresh_clone(destination):
    """``git clone`` of this repository, with this checkout's files over it
    (tracked and new ones, not ignored ones): the clone of the next commit."""
    subprocess.run(["git", "clone", "--quiet", str(paths.ROOT), str(destination)], check=True)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=paths.ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (paths.ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(paths.ROOT / name, destination / name)
    return destination


ARTIFACTS = paths.ROOT / "test-artifacts"


def watch(page) -> dict:
    """What ``page`` meets from now on, kept in the returned dict: console
    and page errors, failed requests, and requests that leave the machine."""
    seen = {"errors": [], "failed": [], "remote": []}
    page.on("console", lambda message: seen["errors"].append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("requestfailed", lambda request: seen["failed"].append(request.url))
    page.on("request", lambda request: seen["remote"].append(request.url)
            if urlparse(request.url).hostname not in ("127.0.0.1", None) and
            not request.url.startswith("data:") else None)
    return seen


def save_screenshot(target, name: str, full_page: bool = False) -> None:
    """test-artifacts/NAME.png: a page's viewport (or the whole page), or one
    element (a locator: scrolled into view)."""
    ARTIFACTS.mkdir(exist_ok=True)
    target.screenshot(path=str(ARTIFACTS / f"{name}.png"), **({"full_page": True} if full_page else {}))
