"""The browser client in Chromium: the server's own student page, and a static page on another site.

A whole assessment is answered through the page's controls and graded by ``afcourse
grade`` from the server's database; a static page served from another origin (as the
book would be) reaches the server through CORS, queues answers while the browser is
offline and sends them when it is back; names and answers show as text, never as HTML.
"""

from __future__ import annotations

import csv
import re
import functools
import http.server
import sqlite3
import subprocess
import sys
import threading

import pytest

from afcourse import show_quiz
from afcourse.quizui.remote import remote_html
from conftest import ARTIFACTS
from test_serve_support import Server, free_port, keys_by_id, make_quiz_dir, quiz_set, right_answer

SAVED = '.afq-remote-status[data-state="saved"]'  # selectors, not script: the page's CSP forbids eval


def answer_in_page(page, question: dict, response) -> None:
    """Give ``response`` to ``question`` through the page's own controls."""
    box = page.locator(f'fieldset[data-qid="{question["id"]}"]')
    kind = question["type"]
    if kind in ("single_choice", "true_false"):
        box.locator(f'input[value="{response}"]').check()
    elif kind == "multiple_select":
        for choice in response:
            box.locator(f'input[value="{choice}"]').check()
    elif kind in ("short_answer", "numeric"):
        box.locator("input").fill(str(int(response) if isinstance(response, float) else response))
        box.locator("input").press("Tab")
    elif kind == "ordering":
        for target, cid in enumerate(response):
            while True:
                current = box.locator("li").evaluate_all("items => items.map(i => i.dataset.cid)")
                if current.index(cid) == target:
                    break
                box.locator(f'li[data-cid="{cid}"] button').first.click()
        if box.locator(".afq-keep").is_enabled():  # the order shown was already right: confirm it
            box.locator(".afq-keep").click()
    elif kind == "matching":
        for prompt, choice in response.items():
            box.locator(f'select[data-pid="{prompt}"]').select_option(choice)


@pytest.fixture
def quiz_dir(tmp_path):
    return make_quiz_dir(tmp_path / "midterm")


def test_a_whole_assessment_in_the_servers_page_is_graded_from_the_database(browser, quiz_dir, tmp_path):
    server = Server(quiz_dir, "--roster", str(quiz_dir / "roster.csv")).start()
    keys = keys_by_id()
    page = browser.new_page()
    try:
        page.goto(server.url + "#token=" + server.token("s1"))
        page.wait_for_selector(".afq-q")
        assert page.text_content(".afq-remote-student") == "Answering as Ada <b>Lovelace</b>"  # text, not markup
        assert page.locator(".afq-remote-student b").count() == 0
        questions = page.evaluate("""() => Array.from(document.querySelectorAll('.afq-q'))
                                     .map(q => ({id: q.dataset.qid, type: q.dataset.type}))""")
        assert len(questions) == 9
        for question in questions:
            answer_in_page(page, question, right_answer(keys[question["id"]].key))
        page.wait_for_selector(f'{SAVED}:has-text("9 of 9 answered")')
        assert "9 of 9 answered" in page.text_content(".afq-remote-status")
        page.click(".afq-submit")
        page.wait_for_selector('.afq-remote-status[data-state="submitted"]')
        assert page.locator("fieldset input:not([disabled])").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "serve-student-page.png"), full_page=True)
        page.reload()  # shown again: submitted, read-only, with the answers the server holds
        page.wait_for_selector('.afq-remote-status[data-state="submitted"]')
        assert "Submitted at" in page.text_content(".afq-remote-status")
        page.goto(server.url + "instructor#token=" + server.instructor())  # the live count
        page.wait_for_function("() => document.getElementById('count').textContent.includes('submitted')")
        assert page.text_content("#count") == "1 of 3 started, 1 of 3 submitted"
        page.goto(server.url + "instructor#token=" + server.token("s1"))  # a student's token sees nothing
        page.reload()  # (only the address's fragment changed)
        page.wait_for_selector("#count.err")
        assert "instructor only" in page.text_content("#count")
    finally:
        page.close()
        server.stop()
    out = tmp_path / "grades"
    done = subprocess.run([sys.executable, "-m", "afcourse.cli", "grade", str(quiz_dir), str(quiz_dir / "serve.sqlite"),
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = {r["student_id"]: r for r in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert float(rows["s1"]["percent"]) == 100.0


def test_a_static_page_on_another_site_answers_through_cors_and_queues_while_offline(browser, quiz_dir, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    site_port = free_port()
    origin = f"http://127.0.0.1:{site_port}"
    server = Server(quiz_dir, "--allow-origin", origin)  # its address is known before it starts
    block = show_quiz("midterm", mode="assessment", server=server.url)._repr_html_()  # as a book page's cell would
    assert block == remote_html(server.url)
    assert not any(k.explanation in block for k in quiz_set()[1].keys)  # the questions and keys stay on the server
    (site / "quiz.html").write_text(f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Book page</title>"
                                    f"</head><body><main>{block}</main></body></html>", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", site_port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    context = browser.new_context()
    page = context.new_page()
    try:
        server.start()
        page.goto(f"{origin}/quiz.html")  # no token in the address: the page asks for it
        page.wait_for_selector("#afq-token")
        page.fill("#afq-token", server.token("s2"))
        page.click(".afq-token-form button")
        page.wait_for_selector(".afq-q")
        text_item = page.locator('fieldset[data-type="short_answer"]')
        hostile = '<img src=x onerror="window.pwned=1">'
        text_item.locator("input").fill(hostile)
        text_item.locator("input").press("Tab")
        page.wait_for_selector(f'{SAVED}:has-text("1 of 9 answered")')
        context.set_offline(True)
        page.locator('fieldset[data-type="true_false"] input').first.check()
        page.wait_for_selector('.afq-remote-status[data-state="offline"]')
        assert re.search(r"Offline: \d answer\(s\) kept in this browser", page.text_content(".afq-remote-status"))
        offline_choice = page.locator('fieldset[data-type="true_false"] input').first.get_attribute("value")
        context.set_offline(False)
        page.wait_for_selector(SAVED, timeout=15000)
        assert page.evaluate("window.pwned") is None
    finally:
        context.close()
        httpd.shutdown()
        server.stop()
    with sqlite3.connect(quiz_dir / "serve.sqlite") as db:
        logged = [r[0] for r in db.execute("SELECT response FROM answers WHERE student_id = 's2' ORDER BY seq")]
    assert '"' + hostile.replace('"', '\\"') + '"' in logged  # kept as typed
    assert logged[-1] == f'"{offline_choice}"'  # the answer given offline arrived, last
