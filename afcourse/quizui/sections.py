"""Where a self-check hint sends the student: the chapter section that teaches the item.

Each section of a chapter (``##`` and ``###`` headings) cites source paragraphs in its
text; an item's key cites paragraphs too. The hint names the section whose citations
cover most of the item's cited paragraphs (the item's own chapter first), never a
paragraph: for a which-source item the paragraph's citation would name the answer.

The sections are package data (``sections.json``), so an installed package without the
book still knows them; ``python -m afcourse.quizui.sections BOOK_DIR`` rewrites the file
from the chapters and the book's ``_config.yml`` (its ``html.baseurl``, the published
address that notebook hints and citations link to; empty when the book names none), and
a test recomputes it and fails when the two differ.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

SECTIONS_FILE = "sections.json"
_HEADING = re.compile(r"^(#{2,3}) +(.+?) *$")
_SKIPPED = {"key takeaways", "discussion questions", "self-check quiz"}


@dataclass(frozen=True)
class Section:
    """One section of a chapter: its heading, the heading's anchor, the page it is on."""

    chapter: str
    title: str
    anchor: str
    doc: str  # the chapter's page, from the book's root without suffix: chapters/04-taliban
    cited: frozenset[str]  # "source-id:paragraph"


def heading_anchor(title: str) -> str:
    """The id Sphinx gives a heading (docutils' ``make_id``): ``hostility-the-1990s-to-the-mid-2010s``."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return re.sub(r"^[^a-z]+", "", text)


def chapter_sections(text: str, chapter: str, doc: str, labels: dict[str, str]) -> list[dict]:
    """The sections of one chapter's MyST text, each with the paragraphs its text cites."""
    from afcourse.facts.teaching import cited_paragraphs

    sections: list[dict] = []
    current: dict | None = None
    body: list[str] = []
    fenced = False

    def close():
        if current is not None:
            cited = cited_paragraphs("\n".join(body), labels)
            current["cited"] = sorted(f"{s}:{p}" for s, p in cited)
            if current["cited"]:
                sections.append(current)

    for line in text.splitlines():
        if not fenced and line.startswith(("```", ":::")):
            fenced = True
        elif fenced and line.strip() in ("```", ":::"):
            fenced = False
        match = None if fenced else _HEADING.match(line)
        if match and match.group(2).lower() not in _SKIPPED:
            close()
            title = match.group(2)
            current, body = {"chapter": chapter, "title": title, "anchor": heading_anchor(title), "doc": doc}, []
        elif match:
            close()
            current, body = None, []
        else:
            body.append(line)
    close()
    return sections


def compute_sections(book_dir: str | Path) -> dict:
    """Every chapter's cited sections, and the book's published address, from the book's sources."""
    import yaml

    from afcourse.facts.factbase import load_facts
    from afcourse.facts.teaching import chapter_id, source_labels

    book = Path(book_dir)
    base = load_facts()
    labels = source_labels(base)
    sections: list[dict] = []
    for path in sorted((book / "chapters").glob("*.md")):
        doc = f"chapters/{path.stem}"
        sections += chapter_sections(path.read_text(encoding="utf-8"), chapter_id(path, base), doc, labels)
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8")) or {}
    book_url = str(((config.get("html") or {}).get("baseurl")) or "").rstrip("/")
    return {"book_url": book_url, "sections": sections}


def dump_sections(data: dict) -> str:
    """The canonical text of ``sections.json``."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def _data() -> dict:
    try:
        return json.loads((resources.files("afcourse.quizui") / SECTIONS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"book_url": "", "sections": []}


def book_url() -> str:
    """The book's published address (``html.baseurl`` in its configuration), or ``""``."""
    return _data().get("book_url", "")


def all_sections() -> list[Section]:
    return [Section(s["chapter"], s["title"], s["anchor"], s["doc"], frozenset(s["cited"])) for s in _data()["sections"]]


def section_for(chapter: str, cited: list[tuple[str, int]], sections: list[Section] | None = None) -> Section | None:
    """The section that best covers the ``cited`` (source, paragraph) pairs, the item's own chapter first.

    Most pairs covered wins; on a tie the item's chapter, then the earlier section. None
    when no section cites any of them.
    """
    wanted = {f"{s}:{p}" for s, p in cited}
    best, best_rank = None, None
    for order, section in enumerate(all_sections() if sections is None else sections):
        covered = len(wanted & section.cited)
        if not covered:
            continue
        rank = (covered, section.chapter == chapter, -order)
        if best_rank is None or rank > best_rank:
            best, best_rank = section, rank
    return best


def section_href(section: Section, base: str) -> str:
    """The section's address under ``base`` (the book's root, ending without a slash)."""
    return f"{base}/{section.doc}.html#{section.anchor}"


def main(argv: list[str]) -> int:
    """Rewrite ``sections.json`` from the book folder (the one argument)."""
    from afcourse.common.fileio import write_atomic

    if len(argv) != 1 or not (Path(argv[0]) / "chapters").is_dir():
        print("usage: python -m afcourse.quizui.sections BOOK_DIR", file=sys.stderr)
        return 2
    target = Path(str(resources.files("afcourse.quizui") / SECTIONS_FILE))
    write_atomic(target, dump_sections(compute_sections(argv[0])), force=True)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
