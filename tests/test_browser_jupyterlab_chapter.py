"""A chapter notebook from the built book, answered in JupyterLab by keyboard alone, kept across a restart.

As a student would: take chapter 4's ``.ipynb`` from the built page's download menu,
open it in JupyterLab (headless Chromium), Run All, and answer its self-check quiz with
the keyboard only, pressing JupyterLab's command-mode keys (``a``, ``b``, ``d d``,
``m``) inside the quiz on the way: no cell is added, deleted or changed; arrow keys move
the choice inside one radio group (one Tab stop); Enter on Check answer gives the
verdict, and the focus goes to it, not to the page. A retry is labelled practice and
leaves the first attempt's score. Then the kernel is restarted: the old quiz says the
kernel is gone and to run the cell; Run All brings the quiz back with every answer,
verdict and the score, and a line saying they were restored from the file beside the
notebook. Screenshots at 1280 and 420 px, light and dark, go to test-artifacts/; the
status colours shown are checked at 4.5:1 or more against the quiz's background.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from conftest import ARTIFACTS, ROOT
from test_browser_jupyterlab_quiz import RUN_TIMEOUT, UI_TIMEOUT, lab_server, open_and_run, run_menu
from test_quizui_contrast import contrast, parse_colour

from afcourse.quizui.loading import load_self_check
from afcourse.quizui.recording import self_check_file_name

CHAPTER = "05-us-relations"  # its self-check holds choices and typed answers


@pytest.fixture(scope="module")
def downloaded(built_book, tmp_path_factory) -> Path:
    """The chapter's notebook, found through the page's own download link."""
    page = (built_book / "chapters" / f"{CHAPTER}.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+\.ipynb)"', page)
    assert links, "the chapter page offers no .ipynb download"
    path = (built_book / "chapters" / links[0]).resolve()
    folder = tmp_path_factory.mktemp("download")
    return Path(shutil.copy(path, folder / path.name))


def test_the_downloaded_notebook_links_to_the_book(downloaded, built_book):
    nb = json.loads(downloaded.read_text(encoding="utf-8"))
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "show_quiz(" in code and "chapterfigures" not in code  # figures point to the book instead
    assert not any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    # no published address configured: the book is the local build, which a notebook cannot link to
    # (JupyterLab refuses file: links), so citations are plain text and the first cell names the Sources page
    assert not re.search(r"\]\([a-z0-9-]+-p\d+\)", markdown)  # no dead relative citation link
    assert "](file:" not in markdown and "(Aliyev 2020, \u00b611)" in markdown
    assert f"`{built_book.resolve().as_uri()}/sources.html`" in "".join(nb["cells"][0]["source"])
    assert "**Figure.**" in markdown and "Run All" in markdown


def cells(page) -> list[str]:
    """Each cell's type and first characters, to tell that nothing was added, deleted or changed."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").evaluate_all(
        "cs => cs.map(c => (c.classList.contains('jp-CodeCell') ? 'code:' : 'md:') + "
        "(c.querySelector('.jp-InputArea') || c).textContent.slice(0, 30))")


def focused(page) -> str:
    return page.evaluate("() => { const a = document.activeElement; return a.tagName + '|' + (a.className || '') + "
                         "'|' + (a.textContent || a.value || '').trim().slice(0, 60); }")


def press(page, *keys):
    for key in keys:
        page.keyboard.press(key)


