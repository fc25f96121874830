"""Shared pieces of the serve tests: a quiz folder, a real server on a free loopback port, a client.

The server always runs as its own process (``python -m afcourse.cli serve ...``) and is
driven over real HTTP on 127.0.0.1, so these tests see what a student's browser or
notebook sees, and a test can kill it.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest

from afcourse.bank.models import ChoiceKey, MatchKey, MultiKey, NumericKey, OrderKey, TextKey
from afcourse.quiz.models import KeyFile, QuizFile
from afcourse.serve.tokens import instructor_token, load_secret, make_token

ROSTER = [("s1", "Ada <b>Lovelace</b>"), ("s2", "Bo"), ("s3", None)]


@lru_cache(maxsize=1)
def quiz_set() -> tuple[QuizFile, KeyFile]:
    """A three-variant quiz holding every item type, made once per test run."""
    from afcourse.bank.generate import build_bank
    from afcourse.facts.factbase import load_facts
    from afcourse.quiz.sets import make_quiz_set

    chapters = ["history", "interests", "moscow-format", "taliban"]
    mix = {"single_choice": 2, "multiple_select": 1, "true_false": 1, "short_answer": 1, "numeric": 1,
           "ordering": 1, "matching": 2}
    return make_quiz_set(build_bank(load_facts(), chapters), chapters=chapters, n=9, seed="serve-tests", variants=3,
                         type_mix=mix, title="Serve test quiz")


def make_quiz_dir(folder: Path, roster=ROSTER) -> Path:
    """``folder`` with quiz.json, key.json and roster.csv."""
    from afcourse.quiz.sets import write_quiz_set

    quiz, key = quiz_set()
    write_quiz_set(quiz, key, folder)
    lines = ["id,name"] + [f"{sid},{name or ''}" for sid, name in roster]
    (folder / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def right_answer(key) -> object:
    """The response that earns full marks for ``key``."""
    if isinstance(key, ChoiceKey):
        return key.correct
    if isinstance(key, MultiKey):
        return list(key.correct)
    if isinstance(key, TextKey):
        return key.accepted[0]
    if isinstance(key, NumericKey):
        return float(key.value)
    if isinstance(key, OrderKey):
        return list(key.order)
    if isinstance(key, MatchKey):
        return dict(key.pairs)
    raise TypeError(type(key))


def keys_by_id() -> dict:
    return {k.id: k for k in quiz_set()[1].keys}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Reply:
    status: int
    data: dict
    headers: dict = field(default_factory=dict)


def call(url: str, method: str = "GET", body=None, token: str | None = None, headers: dict | None = None,
         raw: bytes | None = None, timeout: float = 10) -> Reply:
    """One HTTP request; the JSON reply and status, errors included."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    if data is not None:
        sent.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            text = reply.read()
            return Reply(reply.status, json.loads(text) if text else {}, dict(reply.headers))
    except urllib.error.HTTPError as exc:
        text = exc.read()
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {"text": text.decode(errors="replace")}
        return Reply(exc.code, data, dict(exc.headers))


class Server:
    """``afcourse serve QUIZDIR`` in its own process on a free 127.0.0.1 port."""

    def __init__(self, quiz_dir: Path, *args: str, port: int | None = None, env: dict | None = None,
                 prefix: tuple[str, ...] = ()):
        self.quiz_dir, self.args, self.port = quiz_dir, list(args), port or free_port()
        self.env, self.prefix = env, list(prefix)
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None
        self.log = quiz_dir / f"server-{self.port}.log"

    def start(self, timeout: float = 20) -> "Server":
        command = [*self.prefix, sys.executable, "-m", "afcourse.cli", "serve", str(self.quiz_dir),
                   "--port", str(self.port), *self.args]
        handle = open(self.log, "ab")
        self.process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT,
                                        env={**os.environ, **(self.env or {})})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not start in {timeout} s: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    # ---- tokens ------------------------------------------------------------------------------
    def token(self, student_id: str) -> str:
        return make_token(load_secret(self.quiz_dir), quiz_set()[0].quiz_id, student_id)

    def instructor(self) -> str:
        return instructor_token(load_secret(self.quiz_dir), quiz_set()[0].quiz_id)


    def workers(self) -> list[int]:
        """The process ids of the uvicorn worker processes (``--workers N``), oldest first."""
        found = []
        for child in Path("/proc").glob("[0-9]*"):
            try:
                stat = (child / "stat").read_text()
                cmdline = (child / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and b"spawn_main" in cmdline:
                found.append(int(child.name))
        return sorted(found)


# ---- PostgreSQL ------------------------------------------------------------------------------
def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL cannot start: {reason} (make test installs Debian's postgresql)")
    pytest.skip(f"PostgreSQL cannot start: {reason}")


class Cluster:
    """A PostgreSQL server of our own on a free loopback port; it can be restarted under a running afcourse."""

    def __init__(self, bin_dir: Path, folder: Path, prefix: list[str]):
        self.bin_dir, self.folder, self.prefix = bin_dir, folder, prefix
        self.data, self.port = folder / "data", free_port()
        self.url = f"postgresql://afcourse@127.0.0.1:{self.port}/postgres"

    def run(self, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.prefix, *command], capture_output=True, text=True, timeout=60)

    def pg_ctl(self, *args: str) -> subprocess.CompletedProcess:
        return self.run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), *args)

    def start(self) -> subprocess.CompletedProcess:
        return self.pg_ctl("-w", "-t", "30", "-o",
                           f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}", "start")

    def stop(self, mode: str = "fast") -> subprocess.CompletedProcess:
        return self.pg_ctl("-w", "-t", "30", "-m", mode, "stop")

    def database(self, name: str) -> str:
        """A new, empty database of this cluster; its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + "/" + name


@contextmanager
def postgres_cluster():
    """A running :class:`Cluster`, removed afterwards; skips (fails under CI) where none can start.

    initdb and pg_ctl come from /usr/lib/postgresql/*/bin (``make test`` installs the
    ``postgresql`` package). PostgreSQL refuses to run as root, so as root the cluster
    belongs to the ``postgres`` user the package creates and is run with runuser.
    """
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        _unavailable("no /usr/lib/postgresql/*/bin/initdb")
    bin_dir = Path(found[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="afcourse-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _unavailable("running as root and runuser is missing")
        try:
            shutil.chown(folder, "postgres", "postgres")
        except (LookupError, PermissionError) as exc:
            _unavailable(f"no postgres user to own the cluster ({exc})")
        prefix = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(bin_dir, folder, prefix)
    made = cluster.run(str(bin_dir / "initdb"), "-D", str(cluster.data), "-A", "trust", "-U", "afcourse", "-E",
                       "UTF8", "--no-sync")
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"initdb failed: {made.stderr[-500:]}")
    started = cluster.start()
    if started.returncode != 0:
        log = (folder / "log").read_text(errors="replace")[-800:] if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"pg_ctl start failed: {started.stderr[-300:]} {log}")
    try:
        yield cluster
    finally:
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
