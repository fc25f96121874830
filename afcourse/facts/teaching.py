"""Which facts each chapter of the book teaches, derived from the chapter's citations.

A chapter cites its sources as ``[Aliyev 2020, ¶17](...)`` (or ``¶¶17, 19`` and ``¶¶17-19``);
a fact is taught by a chapter when the chapter cites a paragraph that the fact cites. The
result is package data (``taught.json``) so that an installed package without the book still
knows it; :func:`taught_facts` reads it, and ``python -m afcourse.facts.teaching BOOK_CHAPTERS``
rewrites it from the chapters (a test recomputes it and fails when the two differ).
"""

from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path

from afcourse.common.fileio import write_atomic
from afcourse.facts.factbase import FactBase, load_facts

TAUGHT_FILE = "taught.json"
_CITATION = re.compile(r"\[([^\[\]]+?) (\d{4}), ¶¶?([\d ,\-\u2013]+)\]")


def source_labels(base: FactBase) -> dict[str, str]:
    """"Aliyev 2020" -> aliyev-2020: the visible label a chapter uses for each source."""
    return {f"{s.author.split(' (')[0].split()[-1]} {s.date.year}": s.id for s in base.sources.values()}


def _paragraphs(spec: str) -> set[int]:
    found: set[int] = set()
    for part in spec.split(","):
        bounds = [int(n) for n in re.split(r"[-\u2013]", part.strip()) if n.strip()]
        if bounds:
            found.update(range(bounds[0], bounds[-1] + 1))
    return found


def cited_paragraphs(text: str, labels: dict[str, str]) -> set[tuple[str, int]]:
    """Every (source id, paragraph) a chapter's text cites; unknown labels raise ValueError."""
    cited: set[tuple[str, int]] = set()
    for author, year, spec in _CITATION.findall(text):
        label = f"{author.split()[-1]} {year}"
        if label not in labels:
            raise ValueError(f"unknown source label {label!r} in a citation")
        cited.update((labels[label], n) for n in _paragraphs(spec))
    return cited


def chapter_id(path: Path, base: FactBase) -> str:
    """The chapter id of a chapter file such as ``03-moscow-format.md``."""
    chapter = re.sub(r"^\d+-", "", path.stem)
    if chapter not in base.chapters:
        raise ValueError(f"{path.name}: no chapter {chapter!r} in chapters.yaml")
    return chapter


def compute_taught(base: FactBase, chapters_dir: str | Path) -> dict[str, list[str]]:
    """Chapter id -> ids of the chapter's own facts that cite a paragraph the chapter's text cites."""
    labels = source_labels(base)
    taught: dict[str, list[str]] = {}
    for path in sorted(Path(chapters_dir).glob("*.md")):
        chapter = chapter_id(path, base)
        cited = cited_paragraphs(path.read_text(encoding="utf-8"), labels)
        taught[chapter] = sorted(f.id for f in base.in_chapter(chapter)
                                 if any((c.source, c.paragraph) in cited for c in f.citations))
    return taught


@lru_cache(maxsize=1)
def taught_facts() -> dict[str, frozenset[str]]:
    """Chapter id -> the fact ids its text teaches, as recorded in the package's ``taught.json``."""
    data = json.loads((resources.files("afcourse") / "facts" / TAUGHT_FILE).read_text(encoding="utf-8"))
    return {chapter: frozenset(ids) for chapter, ids in data.items()}


def dump_taught(taught: dict[str, list[str]]) -> str:
    """The canonical text of ``taught.json``."""
    return json.dumps(taught, indent=1, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    """Rewrite ``taught.json`` from the book's chapter files (the one argument)."""
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m afcourse.facts.teaching BOOK_CHAPTERS_DIR", file=sys.stderr)
        return 2
    target = Path(str(resources.files("afcourse") / "facts" / TAUGHT_FILE))
    write_atomic(target, dump_taught(compute_taught(load_facts(), argv[0])), force=True)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
