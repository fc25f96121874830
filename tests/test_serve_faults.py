"""Injected faults: a proxy answering 502 and 503 while the server restarts, PostgreSQL restarted mid-quiz.

The clients under test are the real ones: the server's own page in Chromium and the
notebook's client (``remote_controller``). configurable-http-proxy (JupyterHub's proxy,
installed by ``make node``) stands in front of ``afcourse serve``; while the server is
down it answers 503, and while its route points at a broken upstream, 502 with an HTML
page. Every answer given must reach the server exactly once, and the status lines never
count an answer the server has not acknowledged. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import sqlite3
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from afcourse.quizui.remote import remote_controller
from conftest import ROOT
from test_serve_support import Server, call, free_port, make_quiz_dir, postgres_cluster

CHP = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
STATUS = ".afq-remote-status"


class Proxy:
    """configurable-http-proxy on a free port, its default route at ``target``; the route can be moved."""

    def __init__(self, target: str, log: Path):
        if not CHP.exists() or shutil.which("node") is None:
            pytest.skip("configurable-http-proxy is not installed (make node)")
        self.port, self.api_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.handle = open(log, "ab")
        self.process = subprocess.Popen([str(CHP), "--ip", "127.0.0.1", "--port", str(self.port), "--api-ip",
                                         "127.0.0.1", "--api-port", str(self.api_port), "--default-target", target,
                                         "--log-level", "error"], stdout=self.handle, stderr=subprocess.STDOUT,
                                        env={"PATH": "/usr/bin:/bin", "CONFIGPROXY_AUTH_TOKEN": "fault-test"})
        until = time.monotonic() + 20
        while time.monotonic() < until:
            try:
                self.api("GET")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("configurable-http-proxy did not start")

    def api(self, method: str, body: dict | None = None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.api_port}/api/routes/", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": "token fault-test"})
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.read()

    def route(self, target: str) -> None:
        """Send every path to ``target`` (the route of ``/``, which the default target set)."""
        self.api("POST", {"target": target})

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        self.handle.close()


class BadGateway(http.server.BaseHTTPRequestHandler):
    """An upstream that is there but broken: 502 with an HTML page, as nginx or a load balancer sends."""

    def _fail(self):
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    do_GET = do_POST = do_OPTIONS = _fail

    def log_message(self, *args):
        pass


def answered_on_server(text: str) -> int:
    """The count a status line claims is on the server."""
    found = re.search(r"\((\d+) of \d+ answered\)|(\d+) of \d+ answered on the server", text)
    assert found, text
    return int(found.group(1) or found.group(2))


def stored(quiz_dir: Path, student: str) -> list[tuple[str, str, str]]:
    with sqlite3.connect(quiz_dir / "serve.sqlite") as db:
        return db.execute("SELECT item_id, response, client_id FROM answers WHERE student_id = ? ORDER BY seq",
                          (student,)).fetchall()


def distinct_answered(quiz_dir: Path, student: str) -> int:
    latest = {}
    for item, response, _ in stored(quiz_dir, student):
        latest[item] = json.loads(response)
    return sum(1 for v in latest.values() if v not in (None, "", [], {}))


def choice_questions(questions) -> list:
    return [q for q in questions if q["type"] in ("single_choice", "true_false")]


def test_the_page_and_the_notebook_lose_nothing_while_the_proxy_answers_502_and_503(browser, tmp_path):
    quiz_dir = make_quiz_dir(tmp_path / "midterm")
    server = Server(quiz_dir).start()
    proxy = Proxy(server.url.rstrip("/"), tmp_path / "proxy.log")
    broken = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BadGateway)
    threading.Thread(target=broken.serve_forever, daemon=True).start()
    context = browser.new_context()
    page = context.new_page()
    given_page: list[tuple[str, str]] = []
    given_nb: list[tuple[str, str]] = []
    try:
        page.goto(proxy.url + "#token=" + server.token("s1"))
        page.wait_for_selector(".afq-q")
        questions = page.evaluate("() => Array.from(document.querySelectorAll('.afq-q')).map(q => "
                                  "({id: q.dataset.qid, type: q.dataset.type, choices: Array.from("
                                  "q.querySelectorAll('input[type=radio]')).map(i => i.value)}))")
        choices = [q for q in questions if q["type"] in ("single_choice", "true_false")]
        assert len(choices) >= 3
        notebook = remote_controller(proxy.url, server.token("s2"), queue_path=tmp_path / "s2.jsonl",
                                     retry_seconds=0.2)
        nb_items = [q for q in notebook.questions if q.type in ("single_choice", "true_false")]

        def in_page(n: int, pick: int):
            q = choices[n]
            page.locator(f'fieldset[data-qid="{q["id"]}"] input[value="{q["choices"][pick]}"]').check()
            given_page.append((q["id"], q["choices"][pick]))

        def in_notebook(n: int, pick: int):
            q = nb_items[n]
            notebook.answer(q.id, q.choices[pick].id)
            given_nb.append((q.id, q.choices[pick].id))

        in_page(0, 0)
        in_notebook(0, 0)
        page.wait_for_selector(f'{STATUS}[data-state="saved"]:has-text("1 of 9 answered")')
        assert notebook.save_error is None

        server.stop()  # the proxy now answers 503: nothing listens behind it
        assert call(proxy.url + "api/quiz", token=server.token("s1")).status == 503
        in_page(1, 1)
        in_notebook(1, 1)
        page.wait_for_selector(f'{STATUS}[data-state="offline"]', timeout=10000)
        assert answered_on_server(page.text_content(STATUS)) <= distinct_answered(quiz_dir, "s1") == 1
        assert notebook.save_error and "503" in notebook.save_error and "Not saved" in notebook.status_text()

        proxy.route(f"http://127.0.0.1:{broken.server_address[1]}")  # a broken upstream: 502 with a page
        assert call(proxy.url + "api/quiz", token=server.token("s1")).status == 502
        in_page(2, 0)
        in_notebook(2, 1)
        time.sleep(1.5)  # several retries meet the 502
        assert answered_on_server(page.text_content(STATUS)) <= distinct_answered(quiz_dir, "s1") == 1
        assert "Not saved" in notebook.status_text()

        server.start()  # back, and the route restored (a proxy's 404 in between is retried too)
        proxy.route(server.url.rstrip("/"))
        try:
            page.wait_for_selector(f'{STATUS}[data-state="saved"]', timeout=40000)
        except Exception:
            raise AssertionError(page.text_content(STATUS)) from None
        until = time.monotonic() + 40
        while (notebook.save_error or not notebook.saved_at) and time.monotonic() < until:
            time.sleep(0.2)
        assert notebook.save_error is None and "Saved to" in notebook.status_text()
        assert answered_on_server(page.text_content(STATUS)) == distinct_answered(quiz_dir, "s1") == 3
        page.click(".afq-submit")
        page.wait_for_selector(f'{STATUS}[data-state="submitted"]')
    finally:
        context.close()
        broken.shutdown()
        proxy.stop()
        server.stop()
    for student, given in (("s1", given_page), ("s2", given_nb)):
        rows = stored(quiz_dir, student)
        assert [(item, json.loads(response)) for item, response, _ in rows] == given  # each once, in order
        assert len({cid for *_, cid in rows}) == len(rows)


@pytest.fixture(scope="module")
def cluster():
    with postgres_cluster() as running:
        yield running


def test_postgresql_restarted_mid_quiz_loses_nothing_and_the_server_carries_on(cluster, tmp_path):
    import psycopg

    quiz_dir = make_quiz_dir(tmp_path / "final")
    url = cluster.database("restart")
    server = Server(quiz_dir, "--db", url, "--workers", "2").start()
    given: dict[str, list] = {}
    try:
        students = [remote_controller(server.url, server.token(sid), queue_path=tmp_path / f"{sid}.jsonl",
                                      retry_seconds=0.2) for sid in ("s1", "s2", "s3")]
        items = {id(c): [q for q in c.questions if q.type in ("single_choice", "true_false", "multiple_select")]
                 for c in students}

        def round_of_answers(n: int):
            for controller in students:
                q = items[id(controller)][n % len(items[id(controller)])]
                value = [q.choices[n % 2].id] if q.type == "multiple_select" else q.choices[n % 2].id
                controller.answer(q.id, value)
                given.setdefault(controller.store.student.id, []).append((q.id, value))

        round_of_answers(0)
        round_of_answers(1)
        assert all(c.save_error is None for c in students)
        pid = server.process.pid
        assert cluster.stop("fast").returncode == 0  # the database goes away under the running server
        reply = call(server.url + "api/answer", "POST", {"item_id": items[id(students[0])][0].id, "response": None,
                                                          "client_id": "while-db-down"}, token=server.token("s1"))
        assert reply.status == 503 and "try again" in reply.data["error"]  # nothing acknowledged
        round_of_answers(2)  # kept on each computer
        assert all(c.save_error and "kept on this computer" in c.save_error for c in students)
        assert cluster.start().returncode == 0
        until = time.monotonic() + 60
        while any(c.save_error or c.store.queue for c in students) and time.monotonic() < until:
            time.sleep(0.2)
        assert not any(c.save_error for c in students), [c.save_error for c in students]
        round_of_answers(3)
        assert all(c.save_error is None for c in students)
        assert server.process.pid == pid and server.process.poll() is None  # never restarted
    finally:
        server.stop()
    with psycopg.connect(url) as db:
        for sid, answers in given.items():
            rows = db.execute("SELECT item_id, response FROM answers WHERE student_id = %s AND client_id <> "
                              "'while-db-down' ORDER BY seq", (sid,)).fetchall()
            assert [(item, json.loads(response)) for item, response in rows] == answers
