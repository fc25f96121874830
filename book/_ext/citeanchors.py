"""Make every cited paragraph a link target: ``[Aliyev 2020, ¶17](aliyev-2020-p17)``.

The Sources page writes one anchor per cited paragraph (``id="aliyev-2020-p17"``) from
a hidden code cell, which Sphinx cannot see. This extension registers the same ids
as labels of the Sources page, computed the same way (the facts' citations plus the
citations in the chapters' text, :func:`factpages.cited_paragraphs`), so a chapter's
citation resolves to ``../sources.html#aliyev-2020-p17``, and a citation of a
paragraph that has no anchor fails the build (``--warningiserror``).

A citation of several paragraphs (``[Aliyev 2020, ¶¶4, 7](aliyev-2020-p4)``) becomes one link
per paragraph when the page is written: "Aliyev 2020, ¶¶4" to ¶4 and "7" to ¶7, so every
paragraph a citation names can be reached from it.

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


def _split_citations(app, doctree, docname):
    """Give each paragraph of a multi-paragraph citation its own link."""
    import re

    from docutils import nodes

    from afcourse.facts.citations import LABEL, label_paragraphs

    for ref in list(doctree.findall(nodes.reference)):
        text = ref.astext()
        label = LABEL.fullmatch(text.strip())
        uri = ref.get("refuri", "")
        target = re.fullmatch(r"(?P<page>.*#)(?P<source>[a-z0-9-]+)-p\d+", uri)
        if not label or not target or len(label_paragraphs(label["paras"])) < 2:
            continue
        head = text[:label.start("paras")]
        parts = re.split(r"(\s*[,\-\u2013]\s*)", label["paras"])
        new = []
        for i, part in enumerate(parts):
            if i % 2:  # a separator; a range with paragraphs inside it is written out in full
                inner = range(int(parts[i - 1]) + 1, int(parts[i + 1])) if part.strip() in ("-", "\u2013") else []
                if inner:
                    for paragraph in inner:
                        new += [nodes.Text(", "), _link(ref, target, paragraph, str(paragraph))]
                    new.append(nodes.Text(", "))
                else:
                    new.append(nodes.Text(part.replace("-", "\u2013")))
                continue
            shown = (head + part) if i == 0 else part
            new.append(_link(ref, target, int(part), shown))
        ref.replace_self(new)


def _link(ref, target, paragraph: int, shown: str):
    from docutils import nodes

    link = nodes.reference("", shown, internal=True, refuri=f"{target['page']}{target['source']}-p{paragraph}")
    link["classes"] = list(ref.get("classes", []))
    return link


def _name_sources_page(app, pagename, templatename, context, doctree):
    href = context["pathto"](SOURCES_DOC)
    context["metatags"] = context.get("metatags", "") + f'\n<meta name="afcourse-sources" content="{href}">'


def setup(app):
    app.connect("env-updated", _register)
    app.connect("doctree-resolved", _split_citations)
    app.connect("html-page-context", _name_sources_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
