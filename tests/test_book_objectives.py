"""Each chapter page shows its learning objectives from the fact base, not from hand-written text."""

import re
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _box(html: str) -> str:
    match = re.search(r'<div class="[^"]*\baf-objectives\b[^"]*"[^>]*>(.*?)</div>', html, re.S)
    assert match, "no objectives box on the page"
    return match.group(1)


def _plain(html: str) -> str:
    """Text of an HTML fragment, with Sphinx's typographic quotes made straight again."""
    text = unescape(re.sub(r"<[^>]+>", "", html)).strip()
    return " ".join(text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")).split())


def test_every_chapter_page_lists_its_objectives_from_the_data(built_book, shipped_base):
    for chapter in shipped_base.chapters.values():
        source = (ROOT / "book" / "chapters" / f"{chapter.number:02d}-{chapter.id}.md").read_text(encoding="utf-8")
        assert f"```{{objectives}} {chapter.id}\n```" in source
        assert "{admonition} Learning objectives" not in source, "objectives are written by hand again"
        box = _box((built_book / "chapters" / f"{chapter.number:02d}-{chapter.id}.html").read_text(encoding="utf-8"))
        shown = [_plain(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", box, re.S)]
        assert shown == [o.statement for o in shipped_base.objectives_of(chapter.id)], chapter.id
        assert 4 <= len(shown) <= 6
        assert "Learning objectives" in box and "After working through this chapter you should be able to:" in box
