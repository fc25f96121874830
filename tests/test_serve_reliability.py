"""500 students answer at once; the server is killed (SIGKILL) midway and started again.

Every answer the server acknowledged must be in the database afterwards, and none twice:
clients resend what was not acknowledged with the same client id, as the real clients
do. Bounded: 500 students x 3 answers, and a 90 s limit on the whole run.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from test_serve_support import Server, make_quiz_dir

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
            if reply.status_code == 429:
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
        server.kill()
        acked_at_kill = len(acked)
        await asyncio.sleep(0.2)
        server.start()
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return acked, sent, acked_at_kill


def test_every_acknowledged_answer_survives_a_sigkill_and_none_is_stored_twice(tmp_path):
    quiz_dir = make_quiz_dir(tmp_path / "exam")
    server = Server(quiz_dir, "--rate", "50").start()
    began = time.monotonic()
    try:
        # in a thread of its own: Playwright's sync API may hold an event loop in this one
        with ThreadPoolExecutor(1) as pool:
            acked, sent, acked_at_kill = pool.submit(lambda: asyncio.run(_run(server))).result()
    finally:
        server.stop()
    assert time.monotonic() - began < 90
    assert KILL_AFTER <= acked_at_kill < STUDENTS * ANSWERS_EACH  # the kill really came midway
    with sqlite3.connect(quiz_dir / "serve.sqlite") as db:
        rows = db.execute("SELECT student_id, client_id FROM answers").fetchall()
        students = db.execute("SELECT COUNT(*) FROM students").fetchone()[0]
    stored = set(rows)
    assert len(rows) == len(stored)  # nothing stored twice
    assert acked <= stored  # every acknowledged answer is there
    assert stored <= sent and len(stored) == STUDENTS * ANSWERS_EACH
    assert students == STUDENTS
