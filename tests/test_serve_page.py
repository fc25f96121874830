"""The server's student page in Chromium: identities, numbers, orderings, Submit, refusals, time limits.

Each test drives the page through its own controls and reads what reached the server
from its database, so what is checked is what a student does and what the instructor
gets.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from afcourse.quiz.answers import NumberEntryError, parse_number
from conftest import ARTIFACTS
from test_serve_support import Server, call, make_quiz_dir

STATUS = ".afq-remote-status"
SAVED = f'{STATUS}[data-state="saved"]'


@pytest.fixture
def quiz_dir(tmp_path):
    return make_quiz_dir(tmp_path / "midterm")


def logged(quiz_dir, student: str) -> list[tuple[str, object]]:
    with sqlite3.connect(quiz_dir / "serve.sqlite") as db:
        rows = db.execute("SELECT item_id, response FROM answers WHERE student_id = ? ORDER BY seq",
                          (student,)).fetchall()
    return [(item, json.loads(text)) for item, text in rows]


def wait_logged(quiz_dir, student: str, count: int, seconds: float = 15) -> list[tuple[str, object]]:
    """The student's logged answers once there are ``count`` of them (bounded wait)."""
    until = time.monotonic() + seconds
    while len(rows := logged(quiz_dir, student)) < count and time.monotonic() < until:
        time.sleep(0.1)
    return rows


def submitted_at(quiz_dir, student: str) -> str | None:
    with sqlite3.connect(quiz_dir / "serve.sqlite") as db:
        row = db.execute("SELECT submitted_at FROM students WHERE student_id = ?", (student,)).fetchone()
    return row[0] if row else None


def open_quiz(page, server: Server, student: str) -> list[dict]:
    page.goto(server.url + "#token=" + server.token(student))
    page.wait_for_selector(".afq-q")
    return page.evaluate("() => Array.from(document.querySelectorAll('.afq-q')).map(q => ({id: q.dataset.qid, "
                         "type: q.dataset.type, choices: Array.from(q.querySelectorAll('input[type=radio]'))"
                         ".map(i => i.value)}))")


def first(questions: list[dict], kind: str) -> dict:
    return next(q for q in questions if q["type"] == kind)


def test_two_students_in_one_browser_never_send_each_others_answers(browser, quiz_dir):
    server = Server(quiz_dir).start()
    context = browser.new_context()  # one browser profile: one localStorage for both students
    try:
        page = context.new_page()
        questions = open_quiz(page, server, "s1")
        tf = first(questions, "true_false")
        context.set_offline(True)
        page.locator(f'fieldset[data-qid="{tf["id"]}"] input[value="{tf["choices"][0]}"]').check()
        page.wait_for_selector(f'{STATUS}[data-state="offline"]')
        page.close()  # s1 walks away with an answer queued in this browser
        context.set_offline(False)
        other = context.new_page()
        theirs = open_quiz(other, server, "s2")  # s2 sits down at the same browser
        tf2 = first(theirs, "true_false")
        other.locator(f'fieldset[data-qid="{tf2["id"]}"] input[value="{tf2["choices"][1]}"]').check()
        other.wait_for_selector(f'{SAVED}:has-text("1 of 9 answered")')
        time.sleep(1.0)  # time enough for a stray send
        assert logged(quiz_dir, "s2") == [(tf2["id"], tf2["choices"][1])]
        assert logged(quiz_dir, "s1") == []
        other.close()
        back = context.new_page()
        open_quiz(back, server, "s1")  # s1 comes back: their own queue goes out, under their name
        back.wait_for_selector(SAVED)
        assert "1 of 9 answered" in back.text_content(STATUS)
        assert logged(quiz_dir, "s1") == [(tf["id"], tf["choices"][0])]
        assert logged(quiz_dir, "s2") == [(tf2["id"], tf2["choices"][1])]
    finally:
        context.close()
        server.stop()


