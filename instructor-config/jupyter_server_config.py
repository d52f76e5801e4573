"""The instructor's Jupyter server (``./course formgrader``): JupyterLab with
nbgrader's formgrader on the course directory, nothing fetched from the
internet.

It opens on the formgrader (``/formgrader``: the URL the server prints),
fetches no news, checks for no updates and queries no extension index. The
formgrader's pages load MathJax from this server (the copy the pinned
sphinx-mathjax-offline ships, served under /static/mathjax/) instead of a
CDN: see nbconvert/templates/classic/mathjax.html.j2 here.
"""
from importlib.metadata import distribution

c = get_config()  # noqa: F821 (provided by traitlets when Jupyter loads this file)

c.LabApp.default_url = "/formgrader"
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"
c.ServerApp.extra_static_paths = [
    str(distribution("sphinx-mathjax-offline").locate_file("sphinx-mathjax-offline/static"))]
