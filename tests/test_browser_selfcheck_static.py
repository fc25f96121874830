"""The book's static self-check: per-option feedback, first-attempt score, a hint that links its section.

Two pages in headless Chromium from file:// (no kernel, no network): a standalone quiz page
whose key carries per-option feedback (as the item families fill it), and chapter 4's page of
the built book, whose hint links the chapter section that teaches the question (a heading on
the same page), never a paragraph.
"""

from __future__ import annotations

import json

from conftest import ARTIFACTS
from test_quizui_support import QUIZ_DIR, copy_quiz

from afcourse.quizui.loading import load_self_check
from afcourse.quizui.static import write_page


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1100, "height": 1200})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                  else route.abort())
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(url)
    return context, page


def test_wrong_option_feedback_and_practice_in_the_page(browser, tmp_path):
    from playwright.sync_api import expect

    folder = copy_quiz(tmp_path, "quiz", with_key=True)
    bundle = load_self_check(folder)
    question = next(q for q in bundle.variant.questions if q.type == "single_choice")
    key = json.loads((folder / "key.json").read_text(encoding="utf-8"))
    entry = next(k for k in key["keys"] if k["id"] == question.id)
    correct = entry["key"]["correct"]
    wrong = next(c for c in question.choices if c.id != correct)
    entry["feedback"] = {wrong.id: f"{wrong.text} is a distractor: the sources name someone else."}
    (folder / "key.json").write_text(json.dumps(key), encoding="utf-8")
    page_file = write_page(folder, tmp_path / "quiz.html", self_check=True)

    context, page = open_page(browser, page_file.as_uri())
    block = page.locator(f'fieldset.afq-q[data-qid="{question.id}"]')
    block.get_by_label(wrong.text, exact=True).check()
    block.get_by_role("button", name="Check answer").click()
    feedback = block.locator(".afq-feedback")
    expect(feedback.locator(".afq-why")).to_have_text(f"{wrong.text} is a distractor: the sources name someone else.")
    expect(feedback.locator(".afq-hint")).to_contain_text(", section \u201c")
    expect(feedback.locator(".afq-hint")).not_to_contain_text("\u00b6")
    block.get_by_role("button", name="Try again").click()
    block.get_by_label(next(c.text for c in question.choices if c.id == correct), exact=True).check()
    block.get_by_role("button", name="Check answer").click()
    expect(feedback.locator(".afq-practice")).to_have_text(
        "Practice attempt, not scored: your score keeps your first attempt (0 of 1 point).")
    expect(feedback.locator(".afq-why")).to_have_count(0)
    expect(page.locator(".afq-score")).to_contain_text("Score: 0 of 8 points on first attempts (1 of 8")
    page.reload()  # kept in the browser, first attempts included
    expect(page.locator(".afq-score")).to_contain_text("Score: 0 of 8 points on first attempts (1 of 8")
    page.get_by_role("button", name="Show answer").first.click()  # shown before any check: scores 0
    expect(page.locator(".afq-score")).to_contain_text("Score: 0 of 8 points on first attempts (2 of 8")
    assert not page.errors, page.errors
    context.close()


def test_the_hint_in_the_book_links_the_section_heading(browser, built_book):
    from playwright.sync_api import expect

    context, page = open_page(browser, (built_book / "chapters" / "04-taliban.html").as_uri())
    quiz = page.locator("div.afq")
    expect(quiz).to_have_attribute("data-afq-mounted", "1")
    data = json.loads(quiz.locator("script.afq-data").text_content())
    qid, question = next((q["id"], q) for q in data["questions"] if q["type"] in ("single_choice", "true_false"))
    correct = data["keys"][qid]["key"]["correct"]
    wrong = next(c for c in question["choices"] if c["id"] != correct)
    block = page.locator(f'fieldset.afq-q[data-qid="{qid}"]')
    block.get_by_label(wrong["text"], exact=True).check()
    block.get_by_role("button", name="Check answer").click()
    link = block.locator(".afq-hint a")
    expect(link).to_have_text("Go to the section.")
    href = link.get_attribute("href")
    assert href == f"#{data['keys'][qid]['hint_section']['anchor']}"  # the heading on this very page
    heading = page.locator(f'section[id="{href[1:]}"] > h2, section[id="{href[1:]}"] > h3')
    expect(heading).to_have_count(1)
    link.click()
    expect(heading).to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)
    block.screenshot(path=str(ARTIFACTS / "book-chapter-hint.png"))
    assert not page.errors, page.errors
    context.close()
