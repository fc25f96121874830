"""Benchmark: answers per second, latency and CPU per answer of ``afcourse serve``, by workers and database.

    PYTHONPATH=.:tests .venv/bin/python bench/bench_serve.py \\
        [--students 50,300] [--workers 1,2,4] [--db sqlite,postgresql] [--seconds 10] [--think 0,1]

For each database, worker count and class size (SQLite runs with one worker only: it is
one process's database), the server is started as its own process on a free 127.0.0.1
port (a 9-item, 3-variant quiz from the shipped facts), PostgreSQL being a cluster of
the benchmark's own (Debian's package, as the tests start it; a fresh database each
run), and then:

1. sustained: ``--students`` clients, each over its own keep-alive connection for
   ``--seconds``, in ``--load-procs`` load processes. With ``--think 0`` (the closed
   loop) each sends its next answer as soon as the last is acknowledged, so the
   server is always saturated and, by Little's law, the latency is about students /
   (answers/s); with ``--think T`` each pauses T seconds on average (exponentially
   distributed) between answers, as a class does. answers/s is acknowledged answers
   over the wall time, p50/p99 the latency of those same requests;
2. CPU: the user+system CPU time the afcourse processes, PostgreSQL's and the load
   processes' own, spent during the sustained phase, per acknowledged answer;
3. alone (first configuration of each database only): one client, 500 answers one
   after the other: the latency of one answer when nothing else is going on.

Every answer is a real ``POST /api/answer``: token check, validation, one durable
commit (SQLite: WAL, synchronous=FULL; PostgreSQL: its default, fsync at commit)
before the reply; the client reads each reply whole and checks its status and receipt.
The client writes HTTP/1.1 by hand on asyncio streams (see :class:`Student`): httpx,
used before, took more CPU per request than the server. The load still shares the
machine's cores with the server and the database, so the figures are a floor for what
a server with cores of its own would do (the ``client`` column says how much it took).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit


sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_serve_support import Server, make_quiz_dir, postgres_cluster  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# ---- load -----------------------------------------------------------------------------------------
class Student:
    """One client with its own keep-alive connection, ready to answer its choice questions.

    HTTP/1.1 is written and read by hand over an asyncio stream (a full client such as
    httpx spends several times the server's CPU per request, and here it shares the
    server's cores); every answer is still a real ``POST /api/answer`` whose reply is
    read whole and checked: status 200 and a JSON receipt with its ``seq``.
    """

    def __init__(self, url: str, token: str, sid: str):
        parts = urlsplit(url)
        self.host, self.port, self.path, self.sid = parts.hostname, parts.port, parts.path, sid
        self.head = (f"Host: {parts.netloc}\r\nAuthorization: Bearer {token}\r\n"
                     "Content-Type: application/json\r\n").encode()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(f"{method} {self.path}{path} HTTP/1.1\r\n".encode() + self.head
                          + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status, length, close = int(head[9:12]), None, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        if length is None:
            raise RuntimeError(f"a reply without Content-Length: {head[:200]!r}")
        data = await self.reader.readexactly(length)
        if close:
            await self.close()
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def open(self) -> None:
        status, data = await self.request("GET", "api/quiz")
        if status != 200:
            raise RuntimeError(f"GET /api/quiz: {status} {data[:200]!r}")
        quiz = json.loads(data)
        self.items = [q for q in quiz["questions"] if q["type"] in ("single_choice", "true_false")]

    def body(self, n: int) -> bytes:
        question = self.items[n % len(self.items)]
        return json.dumps({"item_id": question["id"], "response": question["choices"][n % 2]["id"],
                           "client_id": f"{self.sid}-{n:08d}"}).encode()

    async def answer(self, n: int) -> None:
        """Send answer number ``n`` and check its receipt."""
        status, data = await self.request("POST", "api/answer", self.body(n))
        if status != 200 or b'"seq":' not in data:
            raise RuntimeError(f"answer {n} of {self.sid}: {status} {data[:200]!r}")

    async def answer_until(self, stop_at: float, latencies: list[float], limit: int | None = None,
                           think: float = 0.0, start: int = 0) -> None:
        """Answer back to back (or with ``think`` seconds between answers, on average) until ``stop_at``."""
        n = start
        if think:
            await asyncio.sleep(random.uniform(0, think))
        while time.monotonic() < stop_at and (limit is None or n - start < limit):
            began = time.perf_counter()
            await self.answer(n)
            latencies.append(time.perf_counter() - began)
            n += 1
            if think:  # never past the end: the run's wall time is the answers' time
                await asyncio.sleep(min(random.expovariate(1 / think), max(0.0, stop_at - time.monotonic())))


def _run(coroutine):
    """``asyncio.run`` on uvloop (the server's own loop, lighter than asyncio's) when it is installed."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def _load_process(url: str, students: list[tuple[str, str]], think: float, line) -> None:
    """One load process: opens its share of the students, says ready, answers for the seconds it is told.

    Sends back the latencies and its own CPU seconds while answering.
    """

    async def main():
        clients = [Student(url, token, sid) for sid, token in students]
        await asyncio.gather(*(c.open() for c in clients))
        line.send("ready")
        seconds = line.recv()
        latencies: list[float] = []
        cpu = time.process_time()
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(c.answer_until(stop_at, latencies, think=think) for c in clients))
        cpu = time.process_time() - cpu
        for c in clients:
            await c.close()
        return latencies, cpu

    line.send(_run(main()))
    line.close()