def test_chapter_notebook_by_keyboard_and_after_a_restart(browser, downloaded, tmp_path_factory):
    from playwright.sync_api import expect

    expect.set_options(timeout=UI_TIMEOUT)
    bundle = load_self_check("us-relations")
    keys = {k.id: k.key for k in bundle.key.keys}
    questions = list(bundle.variant.questions)
    choice = [i for i, q in enumerate(questions, 1) if q.type == "single_choice" and len(q.choices) >= 3]
    text = next(i for i, q in enumerate(questions, 1) if q.type == "short_answer")
    right_first, wrong_first = choice[0], choice[1]

    home = tmp_path_factory.mktemp("lab-chapter")
    work = home / "work"
    work.mkdir()
    shutil.copy(downloaded, work / downloaded.name)
    ARTIFACTS.mkdir(exist_ok=True)
    with lab_server(home, work) as lab:
        context = browser.new_context(viewport={"width": 1280, "height": 3000})
        page = context.new_page()
        page.set_default_timeout(UI_TIMEOUT)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        quiz = open_and_run(page, lab, downloaded.name)
        score = quiz.locator(".afq-w-score")
        expect(score).to_contain_text(f"Score: 0 of {len(questions)} points on first attempts")
        before = cells(page)
        # MyST renders as in the book (jupyterlab-myst): the objectives are a box, not a raw directive
        page.evaluate("() => window.jupyterapp.shell.currentWidget.content.scrollToItem(1)")
        objectives = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) aside.myst-admonition").first
        expect(objectives).to_contain_text("Learning objectives")
        assert page.evaluate("() => !document.body.innerText.includes(':class: tip')")
        page.screenshot(path=str(ARTIFACTS / "jupyterlab-chapter-top.png"))

        def radios(number):
            return quiz.locator(f".afq-w-q{number} input[type=radio]")

        def pick(number, index):
            """Keyboard only: Space on the first option, then ArrowDown to the wanted one."""
            radios(number).first.focus()
            press(page, "Space")
            for _ in range(index):
                press(page, "ArrowDown")
            expect(radios(number).nth(index)).to_be_checked()

        # 1. the right answer by arrows; JupyterLab's keys pressed on the way change nothing
        q = questions[right_first - 1]
        index = [c.id for c in q.choices].index(keys[q.id].correct)
        pick(right_first, index)
        press(page, "a", "b", "d", "d", "m", "y")
        assert cells(page) == before
        expect(radios(right_first).nth(index)).to_be_checked()  # the answer did not change either
        press(page, "Tab")  # one Tab stop for the group: on to Check answer
        assert "Check answer" in focused(page)
        press(page, "d", "d", "a")
        assert cells(page) == before
        press(page, "Enter")
        box = quiz.locator(f".afq-w-q{right_first}")
        expect(box.locator(".afq-w-feedback")).to_contain_text("Correct (1 of 1 point).")
        expect(box.locator(".afq-w-feedback")).to_be_focused()  # not the page body
        press(page, "d", "d")
        assert cells(page) == before

        # 2. a wrong first attempt, a hint naming a section, then a retry labelled practice
        q = questions[wrong_first - 1]
        ids = [c.id for c in q.choices]
        wrong = next(i for i, cid in enumerate(ids) if cid != keys[q.id].correct)
        pick(wrong_first, wrong)
        press(page, "Tab", "Enter")
        box = quiz.locator(f".afq-w-q{wrong_first}")
        feedback = box.locator(".afq-w-feedback")
        expect(feedback).to_contain_text("Not quite (0 of 1 point).")
        expect(feedback).to_contain_text(", section \u201c")
        expect(feedback).not_to_contain_text("\u00b6")
        expect(feedback).to_be_focused()
        press(page, "Shift+Tab", "Shift+Tab")
        assert "Try again" in focused(page)
        press(page, "Enter")  # the button disables itself: the focus goes back to the options
        expect(box.locator("input[type=radio]").nth(wrong)).to_be_focused()
        right = ids.index(keys[q.id].correct)
        for _ in range(right - wrong if right > wrong else 0):
            press(page, "ArrowDown")
        for _ in range(wrong - right if wrong > right else 0):
            press(page, "ArrowUp")
        expect(box.locator("input[type=radio]").nth(right)).to_be_checked()
        press(page, "Tab", "Enter")
        expect(feedback).to_contain_text("Correct (1 of 1 point).")
        expect(feedback).to_contain_text("Practice attempt, not scored: your score keeps your first attempt (0 of 1 point).")

        # 3. a typed answer: Enter checks it
        accepted = keys[questions[text - 1].id].accepted[0]
        field = quiz.locator(f".afq-w-q{text} input[type=text]")
        field.focus()
        page.keyboard.type(accepted)
        press(page, "Enter")
        expect(quiz.locator(f".afq-w-q{text} .afq-w-feedback")).to_contain_text("Correct (1 of 1 point).")
        assert cells(page) == before
        expect(score).to_contain_text(f"Score: 2 of {len(questions)} points on first attempts (3 of")
        kept = work / self_check_file_name(bundle.quiz.quiz_id)
        assert json.loads(kept.read_text(encoding="utf-8"))["first_points"] == {
            questions[right_first - 1].id: 1.0, questions[wrong_first - 1].id: 0.0, questions[text - 1].id: 1.0}

        # screenshots as a student sees it: 1280 and 420 px, light and dark; status colours readable
        page.evaluate("() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }")
        for theme, name in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
            page.evaluate("t => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme)
            expect(page.locator("body")).to_have_attribute("data-jp-theme-name", theme)
            page.wait_for_timeout(800)
            assert low_contrast(quiz) == [], theme
            for width in (1280, 420):
                page.set_viewport_size({"width": width, "height": 3000})
                page.wait_for_timeout(400)
                quiz.screenshot(path=str(ARTIFACTS / f"jupyterlab-chapter-{width}-{name}.png"))
        page.evaluate("t => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", "JupyterLab Light")
        page.set_viewport_size({"width": 1280, "height": 3000})

        # 4. the kernel restarts: the old quiz says so, instead of ignoring clicks
        run_menu(page, "Kernel", "Restart Kernel\u2026")
        page.locator(".jp-Dialog .jp-mod-accept").click()
        page.wait_for_timeout(1500)
        untouched = next(i for i, q in enumerate(questions, 1)
                         if i not in (right_first, wrong_first, text) and q.type in ("single_choice", "true_false"))
        radios(untouched).first.focus()
        press(page, "Space")  # the kernel is not there to hear it
        expect(quiz.locator(".afq-w-kernel-gone")).to_contain_text("Run this cell again", timeout=15_000)
        quiz.screenshot(path=str(ARTIFACTS / "jupyterlab-chapter-kernel-gone.png"))

        # 5. Run All: everything comes back, and a line says from where
        quiz.evaluate("node => node.setAttribute('data-stale', 'yes')")
        run_menu(page, "Run", "Run All Cells")
        quiz = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .afq-widget:not([data-stale])")
        expect(quiz).to_be_visible(timeout=RUN_TIMEOUT)
        expect(quiz.locator(".afq-w-restored")).to_contain_text(f"Restored your 3 answers from {kept.name}")
        expect(quiz.locator(".afq-w-score")).to_contain_text(f"Score: 2 of {len(questions)} points on first attempts (3 of")
        q = questions[right_first - 1]
        expect(quiz.locator(f".afq-w-q{right_first} input[type=radio]").nth(
            [c.id for c in q.choices].index(keys[q.id].correct))).to_be_checked()
        expect(quiz.locator(f".afq-w-q{right_first} .afq-w-feedback")).to_contain_text("Correct (1 of 1 point).")
        expect(quiz.locator(f".afq-w-q{text} input[type=text]")).to_have_value(accepted)
        quiz.screenshot(path=str(ARTIFACTS / "jupyterlab-chapter-restored.png"))
        assert cells(page) == before

        # 6. saved, the kernel shut down, the notebook reopened: a note says to run the cell, not a widget error
        notebook = work / downloaded.name
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        deadline = time.monotonic() + 60
        while "afq-run-note" not in notebook.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "the notebook was not saved with its outputs"
            time.sleep(0.5)
        page.evaluate("() => window.jupyterapp.commands.execute('kernelmenu:shutdown')")
        page.wait_for_timeout(2000)
        page.goto(f"{lab['base']}/lab/workspaces/reopen/tree/{downloaded.name}?reset&token={lab['token']}",
                  timeout=RUN_TIMEOUT)
        note = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .afq-run-note")
        expect(note).to_be_visible(timeout=RUN_TIMEOUT)
        expect(note).to_contain_text("Run this cell")
        page.wait_for_timeout(3000)  # the widget manager has had time to give up on the old quiz
        shown_errors = page.evaluate("() => Array.from(document.querySelectorAll('.jp-OutputArea-output')).filter("
                                     "n => n.offsetParent !== null && n.textContent.includes('Error displaying widget'))"
                                     ".length")
        assert shown_errors == 0
        note.screenshot(path=str(ARTIFACTS / "jupyterlab-chapter-reopened.png"))
        context.close()
    assert not errors, errors


def low_contrast(quiz) -> list[str]:
    """Status texts and marks of the quiz whose colour is below 4.5:1 on the quiz's background."""
    found = quiz.evaluate("""root => {
        const bg = el => { for (let n = el; n; n = n.parentElement) { const c = getComputedStyle(n).backgroundColor;
                             if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; }
                           return getComputedStyle(document.body).backgroundColor; };
        const out = [];
        root.querySelectorAll('.afq-w-feedback').forEach(f => out.push(['border', getComputedStyle(f).borderLeftColor, bg(f)]));
        root.querySelectorAll('.afq-w-message, .afq-w-status, .afq-w-note, .afq-w-verdict, .afq-w-kernel-gone')
            .forEach(t => out.push([t.className, getComputedStyle(t).color, bg(t)]));
        return out;
    }""")
    assert found, "no status colour on screen to check"
    return [f"{what}: {fg} on {bg}" for what, fg, bg in found if contrast(parse_colour(fg), parse_colour(bg)) < 4.5]


def test_a_chapter_md_opens_as_a_notebook_in_jupyterlab(browser, tmp_path):
    """With the students install (jupytext, jupyterlab-myst), a chapter's .md opens as a notebook, MyST rendered."""
    from playwright.sync_api import expect

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ROOT / "book" / "chapters" / f"{CHAPTER}.md", work / f"{CHAPTER}.md")
    with lab_server(tmp_path, work) as lab:
        context = browser.new_context(viewport={"width": 1280, "height": 1200})
        page = context.new_page()
        page.set_default_timeout(UI_TIMEOUT)
        page.goto(f"{lab['base']}/lab?reset&token={lab['token']}", timeout=RUN_TIMEOUT)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.docRegistry", timeout=RUN_TIMEOUT)
        page.wait_for_function("() => Array.from(window.jupyterapp.docRegistry.preferredWidgetFactories("
                               f"'{CHAPTER}.md')).some(f => f.name === 'Jupytext Notebook')", timeout=RUN_TIMEOUT)
        # what "Open With > Jupytext Notebook" does
        page.evaluate(f"() => window.jupyterapp.commands.execute('docmanager:open', "
                      f"{{path: '{CHAPTER}.md', factory: 'Jupytext Notebook'}})")
        panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        # admonitions render as in the book (the objectives box is the book's own directive: only the
        # notebook downloaded from the book carries it as an admonition)
        expect(panel.locator("aside.myst-admonition").first).to_contain_text("The question of this chapter",
                                                                             timeout=RUN_TIMEOUT)
        assert panel.locator(".jp-Cell").count() > 1
        expect(panel.locator(".jp-CodeCell").last).to_contain_text('show_quiz("us-relations")')
        page.screenshot(path=str(ARTIFACTS / "jupyterlab-chapter-md.png"))
        context.close()
