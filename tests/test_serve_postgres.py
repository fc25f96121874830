"""The same server on PostgreSQL: a real server from Debian's package, started by the test.

See :func:`test_serve_support.postgres_cluster` for how the cluster is made; the test
skips, saying why, where no server can be started (it fails instead under CI).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time

import pytest

from afcourse.quizui.remote import remote_controller
from afcourse.serve.storage import Receipt, Store, StorageError
from test_serve_support import Server, call, keys_by_id, make_quiz_dir, postgres_cluster, quiz_set, right_answer


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_cluster() as cluster:
        yield cluster.url


def test_a_whole_assessment_is_recorded_in_postgresql_and_graded(postgres_url, tmp_path):
    quiz_dir = make_quiz_dir(tmp_path / "final")
    server = Server(quiz_dir, "--db", postgres_url, "--feedback", "after-submit").start()
    keys = keys_by_id()
    try:
        controller = remote_controller(server.url, server.token("s1"), queue_path=tmp_path / "q.jsonl")
        for question in controller.questions:
            controller.answer(question.id, right_answer(keys[question.id].key))
            assert controller.save_error is None
        controller.submit()
        token = server.token("s1")
        assert call(server.url + "api/submit", "POST", {}, token=token).status == 409
        body = {"item_id": controller.questions[0].id, "response": None, "client_id": "pg-after-submit"}
        assert call(server.url + "api/answer", "POST", body, token=token).status == 409
        other = server.token("s2")
        first_item = call(server.url + "api/quiz", token=other).data["questions"][0]["id"]
        body = {"item_id": first_item, "response": None, "client_id": "pg-resent-00"}
        first = call(server.url + "api/answer", "POST", body, token=other)
        again = call(server.url + "api/answer", "POST", body, token=other)
        assert again.data == {**first.data, "duplicate": True}
        feedback = call(server.url + "api/feedback", token=token).data
        assert feedback["points"] == feedback["max_points"]
    finally:
        server.stop()
    exported = tmp_path / "answers.jsonl"
    done = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", "export", str(quiz_dir), "--db",
                           postgres_url, "--out", str(exported)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [(s["student"]["id"], s["status"]) for s in lines] == [("s1", "submitted"), ("s2", "in_progress")]
    out = tmp_path / "grades"
    graded = subprocess.run([sys.executable, "-m", "afcourse.cli", "grade", str(quiz_dir), str(exported), "--out",
                             str(out)], capture_output=True, text=True, timeout=120)
    assert graded.returncode == 0, graded.stderr
    rows = {r["student_id"]: r for r in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert float(rows["s1"]["percent"]) == 100.0


def test_a_postgresql_database_of_another_quiz_is_refused(postgres_url):
    Store(postgres_url, quiz_set()[0].quiz_id).close()
    with pytest.raises(StorageError, match="holds answers to quiz"):
        Store(postgres_url, "some-other-quiz")


def test_racing_answers_and_submits_on_postgresql_never_log_an_answer_after_the_submission(postgres_url):
    """Threads (as many workers would) answer and submit for one student at the same instant: one submit wins,
    no deadlock, no answer logged after the submission."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from afcourse.serve.storage import AlreadySubmitted

    store = Store(postgres_url, quiz_set()[0].quiz_id, pool_size=8)
    variant = quiz_set()[0].variants[0].variant_id
    try:
        for round_ in range(15):
            sid = f"racer-{round_}"
            store.start(sid, None, variant)
            gate = threading.Barrier(8)

            def act(n: int) -> str:
                gate.wait(10)
                try:
                    if n % 2:
                        store.submit(sid)
                        return "submitted"
                    store.record(sid, "q1", n, f"race-{n:04d}")
                    return "logged"
                except AlreadySubmitted:
                    return "refused"

            with ThreadPoolExecutor(8) as pool:
                outcomes = list(pool.map(act, range(8)))  # a deadlock (StorageError) would raise here
            assert outcomes.count("submitted") == 1, outcomes
            when = store.student(sid).submitted_at
            with store._session(write=False) as run:
                logged, after = run("SELECT COUNT(*), COUNT(*) FILTER (WHERE received_at > ?) FROM answers "
                                    "WHERE student_id = ?", (when, sid)).fetchone()
            assert logged == outcomes.count("logged") and after == 0
    finally:
        store.close()


