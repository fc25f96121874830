"""The live quiz in JupyterLab: run a notebook, answer in the widget, get feedback and a submission file.

Starts JupyterLab on 127.0.0.1 with a token in a scratch folder (its own config,
data, runtime and settings folders), opens test notebooks in headless Chromium, runs
them from the Run menu, and answers the quiz with the mouse and keyboard:

- self-check: every question of the seven types, with the kernel's feedback (a hint
  after a first wrong attempt; verdict naming the answer, explanation and source
  once revealed), the running score, and "nan" refused with a message;
- assessment: "nan" refused, a decimal comma read, Submit asking for confirmation and
  naming the unanswered questions (an untouched ordering among them); answers saved
  as they are given, restored after "Restart Kernel and Run All Cells", then
  submitted; the file is a valid, sealed ``afcourse.submission/1`` submission, and
  neither the saved notebook nor the page holds any key value;
- layout: at 1280 and 400 px wide no label or button of the quiz is cut short, and
  axe-core finds no serious or critical violation in the quiz, in the light and the
  dark JupyterLab theme.

Screenshots go to test-artifacts/. The server is shut down through its API at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest
from conftest import ARTIFACTS, ROOT
from test_quizui_support import (FINAL_SCORE, NOTEBOOKS, PLAN, VERDICT, copy_quiz,
                                 find_key_leaks, load_test_quiz)

from afcourse.quiz.models import Submission

START_TIMEOUT = 120  # seconds for the server to answer
RUN_TIMEOUT = 180_000  # milliseconds for a kernel to start and a cell to run
UI_TIMEOUT = 60_000  # milliseconds for the widget to reflect a kernel reply


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, token: str, path: str, method: str = "GET"):
    request = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a folder with the test notebooks and quizzes."""
    home = tmp_path_factory.mktemp("lab")
    work = home / "work"
    work.mkdir()
    for name in ("selfcheck.ipynb", "assessment.ipynb"):
        (work / name).write_bytes((NOTEBOOKS / name).read_bytes())
    copy_quiz(work, "quiz-allkinds", with_key=True)
    copy_quiz(work, "quiz-student", with_key=False)  # what a student gets: quiz.json alone
    with lab_server(home, work) as server:
        yield server


