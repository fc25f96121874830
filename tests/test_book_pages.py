"""Every page of the built book, opened from file:// in Chromium: no errors, no request off the machine."""

from conftest import ARTIFACTS
from playwright.sync_api import Error as PlaywrightError


def save_screenshot(page, path) -> None:
    """Save a screenshot; headless chromium now and then refuses a capture, so try twice."""
    try:
        page.screenshot(path=str(path))
    except PlaywrightError:
        page.wait_for_timeout(300)
        page.screenshot(path=str(path))


def test_every_page_loads_cleanly(built_book, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, off_machine, failed = [], [], []
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.on("request", lambda r: r.url.startswith(("file:", "data:", "blob:")) or off_machine.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    pages = sorted(p for p in built_book.rglob("*.html") if not p.relative_to(built_book).parts[0].startswith("_"))
    assert len(pages) >= 11
    for html in pages:
        page.goto(html.as_uri())
        if html.name == "index.html" and html.parent == built_book:
            page.wait_for_url("**/intro.html")  # the front door redirects to the first page
        page.wait_for_load_state("load")
        assert page.title(), html
        name = html.relative_to(built_book).as_posix().replace("/", "_").removesuffix(".html")
        save_screenshot(page, ARTIFACTS / f"book-{name}.png")
    assert errors == []
    assert off_machine == []
    assert failed == []


def test_citation_links_reach_the_sources_page(built_book, browser):
    page = browser.new_page()
    page.goto((built_book / "chapters" / "04-taliban.html").as_uri())
    link = page.locator("a[href*='sources.html#']").first
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"sources.html#{target}")
    assert page.locator(f"[id='{target}']").count() == 1


def test_timeline_table_filters(built_book, browser):
    page = browser.new_page()
    page.goto((built_book / "timeline.html").as_uri())
    rows = page.locator("table tbody tr")
    total = rows.count()
    assert total >= 40
    search = page.locator("input.af-filter")
    search.fill("Stoletov")
    page.wait_for_timeout(200)
    visible = [r for r in rows.all() if r.is_visible()]
    assert 1 <= len(visible) < total
    assert all("Stoletov" in r.inner_text() for r in visible)


CHAPTERS = ["history", "interests", "moscow-format", "taliban", "us-relations", "after-2021"]


def test_every_chapter_ends_with_its_own_working_quiz(built_book, browser):
    import html as htmllib
    import json

    from conftest import ROOT

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for number, chapter in enumerate(CHAPTERS, 1):
        path = built_book / "chapters" / f"0{number}-{chapter}.html"
        text = path.read_text(encoding="utf-8")
        assert text.count('<div class="afq"') == 1, chapter
        assert "widget-state+json" not in text and "show_quiz" not in text, chapter
        quiz = json.loads((ROOT / "quizzes" / chapter / "quiz.json").read_text(encoding="utf-8"))
        first = quiz["variants"][0]["questions"][0]
        assert htmllib.escape(first["stem"], quote=False)[:60] in text, chapter

        page.goto(path.as_uri())
        widget = page.locator("div.afq")
        block = widget.locator(".afq-q").first
        choices, fields, menus = (block.locator(s) for s in ("input[type=radio], input[type=checkbox]",
                                                             "input[type=text], input[type=number]", "select"))
        if choices.count():
            choices.first.check()
        elif fields.count():
            fields.first.fill("1900")
        for menu in menus.all():  # matching: any option but the placeholder
            menu.select_option(index=1)
        # an ordering question is answered as it stands
        block.get_by_role("button", name="Check answer").click()
        verdict = block.locator(".afq-verdict")
        verdict.wait_for()
        assert verdict.inner_text().startswith(("Correct", "Not quite")), chapter
        assert "1 of" in widget.locator(".afq-score").inner_text()