def test_two_servers_sharing_one_database_behave_as_one(postgres_url, tmp_path):
    """As two hosts behind a proxy: a student may land on either for any request, and no outcome depends on which."""
    import psycopg

    quiz_dir = make_quiz_dir(tmp_path / "shared")
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute('DROP DATABASE IF EXISTS "twohosts"')
        conn.execute('CREATE DATABASE "twohosts"')
    url = postgres_url.rsplit("/", 1)[0] + "/twohosts"
    a = Server(quiz_dir, "--db", url, "--time-limit", "30").start()
    b = Server(quiz_dir, "--db", url, "--time-limit", "30").start()
    try:
        token = a.token("s1")
        quiz = call(a.url + "api/quiz", token=token).data  # s1 starts on host A
        item = quiz["questions"][0]["id"]
        body = {"item_id": item, "response": None, "client_id": "two-hosts-1"}
        first = call(b.url + "api/answer", "POST", body, token=token)  # answers on host B: the row is known there
        again = call(a.url + "api/answer", "POST", body, token=token)  # the same answer resent through host A
        assert first.status == 200 and again.data == {**first.data, "duplicate": True}
        on_b = call(b.url + "api/quiz", token=token).data
        assert on_b["variant_id"] == quiz["variant_id"] and on_b["started_at"] == quiz["started_at"]
        granted = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", "extra-time", str(quiz_dir), "s1",
                                  "10", "--db", url], capture_output=True, text=True, timeout=60)
        assert granted.returncode == 0, granted.stderr
        assert call(a.url + "api/quiz", token=token).data["time_limit"] == 2400  # seen by both at once
        assert call(b.url + "api/quiz", token=token).data["time_limit"] == 2400
        assert call(a.url + "api/submit", "POST", {}, token=token).status == 200  # submitted on A
        late = call(b.url + "api/answer", "POST", {**body, "client_id": "two-hosts-2"}, token=token)
        assert late.status == 409 and late.data["final"] is True  # refused on B
        assert call(b.url + "api/submit", "POST", {}, token=token).status == 409
    finally:
        a.stop()
        b.stop()


def test_one_statement_answers_keep_the_time_limit_extra_time_and_resends_as_the_transaction_does(postgres_url):
    """PostgreSQL logs a plain answer in one statement, from a thread (record) or the event loop (record_async);
    both refuse after the limit plus its grace, count extra time, and give a resent answer its first receipt."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from afcourse.serve.storage import TimeUp

    store = Store(postgres_url, quiz_set()[0].quiz_id)
    variant = quiz_set()[0].variants[0].variant_id

    def from_the_loop(*answers):
        async def send():
            try:
                return [await store.record_async(*answer) for answer in answers]
            finally:
                await store.aclose()

        # in a thread of its own: Playwright's sync API may hold an event loop in this one
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, send()).result()

    try:
        store.set_time_limit(1, grace_seconds=1)  # 2 s in all
        for sid in ("timed-a", "timed-b"):
            store.start(sid, None, variant)
        store.set_extra_time("timed-b", 3)
        first = store.record("timed-a", "q1", "x", "timed-a-0001")
        looped, again = from_the_loop(("timed-a", "q2", "y", "timed-a-0002"), ("timed-a", "q1", "x", "timed-a-0001"))
        assert not first.duplicate and not looped.duplicate and again == Receipt(first.seq, first.received_at, True)
        time.sleep(2.3)
        assert from_the_loop(("timed-a", "q1", "z", "timed-a-0003")) == [None]  # not logged: refused
        with pytest.raises(TimeUp):
            store.record("timed-a", "q1", "z", "timed-a-0003")
        row = store.student("timed-a")
        assert row.submitted_at == row.deadline(1).isoformat(timespec="microseconds")  # submitted at the limit
        assert store.record("timed-a", "q2", "y", "timed-a-0002").duplicate  # a late resend: its first receipt
        assert not store.record("timed-b", "q1", "x", "timed-b-0001").duplicate  # 3 s more: still in time
        assert store.responses("timed-a") == {"q1": "x", "q2": "y"}
    finally:
        store.close()


def _established_by_process(pids: list[int], port: int) -> dict[int, int]:
    """How many established connections to ``port`` each process holds (from /proc)."""
    inodes = set()
    for line in open("/proc/net/tcp", encoding="ascii").read().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":  # local port, ESTABLISHED
            inodes.add(fields[9])
    counts = {}
    for pid in pids:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        counts[pid] = sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in inodes)
    return counts


def test_workers_share_a_burst_of_new_connections_and_a_port_in_use_is_refused(postgres_url, tmp_path):
    """Each worker listens on its own socket (SO_REUSEPORT): 40 connections opened at once are spread over both
    (with one shared socket, one worker took most of a burst); a second server on the same port is refused."""
    import socket

    quiz_dir = make_quiz_dir(tmp_path / "spread")
    server = Server(quiz_dir, "--db", postgres_url, "--workers", "2").start()
    clients = []
    try:
        until = time.monotonic() + 30
        while len(server.workers()) < 2 and time.monotonic() < until:
            time.sleep(0.1)
        time.sleep(1.0)  # both listening
        request = f"GET /api/quiz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {server.token('s1')}\r\n\r\n".encode()
        clients = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(40)]
        for sock in clients:
            sock.sendall(request)
        for sock in clients:
            assert sock.recv(12).startswith(b"HTTP/1.1 200")
        counts = _established_by_process(server.workers(), server.port)
        assert sum(counts.values()) == 40 and min(counts.values()) >= 8, counts
        second = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", str(make_quiz_dir(tmp_path / "b")),
                                 "--port", str(server.port), "--db", postgres_url, "--workers", "2"],
                                capture_output=True, text=True, timeout=60)
        assert second.returncode != 0 and "Address already in use" in second.stderr
        assert call(server.url + "api/quiz", token=server.token("s2")).status == 200  # the first carries on
    finally:
        for sock in clients:
            sock.close()
        server.stop()