@contextmanager
def lab_server(home, work):
    """Run JupyterLab on 127.0.0.1 with a token over ``work`` (its own config, data and settings under ``home``)."""
    config = home / "config"
    (config / "labconfig").mkdir(parents=True)
    # no news prompt over the notebook
    (config / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}), encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTER_PLATFORM_DIRS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    log = (home / "lab.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         "--ServerApp.terminals_enabled=False", "--LabApp.news_url=", "--LabApp.expose_app_in_browser=True",
         "--LabApp.extension_manager=readonly", *(["--allow-root"] if os.geteuid() == 0 else []),
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         f"--LabApp.user_settings_dir={home / 'settings'}", f"--LabApp.workspaces_dir={home / 'workspaces'}"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail("JupyterLab exited early:\n" + (home / "lab.log").read_text()[-3000:])
            try:
                if api(base, token, "/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("JupyterLab did not answer in time:\n" + (home / "lab.log").read_text()[-3000:])
            time.sleep(0.5)
        yield {"base": base, "token": token, "work": work, "log": home / "lab.log"}
    finally:
        try:
            api(base, token, "/api/shutdown", method="POST")  # stops the kernels too
            process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        log.close()


@pytest.fixture
def page(browser, lab):
    from playwright.sync_api import expect

    expect.set_options(timeout=UI_TIMEOUT)
    context = browser.new_context(viewport={"width": 1300, "height": 3400})  # tall: the whole quiz in view
    outside = []

    def guard(route):  # nothing but the local server and inline data
        url = route.request.url
        if url.startswith((lab["base"], "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.set_default_timeout(UI_TIMEOUT)
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    yield pg
    context.close()
    assert not outside, outside


def open_and_run(page, lab, notebook: str):
    """Open a notebook and run all its cells; returns the quiz widget's locator."""
    from playwright.sync_api import expect

    workspace = notebook.replace(".", "-")  # a fresh workspace: only this notebook open
    page.goto(f"{lab['base']}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={lab['token']}",
              timeout=RUN_TIMEOUT)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(panel.locator(".jp-Notebook")).to_be_visible(timeout=RUN_TIMEOUT)
    # the kernel must be up before "Run All" (the toolbar shows its name, and the status turns idle)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget && "
                           "window.jupyterapp.shell.currentWidget.sessionContext && "
                           "window.jupyterapp.shell.currentWidget.sessionContext.session && "
                           "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel && "
                           "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                           timeout=RUN_TIMEOUT)
    run_menu(page, "Run", "Run All Cells")
    quiz = panel.locator(".afq-widget")
    expect(quiz).to_be_visible(timeout=RUN_TIMEOUT)
    return quiz


def run_menu(page, menu: str, item: str):
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def answer_in_widget(quiz, number: int, step, labels):
    box = quiz.locator(f".afq-w-q{number}")
    if step.type in ("single_choice", "true_false"):
        box.get_by_label(labels, exact=True).check()
    elif step.type == "multiple_select":
        for label in labels:
            box.get_by_label(label, exact=True).check()
    elif step.type in ("short_answer", "numeric"):
        field = box.locator("input[type=text]")
        field.fill(labels)
        field.press("Enter")  # the value goes to the kernel on Enter or when the box loses focus
    elif step.type == "ordering":
        from playwright.sync_api import expect

        rows = box.locator(".afq-w-order-row")
        for text, direction in step.moves:  # the button's tooltip names the element it moves
            texts = rows.all_inner_texts()
            position = next(i for i, row in enumerate(texts) if text in row)
            button = box.get_by_title(f"Move {direction}: {text}", exact=True)
            expect(button).to_have_count(1)  # while the widget redraws its rows, old and new buttons may coexist
            button.focus()
            button.press("Enter")  # with the keyboard
            target = position - 1 if direction == "up" else position + 1
            expect(rows.nth(target)).to_contain_text(f"{target + 1}. {text}")  # the kernel has moved it
    elif step.type == "matching":
        for prompt, choice in labels.items():
            box.get_by_label(prompt, exact=True).select_option(label=choice)
    return box


def test_self_check_in_jupyterlab(page, lab):
    from playwright.sync_api import expect

    _, key = load_test_quiz()
    explanations = {k.id: k.explanation for k in key.keys}
    ARTIFACTS.mkdir(exist_ok=True)
    quiz = open_and_run(page, lab, "selfcheck.ipynb")
    expect(quiz.locator(".afq-w-score")).to_have_text("Score: 0 of 8 points on first attempts (0 of 8 questions checked)")
    # keyboard on a matching dropdown: JupyterLab's "a", "b" and "d d" do nothing there; ArrowDown picks an option
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")
    count = cells.count()
    select = quiz.locator(".afq-w-q3 select").first
    select.focus()
    for key in ("a", "b", "d", "d"):
        page.keyboard.press(key)
    assert cells.count() == count
    assert select.evaluate("s => s.selectedIndex") == 0  # "Choose..."
    page.keyboard.press("ArrowDown")
    assert select.evaluate("s => s.selectedIndex") == 1
    expect(select).to_be_focused()
    assert cells.count() == count
    for number, step in enumerate(PLAN, start=1):
        box = answer_in_widget(quiz, number, step, step.labels)
        if step.type == "ordering":
            expect(box.locator(".afq-w-order-row").first).to_contain_text("1. The first test meeting")
        if step.type not in ("short_answer", "numeric"):  # in a text box, Enter has checked the answer
            box.get_by_role("button", name="Check answer").click()
        feedback = box.locator(".afq-w-feedback")
        expect(feedback).to_contain_text(VERDICT[step.status])
        if step.status == "correct":
            expect(feedback).to_contain_text("The right answer: ")
            expect(feedback).to_contain_text(explanations[step.item_id])
            expect(feedback).to_contain_text("Aliyev 2020, \u00b6")
        else:  # a first wrong attempt: where to reread, not the answer
            expect(feedback).to_contain_text("Reread chapter ")
            expect(feedback).not_to_contain_text(explanations[step.item_id])
        if step.detail:
            expect(feedback).to_contain_text(step.detail[:1].upper() + step.detail[1:])
        expect(box.get_by_role("button", name="Check answer")).to_be_disabled()
    expect(quiz.locator(".afq-w-score")).to_have_text("Score: 3.6 of 8 points on first attempts (8 of 8 questions checked)")
    # try again: "nan" is refused with a message; then a right answer typed with a thousands separator
    numeric = quiz.locator(".afq-w-q1")
    numeric.get_by_role("button", name="Try again").click()
    field = numeric.locator("input[type=text]")
    expect(field).to_be_enabled()
    field.fill("nan")
    field.press("Enter")
    expect(numeric.locator(".afq-w-message")).to_contain_text("Type the answer in digits")
    field.fill(PLAN[0].retry_label)
    numeric.get_by_role("button", name="Check answer").click()
    expect(numeric.locator(".afq-w-feedback")).to_contain_text("Correct (1 of 1 point). The right answer: 2019.")
    expect(numeric.get_by_role("button", name="Try again")).to_be_disabled()  # revealed: stays answered
    expect(quiz.locator(".afq-w-score")).to_have_text(FINAL_SCORE)
    # a second wrong attempt on the true/false names the right value
    tf = quiz.locator(".afq-w-q5")
    tf.get_by_role("button", name="Try again").click()
    tf.get_by_role("button", name="Check answer").click()
    expect(tf.locator(".afq-w-feedback")).to_contain_text("Incorrect (0 of 1 point). The right answer: False.")
    # keyboard: Tab reaches the controls, Space ticks a checkbox
    box = quiz.locator(".afq-w-q8")
    box.get_by_role("button", name="Try again").click()
    expect(box.get_by_role("button", name="Check answer")).to_be_enabled()  # updated after every checkbox
    for label in ("Russia", "Ukraine", "Uzbekistan", "Belarus", "Armenia"):
        expect(box.get_by_label(label, exact=True)).to_be_enabled()
    box.get_by_label("Ukraine", exact=True).focus()
    page.keyboard.press("Space")
    expect(box.get_by_label("Ukraine", exact=True)).not_to_be_checked()
    for _ in range(3):  # Uzbekistan, Belarus, Armenia
        page.keyboard.press("Tab")
    expect(box.get_by_label("Armenia", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(box.get_by_label("Armenia", exact=True)).to_be_checked()
    box.get_by_role("button", name="Check answer").click()
    expect(box.locator(".afq-w-feedback")).to_contain_text("Correct (1 of 1 point).")
    expect(quiz.locator(".afq-w-score")).to_have_text("Score: 3.6 of 8 points on first attempts (8 of 8 questions checked)")
    page.screenshot(path=str(ARTIFACTS / "jupyterlab-selfcheck.png"))
    check_layout_and_axe(page, quiz, "selfcheck")
    assert not page.errors, page.errors


def cut_short(quiz) -> list[str]:
    """Texts of the quiz's labels, options and buttons that do not fit their box (cut, or hidden with "…")."""
    return quiz.evaluate("""root => {
        const area = root.closest('.jp-OutputArea-output') || root.parentElement;
        const inner = root.getBoundingClientRect().right - parseFloat(getComputedStyle(root).paddingRight)
                      - parseFloat(getComputedStyle(root).borderRightWidth);  // inside the quiz's own padding
        const edge = Math.min(inner, area.getBoundingClientRect().right, document.documentElement.clientWidth);
        const cut = Array.from(root.querySelectorAll(
            'label, button, .widget-label, .widget-html-content, .widget-checkbox span, .widget-radio-box label'))
          .filter(el => el.offsetParent !== null && el.textContent.trim() && !el.querySelector('style'))
          .filter(el => el.scrollWidth > el.clientWidth + 1 || getComputedStyle(el).textOverflow === 'ellipsis'
                        && getComputedStyle(el).overflow === 'hidden' && getComputedStyle(el).whiteSpace === 'nowrap')
          .map(el => el.textContent.trim().slice(0, 40) + ` (${el.scrollWidth} > ${el.clientWidth})`);
        const past = Array.from(root.querySelectorAll('input, select, button, label'))
          .filter(el => el.offsetParent !== null && el.getBoundingClientRect().right > edge + 1)
          .map(el => `${el.tagName} ${(el.textContent || el.value || '').trim().slice(0, 30)} past the edge`);
        return cut.concat(past);
    }""")


def quiz_axe_violations(page, quiz_selector: str) -> list[dict]:
    """axe-core on the quiz alone (JupyterLab's own chrome is not ours), serious and critical only."""
    from conftest import AXE_JS

    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async sel => await axe.run({include: [sel]}, {resultTypes: ['violations']})",
                           quiz_selector)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def check_layout_and_axe(page, quiz, name: str) -> None:
    """At 1280 and 400 px nothing is cut short; axe passes in the light and dark themes. Screenshots of each."""
    from conftest import AXE_JS
    from playwright.sync_api import expect

    selector = ".jp-NotebookPanel:not(.lm-mod-hidden) .afq-widget"
    page.evaluate("() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }")
    for width in (1280, 400):
        page.set_viewport_size({"width": width, "height": 3400})
        page.wait_for_timeout(500)
        quiz.screenshot(path=str(ARTIFACTS / f"jupyterlab-{name}-{width}.png"))
        page.screenshot(path=str(ARTIFACTS / f"jupyterlab-{name}-{width}-page.png"), clip={"x": 0, "y": 0, "width": width, "height": 1200})
        assert cut_short(quiz) == [], (width, cut_short(quiz))
    page.set_viewport_size({"width": 1300, "height": 3400})
    if not AXE_JS.exists():
        pytest.skip("axe-core not installed: run `make node`")
    for theme in ("JupyterLab Dark", "JupyterLab Light"):
        page.evaluate("t => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme)
        expect(page.locator("body")).to_have_attribute("data-jp-theme-name", theme)
        page.wait_for_timeout(1000)
        if theme == "JupyterLab Dark":
            quiz.screenshot(path=str(ARTIFACTS / f"jupyterlab-{name}-dark.png"))
        assert quiz_axe_violations(page, selector) == [], theme


def test_assessment_in_jupyterlab_records_a_submission(page, lab):
    from playwright.sync_api import expect

    quiz_file, key = load_test_quiz()
    submission_path = lab["work"] / "submission.json"
    quiz = open_and_run(page, lab, "assessment.ipynb")
    status = quiz.locator(".afq-w-status")
    expect(status).to_contain_text("Saved to submission.json")
    expect(quiz.get_by_role("button", name="Check answer")).to_have_count(0)
    # a number the quiz cannot read is refused at once; a decimal comma is read
    numeric = quiz.locator(".afq-w-q1")
    field = numeric.locator("input[type=text]")
    field.fill("nan")
    field.press("Enter")
    expect(numeric.locator(".afq-w-message")).to_contain_text("Type the answer in digits")
    expect(status).to_contain_text("(0 of 8 answered)")
    assert json.loads(submission_path.read_text(encoding="utf-8"))["responses"]["e-fourth:year-numeric"] is None
    field.fill("2018,0")
    field.press("Enter")
    expect(status).to_contain_text("(1 of 8 answered)")
    expect(numeric.locator(".afq-w-message")).to_have_count(0)
    # Submit with questions unanswered asks first, naming them (the untouched ordering among them)
    quiz.get_by_role("button", name="Submit").click()
    confirm = quiz.locator(".afq-w-confirm")
    expect(confirm).to_contain_text("7 of 8 questions have no answer yet: questions 2, 3, 4, 5, 6, 7 and 8.")
    page.screenshot(path=str(ARTIFACTS / "jupyterlab-assessment-confirm.png"))
    confirm.get_by_role("button", name="Go back").click()
    expect(confirm).to_be_hidden()
    assert json.loads(submission_path.read_text(encoding="utf-8"))["status"] == "in_progress"
    for number, step in enumerate(PLAN, start=1):
        if number > 1:
            answer_in_widget(quiz, number, step, step.labels)
        expect(status).to_contain_text(f"({number} of 8 answered)")
    saved = Submission.model_validate_json(submission_path.read_text(encoding="utf-8"))
    assert saved.status == "in_progress" and saved.student.id == "s-042"
    assert saved.responses["p-echo:role-short"] == "Edward Ecko"

    # a kernel restart loses nothing: run again and the widget shows the saved answers
    quiz.evaluate("node => node.setAttribute('data-stale', 'yes')")  # to tell the new output from the old
    run_menu(page, "Kernel", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    quiz = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .afq-widget:not([data-stale])")
    expect(quiz).to_be_visible(timeout=RUN_TIMEOUT)
    expect(quiz.locator(".afq-w-q4").get_by_label("Russia", exact=True)).to_be_checked(timeout=RUN_TIMEOUT)
    expect(quiz.locator(".afq-w-q6 input[type=text]")).to_have_value("Edward Ecko")
    expect(quiz.locator(".afq-w-q1 input[type=text]")).to_have_value("2018")
    for prompt in ("Nurlan Aliyev (2020)", "GlobalSecurity.org (2021)"):
        select = quiz.locator(".afq-w-q3").get_by_label(prompt, exact=True)
        assert select.evaluate("s => s.options[s.selectedIndex].text") == "2007"
    expect(quiz.locator(".afq-w-q2 .afq-w-order-row").first).to_contain_text("1. The first test meeting")
    check_layout_and_axe(page, quiz, "assessment")
    quiz.get_by_role("button", name="Submit").click()
    confirm = quiz.locator(".afq-w-confirm")
    expect(confirm).to_contain_text("Submit your answers to all 8 questions?")
    confirm.get_by_role("button", name="Submit now").click()
    status = quiz.locator(".afq-w-status")
    expect(status).to_contain_text("Submitted (8 of 8 answered)")
    expect(quiz.get_by_role("button", name="Submitted")).to_be_disabled()
    expect(quiz.locator(".afq-w-q6 input[type=text]")).to_be_disabled()
    page.screenshot(path=str(ARTIFACTS / "jupyterlab-assessment-submitted.png"))

    submitted = Submission.model_validate_json(submission_path.read_text(encoding="utf-8"))
    assert submitted.status == "submitted" and submitted.quiz_id == quiz_file.quiz_id
    from afcourse.quiz.sealing import seal_holds

    assert seal_holds(json.loads(submission_path.read_text(encoding="utf-8"))) is True
    assert submitted.variant_id == "v001" and submitted.student.name == "Test Student"
    assert submitted.responses == {
        "e-fourth:year-numeric": 2018.0,
        "events-ordering:b658392791": PLAN[1].response,
        "d-began:versions-matching": PLAN[2].response,
        "e-first:participant-choice": "c90a6d53",
        "e-fourth:date-tf": "cb5bea41",
        "p-echo:role-short": "Edward Ecko",
        "p-beta:role-choice:0": "c5a6353e",
        "o-club:members-multi": ["c90a6d53", "c5c86f5a", "c0b77881"],
    }
    # grading it with the key gives what the plan says (the key stays with the instructor)
    from afcourse.quiz.scoring import score

    keys = {k.id: k.key for k in key.keys}
    questions = {q.id: q for q in quiz_file.variants[0].questions}
    statuses = {i: score(questions[i], keys[i], r, quiz_file.scoring).status for i, r in submitted.responses.items()}
    assert statuses == {s.item_id: s.status for s in PLAN}

    # save the notebook; neither it nor the page the student sees holds a key value
    notebook = lab["work"] / "assessment.ipynb"
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")  # resolves once saved
    deadline = time.monotonic() + 60
    while "widget-view" not in notebook.read_text(encoding="utf-8"):
        assert time.monotonic() < deadline, "the notebook was not saved with its outputs"
        time.sleep(0.5)
    saved_notebook = notebook.read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-view+json" in saved_notebook
    assert find_key_leaks(saved_notebook, quiz_file, key) == []
    # the notebook as the student sees it (the page's stylesheets hold license years such as "(c) 2019")
    shown = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").evaluate("node => node.outerHTML")
    assert "afq-widget" in shown
    assert find_key_leaks(shown, quiz_file, key) == []
    assert not page.errors, page.errors
