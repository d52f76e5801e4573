"""No solution code, no hidden test and no model answer or rubric of a
written question reaches students: not in exercises/, not anywhere in the
built website (HTML, _sources, downloads), not in the public package they
import (rnncourse, which the sandbox mounts too), not in feedback; and the
website loads nothing remote."""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder import paths
from autograder.checks import CHAPTERS
from autograder.notebook import is_written_answer, read

BUILD = paths.ROOT / "book" / "_build" / "html"
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "run_hidden_checks")


def _secret_blocks(chapter: str) -> list:
    """The code lines inside each solution / hidden-test block."""
    blocks, current = [], None
    for cell in read(paths.solution_notebook(chapter)).cells:
        for line in cell.source.splitlines():
            text = line.strip()
            if text.startswith("### BEGIN"):
                current = []
            elif text.startswith("### END"):
                blocks.append(current)
                current = None
            elif current is not None and text and not text.startswith("#"):
                current.append(text)
    return blocks


def secrets(chapter: str) -> set:
    """Two consecutive lines of a block (a single generic line such as
    ``return torch.stack(states)`` may legitimately appear in a chapter),
    plus every long line on its own."""
    found = set()
    for block in _secret_blocks(chapter):
        found |= {f"{a}\n{b}" for a, b in zip(block, block[1:]) if len(a) + len(b) >= 30}
        found |= {line for line in block if len(line) >= 50}
    return found


SECRETS = {secret for chapter in CHAPTERS for secret in secrets(chapter)}

PHRASE = 8   # words in a row of a model answer or rubric that no published text may repeat


def phrases(text: str) -> set:
    """Every run of PHRASE words of ``text``, its words lower-cased and its
    markup, math delimiters and punctuation left out (so the same sentence is
    found in markdown, in HTML and in a notebook's JSON)."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {" ".join(words[i:i + PHRASE]) for i in range(len(words) - PHRASE + 1)}


def _chapter_phrases() -> set:
    """The phrases the chapters publish on purpose: a model answer may say
    what its chapter says, in the chapter's words."""
    return {phrase for page in sorted(paths.ROOT.glob("chapters/*.ipynb"))
            for phrase in phrases("\n".join(cell.source for cell in read(page).cells))}


CHAPTER_PHRASES = _chapter_phrases()


def written_secrets(chapter: str) -> set:
    """The phrases of the model answers and rubrics of the chapter's written
    questions (the whole text of each manually graded answer cell) that no
    chapter says."""
    return {phrase for cell in read(paths.solution_notebook(chapter)).cells if is_written_answer(cell)
            for phrase in phrases(cell.source)} - CHAPTER_PHRASES


WRITTEN_SECRETS = {phrase for chapter in CHAPTERS for phrase in written_secrets(chapter)}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_lines(path: Path) -> str:
    """The text of a published file as a reader sees it, one stripped line
    per line: notebooks by their cell sources, HTML without its tags."""
    raw = path.read_text(errors="ignore")
    if path.suffix == ".ipynb":
        try:
            raw = "\n".join(cell.source for cell in read(path).cells)
        except Exception:
            pass
    elif path.suffix in (".html", ".htm"):
        parser = _Text()
        parser.feed(raw)
        raw = "".join(parser.parts)
    return "\n".join(line.strip() for line in raw.splitlines() if line.strip())


def published_files():
    files = list(paths.EXERCISES.rglob("*"))
    if BUILD.exists():
        files += list(BUILD.rglob("*"))
    return [f for f in files if f.is_file() and f.suffix not in {".png", ".jpg", ".svg", ".woff", ".woff2",
                                                                     ".ttf", ".eot", ".ico", ".pickle"}]


def test_there_are_secrets_to_look_for():
    assert len(SECRETS) >= 20


@pytest.mark.parametrize("chapter", sorted(CHAPTERS))
def test_every_written_answer_is_looked_for(chapter):
    assert len(written_secrets(chapter)) >= 50, f"{chapter}: no model answer and rubric to look for"


def test_the_scan_finds_a_planted_leak(tmp_path):
    block = max(_secret_blocks("ch02"), key=len)
    page = tmp_path / "leak.html"
    page.write_text("<pre>" + "\n".join(f"<span>{line}</span>" for line in block[:3]) + "</pre>")
    assert any(secret in visible_lines(page) for secret in SECRETS)


def test_the_scan_finds_a_planted_model_answer(tmp_path):
    """A model answer rendered as a page would render it (markup, math) is found."""
    from markdown_it import MarkdownIt

    answer = next(cell.source for cell in read(paths.solution_notebook("ch02")).cells if is_written_answer(cell))
    page = tmp_path / "leak.html"
    page.write_text(MarkdownIt().render(answer.split("\n\n")[0]))
    assert written_answers_in(page)


def test_built_site_exists():
    assert (BUILD / "index.html").exists(), "build the website first: ./course book"


def hidden_tests_in(path: Path) -> list:
    """The hidden-test markers that ``path`` shows (for pages that may show a
    student's own code, the reference's lines included, but never a hidden test)."""
    raw = path.read_text(errors="ignore")
    return [marker for marker in ("HIDDEN TESTS", "run_hidden_checks") if marker in raw]


def written_answers_in(path: Path) -> list:
    """The phrases of model answers and rubrics that ``path`` shows (for pages
    that may show a student's own code, the reference's lines included)."""
    return sorted(phrases(visible_lines(path)) & WRITTEN_SECRETS)


def leaks_in(path: Path) -> list:
    """The solution/hidden-test markers, secret lines and phrases of model
    answers and rubrics that ``path`` shows."""
    raw, text = path.read_text(errors="ignore"), visible_lines(path)
    return ([marker for marker in MARKERS if marker in raw] + [secret for secret in SECRETS if secret in text]
            + written_answers_in(path))


@pytest.mark.parametrize("path", published_files(), ids=lambda p: str(p.relative_to(paths.ROOT)))
def test_no_solution_or_hidden_test(path: Path):
    found = leaks_in(path)
    assert not found, f"{path} shows: {found[:3]}"


GRADED_NAMES = {spec.name for specs in CHAPTERS.values() for spec in specs}
PUBLIC_MODULES = sorted(paths.PUBLIC_PACKAGE.glob("*.py"))


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda p: p.name)
def test_public_package_holds_no_solution(module: Path):
    """The chapters' shared code may compute what an exercise asks, but never
    under a graded function's name (an answer would be one import away) and
    never with the reference's own lines."""
    defined = {line.split("(")[0].removeprefix("def ").strip()
               for line in module.read_text().splitlines() if line.lstrip().startswith("def ")}
    assert not defined & GRADED_NAMES, f"{module.name} defines graded functions: {sorted(defined & GRADED_NAMES)}"
    found = leaks_in(module)
    assert not found, f"{module.name} holds solution lines: {found[:3]}"


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
