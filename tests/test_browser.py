"""The built website in a real browser: headless Debian Chromium driven by
Playwright, served from loopback. On every page: no console error, no failed
request, none leaving the machine, every image loads and has alt text, and
math renders (self-hosted MathJax) wherever the page has math. Every internal
link and anchor resolves, offline search finds pages, and pages fit a phone's
width as well as a desktop's. Screenshots (chapters; landing page and a
chapter at 390 and 1280 px) are saved in test-artifacts/."""
import functools
import http.server
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from autograder import paths

from .conftest import save_screenshot, watch

BUILD = paths.ROOT / "book" / "_build" / "html"
CHAPTERS = sorted(str(p.relative_to(BUILD)) for p in BUILD.glob("chapters/*.html"))
SITE_PAGES = sorted(str(p.relative_to(BUILD)) for p in BUILD.rglob("*.html")   # index.html only redirects
                    if not p.relative_to(BUILD).parts[0].startswith("_") and p != BUILD / "index.html")


@pytest.fixture(scope="module")
def site():
    assert (BUILD / "index.html").exists(), "build the website first: ./course book"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(BUILD))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def visit(site, browser, page_path: str) -> dict:
    """Load a page and report what a reader's browser met: console errors,
    failed and remote requests, images, and rendered / broken formulas.
    A chapter's whole page is saved as a screenshot."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = watch(page)
    page.goto(f"{site}/{page_path}", wait_until="load")
    seen["has_math"] = page.evaluate("() => document.querySelector('.math, .MathJax_Preview') !== null")
    if seen["has_math"]:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30000)
        page.evaluate("() => MathJax.startup.promise")
    seen["formulas"] = page.evaluate("() => document.querySelectorAll('mjx-container').length")
    seen["math_errors"] = page.evaluate("() => document.querySelectorAll('mjx-merror').length")
    seen["images"] = page.evaluate("""() => Array.from(document.images).map(
        img => ({src: img.src, ok: img.complete && img.naturalWidth > 0, alt: img.alt}))""")
    if page_path in CHAPTERS:
        save_screenshot(page, page_path.replace("/", "_").removesuffix(".html"), full_page=True)
    page.close()
    return seen


@pytest.fixture(scope="module")
def visited(site, browser):
    """visited(page_path) -> ``visit`` of that page, loaded once for all the
    tests that look at it."""
    return functools.cache(lambda page_path: visit(site, browser, page_path))


@pytest.mark.parametrize("page_path", SITE_PAGES)
def test_page_loads_cleanly_offline(visited, page_path):
    seen = visited(page_path)
    assert not seen["errors"], seen["errors"]
    assert not seen["failed"], seen["failed"]
    assert not seen["remote"], seen["remote"]
    assert all(image["ok"] for image in seen["images"]), [i["src"] for i in seen["images"] if not i["ok"]]
    assert all(image["alt"].strip() for image in seen["images"]), [i["src"] for i in seen["images"]
                                                                   if not i["alt"].strip()]
    if seen["has_math"]:
        assert seen["formulas"] > 0 and not seen["math_errors"], "math did not render"


def test_the_site_root_leads_to_the_landing_page(site, browser):
    page = browser.new_page()
    page.goto(f"{site}/index.html")
    page.wait_for_url("**/book/intro.html", timeout=10000)
    assert "Recurrent" in page.title()
    page.close()


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_chapter_shows_math_and_figures(visited, page_path):
    seen = visited(page_path)
    assert seen["formulas"] >= 5, "math did not render"
    assert any("/_images/" in image["src"] for image in seen["images"]), "no figure on the page"


@pytest.mark.parametrize("page_path", CHAPTERS)
def test_chapter_offers_its_student_notebook_for_download(page_path):
    chapter = Path(page_path).stem[:4]
    links = re.findall(r'class="reference download internal" download="" href="([^"]+)"',
                       (BUILD / page_path).read_text())
    (link,) = [link for link in links if link.endswith(f"/{chapter}.ipynb")]
    offered = (BUILD / page_path).parent.joinpath(link).resolve()
    assert offered.read_bytes() == paths.release_notebook(chapter).read_bytes()


def test_offline_search_finds_the_chapters(site, browser):
    page = browser.new_page()
    page.goto(f"{site}/search.html?q=gradient")
    page.wait_for_selector("#search-results li", timeout=20000)
    found = page.evaluate("() => Array.from(document.querySelectorAll('#search-results li a')).map(a => a.href)")
    page.close()
    assert any("/chapters/ch04_bptt.html" in href for href in found), found


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
@pytest.mark.parametrize("page_path", ["book/intro.html", "chapters/ch04_bptt.html"])
def test_page_fits_phone_and_desktop_widths(site, browser, page_path, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{site}/{page_path}", wait_until="load")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    save_screenshot(page, f"{Path(page_path).stem}-{width}px")
    page.close()
    assert overflow <= 1, f"the page is {overflow} px wider than a {width} px screen"


class _Links(HTMLParser):
    """The ids a page defines and the local addresses it points to."""

    def __init__(self):
        super().__init__()
        self.ids, self.targets = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            value = attrs.get(name)
            if value and not urlparse(value).scheme and not value.startswith("//"):
                self.targets.append(value)


def _parsed(path: Path) -> _Links:
    links = _Links()
    links.feed(path.read_text(errors="ignore"))
    return links


def broken_links(root: Path, pages: list) -> list:
    """'page: target' for each local link or resource of ``pages`` (paths
    relative to ``root``) whose file or anchor does not exist."""
    parsed, broken = {}, []
    for page_path in pages:
        page = root / page_path
        for target in _parsed(page).targets:
            address, anchor = urlparse(target).path, urlparse(target).fragment
            resolved = (page.parent / unquote(address)).resolve() if address else page
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                broken.append(f"{page_path}: {target}")
            elif anchor and resolved.suffix == ".html":
                ids = parsed.setdefault(resolved, _parsed(resolved).ids)
                if unquote(anchor) not in ids:
                    broken.append(f"{page_path}: {target} (no such anchor)")
    return broken


def test_every_internal_link_and_anchor_resolves():
    assert len(SITE_PAGES) >= 15
    broken = broken_links(BUILD, SITE_PAGES)
    assert not broken, broken


def test_the_link_check_finds_a_missing_page_and_anchor(tmp_path):
    (tmp_path / "a.html").write_text('<p id="here"><a href="a.html#here">ok</a> <a href="b.html">gone</a> '
                                     '<a href="#nowhere">lost</a> <img src="x.png?v=1" alt="x"></p>')
    (tmp_path / "x.png").write_bytes(b"")
    assert broken_links(tmp_path, ["a.html"]) == ["a.html: b.html", "a.html: #nowhere (no such anchor)"]


def test_glossary_links_each_used_term_back_to_its_first_use():
    """Each term a chapter uses links back to the first use (the link check
    above proves the anchors exist); terms of chapters to come have none yet."""
    entries = (BUILD / "book" / "glossary.html").read_text().split('<dt id="term-')[1:]
    backlinks = {}
    for entry in entries:
        found = re.search(r'glossary-backlink"><em>First met in </em><a class="reference internal" href="([^"]+)"',
                          entry)
        if found:
            backlinks[entry.split('"', 1)[0]] = found.group(1)
    assert len(entries) >= 60 and len(backlinks) >= 30
    assert all(re.fullmatch(r"\.\./chapters/ch\d\d_\w+\.html#term-use-\d+", href) for href in backlinks.values())
    assert backlinks["recurrent-neural-network-RNN"].startswith("../chapters/ch01_unrolled_graphs.html#")
