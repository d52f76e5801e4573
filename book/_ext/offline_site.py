"""Keep the website offline and free of console errors.

Jupyter Book 1 always loads sphinx-thebe, which adds (twice, under Jupyter
Book's build) an inline script declaring ``const THEBE_JS_URL`` — a CDN
address — and a loader script. The course does not offer Thebe's live code,
so both are dropped from every page.

The theme (pydata-sphinx-theme) logs "Got invalid theme mode" on a reader's
first visit: its page template starts from a ``default_mode`` that nothing
sets. Every page gets the reader's system setting, "auto".
"""


def _is_thebe(script) -> bool:
    filename = getattr(script, "filename", "") or ""
    body = getattr(script, "attributes", {}).get("body", "") or ""
    return "sphinx-thebe" in filename or "THEBE_JS_URL" in body


def drop_thebe_scripts(app, pagename, templatename, context, doctree):
    context["script_files"] = [s for s in context.get("script_files", []) if not _is_thebe(s)]


def default_colour_mode(app, pagename, templatename, context, doctree):
    context.setdefault("default_mode", "auto")


def setup(app):
    app.connect("html-page-context", drop_thebe_scripts, priority=900)
    app.connect("html-page-context", default_colour_mode)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
