"""Each glossary entry links back to where a chapter first uses the term.

While the chapters are read, every ``{term}`` reference gets an anchor on
its paragraph and is remembered (document, anchor); when the glossary page is
written, each entry whose term a chapter uses gains a line "First met in
<chapter>", pointing at the first use in reading order. Terms of chapters
not yet written get no line.
"""
from docutils import nodes
from sphinx import addnodes

GLOSSARY = "book/glossary"


def _uses(env) -> dict:
    if not hasattr(env, "term_uses"):
        env.term_uses = {}   # term (lower case) -> [(docname, anchor)]
    return env.term_uses


def remember_term_uses(app, doctree):
    docname = app.env.docname
    if docname == GLOSSARY:
        return
    for number, xref in enumerate(doctree.findall(addnodes.pending_xref)):
        if xref.get("reftype") != "term":
            continue
        anchor = f"term-use-{number}"
        xref.parent["ids"].append(anchor)
        _uses(app.env).setdefault(xref["reftarget"].lower(), []).append((docname, anchor))


def forget_document(app, env, docname):
    for term, uses in _uses(env).items():
        uses[:] = [use for use in uses if use[0] != docname]


def merge_uses(app, env, docnames, other):
    for term, uses in _uses(other).items():
        _uses(env).setdefault(term, []).extend(uses)


def add_backlinks(app, doctree, docname):
    if docname != GLOSSARY:
        return
    order = {name: position for position, name in enumerate(_reading_order(app))}
    for item in doctree.findall(nodes.definition_list_item):
        term = item.next_node(nodes.term)
        uses = _uses(app.env).get(term.astext().lower()) if term is not None else None
        if not uses:
            continue
        use_doc, anchor = min(uses, key=lambda use: (order.get(use[0], len(order)), int(use[1].rsplit("-", 1)[1])))
        link = nodes.reference("", "", nodes.Text(app.env.titles[use_doc].astext()), internal=True,
                               refuri=f"{app.builder.get_relative_uri(docname, use_doc)}#{anchor}")
        item.next_node(nodes.definition).append(
            nodes.paragraph("", "", nodes.emphasis("", "First met in "), link, classes=["glossary-backlink"]))


def _reading_order(app) -> list:
    """Documents in the order of the table of contents."""
    seen, pending = [], [app.config.root_doc]
    while pending:
        docname = pending.pop(0)
        if docname not in seen:
            seen.append(docname)
            pending[:0] = app.env.toctree_includes.get(docname, [])
    return seen


def setup(app):
    app.connect("doctree-read", remember_term_uses)
    app.connect("env-purge-doc", forget_document)
    app.connect("env-merge-info", merge_uses)
    app.connect("doctree-resolved", add_backlinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
