"""Every page of the built book, read as a student would: desktop and phone, light and dark.

Each page is opened from file:// in Chromium at 1280 and 390 px wide, in the theme's
light and dark colour modes (one browser context per size and mode). On every page:
no console error, no request off the machine, no horizontal scrolling, and axe-core
finds no serious or critical accessibility violation. A screenshot of each is saved
in test-artifacts/.
"""

import pytest
from conftest import ARTIFACTS, axe_violations
from playwright.sync_api import Error as PlaywrightError

VIEWS = [(1280, "light"), (1280, "dark"), (390, "light"), (390, "dark")]


def book_pages(built_book):
    return sorted(p for p in built_book.rglob("*.html") if not p.relative_to(built_book).parts[0].startswith("_"))


def save_screenshot(page, path) -> None:
    """Save a screenshot; headless chromium now and then refuses a capture, so try twice."""
    try:
        page.screenshot(path=str(path))
    except PlaywrightError:
        page.wait_for_timeout(300)
        page.screenshot(path=str(path))


@pytest.mark.parametrize(("width", "mode"), VIEWS, ids=[f"{w}px-{m}" for w, m in VIEWS])
def test_every_page_in_every_view(built_book, browser, axe_source, width, mode):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    # the theme keeps the reader's colour mode in localStorage; set it before any page script runs
    context.add_init_script(f"try {{ localStorage.setItem('mode', '{mode}'); }} catch (e) {{}}")
    # colours are judged once settled: a theme's fade caught half-way failed the contrast check now and then
    context.add_init_script("document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style');"
                            " s.textContent = '*, *::before, *::after { transition: none !important; }';"
                            " document.head.appendChild(s); });")
    page = context.new_page()
    errors, off_machine, failed = [], [], []
    # axe-core reads the page's stylesheets with XMLHttpRequest, which Chromium refuses on
    # file:// and logs as an error: what happens while axe runs is the test tool's, not the book's
    axe_running = [False]
    page.on("console", lambda m: m.type == "error" and not axe_running[0] and errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.on("request", lambda r: r.url.startswith(("file:", "data:", "blob:")) or off_machine.append(r.url))
    page.on("requestfailed", lambda r: axe_running[0] or failed.append(r.url))
    problems = {}
    pages = book_pages(built_book)
    assert len(pages) >= 12
    for html in pages:
        page.goto(html.as_uri())
        if html.name == "index.html" and html.parent == built_book:
            page.wait_for_url("**/intro.html")  # the front door redirects to the first page
        page.wait_for_load_state("load")
        name = html.relative_to(built_book).as_posix().replace("/", "_").removesuffix(".html")
        assert page.evaluate("document.documentElement.dataset.theme") == mode, name
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            problems.setdefault(name, []).append(f"scrolls sideways by {overflow}px")
        axe_running[0] = True
        violations = axe_violations(page, axe_source)
        page.wait_for_timeout(200)  # let the refused requests' messages arrive before listening again
        axe_running[0] = False
        for violation in violations:
            problems.setdefault(name, []).append(violation)
        save_screenshot(page, ARTIFACTS / f"book-{name}-{width}-{mode}.png")
    context.close()
    assert errors == []
    assert off_machine == []
    assert failed == []
    assert problems == {}


def test_timeline_opens_an_event_and_filters_by_chapter(built_book, browser):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto((built_book / "timeline.html").as_uri())
    events = page.locator(".af-tl li.af-tl-event")
    total = events.count()
    assert total >= 40
    first_round = page.locator("details#event-moscow-talks-first-round")
    first_round.locator("summary").click()  # a tap opens the event: what the course says, and its sources
    body = first_round.locator(".af-tl-body")
    assert body.is_visible()
    source = body.locator("a[href*='sources.html#']").first
    assert source.inner_text().startswith(("Aliyev 2020, ¶", "GlobalSecurity.org 2021, ¶"))
    page.select_option("select.af-tl-select", "history")
    shown = [e for e in events.all() if e.is_visible()]
    assert 1 <= len(shown) < total
    assert all("history" in e.get_attribute("data-chapter").split() for e in shown)
    assert page.locator(".af-tl-wrap .af-count").inner_text() == f"{len(shown)} of {total} entries shown"
    page.check("input.af-tl-contested")
    assert all("af-contested" in e.get_attribute("class") for e in events.all() if e.is_visible())
    # a link to an event opens it
    page.goto((built_book / "timeline.html").as_uri() + "#event-moscow-talks-first-round")
    assert page.locator("details#event-moscow-talks-first-round").get_attribute("open") is not None
    context.close()
