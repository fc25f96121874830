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
from test_quizui_support import (FINAL_SCORE, NOTEBOOKS, PLAN, QUIZ_DIR, VERDICT,
                                 copy_quiz, find_key_leaks, load_test_quiz)


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


def expect_feedback(block, step, explanation: str, status: str | None = None) -> None:
    from playwright.sync_api import expect

    feedback = block.locator(".afq-feedback")
    expect(feedback.locator(".afq-verdict")).to_contain_text(VERDICT[status or step.status])
    expect(feedback.locator(".afq-explanation")).to_have_text(explanation)
    expect(feedback.locator(".afq-citation")).to_contain_text(", \u00b6")
    expect(feedback).to_have_class(f"afq-feedback afq-{status or step.status}")
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
    expect(quiz.locator(".afq-score")).to_have_text("Score: 0 of 8 points (0 of 8 questions checked)")

    for step in PLAN:
        block = question_block(page, step.item_id)
        answer_in_page(page, step, step.labels)
        block.get_by_role("button", name="Check answer").click()
        expect_feedback(block, step, explanations[step.item_id])
        expect(block.get_by_role("button", name="Check answer")).to_be_hidden()
        expect(block.get_by_role("button", name="Try again")).to_be_focused()
        expect(block.locator("input, select, button.afq-up").first).to_be_disabled()
    expect(quiz.locator(".afq-score")).to_have_text("Score: 3.33 of 8 points (8 of 8 questions checked)")

    # the short answer was accepted with a typo; sources are cited as the book cites them
    short = question_block(page, "p-echo:role-short").locator(".afq-feedback")
    expect(short.locator(".afq-detail")).to_have_text("Accepted with a small spelling difference.")
    matching = question_block(page, "d-began:versions-matching").locator(".afq-citation")
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
    field.fill(numeric.retry_label)
    page.keyboard.press("Enter")
    expect_feedback(block, numeric, explanations[numeric.item_id], status="correct")
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
    expect(quiz.locator(".afq-score")).to_have_text("Score: 0 of 8 points (0 of 8 questions checked)")
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
    expect(block.locator(".afq-verdict")).to_have_text("Correct (1 of 1 point).")
    expect(page.locator(".afq-score")).to_have_text("Score: 1 of 8 points (1 of 8 questions checked)")
    context.close()
    assert all(url.startswith("file:") for url in requests), requests
    assert not errors, errors
