"""The book builds offline with zero Sphinx warnings, loads nothing from another host, and its
citations all lead to a paragraph's anchor on the Sources page."""

import re
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin

HOST_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
CITATION_TEXT = re.compile(r"^[A-Z][\w.-]*(?: [A-Z][\w.-]*)* \d{4}, \u00b6\u00b6?\d")


class Links(HTMLParser):
    """Every <a href> of a page with its text, and every id on it."""

    def __init__(self):
        super().__init__()
        self.links, self.ids, self._open = [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a":
            self._open.append([attrs.get("href") or "", ""])

    def handle_data(self, data):
        for link in self._open:
            link[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self.links.append(tuple(self._open.pop()))


def parse(path):
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_book_builds_without_warnings(built_book):
    pages = sorted(p.relative_to(built_book).as_posix() for p in built_book.rglob("*.html"))
    for expected in ("intro.html", "sources.html", "timeline.html", "map.html", "whos-who.html", "instructor-guide.html",
                     *(f"chapters/0{n}-{name}.html" for n, name in enumerate(
                         ["history", "interests", "moscow-format", "taliban", "us-relations", "after-2021"], 1))):
        assert expected in pages


def test_no_page_loads_anything_from_another_host(built_book):
    from afcourse import load_facts

    # the one kind of link off the machine: a source's public address on the Sources page
    addresses = {s.address for s in load_facts().sources.values() if s.address}
    offenders = {}
    for page in built_book.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for url in addresses:
            text = text.replace(f'<a href="{url}">', "<a>")
        found = HOST_REFERENCE.findall(text)
        if found:
            offenders[page.name] = found[:3]
    assert offenders == {}
    assert any(f'href="{url}"' in (built_book / "sources.html").read_text(encoding="utf-8") for url in addresses)


def test_every_citation_links_to_a_paragraph_anchor_on_the_sources_page(built_book):
    sources = built_book / "sources.html"
    anchors = {i for i in parse(sources).ids if re.fullmatch(r"[a-z0-9-]+-\d{4}-p\d+", i)}
    assert len(anchors) > 100
    citations, wrong = 0, []
    for page in sorted(built_book.rglob("*.html")):
        if page.relative_to(built_book).parts[0].startswith("_"):
            continue
        for href, text in parse(page).links:
            text = " ".join(text.split())
            if not CITATION_TEXT.match(text):
                continue
            citations += 1
            target = urljoin(page.as_uri(), href)
            path, _, fragment = target.partition("#")
            source_id = re.match(r"^([A-Za-z.]+) (\d{4})", text)
            if unquote(path) != sources.as_uri() or fragment not in anchors:
                wrong.append(f"{page.name}: {text} -> {href}")
            elif not fragment.startswith(source_id.group(1).lower().split(".")[0]):
                wrong.append(f"{page.name}: {text} -> {href} (another source)")
            elif f"\u00b6{fragment.rsplit('-p', 1)[1]}" not in text.replace("\u00b6\u00b6", "\u00b6"):
                wrong.append(f"{page.name}: {text} -> {href} (another paragraph)")
    assert wrong == []
    assert citations > 300  # chapters, the map, the timeline, who's who and the Sources page's index


def test_each_chapter_shows_a_generated_figure_with_alt_text_and_caption(built_book):
    for page in sorted((built_book / "chapters").glob("0*.html")):
        text = page.read_text(encoding="utf-8")
        figures = re.findall(r"<figure.*?</figure>", text, re.S)
        assert figures, page.name
        for figure in figures:
            img = re.search(r'<img alt="([^"]{40,})" src="\.\./_images/[0-9a-f]+\.svg"', figure)
            assert img, (page.name, figure[:300])
            assert "<figcaption" in figure


def test_generated_pages_list_every_dated_event(built_book):
    from afcourse import load_facts

    timeline = (built_book / "timeline.html").read_text(encoding="utf-8")
    for event in load_facts().of_kind("event"):
        assert event.id in timeline or event.statement.split()[0] in timeline
