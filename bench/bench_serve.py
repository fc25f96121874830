"""Benchmark: answers per second, latency and CPU per answer of ``afcourse serve``, by workers and database.

    PYTHONPATH=.:tests .venv/bin/python bench/bench_serve.py \\
        [--students 50,300] [--workers 1,2,4] [--db sqlite,postgresql] [--seconds 10] [--load-procs 2]

For each database, worker count and class size (SQLite runs with one worker only: it is
one process's database), the server is started as its own process on a free 127.0.0.1
port (a 9-item, 3-variant quiz from the shipped facts), PostgreSQL being a cluster of
the benchmark's own (Debian's package, as the tests start it; a fresh database each
run), and then:

1. sustained: ``--students`` clients, each sending answers back to back over its own
   keep-alive connection for ``--seconds``, spread over ``--load-procs`` load processes
   (one Python process cannot drive 300 connections fast enough); answers/s is
   acknowledged answers over the wall time, p50/p99 the latency of those same requests;
2. CPU: the user+system CPU time the afcourse processes, and on PostgreSQL the
   database's, spent during the sustained phase, per acknowledged answer;
3. alone (first configuration of each database only): one client, 500 answers one
   after the other: the latency of one answer when nothing else is going on.

Every answer is a real ``POST /api/answer``: token check, validation, one durable
commit (SQLite: WAL, synchronous=FULL; PostgreSQL: its default, fsync at commit)
before the reply. The load generator shares the machine's cores with the server: on
a 2-core machine it takes about as much CPU as the server, so the figures are a floor
for what a server with cores of its own would do.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_serve_support import Server, make_quiz_dir, postgres_cluster  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# ---- load -----------------------------------------------------------------------------------------
class Student:
    """One client with its own keep-alive connection, ready to answer its choice questions."""

    def __init__(self, url: str, token: str, sid: str):
        self.url, self.sid = url, sid
        self.headers = {"Authorization": f"Bearer {token}"}
        self.client = httpx.AsyncClient(timeout=30)

    async def open(self) -> None:
        quiz = (await self.client.get(self.url + "api/quiz", headers=self.headers)).json()
        self.items = [q for q in quiz["questions"] if q["type"] in ("single_choice", "true_false")]

    async def answer_until(self, stop_at: float, latencies: list[float], limit: int | None = None) -> None:
        n = 0
        while time.monotonic() < stop_at and (limit is None or n < limit):
            question = self.items[n % len(self.items)]
            began = time.perf_counter()
            reply = await self.client.post(self.url + "api/answer", headers=self.headers, json={
                "item_id": question["id"], "response": question["choices"][n % 2]["id"],
                "client_id": f"{self.sid}-{n:08d}"})
            if reply.status_code != 200:
                raise RuntimeError(reply.text)
            latencies.append(time.perf_counter() - began)
            n += 1


def _load_process(url: str, students: list[tuple[str, str]], line) -> None:
    """One load process: opens its share of the students, says ready, answers for the seconds it is told."""

    async def main():
        clients = [Student(url, token, sid) for sid, token in students]
        await asyncio.gather(*(c.open() for c in clients))
        line.send("ready")
        seconds = line.recv()
        latencies: list[float] = []
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(c.answer_until(stop_at, latencies) for c in clients))
        for c in clients:
            await c.client.aclose()
        return latencies

    line.send(asyncio.run(main()))
    line.close()


def sustained(server: Server, students: int, seconds: float, procs: int) -> tuple[float, list[float], tuple]:
    """(answers/s, latencies, CPU seconds of afcourse and of its database during the run)."""
    roster = [(f"b{i:04d}", server.token(f"b{i:04d}")) for i in range(students)]
    context = multiprocessing.get_context("spawn")
    lines, workers = [], []
    for n in range(procs):
        here, there = context.Pipe()
        worker = context.Process(target=_load_process, args=(server.url, roster[n::procs], there))
        worker.start()
        lines.append(here)
        workers.append(worker)
    for line in lines:
        if line.recv() != "ready":
            raise RuntimeError("a load process failed to start")
    cpu_before, began = server_cpu(server), time.monotonic()
    for line in lines:
        line.send(seconds)
    latencies: list[float] = []
    for line in lines:
        latencies.extend(line.recv())
    wall = time.monotonic() - began
    cpu = tuple(after - before for after, before in zip(server_cpu(server), cpu_before))
    for worker in workers:
        worker.join(30)
    return len(latencies) / wall, latencies, cpu


def alone(server: Server, count: int) -> list[float]:
    async def run() -> list[float]:
        latencies: list[float] = []
        student = Student(server.url, server.token("alone"), "alone")
        await student.open()
        await student.answer_until(time.monotonic() + 600, latencies, limit=count)
        await student.client.aclose()
        return latencies

    return asyncio.run(run())


# ---- CPU ------------------------------------------------------------------------------------------
def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _cpu(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


DATABASE_ROOT: dict[str, int] = {}


def server_cpu(server: Server) -> tuple[float, float]:
    """CPU seconds so far of afcourse's processes, and of PostgreSQL's (0 for SQLite, which runs inside afcourse)."""
    return _cpu(_tree(server.process.pid)), (_cpu(_tree(DATABASE_ROOT["pid"])) if DATABASE_ROOT else 0.0)


# ---- runs -----------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", default="50,300", help="class sizes, comma-separated")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--load-procs", type=int, default=2, help="processes generating the load")
    parser.add_argument("--postgres", default=None, help="an existing PostgreSQL URL (default: start one here)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.students.split(",")]
    worker_counts = [int(n) for n in args.workers.split(",")]
    databases = [d.strip() for d in args.db.split(",")]
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {args.seconds:g} s per run, "
          f"{args.load_procs} load processes on the same machine")
    print(f"{'database':<11} {'workers':>7} {'students':>8} {'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'CPU ms/answer: afcourse':>24} {'database':>9}")
    with ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        cluster = None
        for database in databases:
            for workers in worker_counts:
                if database == "sqlite" and workers > 1:
                    continue
                for size in sizes:
                    extra = ["--rate", "100000", "--workers", str(workers)]
                    DATABASE_ROOT.clear()
                    if database == "postgresql":
                        if args.postgres:
                            url = args.postgres
                        else:
                            if cluster is None:
                                cluster = stack.enter_context(postgres_cluster())
                            url = cluster.database(f"bench_{workers}_{size}")
                            pid_file = cluster.data / "postmaster.pid"
                            DATABASE_ROOT["pid"] = int(pid_file.read_text().split()[0])
                        extra += ["--db", url]
                    quiz_dir = make_quiz_dir(Path(scratch) / f"{database}-{workers}-{size}")
                    server = Server(quiz_dir, *extra).start()
                    try:
                        time.sleep(1.0 + workers)  # every worker up
                        rate, latencies, cpu = sustained(server, size, args.seconds, args.load_procs)
                        single = alone(server, 500) if (workers, size) == (worker_counts[0], sizes[0]) else None
                    finally:
                        server.stop()
                    ms = 1000
                    p50 = statistics.median(latencies) * ms
                    print(f"{database:<11} {workers:>7} {size:>8} {rate:>10.0f} {p50:>8.1f} "
                          f"{percentile(latencies, 99) * ms:>8.1f} {cpu[0] / max(1, len(latencies)) * ms:>24.2f} "
                          f"{cpu[1] / max(1, len(latencies)) * ms:>9.2f}")
                    if single:
                        print(f"{'':<11} one answer alone: p50 {statistics.median(single) * ms:.2f} ms, "
                              f"p99 {percentile(single, 99) * ms:.2f} ms (500 answers)")
    print("CPU ms/answer: CPU time during the sustained run over the answers acknowledged, of afcourse's "
          "processes (SQLite runs inside them) and of PostgreSQL's")


if __name__ == "__main__":
    main()
