"""The static book: a chapter's quiz works from file:// with no kernel and no network.

Builds a small book (a copy of book/_config.yml with the quiz settings, one chapter
ending with ``show_quiz``), opens the chapter in headless Chromium, answers every
question of the seven types (some right, some wrong, some partly right) with mouse
and keyboard, and checks the feedback, the running score, the progress kept across a
reload, and that no request left the machine and no console error was logged.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT
from test_quizui_support import (FINAL_SCORE, NOTEBOOKS, PLAN, QUIZ_DIR, REVEALED, copy_quiz, find_key_leaks, load_test_quiz)


@pytest.fixture(scope="module")
def built_book(tmp_path_factory) -> Path:
    book = tmp_path_factory.mktemp("quizbook")
    shutil.copy(ROOT / "book" / "_config.yml", book / "_config.yml")  # the book's own quiz settings
    if (ROOT / "book" / "_ext").is_dir():
        shutil.copytree(ROOT / "book" / "_ext", book / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    (book / "_toc.yml").write_text("format: jb-book\nroot: chapter\nchapters:\n  - file: assessment\n",
                                   encoding="utf-8")
    shutil.copy(NOTEBOOKS / "selfcheck-chapter.md", book / "chapter.md")
    shutil.copy(NOTEBOOKS / "assessment.ipynb", book / "assessment.ipynb")
    copy_quiz(book, "quiz-allkinds")
    copy_quiz(book, "quiz-student", with_key=False)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(book), "--warningiserror", "--quiet"], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return book / "_build" / "html"


def test_built_page_carries_the_static_quiz_only(built_book):
    page = (built_book / "chapter.html").read_text(encoding="utf-8")
    assert page.count('<div class="afq"') == 1
    for absent in ("widget-view+json", "widget-state+json", "require.min.js", "embed-amd", "html-manager",
                   "jsdelivr", "cdnjs", "unpkg"):
        assert absent not in page, absent
    assert 'from afcourse import show_quiz' not in page  # the cell's input is hidden (remove-input)


def test_a_graded_quiz_page_holds_no_key(built_book):
    quiz, key = load_test_quiz()
    page = (built_book / "assessment.html").read_text(encoding="utf-8")
    assert "graded quiz of 8 questions" in page and 'class="afq"' not in page
    assert find_key_leaks(page, quiz, key) == []
    # the self-check page does carry its key (that is what lets it give feedback)
    assert find_key_leaks((built_book / "chapter.html").read_text(encoding="utf-8"), quiz, key)


def question_block(page, item_id: str):
    return page.locator(f'fieldset.afq-q[data-qid="{item_id}"]')


def answer_in_page(page, step, labels) -> None:
    block = question_block(page, step.item_id)
    if step.type in ("single_choice", "true_false"):
        block.get_by_label(labels, exact=True).check()
    elif step.type == "multiple_select":
        for label in labels:
            block.get_by_label(label, exact=True).check()
    elif step.type in ("short_answer", "numeric"):
        block.get_by_label("Your answer", exact=False).fill(labels)
    elif step.type == "ordering":
        for text, direction in step.moves:  # with the keyboard: focus the button, press Enter
            block.get_by_role("button", name=f"Move {direction}: {text}").focus()
            page.keyboard.press("Enter")
    elif step.type == "matching":
        for prompt, choice in labels.items():
            block.get_by_label(prompt, exact=True).select_option(label=choice)


def expect_feedback(block, step, explanation: str, status: str | None = None, revealed: bool = False) -> None:
    """A right answer, or a revealed one, shows the answer, explanation and sources; a first wrong one a hint."""
    from playwright.sync_api import expect

    feedback = block.locator(".afq-feedback")
    status = status or step.status
    if status == "correct" or revealed:
        expect(feedback.locator(".afq-verdict")).to_contain_text(REVEALED[status])
        expect(feedback.locator(".afq-verdict")).to_contain_text("The right answer: ")
        expect(feedback.locator(".afq-explanation")).to_have_text(explanation)
        expect(feedback.locator(".afq-citation")).to_contain_text(", \u00b6")
    else:
        expect(feedback.locator(".afq-verdict")).to_have_text(f"Not quite ({step.points:g} of 1 point).")
        expect(feedback.locator(".afq-hint")).to_contain_text("Reread chapter ")
        expect(feedback.locator(".afq-explanation")).to_have_count(0)
        expect(feedback.locator(".afq-citation")).to_have_count(0)
    expect(feedback).to_have_class(f"afq-feedback afq-{status}")
    if step.detail and status is None:
        expect(feedback.locator(".afq-detail")).to_have_text(step.detail[:1].upper() + step.detail[1:] + ".")


def test_answering_the_quiz_from_file_url(built_book, browser):
    from playwright.sync_api import expect

    _, key = load_test_quiz()
    explanations = {k.id: k.explanation for k in key.keys}
    requests, errors = [], []
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})

    def guard(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto((built_book / "chapter.html").as_uri())
    quiz = page.locator("div.afq")
    expect(quiz).to_have_attribute("data-afq-mounted", "1")
    expect(quiz.locator(".afq-score")).to_have_text("Score: 0 of 8 points on first attempts (0 of 8 questions checked)")

    for step in PLAN:
        block = question_block(page, step.item_id)
        answer_in_page(page, step, step.labels)
        block.get_by_role("button", name="Check answer").click()
        expect_feedback(block, step, explanations[step.item_id])
        expect(block.get_by_role("button", name="Check answer")).to_be_hidden()
        if step.status == "correct":
            expect(block.locator(".afq-feedback")).to_be_focused()
            expect(block.get_by_role("button", name="Try again")).to_be_hidden()
        else:
            expect(block.get_by_role("button", name="Try again")).to_be_focused()
        expect(block.locator("input, select, button.afq-up").first).to_be_disabled()
    expect(quiz.locator(".afq-score")).to_have_text("Score: 3.6 of 8 points on first attempts (8 of 8 questions checked)")

    # the short answer was accepted with a typo; "Show answer" on the matching reveals it, cited as the book cites
    short = question_block(page, "p-echo:role-short").locator(".afq-feedback")
    expect(short.locator(".afq-detail")).to_have_text("Accepted with a small spelling difference.")
    match_block = question_block(page, "d-began:versions-matching")
    match_block.get_by_role("button", name="Show answer").click()
    expect_feedback(match_block, PLAN[2], explanations[PLAN[2].item_id], revealed=True)
    expect(match_block.get_by_role("button", name="Try again")).to_be_hidden()
    matching = match_block.locator(".afq-citation")  # sources cited as the book cites them
    expect(matching).to_have_text("Sources: Aliyev 2020, \u00b629; GlobalSecurity.org 2021, \u00b634.")
    # each links to its paragraph's anchor on the book's Sources page
    links = matching.locator("a.afq-cite")
    expect(links).to_have_count(2)
    assert links.first.get_attribute("href").endswith("sources.html#aliyev-2020-p29")

    # try again on the numeric question, answer with the keyboard (Enter checks)
    numeric = PLAN[0]
    block = question_block(page, numeric.item_id)
    block.get_by_role("button", name="Try again").click()
    expect(block.locator(".afq-feedback")).to_be_empty()
    field = block.get_by_label("Your answer", exact=False)
    expect(field).to_be_focused()
    field.fill("Infinity")
    page.keyboard.press("Tab")  # leaving the box says at once why the entry cannot be read
    expect(block.locator(".afq-entry")).to_have_text("Type the answer in digits (for example 1877): \u201cInfinity\u201d "
                                                     "is not a number the quiz can read.")
    field.fill("2018,5")
    page.keyboard.press("Tab")  # a decimal comma is read, and the page says how
    expect(block.locator(".afq-entry")).to_have_text("Read as 2018.5.")
    field.fill("nan")  # refused with a message, not graded: Check keeps the message
    page.keyboard.press("Enter")
    expect(block.locator(".afq-entry")).to_have_text("Type the answer in digits (for example 1877): \u201cnan\u201d "
                                                     "is not a number the quiz can read.")
    expect(block.locator(".afq-verdict")).to_have_count(0)
    expect(field).to_be_enabled()
    field.fill(numeric.retry_label)
    page.keyboard.press("Enter")
    expect_feedback(block, numeric, explanations[numeric.item_id], status="correct")
    expect(block.locator(".afq-verdict")).to_have_text("Correct (1 of 1 point). The right answer: 2019.")
    expect(block.locator(".afq-practice")).to_have_text("Practice attempt, not scored: your score keeps your first "
                                                        "attempt (0 of 1 point).")
    expect(quiz.locator(".afq-score")).to_have_text(FINAL_SCORE)
    quiz.screenshot(path=str(ARTIFACTS / "book-quiz-answered.png"))

    # progress is kept in this browser: a reload shows the same answers, feedback and score
    page.reload()
    expect(quiz.locator(".afq-score")).to_have_text(FINAL_SCORE)
    expect(question_block(page, "e-first:participant-choice").get_by_label("Russia", exact=True)).to_be_checked()
    expect(question_block(page, "p-echo:role-short").get_by_label("Your answer")).to_have_value("Edward Ecko")
    first = question_block(page, PLAN[1].item_id).locator("li.afq-order-item").first
    expect(first).to_contain_text("The first test meeting")

    # "Start again" clears everything
    quiz.get_by_role("button", name="Start again").click()
    expect(quiz.locator(".afq-score")).to_have_text("Score: 0 of 8 points on first attempts (0 of 8 questions checked)")
    expect(question_block(page, "p-echo:role-short").get_by_label("Your answer")).to_have_value("")
    page.screenshot(path=str(ARTIFACTS / "book-quiz-page.png"), full_page=True)
    context.close()

    outside = [url for url in requests if not url.startswith(("file:", "data:"))]
    assert requests and not outside, outside
    assert not errors, errors


def test_standalone_quiz_page_works_from_file_url(tmp_path, browser):
    from playwright.sync_api import expect

    from afcourse.quizui.static import write_page

    page_path = write_page(QUIZ_DIR, tmp_path / "quiz.html")
    requests, errors = [], []
    context = browser.new_context()
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page_path.as_uri())
    block = question_block(page, "e-fourth:date-tf")
    block.get_by_label("False", exact=True).check()
    block.get_by_role("button", name="Check answer").click()
    expect(block.locator(".afq-verdict")).to_have_text("Correct (1 of 1 point). The right answer: False.")
    expect(page.locator(".afq-score")).to_have_text("Score: 1 of 8 points on first attempts (1 of 8 questions checked)")
    context.close()
    assert all(url.startswith("file:") for url in requests), requests
    assert not errors, errors


STATIC_CUT_SHORT = """root => Array.from(root.querySelectorAll('label, button, .afq-order-text, .afq-stem, .afq-option span'))
    .filter(el => el.offsetParent !== null && el.textContent.trim())
    .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > root.getBoundingClientRect().right + 1)
    .map(el => el.textContent.trim().slice(0, 40) + ` (${el.scrollWidth} > ${el.clientWidth})`)"""


def quiz_axe(page, axe_source: str) -> list[dict]:
    """axe-core on the quiz block (the theme around it is the book's issue), serious and critical only."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run({include: [['div.afq']]}, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_the_book_quiz_fits_360_px_and_passes_axe_in_light_and_dark(built_book, browser, axe_source):
    """Labels and ordering rows wrap (no "…", nothing past the edge) and axe finds nothing serious, in both themes."""
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto((built_book / "chapter.html").as_uri())
    quiz = page.locator("div.afq")
    expect(quiz).to_have_attribute("data-afq-mounted", "1")
    # a wrong answer, a right one, a locked choice: every state of the feedback is on the page
    for step in PLAN[:5]:
        answer_in_page(page, step, step.labels)
        question_block(page, step.item_id).get_by_role("button", name="Check answer").click()
    assert quiz.evaluate(STATIC_CUT_SHORT) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    for theme in ("light", "dark"):
        page.evaluate("t => document.documentElement.setAttribute('data-theme', t)", theme)  # as the theme's switch
        background = quiz.evaluate("n => getComputedStyle(n).backgroundColor")
        assert (background == "rgb(22, 27, 34)") == (theme == "dark"), background  # follows the page
        panel = quiz.evaluate("n => getComputedStyle(n.parentElement).backgroundColor")
        assert panel == "rgba(0, 0, 0, 0)", panel  # not on the theme's light panel for outputs
        quiz.screenshot(path=str(ARTIFACTS / f"book-quiz-360-{theme}.png"))
        assert quiz_axe(page, axe_source) == [], theme
    context.close()
