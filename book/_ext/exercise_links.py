"""Each chapter ends by offering its exercise the same way: a download link,
the other way to work on it, and a link per launch service the course uses.

A chapter writes

    ```{student-notebook} ../exercises/ch01/ch01.ipynb
    ```

instead of five hand-written copies of one sentence. The download link is a
real ``download_reference``, so Sphinx copies the notebook into
``_downloads/`` exactly as the ``{download}`` role does.

The launch services are configured once, where Jupyter Book configures its
own launch buttons: ``launch_buttons`` and ``repository`` in
book/_config.yml, which Jupyter Book passes on as ``html_theme_options``. The
links follow sphinx-book-theme's conventions (header_buttons/launch.py) but
open the student notebook rather than the page. An empty URL gives no link;
a service set without the repository it needs is a warning, so the book's
``-W`` build fails and tells the instructor which setting to fix. The links
are added when a page is written, not when it is read: the settings are
html-only, and Sphinx rewrites every page after a change of them but
re-reads none.
"""
import posixpath
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlparse

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

INTERFACES = {"classic": "tree", "jupyterlab": "lab/tree"}   # notebook_interface -> URL prefix
GITHUB, GITLAB = "https://github.com", "https://gitlab.com"


class LaunchConfigError(ValueError):
    """A launch service is set without what it needs; the message names the setting."""


@dataclass(frozen=True)
class Notebook:
    """A notebook in a repository, as the launch services address it."""

    host: str     # https://github.com
    org: str
    repo: str
    branch: str
    path: str     # relative to the repository root
    ui: str       # "lab/tree" or "tree"

    @property
    def repo_url(self) -> str:
        return f"{self.host}/{self.org}/{self.repo}"


def _jupyterhub(hub_url: str, notebook: Notebook) -> str:
    """An nbgitpuller link: the hub clones the repository, then opens the notebook."""
    query = urlencode({"repo": notebook.repo_url, "urlpath": f"{notebook.ui}/{notebook.repo}/{notebook.path}",
                       "branch": notebook.branch}, safe="/")
    return f"{hub_url}/hub/user-redirect/git-pull?{query}"


def _binder(binder_url: str, notebook: Notebook) -> str:
    """A BinderHub link for GitHub, GitLab or any other git host (whose URL
    BinderHub wants escaped whole: the theme leaves its slashes)."""
    if notebook.host == GITHUB:
        spec = f"gh/{notebook.org}/{notebook.repo}"
    elif notebook.host == GITLAB:
        spec = f"gl/{notebook.org}%2F{notebook.repo}"
    else:
        spec = f"git/{quote(notebook.repo_url, safe='')}"
    return f"{binder_url}/v2/{spec}/{notebook.branch}?urlpath={notebook.ui}/{notebook.path}"


def _colab(colab_url: str, notebook: Notebook) -> str:
    """A Colab link; Colab opens notebooks from GitHub only."""
    if notebook.host != GITHUB:
        raise LaunchConfigError(f"launch_buttons.colab_url needs a GitHub repository.url, "
                                f"not {notebook.repo_url}")
    return f"{colab_url}/github/{notebook.org}/{notebook.repo}/blob/{notebook.branch}/{notebook.path}"


SERVICES = (("jupyterhub_url", "JupyterHub", _jupyterhub),
            ("binderhub_url", "Binder", _binder),
            ("colab_url", "Colab", _colab))


