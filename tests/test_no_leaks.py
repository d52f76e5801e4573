"""No solution code and no hidden test reaches students: not in exercises/,
not anywhere in the built website (HTML, _sources, downloads); and the
website loads nothing remote."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder import paths
from autograder.checks import CHAPTERS
from autograder.notebook import read

BUILD = paths.ROOT / "book" / "_build" / "html"
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "run_hidden_checks")


def secret_lines(chapter: str) -> set:
    """Substantial code lines inside the solution and hidden-test blocks."""
    secrets, inside = set(), False
    for cell in read(paths.solution_notebook(chapter)).cells:
        for line in cell.source.splitlines():
            text = line.strip()
            if text.startswith("### BEGIN"):
                inside = True
            elif text.startswith("### END"):
                inside = False
            elif inside and len(text) >= 25 and not text.startswith("#"):
                secrets.add(text)
    return secrets


SECRETS = {line for chapter in CHAPTERS for line in secret_lines(chapter)}


def published_files():
    files = list(paths.EXERCISES.rglob("*"))
    if BUILD.exists():
        files += list(BUILD.rglob("*"))
    return [f for f in files if f.is_file() and f.suffix not in {".png", ".jpg", ".svg", ".woff", ".woff2",
                                                                     ".ttf", ".eot", ".ico", ".pickle"}]


def test_there_are_secrets_to_look_for():
    assert len(SECRETS) >= 10


def test_built_site_exists():
    assert (BUILD / "index.html").exists(), "build the website first: ./course book"


@pytest.mark.parametrize("path", published_files(), ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_no_solution_or_hidden_test(path: Path):
    text = path.read_text(errors="ignore")
    found = [marker for marker in MARKERS if marker in text]
    found += [line for line in SECRETS if line in text]
    assert not found, f"{path} shows: {found[:3]}"


class ResourceLinks(HTMLParser):
    """URLs a page loads by itself (scripts, stylesheets, fonts, images,
    frames), as opposed to hyperlinks a reader may follow."""

    LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "link": "href"}

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get(self.LOADS.get(tag, ""))
        if url and not (tag == "link" and attrs.get("rel") in ("canonical", "next", "prev")):
            self.urls.append(url)


REMOTE = re.compile(r"^(?:https?:)?//")
CSS_REMOTE = re.compile(r"url\(\s*[\"']?(?:https?:)?//|@import\s+[\"'](?:https?:)?//")


def test_site_loads_nothing_remote():
    offenders = []
    for page in BUILD.rglob("*.html"):
        parser = ResourceLinks()
        parser.feed(page.read_text(errors="ignore"))
        offenders += [f"{page.name}: {url}" for url in parser.urls if REMOTE.match(url)]
    for sheet in BUILD.rglob("*.css"):
        offenders += [f"{sheet.name}: {m.group(0)}" for m in CSS_REMOTE.finditer(sheet.read_text(errors="ignore"))]
    assert not offenders, offenders[:10]
