"""The server against hostile or broken input, and the notebook client's queue across a kernel restart.

File modes of the answer database, a JSON body nested thousands deep, a lone surrogate,
oversized headers, 1,100 half-sent requests against a 1,024 open-file limit, a second
worker on SQLite, and the notebook client: an answer queued on disk while the server
is down reaches it after a kernel restart, a refusal names its question and is not
resent. Loopback only, bounded counts and waits.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from afcourse.quizui.recording import RecordingError
from afcourse.quizui.remote import is_refusal, remote_controller
from afcourse.serve.server import HEADER_SECONDS
from afcourse.serve.storage import Store
from test_serve_support import Server, call, make_quiz_dir


@pytest.fixture
def quiz_dir(tmp_path):
    return make_quiz_dir(tmp_path / "midterm")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def first_item(server: Server, student: str) -> dict:
    return call(server.url + "api/quiz", token=server.token(student)).data["questions"][0]


def test_the_answer_database_and_its_wal_and_shm_files_are_private(quiz_dir, tmp_path):
    server = Server(quiz_dir).start()
    try:
        item = first_item(server, "s1")
        body = {"item_id": item["id"], "response": None, "client_id": "mode-check-1"}
        assert call(server.url + "api/answer", "POST", body, token=server.token("s1")).status == 200
        names = [quiz_dir / n for n in ("serve.sqlite", "serve.sqlite-wal", "serve.sqlite-shm")]
        assert all(p.exists() for p in names)
        assert {p.name: mode(p) for p in names} == {p.name: 0o600 for p in names}
    finally:
        server.stop()
    old = tmp_path / "old.sqlite"  # made by an earlier version, readable by everyone
    Store(f"sqlite:///{old}", "quiz-x").close()
    os.chmod(old, 0o644)
    Store(f"sqlite:///{old}", "quiz-x").close()
    assert mode(old) == 0o600


def test_deep_json_lone_surrogates_and_huge_headers_get_clear_errors_not_500(quiz_dir):
    server = Server(quiz_dir).start()
    try:
        token = server.token("s1")
        item = first_item(server, "s1")
        short = next(q for q in call(server.url + "api/quiz", token=token).data["questions"]
                     if q["type"] == "short_answer")
        deep = b'{"item_id": "x", "response": ' + b"[" * 5000 + b"]" * 5000 + b', "client_id": "deep-json-1"}'
        reply = call(server.url + "api/answer", "POST", raw=deep, token=token)
        assert reply.status == 400 and "levels deep" in reply.data["error"]
        lone = ('{"item_id": "%s", "response": "Kabul \\ud800", "client_id": "surrogate-1"}' % short["id"]).encode()
        reply = call(server.url + "api/answer", "POST", raw=lone, token=token)
        assert reply.status == 422 and "Unicode" in reply.data["error"]
        reply = call(server.url + "api/quiz", token=token, headers={"X-Padding": "a" * 20000})
        assert reply.status == 400
        ok = call(server.url + "api/answer", "POST", {"item_id": item["id"], "response": None,
                                                       "client_id": "after-all-that"}, token=token)
        assert ok.status == 200  # the server is fine
        assert "Traceback" not in server.log.read_text()
    finally:
        server.stop()


def test_1100_half_sent_requests_neither_shut_students_out_nor_stay_open(quiz_dir):
    if shutil.which("prlimit") is None:
        pytest.skip("prlimit (util-linux) is needed to start the server with a 1,024 open-file limit")
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2500:
        pytest.skip(f"the hard limit on open files ({hard}) is too low for this test")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2500), hard))
    server = Server(quiz_dir, prefix=("prlimit", "--nofile=1024:" + ("unlimited" if hard ==
                                                                      resource.RLIM_INFINITY else str(hard)))).start()
    held: list[socket.socket] = []
    try:
        for _ in range(1100):  # each sends half a request line and stops
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(b"POST /api/answer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl")
            held.append(sock)
        began = time.monotonic()
        item = first_item(server, "s2")
        reply = call(server.url + "api/answer", "POST", {"item_id": item["id"], "response": None,
                                                          "client_id": "among-the-half-sent"},
                     token=server.token("s2"), timeout=5)
        assert reply.status == 200 and time.monotonic() - began < 5
        time.sleep(HEADER_SECONDS + 2)
        closed = 0
        for sock in held:
            sock.settimeout(0.5)
            try:
                data = sock.recv(200)
            except (socket.timeout, OSError):
                continue
            closed += data == b"" or data.startswith(b"HTTP/1.1 408")
        assert closed == len(held)  # the server let go of every one of them
    finally:
        for sock in held:
            sock.close()
        server.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_more_than_one_worker_on_sqlite_is_refused_with_a_clear_message(quiz_dir):
    done = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", str(quiz_dir), "--workers", "2"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "--workers 2 needs a PostgreSQL database" in done.stderr and "Traceback" not in done.stderr


def test_which_replies_are_final_and_which_are_tried_again():
    refusal = json.dumps({"error": "the quiz closed"}).encode()
    assert is_refusal(403, refusal) == "the quiz closed"
    assert is_refusal(409, refusal) and is_refusal(422, refusal) and is_refusal(413, refusal)
    for status in (401, 408, 425, 429, 500, 502, 503, 504):  # 401: kept until the student is known again
        assert is_refusal(status, refusal) is None  # the server's own "try again" too
    assert is_refusal(404, b"<html>Not Found</html>") is None  # a proxy's page is no answer from the server
    assert is_refusal(403, b'{"message": "forbidden"}') is None


def test_a_queued_answer_survives_a_kernel_restart_and_a_refusal_names_its_question(quiz_dir, tmp_path):
    server = Server(quiz_dir).start()
    queue = tmp_path / "queue.jsonl"
    try:
        first = remote_controller(server.url, server.token("s1"), queue_path=queue, retry_seconds=0)  # no resends
        items = [q for q in first.questions if q.type in ("single_choice", "true_false")]
        first.answer(items[0].id, items[0].choices[0].id)
        server.kill()
        first.answer(items[1].id, items[1].choices[1].id)
        assert "kept on this computer" in first.save_error
        del first  # the kernel dies with the answer queued on disk
        server.start()
        again = remote_controller(server.url, server.token("s1"), queue_path=queue, retry_seconds=0.2)
        until = time.monotonic() + 15
        while queue.exists() and time.monotonic() < until:
            time.sleep(0.1)
        assert not queue.exists()
        with sqlite3.connect(quiz_dir / "serve.sqlite") as db:
            rows = db.execute("SELECT item_id, response FROM answers WHERE student_id = 's1' ORDER BY seq").fetchall()
        assert [(i, json.loads(r)) for i, r in rows] == [(items[0].id, items[0].choices[0].id),
                                                          (items[1].id, items[1].choices[1].id)]
        # submitted from elsewhere: the next answer is refused for good, by number, and never resent
        assert call(server.url + "api/submit", "POST", {}, token=server.token("s1")).status == 200
        again.answer(items[0].id, items[0].choices[1].id)
        number = [q.id for q in again.questions].index(items[0].id) + 1
        assert f"question {number}: the server refused (409)" in again.save_error
        assert "Not saved" in again.status_text() and not queue.exists()
        other = remote_controller(server.url, server.token("s2"), queue_path=queue, retry_seconds=0)
        assert other.store.queue == []  # a queue file of another identity is never sent as theirs
        began = time.monotonic()
        with pytest.raises(RecordingError, match="does not accept this token"):
            remote_controller(server.url, server.token("s2")[:-2] + "xx", queue_path=queue)
        assert time.monotonic() - began < 5  # said at once, not retried
    finally:
        server.stop()


def test_the_notebook_shows_the_time_left_and_an_answer_after_the_limit_is_refused(quiz_dir, tmp_path):
    server = Server(quiz_dir, "--time-limit", "0.1", "--grace", "1").start()  # 6 s
    try:
        controller = remote_controller(server.url, server.token("s3"), queue_path=tmp_path / "q.jsonl",
                                       retry_seconds=0)
        opened = time.monotonic()
        item = next(q for q in controller.questions if q.type == "true_false")
        controller.answer(item.id, item.choices[0].id)
        assert re.search(r"\(0 min 0[3-6] s left\)", controller.status_text()), controller.status_text()
        time.sleep(max(0.0, opened + 8 - time.monotonic()))
        controller.answer(item.id, item.choices[1].id)
        assert "time ran out" in controller.save_error and "Not saved" in controller.status_text()
        exported = tmp_path / "answers.jsonl"
        done = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", "export", str(quiz_dir), "--out",
                               str(exported)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        saved = json.loads(exported.read_text(encoding="utf-8"))
        assert saved["status"] == "submitted" and saved["responses"] == {item.id: item.choices[0].id}
    finally:
        server.stop()


def test_the_notebook_clock_counts_down_live_and_says_when_the_time_is_up(quiz_dir, tmp_path, monkeypatch):
    """The widget's clock moves by itself (a thread of the kernel redraws it; nothing is asked of the kernel), goes
    when the student submits, and says so when the time is up."""
    from afcourse import show_quiz

    monkeypatch.chdir(tmp_path)  # the queue files' folder
    server = Server(quiz_dir, "--time-limit", "0.1", "--grace", "1").start()  # 6 s
    seconds = lambda text: int(re.search(r"Time left: 0:(\d\d)", text)[1])  # noqa: E731
    try:
        widget = show_quiz("midterm", mode="assessment", server=server.url, token=server.token("s2")).widget()
        submitter = show_quiz("midterm", mode="assessment", server=server.url, token=server.token("s3")).widget()
        first = widget.timer.value
        assert 3 <= seconds(first) <= 6 and "submitted when it runs out" in first  # the last minute: said so
        time.sleep(2.2)
        assert seconds(widget.timer.value) <= seconds(first) - 2  # moved twice while this thread slept
        submitter.submit()
        assert submitter.timer.value == "" and "Submitted" in submitter.summary.value
        until = time.monotonic() + 10
        while "Time is up" not in widget.timer.value and time.monotonic() < until:
            time.sleep(0.2)
        assert "Time is up" in widget.timer.value and 'data-state="up"' in widget.timer.value
    finally:
        server.stop()


def test_extra_time_given_during_the_attempt_moves_the_notebooks_clock(quiz_dir, tmp_path, monkeypatch):
    from afcourse import show_quiz

    monkeypatch.chdir(tmp_path)
    server = Server(quiz_dir, "--time-limit", "0.1", "--grace", "1").start()  # 6 s
    try:
        widget = show_quiz("midterm", mode="assessment", server=server.url, token=server.token("s2")).widget()
        began = time.monotonic()
        granted = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", "extra-time", str(quiz_dir), "s2",
                                  "0.2"], capture_output=True, text=True, timeout=60)  # 12 s more
        assert granted.returncode == 0, granted.stderr
        time.sleep(max(0.0, began + 9 - time.monotonic()))  # past the first limit: the clock asked again at zero
        assert re.search(r"Time left: 0:(0[3-9]|1\d)", widget.timer.value), widget.timer.value
    finally:
        server.stop()


def test_a_quiz_without_a_time_limit_has_no_clock(quiz_dir, tmp_path, monkeypatch):
    from afcourse import show_quiz

    monkeypatch.chdir(tmp_path)
    server = Server(quiz_dir).start()
    try:
        widget = show_quiz("midterm", mode="assessment", server=server.url, token=server.token("s2")).widget()
        assert widget.timer.value == "" and widget.seconds_left() is None
    finally:
        server.stop()


def test_extra_minutes_in_the_roster_lengthen_that_students_time_limit(tmp_path):
    folder = make_quiz_dir(tmp_path / "timed")
    (folder / "roster.csv").write_text("id,name,extra_minutes\ns1,Ada,15\ns2,Bo,\ns3,,0\n", encoding="utf-8")
    server = Server(folder, "--roster", str(folder / "roster.csv"), "--time-limit", "30").start()
    try:
        limits = {sid: call(server.url + "api/quiz", token=server.token(sid)).data["time_limit"]
                  for sid in ("s1", "s2", "s3")}
        assert limits == {"s1": 2700, "s2": 1800, "s3": 1800}
    finally:
        server.stop()
    (folder / "roster.csv").write_text("id,name,extra_minutes\ns1,Ada,lots\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", str(folder), "--roster",
                           str(folder / "roster.csv"), "--time-limit", "30"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and "extra_minutes of 's1' must be a number of minutes" in done.stderr
