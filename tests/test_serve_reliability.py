"""500 students answer at once; the server is killed (SIGKILL) midway.

Every answer the server acknowledged must be in the database afterwards, and none twice:
clients resend what was not acknowledged with the same client id, as the real clients
do. Two set-ups: one process on SQLite, killed whole and started again; and two worker
processes on PostgreSQL, killed one at a time (uvicorn starts a new worker in place of
each; the other keeps serving). Bounded: 500 students x 3 answers, and a 90 s limit on
each run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from test_serve_support import Server, make_quiz_dir, postgres_cluster

STUDENTS = 500
ANSWERS_EACH = 3
KILL_AFTER = 500  # acknowledged answers before the kill


async def _student(client: httpx.AsyncClient, server: Server, sid: str, acked: set, sent: set, events: dict):
    headers = {"Authorization": f"Bearer {server.token(sid)}"}

    async def send(method, path, body=None):
        while True:
            try:
                reply = await client.request(method, server.url + path, json=body, headers=headers)
            except httpx.TransportError:
                await asyncio.sleep(0.05)  # the server is down: retry, as the clients' queues do
                continue
            if reply.status_code in (429, 503):
                await asyncio.sleep(0.2)
                continue
            assert reply.status_code == 200, reply.text
            return reply.json()

    quiz = await send("GET", "api/quiz")
    choice_items = [q for q in quiz["questions"] if q["type"] in ("single_choice", "true_false")]
    for n in range(ANSWERS_EACH):
        question = choice_items[n % len(choice_items)]
        client_id = f"{sid}-{n:02d}-reliability"
        sent.add((sid, client_id))
        await send("POST", "api/answer", {"item_id": question["id"], "response": question["choices"][n % 2]["id"],
                                          "client_id": client_id})
        acked.add((sid, client_id))
        if len(acked) >= KILL_AFTER:
            events["enough"].set()


async def _run(server: Server) -> tuple[set, set, int]:
    acked: set = set()
    sent: set = set()
    events = {"enough": asyncio.Event()}
    # 500 students share 50 keep-alive connections (httpx's pool slows down sharply beyond that)
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(10.0)) as client:
        tasks = [asyncio.create_task(_student(client, server, f"r{i:04d}", acked, sent, events))
                 for i in range(STUDENTS)]
        await asyncio.wait_for(events["enough"].wait(), 60)
        acked_at_kill = len(acked)
        if server.workers():
            await _kill_workers_one_at_a_time(server, acked, events)
        else:
            server.kill()
            await asyncio.sleep(0.2)
            server.start()
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return acked, sent, acked_at_kill


async def _kill_workers_one_at_a_time(server: Server, acked: set, events: dict) -> None:
    """SIGKILL each worker in turn, waiting for uvicorn's replacement and more acknowledged answers between."""
    first = server.workers()
    assert len(first) == 2
    for victim in first:
        os.kill(victim, signal.SIGKILL)
        until = time.monotonic() + 30
        while len(set(server.workers()) - set(first)) < first.index(victim) + 1:  # the replacement is up
            assert time.monotonic() < until, "uvicorn did not replace the killed worker"
            await asyncio.sleep(0.1)
        before = len(acked)
        while len(acked) < min(before + 100, STUDENTS * ANSWERS_EACH) and time.monotonic() < until:
            await asyncio.sleep(0.05)
    assert server.process.poll() is None  # the server itself never stopped


def _check(acked: set, sent: set, acked_at_kill: int, rows: list, students: int, began: float) -> None:
    assert time.monotonic() - began < 90
    assert KILL_AFTER <= acked_at_kill < STUDENTS * ANSWERS_EACH  # the kill really came midway


def _answer_through(server: Server):
    # in a thread of its own: Playwright's sync API may hold an event loop in this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(_run(server))).result()


def test_every_acknowledged_answer_survives_a_sigkill_and_none_is_stored_twice(tmp_path):
    quiz_dir = make_quiz_dir(tmp_path / "exam")
    server = Server(quiz_dir, "--rate", "50").start()
    began = time.monotonic()
    try:
        acked, sent, acked_at_kill = _answer_through(server)
    finally:
        server.stop()
    with sqlite3.connect(quiz_dir / "serve.sqlite") as db:
        rows = db.execute("SELECT student_id, client_id FROM answers").fetchall()
        students = db.execute("SELECT COUNT(*) FROM students").fetchone()[0]
    _check(acked, sent, acked_at_kill, rows, students, began)


@pytest.fixture(scope="module")
def cluster():
    with postgres_cluster() as running:
        yield running


def test_two_workers_on_postgresql_killed_one_at_a_time_lose_nothing(tmp_path, cluster):
    import psycopg

    quiz_dir = make_quiz_dir(tmp_path / "exam")
    url = cluster.database("reliability")
    server = Server(quiz_dir, "--rate", "50", "--db", url, "--workers", "2").start()
    began = time.monotonic()
    try:
        until = time.monotonic() + 30
        while len(server.workers()) < 2 and time.monotonic() < until:
            time.sleep(0.1)
        acked, sent, acked_at_kill = _answer_through(server)
    finally:
        server.stop()
    with psycopg.connect(url) as db:
        rows = [tuple(r) for r in db.execute("SELECT student_id, client_id FROM answers").fetchall()]
        students = db.execute("SELECT COUNT(*) FROM students").fetchone()[0]
    _check(acked, sent, acked_at_kill, rows, students, began)
