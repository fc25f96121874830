"""The built book in Chromium, from file://: citations, the events table and every chapter's quiz.

Every page at every size and colour mode is visited by tests/test_book_browser.py.
"""


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
        stem = first["stem"].split('"')[0]  # quotation marks are escaped differently in the page's data
        assert len(stem) >= 20 and htmllib.escape(stem, quote=False)[:60] in text, chapter

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
