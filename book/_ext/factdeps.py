"""Rebuild the pages generated from the fact base whenever the facts change.

Sphinx re-reads a page only when its own source changed, and the notebook
execution cache is keyed on a page's code alone. Pages whose code uses the fact
base (pages with code cells that mention ``afcourse`` or ``factpages``) are therefore recorded as
depending on every fact file, on the facts folder itself (so that adding or
removing a file counts), on the page and figure generators, and on the chapters
(the Sources page indexes the paragraphs they cite); Sphinx then re-reads them when
any of those changes. ``make book`` clears the execution cache when those files
change, so the re-read pages also run their code again.
"""

from pathlib import Path

_MARKERS = ("afcourse", "factpages")


def _dependencies(app):
    from afcourse.facts.factbase import default_directory

    facts = Path(default_directory())
    book = Path(app.srcdir)
    paths = [facts, *sorted(facts.glob("*.yaml")), *sorted((book / "_ext").glob("*.py")),
             *sorted((book / "chapters").glob("*.md"))]
    return [str(p) for p in paths if p.exists()]


def _note(app, docname, source):
    text = source[0]
    if "{code-cell}" in text and any(marker in text for marker in _MARKERS):
        for path in _dependencies(app):
            app.env.note_dependency(path)


def setup(app):
    app.connect("source-read", _note)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
