"""Every chapter page offers its notebook: ``_sources/chapters/<chapter>.ipynb``, built with the book.

The chapters are MyST Markdown notebooks (``.md`` with a kernelspec). For a student who
opens a chapter in JupyterLab, this extension writes each chapter as a plain ``.ipynb``
(read with jupytext, no outputs) and puts it in the page's download menu (the theme's
``.ipynb`` entry). In that notebook:

- a citation ``[Aliyev 2020, ¶17](aliyev-2020-p17)`` links to its paragraph on the book's
  Sources page, and a link to another page of the book to that page, at the book's
  published address (``html.baseurl`` in _config.yml). When the configuration names none,
  the book is the local build (``file://.../_build/html``), which JupyterLab will not open
  from a notebook (its Markdown refuses ``file:`` links): the citation is then plain text,
  ``(Aliyev 2020, ¶17)``, and the first cell names the local Sources page. Never a
  relative link that would be dead;
- a figure drawn by a hidden code cell (which needs the book's ``_ext`` folder) becomes
  a Markdown cell with the figure's caption and a link to it in the book;
- a first cell says how to use the notebook.

- the ``{objectives}`` directive, which only the book knows, becomes the "Learning objectives"
  admonition it renders in the book, read from the same data.

Other MyST directives (admonitions) stay as written: JupyterLab renders them with the
jupyterlab-myst extension of the ``students`` install. The notebooks are written when the
build has finished, so they replace the executed copies the theme's launch buttons put
in ``_sources``.
"""

from __future__ import annotations

import re
from pathlib import Path

CHAPTERS = "chapters/"
_CITE = re.compile(r"\]\(([a-z0-9][a-z0-9-]*-p\d+)\)")
_PAGE = re.compile(r"\]\((\.\./)?([a-z0-9][a-z0-9-]*)\.md(#[^)]*)?\)")
INTRO = ("*This notebook is a chapter of the course book, built with it. Run it with **Run > Run All Cells**: "
         "the self-check quiz at the end keeps your answers in a file beside this notebook "
         "(`afcourse-selfcheck-<chapter>.json`), so a kernel restart loses nothing.*")


def book_base(app) -> str:
    """The book's root address: its published ``html_baseurl``, else the local build's ``file://`` URI."""
    published = str(getattr(app.config, "html_baseurl", "") or "").rstrip("/")
    return published or Path(app.outdir).resolve().as_uri()


_OBJECTIVES = re.compile(r"```\{objectives\}\s+([a-z0-9-]+)\s*\n```")


def _objectives_box(match) -> str:
    """The admonition the ``{objectives}`` directive renders in the book, as MyST for a notebook."""
    from objectives import INTRO, _base

    statements = [f"- {o.statement}" for o in _base().objectives_of(match.group(1))]
    return "\n".join(["```{admonition} Learning objectives", ":class: tip", "", INTRO, "", *statements, "```"])


_CITE_TEXT = re.compile(r"\[([^\[\]]+)\]\(([a-z0-9][a-z0-9-]*-p\d+)\)")
_PAGE_TEXT = re.compile(r"\[([^\[\]]+)\]\((\.\./)?([a-z0-9][a-z0-9-]*)\.md(#[^)]*)?\)")


def _links(text: str, base: str, folder: str) -> str:
    if not base.startswith(("http://", "https://")):  # a file: link is refused in a notebook: plain text
        text = _CITE_TEXT.sub(lambda m: f"({m.group(1)})", text)
        return _PAGE_TEXT.sub(lambda m: f"{m.group(1)} (in the book)", text)
    text = _CITE.sub(lambda m: f"]({base}/sources.html#{m.group(1)})", text)

    def page(m):
        doc = m.group(2) if m.group(1) else f"{folder}{m.group(2)}"
        return f"]({base}/{doc}.html{m.group(3) or ''})"

    return _PAGE.sub(page, text)


def chapter_notebook(source: Path, base: str, page_url: str):
    """The chapter at ``source`` as an nbformat notebook for students (see the module's docstring)."""
    import jupytext
    import nbformat

    nb = jupytext.read(source, fmt="md:myst")
    nb.metadata.pop("jupytext", None)
    where = " Links go to the book." if base.startswith(("http://", "https://")) else \
        f" The book, with its Sources page, is at `{base}/sources.html`: open it in your browser."
    cells = [nbformat.v4.new_markdown_cell(INTRO + where)]
    for cell in nb.cells:
        figure = (cell.metadata.get("mystnb") or {}).get("figure") if cell.cell_type == "code" else None
        if figure:
            caption = " ".join(str(figure.get("caption", "")).split())
            anchor = f"#{figure['name']}" if figure.get("name") else ""
            see = f"[See the figure in the book]({page_url}{anchor})." if page_url.startswith("http") else \
                "The figure is on this chapter's page in the book."
            cell = nbformat.v4.new_markdown_cell(f"**Figure.** {_links(caption, base, CHAPTERS)} {see}")
        elif cell.cell_type == "markdown":
            cell.source = _links(_OBJECTIVES.sub(_objectives_box, cell.source), base, CHAPTERS)
        cells.append(cell)
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def _offer(app, pagename, templatename, context, doctree):
    if pagename.startswith(CHAPTERS) and "kernelspec" in app.env.metadata.get(pagename, {}):
        context["ipynb_source"] = pagename + ".ipynb"  # the theme's download menu links _sources/<page>.ipynb


def _write(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    import nbformat

    base = book_base(app)
    for docname in sorted(app.env.found_docs):
        if not docname.startswith(CHAPTERS) or "kernelspec" not in app.env.metadata.get(docname, {}):
            continue
        nb = chapter_notebook(Path(app.env.doc2path(docname)), base, f"{base}/{docname}.html")
        target = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(target))


def setup(app):
    app.connect("html-page-context", _offer, priority=400)
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