def _notebook(launch_buttons: dict, repository_url: str, branch: str, path: str, needed_by: str) -> Notebook:
    """Where the services find the notebook; an error names the missing or
    wrong setting and ``needed_by``, the services that need it."""
    parts = urlparse(repository_url)
    org_repo = parts.path.strip("/").split("/")
    if not (parts.scheme and parts.netloc and len(org_repo) == 2 and all(org_repo)):
        shown = repr(repository_url) if repository_url else "empty"
        raise LaunchConfigError(f"repository.url (needed by {needed_by}) must be the course's repository, "
                                f"such as https://github.com/ORG/REPO; it is {shown}")
    if not branch:
        raise LaunchConfigError(f"repository.branch (needed by {needed_by}) is empty")
    interface = launch_buttons.get("notebook_interface", "classic")
    if interface not in INTERFACES:
        raise LaunchConfigError(f"launch_buttons.notebook_interface must be one of {', '.join(INTERFACES)}, "
                                f"not {interface!r}")
    return Notebook(f"{parts.scheme}://{parts.netloc}", *org_repo, branch, path, INTERFACES[interface])


def launch_links(launch_buttons: dict, repository_url: str, branch: str, path: str) -> list:
    """[(service, url)] opening the notebook at ``path`` (relative to the
    repository root) on each service whose URL ``launch_buttons`` sets, in
    the order JupyterHub, Binder, Colab. Raises LaunchConfigError when a
    service is set but the repository settings cannot serve it."""
    services = [(key, label, link) for key, label, link in SERVICES if launch_buttons.get(key)]
    if not services:
        return []
    needed_by = ", ".join(f"launch_buttons.{key}" for key, _, _ in services)
    notebook = _notebook(launch_buttons, repository_url, branch, path, needed_by)
    return [(label, link(launch_buttons[key].rstrip("/"), notebook)) for key, label, link in services]


def _download_link(docname: str, target: str) -> nodes.Node:
    """What the ``{download}`` role makes: Sphinx copies the file into _downloads/."""
    return addnodes.download_reference("", "", nodes.Text("download the student notebook"),
                                       refdoc=docname, reftarget=target, reftype="download", refdomain="")


def _launch_sentence(links: list) -> list:
    """' You can also open it on A, B or C.', each service a link; nothing without links."""
    if not links:
        return []
    sentence = [nodes.Text(" You can also open it on ")]
    for number, (label, url) in enumerate(links):
        if number:
            sentence.append(nodes.Text(" or " if number == len(links) - 1 else ", "))
        sentence.append(nodes.reference("", label, refuri=url))
    return sentence + [nodes.Text(".")]


class launch_slot(nodes.Inline, nodes.Element):
    """Where the launch links go, in the doctree of a page until it is written."""


class StudentNotebook(SphinxDirective):
    """The paragraph offering a chapter's student notebook (the argument, relative to the page)."""

    required_arguments = 1

    def run(self):
        target = self.arguments[0]
        paragraph = nodes.paragraph("", "", classes=["student-notebook"])
        slot = launch_slot(path=self.env.relfn2path(target)[0])   # relative to the source folder
        for node in paragraph, slot:
            self.set_source_info(node)
        paragraph += [nodes.Text("To work on it in JupyterLab, "), _download_link(self.env.docname, target),
                      nodes.Text(" (or clone the course and run "), nodes.literal("", "./course lab"),
                      nodes.Text("); its first cell says how it is graded."), slot]
        return [paragraph]


def _configured_links(options: dict, slot: launch_slot) -> list:
    """The launch links the theme options configure; a misconfiguration is a warning and gives none."""
    path = posixpath.join(options.get("path_to_docs", "").strip("/"), slot["path"])
    try:
        return launch_links(options.get("launch_buttons", {}), options.get("repository_url", ""),
                            options.get("repository_branch", ""), path)
    except LaunchConfigError as error:
        logger.warning(f"launch links of the student notebook (book/_config.yml): {error}", location=slot)
        return []


def fill_launch_slots(app, doctree, docname):
    for slot in list(doctree.findall(launch_slot)):
        slot.replace_self(_launch_sentence(_configured_links(app.config.html_theme_options, slot)))


def setup(app):
    app.add_directive("student-notebook", StudentNotebook)
    app.connect("doctree-resolved", fill_launch_slots)
    # env_version: the stored doctrees hold launch_slot nodes
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
