"""How the course cites a source: one label and one address per cited paragraph.

Every place that shows a citation (chapters, generated book pages, quiz feedback,
grading feedback) words it the same way, ``Aliyev 2020, ¶19`` or
``Aliyev 2020, ¶¶19, 23``, and links it to the paragraph's anchor on the book's
Sources page, ``sources.html#aliyev-2020-p19``.
"""

from __future__ import annotations

import re

SOURCES_PAGE = "sources.html"

#: A citation label as the chapters write it: "Aliyev 2020, ¶17", "GlobalSecurity.org 2021, ¶¶25-26".
LABEL = re.compile(r"(?P<name>[A-Z][\w.\-]*(?: [A-Z][\w.\-]*)*) (?P<year>\d{4}), (?P<mark>¶¶?)(?P<paras>\d+(?:[-\u2013, ]+\d+)*)")


def short_author(author: str) -> str:
    """The name a label uses: a person's surname, an organisation's name ('GlobalSecurity.org')."""
    author = author.split(" (")[0].strip()
    return author if "." in author or " " not in author else author.split()[-1]


def paragraph_anchor(source_id: str, paragraph: int) -> str:
    """The id of one cited paragraph on the Sources page: ``aliyev-2020-p19``."""
    return f"{source_id}-p{int(paragraph)}"


def citation_href(source_id: str, paragraph: int, prefix: str = "") -> str:
    """Address of a paragraph's anchor, relative to the book's root plus ``prefix`` ('../' from a chapter)."""
    return f"{prefix}{SOURCES_PAGE}#{paragraph_anchor(source_id, paragraph)}"


def paragraph_mark(paragraphs) -> str:
    """``¶19`` or ``¶¶19, 23``."""
    numbers = sorted(dict.fromkeys(int(p) for p in paragraphs))
    mark = "\u00b6\u00b6" if len(numbers) > 1 else "\u00b6"
    return mark + ", ".join(str(n) for n in numbers)


def citation_label(name: str, year: int | str | None, paragraphs) -> str:
    """``Aliyev 2020, ¶19`` or ``Aliyev 2020, ¶¶19, 23`` (no year when it is unknown)."""
    who = f"{name} {year}" if year else name
    return f"{who}, {paragraph_mark(paragraphs)}"


def label_paragraphs(paras: str) -> list[int]:
    """The paragraph numbers a label names: '19' -> [19]; '25-26' -> [25, 26]; '26, 28' -> [26, 28]."""
    numbers: list[int] = []
    for part in re.split(r"\s*,\s*", paras.strip()):
        bounds = re.split(r"\s*[-\u2013]\s*", part)
        if len(bounds) == 2:
            numbers.extend(range(int(bounds[0]), int(bounds[1]) + 1))
        elif part:
            numbers.append(int(part))
    return numbers
