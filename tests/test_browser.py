"""The built website in a real browser: headless Debian Chromium driven by
Playwright, served from loopback. Math renders (self-hosted MathJax), figures
load, no request fails and none leaves the machine. Screenshots are saved in
test-artifacts/."""
import functools
import http.server
import shutil
import threading
from urllib.parse import urlparse

import pytest

from autograder import paths

BUILD = paths.ROOT / "book" / "_build" / "html"
ARTIFACTS = paths.ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = ["chapters/ch02_design_patterns.html", "chapters/ch03_teacher_forcing.html",
         "chapters/ch04_bptt.html", "chapters/ch05_long_term_dependencies.html"]


@pytest.fixture(scope="module")
def site():
    assert (BUILD / "index.html").exists(), "build the website first: ./course book"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(BUILD))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert shutil.which("chromium"), "install Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.mark.parametrize("page_path", PAGES)
def test_page_renders_math_and_figures_offline(site, browser, page_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    failed, remote, errors = [], [], []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("request", lambda request: remote.append(request.url)
            if urlparse(request.url).hostname not in ("127.0.0.1", None) and
            not request.url.startswith("data:") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{site}/{page_path}", wait_until="load")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30000)
    page.evaluate("() => MathJax.startup.promise")
    page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0", timeout=30000)
    rendered = page.evaluate("() => document.querySelectorAll('mjx-container').length")
    images = page.evaluate("""() => Array.from(document.images).map(
        img => ({src: img.src, ok: img.complete && img.naturalWidth > 0, alt: img.alt}))""")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / (page_path.replace("/", "_").replace(".html", ".png"))), full_page=True)
    page.close()
    assert rendered >= 5, "math did not render"
    assert any("/_images/" in img["src"] for img in images), "no figure on the page"
    assert all(img["ok"] for img in images), [img["src"] for img in images if not img["ok"]]
    assert not failed, failed
    assert not remote, remote
    assert not errors, errors
