"""The ``{student-notebook}`` directive (book/_ext/exercise_links.py): the
launch URLs it builds for each service, and real Sphinx builds of a tiny
project that uses it: services configured, misconfigured, and changed
between two builds."""
import html
import json
import re
import sys

import pytest
from sphinx.cmd.build import build_main

from autograder import paths

sys.path.insert(0, str(paths.ROOT / "book" / "_ext"))
from exercise_links import LaunchConfigError, launch_links  # noqa: E402

REPO = "https://github.com/example-org/rnn-course"
PATH = "exercises/ch01/ch01.ipynb"
ALL_SERVICES = {"notebook_interface": "jupyterlab", "jupyterhub_url": "https://hub.example.edu/",
                "binderhub_url": "https://mybinder.org/", "colab_url": "https://colab.research.google.com/"}
EXPECTED = [
    ("JupyterHub", "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A//github.com/example-org/"
                   "rnn-course&urlpath=lab/tree/rnn-course/exercises/ch01/ch01.ipynb&branch=main"),
    ("Binder", "https://mybinder.org/v2/gh/example-org/rnn-course/main?urlpath=lab/tree/exercises/ch01/ch01.ipynb"),
    ("Colab", "https://colab.research.google.com/github/example-org/rnn-course/blob/main/exercises/ch01/ch01.ipynb"),
]


def test_each_configured_service_gets_a_link_in_order():
    assert launch_links(ALL_SERVICES, REPO + "/", "main", PATH) == EXPECTED


def test_nothing_configured_gives_no_link_and_needs_no_repository():
    assert launch_links({"notebook_interface": "jupyterlab", "binderhub_url": "", "colab_url": ""}, "", "", PATH) == []
    assert launch_links({}, "", "", PATH) == []


def test_the_classic_interface_opens_tree_instead_of_lab():
    buttons = {"notebook_interface": "classic", "jupyterhub_url": "https://hub.example.edu",
               "binderhub_url": "https://mybinder.org"}
    (_, hub), (_, binder) = launch_links(buttons, REPO, "dev", PATH)
    assert "&urlpath=tree/rnn-course/exercises/ch01/ch01.ipynb&branch=dev" in hub
    assert binder == "https://mybinder.org/v2/gh/example-org/rnn-course/dev?urlpath=tree/exercises/ch01/ch01.ipynb"


def test_binder_on_gitlab_and_on_any_git_host():
    buttons = {"notebook_interface": "jupyterlab", "binderhub_url": "https://mybinder.org"}
    assert launch_links(buttons, "https://gitlab.com/org/rnn", "main", PATH) == [
        ("Binder", "https://mybinder.org/v2/gl/org%2Frnn/main?urlpath=lab/tree/exercises/ch01/ch01.ipynb")]
    assert launch_links(buttons, "https://git.example.edu/org/rnn", "main", PATH) == [
        ("Binder", "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.edu%2Forg%2Frnn/main"
                   "?urlpath=lab/tree/exercises/ch01/ch01.ipynb")]


@pytest.mark.parametrize("buttons,repository,branch,setting", [
    ({"colab_url": "https://colab.research.google.com"}, "https://gitlab.com/org/rnn", "main",
     "launch_buttons.colab_url"),
    ({"binderhub_url": "https://mybinder.org"}, "", "main", "repository.url"),
    ({"binderhub_url": "https://mybinder.org"}, "https://github.com/example-org", "main", "repository.url"),
    ({"jupyterhub_url": "https://hub.example.edu"}, REPO, "", "repository.branch"),
    ({"binderhub_url": "https://mybinder.org", "notebook_interface": "lab"}, REPO, "main",
     "launch_buttons.notebook_interface"),
], ids=["colab-off-github", "no-repository", "no-repo-name", "no-branch", "unknown-interface"])
def test_a_service_without_what_it_needs_names_the_setting(buttons, repository, branch, setting):
    with pytest.raises(LaunchConfigError, match=re.escape(setting)):
        launch_links(buttons, repository, branch, PATH)


NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def configure(src, theme_options: dict):
    """The project's conf.py: this extension, the book's theme and ``theme_options``."""
    (src / "conf.py").write_text(f'extensions = ["myst_parser", "exercise_links"]\n'
                                 f'html_theme = "sphinx_book_theme"\n'
                                 f'html_theme_options = {theme_options!r}\n')


def project(tmp_path, theme_options: dict):
    """A two-page project in tmp_path/src: an index and chapters/ch01.md,
    which offers exercises/ch01/ch01.ipynb."""
    src = tmp_path / "src"
    (src / "chapters").mkdir(parents=True)
    (src / "exercises" / "ch01").mkdir(parents=True)
    (src / "exercises" / "ch01" / "ch01.ipynb").write_text(json.dumps(NOTEBOOK))
    (src / "index.md").write_text("# Course\n\n```{toctree}\nchapters/ch01\n```\n")
    (src / "chapters" / "ch01.md").write_text(
        "# Chapter 1\n\n```{student-notebook} ../exercises/ch01/ch01.ipynb\n```\n")
    configure(src, theme_options)


def build(tmp_path, *flags: str):
    """Build (incrementally, if built before) the project in ``tmp_path``;
    return the exit status, the chapter's HTML, the output folder and the warnings."""
    src, out, warnings = tmp_path / "src", tmp_path / "html", tmp_path / "warnings.txt"
    status = build_main([str(src), str(out), "-b", "html", "-q", "-N", "-w", str(warnings), *flags])
    page = out / "chapters" / "ch01.html"
    return status, page.read_text() if page.exists() else "", out, warnings.read_text()


def paragraph(page: str) -> str:
    (found,) = re.findall(r'<p class="student-notebook">.*?</p>', page, re.S)
    return found


def test_a_build_offers_the_notebook_and_a_link_per_service(tmp_path):
    project(tmp_path, {"launch_buttons": ALL_SERVICES, "repository_url": REPO, "repository_branch": "main"})
    status, page, out, warnings = build(tmp_path, "-W")
    assert status == 0, warnings
    offered = paragraph(page)
    (download,) = re.findall(r'<a class="reference download internal" download="" href="([^"]+)">'
                             r'download the student notebook</a>', offered)
    assert (out / "chapters" / download).resolve().read_bytes() == json.dumps(NOTEBOOK).encode()
    assert re.search(r"_downloads/[0-9a-f]{32}/ch01\.ipynb$", download)
    links = [(html.unescape(label), html.unescape(href))
             for href, label in re.findall(r'<a class="reference external" href="([^"]+)">([^<]+)</a>', offered)]
    assert links == EXPECTED
    text = re.sub(r"<[^>]+>", "", offered)
    assert text == ("To work on it in JupyterLab, download the student notebook (or clone the course and run "
                    "./course lab); its first cell says how it is graded. "
                    "You can also open it on JupyterHub, Binder or Colab.")


def test_a_service_set_without_a_repository_fails_the_build(tmp_path):
    project(tmp_path, {"launch_buttons": {"binderhub_url": "https://mybinder.org"}, "repository_url": ""})
    status, page, _, warnings = build(tmp_path, "-W", "--keep-going")
    assert status != 0
    assert re.search(r"chapters/ch01\.md:3: WARNING: .*repository\.url \(needed by launch_buttons\.binderhub_url\)",
                     warnings), warnings
    assert "class=\"reference external\"" not in paragraph(page)


def test_changing_the_settings_updates_the_links_of_an_incremental_build(tmp_path):
    """The settings are html-only: Sphinx rewrites the pages without re-reading them."""
    options = {"launch_buttons": ALL_SERVICES, "repository_url": REPO, "repository_branch": "main"}
    project(tmp_path, options)
    assert build(tmp_path, "-W")[0] == 0
    configure(tmp_path / "src", {**options, "launch_buttons": {"binderhub_url": "https://binder.example.edu"}})
    status, page, _, warnings = build(tmp_path, "-W")
    assert status == 0, warnings
    assert re.findall(r'class="reference external" href="([^"]+)"', paragraph(page)) == [
        "https://binder.example.edu/v2/gh/example-org/rnn-course/main?urlpath=tree/exercises/ch01/ch01.ipynb"]