def test_numbers_are_read_as_the_notebook_reads_them(browser, quiz_dir):
    from test_browser_scoring_parity import number_inputs

    server = Server(quiz_dir).start()
    page = browser.new_page()
    try:
        questions = open_quiz(page, server, "s1")
        units = [None, "year", "rounds", "percent", "months", "countries"]
        cases = [(t, u) for t in number_inputs(5, 300) for u in units]
        got = page.evaluate("cs => cs.map(([t, u]) => window.afcourseRemote.readNumber(t, u))", cases)
        mismatches = []
        for (typed, unit), js in zip(cases, got):
            try:
                want = {"value": parse_number(typed, unit)}
            except NumberEntryError as exc:
                want = {"error": str(exc)}
            if want != js:
                mismatches.append(f"{typed!r} ({unit}): python {want}, page {js}")
        assert not mismatches, "\n".join(mismatches[:15])
        assert sum("error" in g for g in got) > 100 and sum(g.get("value") is not None for g in got) > 100
        # and through the box itself: what reaches the server is what the notebook would record
        box = page.locator(f'fieldset[data-qid="{first(questions, "numeric")["id"]}"]')
        unit = "year"
        for n, typed in enumerate(("3,5", "2,8", "1,500", " 1877 "), start=1):
            box.locator("input").fill(typed)
            box.locator("input").press("Tab")
            want = parse_number(typed, unit)  # under load the count can be reached before this value lands,
            until = time.monotonic() + 60     # and a request may time out (15 s in the page) and be sent again
            while (wait_logged(quiz_dir, "s1", n)[-1][1] != want) and time.monotonic() < until:
                time.sleep(0.1)
            assert wait_logged(quiz_dir, "s1", n)[-1][1] == want, typed
        box.locator("input").fill("eighteen")
        box.locator("input").press("Tab")
        assert "digits" in box.locator(".afq-save-note").text_content()  # said next to the box, nothing sent
        assert box.locator("input").input_value() == "eighteen"
        assert logged(quiz_dir, "s1")[-1][1] == 1877.0
    finally:
        page.close()
        server.stop()


def test_an_untouched_ordering_stays_unanswered_and_submit_records_a_box_not_yet_left(browser, quiz_dir):
    server = Server(quiz_dir, "--feedback", "after-submit").start()
    page = browser.new_page()
    try:
        questions = open_quiz(page, server, "s3")
        ordering = first(questions, "ordering")
        box = page.locator(f'fieldset[data-qid="{ordering["id"]}"]')
        assert "No answer yet" in box.text_content()
        tf = first(questions, "true_false")
        page.locator(f'fieldset[data-qid="{tf["id"]}"] input[value="{tf["choices"][0]}"]').check()
        page.wait_for_selector(f'{SAVED}:has-text("1 of 9 answered")')
        assert "1 of 9 answered" in page.text_content(STATUS)  # the ordering shown is not an answer
        assert [item for item, _ in logged(quiz_dir, "s3")] == [tf["id"]]
        shown = box.locator("li").evaluate_all("items => items.map(i => i.dataset.cid)")
        box.locator(".afq-keep").click()  # the student agrees with the order shown
        page.wait_for_selector(f'{SAVED}:has-text("2 of 9 answered")')
        assert logged(quiz_dir, "s3")[-1] == (ordering["id"], shown)
        assert box.locator(".afq-keep").is_disabled() and "No answer yet" not in box.text_content()
        text = page.locator('fieldset[data-type="short_answer"] input')
        text.fill("Kabul")  # typed, then Submit at once: no Tab, no change event before the click
        page.click(".afq-submit")
        page.wait_for_selector(f'{STATUS}[data-state="submitted"]')
        short = first(questions, "short_answer")
        assert logged(quiz_dir, "s3")[-1] == (short["id"], "Kabul")
        assert submitted_at(quiz_dir, "s3") is not None
    finally:
        page.close()
        server.stop()


def test_a_refused_answer_is_shown_by_its_question_and_stays_on_screen(browser, quiz_dir):
    server = Server(quiz_dir).start()
    page = browser.new_page()
    try:
        questions = open_quiz(page, server, "s2")
        tf = first(questions, "true_false")
        page.locator(f'fieldset[data-qid="{tf["id"]}"] input[value="{tf["choices"][0]}"]').check()
        page.wait_for_selector(f'{SAVED}:has-text("1 of 9 answered")')
        assert call(server.url + "api/submit", "POST", {}, token=server.token("s2")).status == 200  # another device
        single = first(questions, "single_choice")
        radio = page.locator(f'fieldset[data-qid="{single["id"]}"] input[value="{single["choices"][1]}"]')
        radio.check()
        note = page.locator(f'fieldset[data-qid="{single["id"]}"] .afq-save-note')
        note.wait_for(state="visible")
        assert "submitted this quiz" in note.text_content() and "still shown" in note.text_content()
        assert radio.is_checked()  # the student's answer is still there to see
        page.wait_for_selector(f'{STATUS}[data-state="submitted"]')  # a final refusal: the page is read-only
        assert "submitted" in page.text_content(STATUS)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "serve-refused-answer.png"), full_page=True)
        time.sleep(1.5)
        assert [item for item, _ in logged(quiz_dir, "s2")] == [tf["id"]]  # refused once, never resent
    finally:
        page.close()
        server.stop()


