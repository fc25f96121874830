"""Benchmark: answers per second and the latency of one answer on ``afcourse serve`` with SQLite.

    PYTHONPATH=.:tests .venv/bin/python bench/bench_serve.py [--students 200] [--seconds 10] [--db URL]

Starts the server as its own process on a free 127.0.0.1 port (a 9-item, 3-variant quiz
from the shipped facts), then:

1. sustained: ``--students`` clients, each sending answers back to back over one
   keep-alive connection for ``--seconds``; answers/s is acknowledged answers over the
   wall time, and the p50/p99 latency is of those same requests under that load;
2. alone: one client, 500 answers one after the other: the latency of one answer
   when nothing else is going on (p50, p99).

Every answer is a real ``POST /api/answer``: token check, validation, one durable
commit (WAL, synchronous=FULL) before the reply.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_serve_support import Server, make_quiz_dir  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def _client(server: Server, sid: str, stop_at: float, latencies: list[float], limit: int | None = None):
    headers = {"Authorization": f"Bearer {server.token(sid)}"}
    async with httpx.AsyncClient(timeout=30) as client:
        quiz = (await client.get(server.url + "api/quiz", headers=headers)).json()
        items = [q for q in quiz["questions"] if q["type"] in ("single_choice", "true_false")]
        n = 0
        while time.monotonic() < stop_at and (limit is None or n < limit):
            question = items[n % len(items)]
            began = time.perf_counter()
            reply = await client.post(server.url + "api/answer", headers=headers, json={
                "item_id": question["id"], "response": question["choices"][n % 2]["id"],
                "client_id": f"{sid}-{n:08d}"})
            if reply.status_code != 200:
                raise RuntimeError(reply.text)
            latencies.append(time.perf_counter() - began)
            n += 1


async def sustained(server: Server, students: int, seconds: float) -> tuple[float, list[float]]:
    latencies: list[float] = []
    began = time.monotonic()
    await asyncio.gather(*(_client(server, f"b{i:04d}", began + seconds, latencies) for i in range(students)))
    return len(latencies) / (time.monotonic() - began), latencies


async def alone(server: Server, count: int) -> list[float]:
    latencies: list[float] = []
    await _client(server, "alone", time.monotonic() + 600, latencies, limit=count)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--db", default=None, help="default: SQLite beside the quiz")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        quiz_dir = make_quiz_dir(Path(scratch) / "quiz")
        extra = ["--rate", "100000"] + (["--db", args.db] if args.db else [])
        server = Server(quiz_dir, *extra).start()
        try:
            rate, under_load = asyncio.run(sustained(server, args.students, args.seconds))
            single = asyncio.run(alone(server, 500))
        finally:
            server.stop()
    ms = 1000
    print(f"python {platform.python_version()}, {args.students} students for {args.seconds:g} s, "
          f"db {args.db or 'sqlite (WAL, synchronous=FULL)'}")
    print(f"sustained: {rate:.0f} answers/s; latency under load p50 {statistics.median(under_load) * ms:.1f} ms, "
          f"p99 {percentile(under_load, 99) * ms:.1f} ms ({len(under_load)} answers)")
    print(f"one answer alone: p50 {statistics.median(single) * ms:.2f} ms, p99 {percentile(single, 99) * ms:.2f} ms "
          f"(500 answers)")


if __name__ == "__main__":
    main()
