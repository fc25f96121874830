"""The book builds offline with zero Sphinx warnings and names no other host."""

import re

HOST_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


def test_book_builds_without_warnings(built_book):
    pages = sorted(p.relative_to(built_book).as_posix() for p in built_book.rglob("*.html"))
    for expected in ("intro.html", "sources.html", "timeline.html", "map.html", "whos-who.html", "instructor-guide.html",
                     *(f"chapters/0{n}-{name}.html" for n, name in enumerate(
                         ["history", "interests", "moscow-format", "taliban", "us-relations", "after-2021"], 1))):
        assert expected in pages


def test_no_page_loads_anything_from_another_host(built_book):
    offenders = {}
    for page in built_book.rglob("*.html"):
        found = HOST_REFERENCE.findall(page.read_text(encoding="utf-8"))
        if found:
            offenders[page.name] = found[:3]
    assert offenders == {}


def test_generated_pages_list_every_dated_event(built_book):
    from afcourse import load_facts

    timeline = (built_book / "timeline.html").read_text(encoding="utf-8")
    for event in load_facts().of_kind("event"):
        assert event.id in timeline or event.statement.split()[0] in timeline