def test_the_page_counts_down_to_the_closing_time_and_submits_then(browser, quiz_dir):
    closes = datetime.now(timezone.utc) + timedelta(seconds=20)
    server = Server(quiz_dir, "--closes", closes.isoformat()).start()
    page = browser.new_page()
    try:
        questions = open_quiz(page, server, "s1")
        assert page.text_content(".afq-timer").startswith("Time left: 0:")
        tf = first(questions, "true_false")
        page.locator(f'fieldset[data-qid="{tf["id"]}"] input[value="{tf["choices"][0]}"]').check()
        page.wait_for_selector(f'{STATUS}[data-state="submitted"]:has-text("Time is up")', timeout=30000)
        assert submitted_at(quiz_dir, "s1") is not None and logged(quiz_dir, "s1") == [(tf["id"], tf["choices"][0])]
    finally:
        page.close()
        server.stop()


def test_a_time_limit_with_extra_time_for_one_student(browser, quiz_dir):
    server = Server(quiz_dir, "--time-limit", "0.1", "--grace", "1").start()  # 6 s each
    granted = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", "extra-time", str(quiz_dir), "s2", "0.2"],
                             capture_output=True, text=True, timeout=60)
    assert granted.returncode == 0, granted.stderr
    assert "s2: 0.2 extra minute(s) (has not opened the quiz yet)" in granted.stdout
    page = browser.new_page()
    try:
        began = time.monotonic()
        questions = open_quiz(page, server, "s1")
        timer = page.text_content(".afq-timer")
        assert timer.startswith("Time left: 0:0") and 4 <= int(timer.split(":")[2][:2]) <= 6
        s2 = call(server.url + "api/quiz", token=server.token("s2")).data
        s3 = call(server.url + "api/quiz", token=server.token("s3")).data
        opened = time.monotonic()  # s2 and s3 started (by the server's clock, a moment before)
        assert s2["time_limit"] == 18 and s3["time_limit"] == 6 and 16 < s2["seconds_left"] <= 18
        tf = first(questions, "true_false")
        page.locator(f'fieldset[data-qid="{tf["id"]}"] input[value="{tf["choices"][0]}"]').check()
        page.wait_for_selector(f'{SAVED}:has-text("1 of 9 answered")')
        page.wait_for_selector(f'{STATUS}[data-state="submitted"]:has-text("Time is up")', timeout=15000)
        assert 5 <= time.monotonic() - began <= 12
        assert page.locator("fieldset input:not([disabled])").count() == 0
        assert page.text_content(".afq-timer").startswith("Time is up: your answers were submitted at ")  # on top
        assert submitted_at(quiz_dir, "s1") is not None
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "serve-time-up.png"), full_page=True)
        time.sleep(max(0.0, opened + 8.5 - time.monotonic()))  # past s3's limit and grace, within s2's
        item = s3["questions"][0]["id"]
        late = call(server.url + "api/answer", "POST", {"item_id": item, "response": None,
                                                         "client_id": "s3-too-late"}, token=server.token("s3"))
        assert late.status == 403 and "time ran out" in late.data["error"] and late.data["final"] is True
        item2 = s2["questions"][0]["id"]
        extra = call(server.url + "api/answer", "POST", {"item_id": item2, "response": None,
                                                          "client_id": "s2-extra-time"}, token=server.token("s2"))
        assert extra.status == 200  # s2's extra time is still running
    finally:
        page.close()
        server.stop()
    out = quiz_dir / "answers.jsonl"
    time.sleep(max(0.0, opened + 19.5 - time.monotonic()))  # s2's time and grace are over too: they never came back
    done = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", "export", str(quiz_dir), "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    rows = {s["student"]["id"]: s for s in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert {sid: rows[sid]["status"] for sid in rows} == {"s1": "submitted", "s2": "submitted", "s3": "submitted"}
    assert logged(quiz_dir, "s3") == [] and len(logged(quiz_dir, "s2")) == 1


def test_extra_time_given_during_the_attempt_moves_the_pages_clock_instead_of_submitting(browser, quiz_dir):
    """The page asks the server again at zero: extra time granted after it opened counts."""
    server = Server(quiz_dir, "--time-limit", "0.1", "--grace", "1").start()  # 6 s
    page = browser.new_page()
    try:
        open_quiz(page, server, "s1")
        began = time.monotonic()
        granted = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", "extra-time", str(quiz_dir), "s1",
                                  "0.2"], capture_output=True, text=True, timeout=60)  # 12 s more
        assert granted.returncode == 0, granted.stderr
        time.sleep(max(0.0, began + 9 - time.monotonic()))  # past the first limit
        assert page.text_content(".afq-timer").startswith("Time left: 0:")
        assert submitted_at(quiz_dir, "s1") is None and page.locator("fieldset input[disabled]").count() == 0
        page.wait_for_selector(f'{STATUS}[data-state="submitted"]:has-text("Time is up")', timeout=20000)
        assert time.monotonic() - began >= 14 and submitted_at(quiz_dir, "s1") is not None
    finally:
        page.close()
        server.stop()
