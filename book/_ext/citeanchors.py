"""Make every cited paragraph a link target: ``[Aliyev 2020, ¶17](aliyev-2020-p17)``.

The Sources page writes one anchor per cited paragraph (``id="aliyev-2020-p17"``) from
a hidden code cell, which Sphinx cannot see. This extension registers the same ids
as labels of the Sources page, computed the same way (the facts' citations plus the
citations in the chapters' text, :func:`factpages.cited_paragraphs`), so a chapter's
citation resolves to ``../sources.html#aliyev-2020-p17``, and a citation of a
paragraph that has no anchor fails the build (``--warningiserror``).

Every page also names the Sources page's address in
``<meta name="afcourse-sources" content="../sources.html">``, which the self-check
quizzes' script reads to link each citation in its feedback to its paragraph.
"""

import sys
from pathlib import Path

SOURCES_DOC = "sources"


def _register(app, env):
    sys.path.insert(0, str(Path(app.srcdir) / "_ext"))
    import factpages

    from afcourse import load_facts
    from afcourse.facts.citations import citation_label, paragraph_anchor, short_author

    base = load_facts()
    std = env.get_domain("std")
    for source_id, paragraphs in factpages.cited_paragraphs(base, factpages.chapter_citations(app.srcdir)).items():
        source = base.sources[source_id]
        for paragraph in paragraphs:
            anchor = paragraph_anchor(source_id, paragraph)
            title = citation_label(short_author(source.author), source.date.year, [paragraph])
            std.anonlabels[anchor] = (SOURCES_DOC, anchor)
            std.labels[anchor] = (SOURCES_DOC, anchor, title)
    return []


def _name_sources_page(app, pagename, templatename, context, doctree):
    href = context["pathto"](SOURCES_DOC)
    context["metatags"] = context.get("metatags", "") + f'\n<meta name="afcourse-sources" content="{href}">'


def setup(app):
    app.connect("env-updated", _register)
    app.connect("html-page-context", _name_sources_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