def sustained(server: Server, students: int, seconds: float, procs: int,
              think: float = 0.0) -> tuple[float, list[float], tuple]:
    """(answers/s, latencies, CPU seconds of afcourse, of its database and of the load processes during the run).

    ``think``: each student pauses that many seconds on average between answers (0: back to back).
    """
    roster = [(f"b{i:04d}", server.token(f"b{i:04d}")) for i in range(students)]
    context = multiprocessing.get_context("spawn")
    lines, workers = [], []
    for n in range(procs):
        here, there = context.Pipe()
        worker = context.Process(target=_load_process, args=(server.url, roster[n::procs], think, there))
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
    client_cpu = 0.0
    for line in lines:
        taken, used = line.recv()
        latencies.extend(taken)
        client_cpu += used
    wall = time.monotonic() - began
    cpu = tuple(after - before for after, before in zip(server_cpu(server), cpu_before)) + (client_cpu,)
    for worker in workers:
        worker.join(30)
    return len(latencies) / wall, latencies, cpu


def alone(server: Server, count: int) -> list[float]:
    async def run() -> list[float]:
        latencies: list[float] = []
        student = Student(server.url, server.token("alone"), "alone")
        await student.open()
        await student.answer_until(time.monotonic() + 600, latencies, limit=count)
        await student.close()
        return latencies

    return _run(run())


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
    parser.add_argument("--think", default="0", help="seconds each student pauses between answers, on average, "
                        "comma-separated (0: back to back, the closed loop)")
    parser.add_argument("--load-procs", type=int, default=1, help="processes generating the load")
    parser.add_argument("--postgres", default=None, help="an existing PostgreSQL URL (default: start one here)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.students.split(",")]
    worker_counts = [int(n) for n in args.workers.split(",")]
    databases = [d.strip() for d in args.db.split(",")]
    thinks = [float(t) for t in args.think.split(",")]
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {args.seconds:g} s per run, "
          f"{args.load_procs} load process(es) on the same machine; load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'database':<11} {'workers':>7} {'students':>8} {'think s':>7} {'answers/s':>10} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'CPU ms/answer: afcourse':>24} {'database':>9} {'client':>7}")
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
                    runs = []
                    try:
                        time.sleep(1.0 + workers)  # every worker up
                        for think in thinks:
                            runs.append((think, *sustained(server, size, args.seconds, args.load_procs, think)))
                        single = alone(server, 500) if (workers, size) == (worker_counts[0], sizes[0]) else None
                    finally:
                        server.stop()
                    ms = 1000
                    for think, rate, latencies, cpu in runs:
                        n = max(1, len(latencies))
                        print(f"{database:<11} {workers:>7} {size:>8} {think:>7g} {rate:>10.0f} "
                              f"{statistics.median(latencies) * ms:>8.1f} {percentile(latencies, 99) * ms:>8.1f} "
                              f"{cpu[0] / n * ms:>24.2f} {cpu[1] / n * ms:>9.2f} {cpu[2] / n * ms:>7.2f}")
                    if single:
                        print(f"{'':<11} one answer alone: p50 {statistics.median(single) * ms:.2f} ms, "
                              f"p99 {percentile(single, 99) * ms:.2f} ms (500 answers)")
    print("CPU ms/answer: CPU time during the sustained run over the answers acknowledged, of afcourse's "
          "processes (SQLite runs inside them), of PostgreSQL's and of the load processes")


if __name__ == "__main__":
    main()
