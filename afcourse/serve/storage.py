"""Where the server keeps answers: SQLite by default, PostgreSQL through the same code.

Three tables: ``meta`` (which quiz the database belongs to), ``students`` (variant,
when they started, when they submitted) and ``answers``, an append-only log of every
answer as it was given, each with the server's time. A student's current response to
an item is the last one logged. Each answer carries the client's own id for it
(``client_id``, unique per student): a client that resends an answer after a lost
reply or an offline spell gets the first one's acknowledgement back, never a second
row.

SQLite runs in WAL mode with ``synchronous=FULL``: an answer the server has
acknowledged is on disk even after a power cut, not only after a crash of the
process (``NORMAL`` would keep it through a crash but could lose the last commits on
power loss; ``bench/bench_serve.py`` measures what FULL costs). PostgreSQL is reached
with psycopg 3 (the PostgreSQL project's own maintained driver family, with binary
wheels); its commits are durable by default.

All access goes through one connection guarded by a lock: the server runs the calls
in worker threads, and writes are serialised by the database anyway.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

DEFAULT_DB_NAME = "serve.sqlite"


class StorageError(RuntimeError):
    """The database cannot be opened or does not belong to this quiz; the message says why."""


class AlreadySubmitted(StorageError):
    """The student has submitted: answers are final."""


def now_iso() -> str:
    """The server's time, ISO 8601 in UTC with microseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class StudentRow:
    student_id: str
    name: str | None
    variant_id: str
    started_at: str
    submitted_at: str | None


@dataclass(frozen=True)
class Receipt:
    """The acknowledgement of one answer: its place in the log and the server's time."""

    seq: int
    received_at: str
    duplicate: bool


_SCHEMA = {
    "sqlite": [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS students (student_id TEXT PRIMARY KEY, name TEXT, variant_id TEXT NOT NULL, "
        "started_at TEXT NOT NULL, submitted_at TEXT)",
        "CREATE TABLE IF NOT EXISTS answers (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
        "student_id TEXT NOT NULL REFERENCES students(student_id), item_id TEXT NOT NULL, response TEXT NOT NULL, "
        "client_id TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE (student_id, client_id))",
    ],
    "postgresql": [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS students (student_id TEXT PRIMARY KEY, name TEXT, variant_id TEXT NOT NULL, "
        "started_at TEXT NOT NULL, submitted_at TEXT)",
        "CREATE TABLE IF NOT EXISTS answers (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "student_id TEXT NOT NULL REFERENCES students(student_id), item_id TEXT NOT NULL, response TEXT NOT NULL, "
        "client_id TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE (student_id, client_id))",
    ],
}


def default_url(quiz_dir: str | Path) -> str:
    """``sqlite:///QUIZDIR/serve.sqlite``: the database file beside the quiz."""
    return f"sqlite:///{(Path(quiz_dir) / DEFAULT_DB_NAME).resolve()}"


def is_database_url(text: str) -> bool:
    return text.startswith(("sqlite:///", "postgresql://", "postgres://"))


class Store:
    """The answers of one quiz in one database (``sqlite:///PATH`` or ``postgresql://...``)."""

    def __init__(self, url: str, quiz_id: str, *, create: bool = True):
        self.url, self.quiz_id = url, quiz_id
        self._lock = threading.Lock()
        if url.startswith("sqlite:///"):
            self.dialect = "sqlite"
            path = Path(url[len("sqlite:///"):])
            if not create and not path.is_file():
                raise StorageError(f"no database at {path}")
            try:
                self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=FULL")
                self._conn.execute("PRAGMA foreign_keys=ON")
            except sqlite3.Error as exc:
                raise StorageError(f"cannot open the database {path}: {exc}") from None
        elif url.startswith(("postgresql://", "postgres://")):
            self.dialect = "postgresql"
            try:
                import psycopg
            except ImportError:
                raise StorageError("a PostgreSQL database needs psycopg: pip install 'afcourse[serve]'") from None
            try:
                self._conn = psycopg.connect(url, autocommit=True)
            except psycopg.Error as exc:
                raise StorageError(f"cannot connect to PostgreSQL: {str(exc).strip()}") from None
        else:
            raise StorageError(f"unknown database URL {url!r}: use sqlite:///PATH or postgresql://...")
        self._setup(create)

    # ---- plumbing ----------------------------------------------------------------------------
    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.dialect == "postgresql" else statement

    def _run(self, statement: str, params: tuple = ()) -> Any:
        return self._conn.execute(self._sql(statement), params)

    def _transaction(self):
        return _Transaction(self)

    def _setup(self, create: bool) -> None:
        with self._transaction():
            if create:
                for statement in _SCHEMA[self.dialect]:
                    self._run(statement)
            row = self._run("SELECT value FROM meta WHERE key = 'quiz_id'").fetchone()
            if row is None:
                if not create:
                    raise StorageError(f"{self.url} holds no afcourse answers")
                self._run("INSERT INTO meta (key, value) VALUES ('quiz_id', ?)", (self.quiz_id,))
            elif row[0] != self.quiz_id:
                raise StorageError(f"the database {self.url} holds answers to quiz {row[0]!r}, not {self.quiz_id!r}")

    def close(self) -> None:
        self._conn.close()

    # ---- students ----------------------------------------------------------------------------
    def student(self, student_id: str) -> StudentRow | None:
        with self._lock:
            row = self._run("SELECT student_id, name, variant_id, started_at, submitted_at FROM students "
                            "WHERE student_id = ?", (student_id,)).fetchone()
        return StudentRow(*row) if row else None

    def start(self, student_id: str, name: str | None, variant_id: str) -> StudentRow:
        """The student's row, made (with the server's time) the first time they open the quiz."""
        with self._transaction():
            self._run("INSERT INTO students (student_id, name, variant_id, started_at) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (student_id) DO NOTHING", (student_id, name, variant_id, now_iso()))
            row = self._run("SELECT student_id, name, variant_id, started_at, submitted_at FROM students "
                            "WHERE student_id = ?", (student_id,)).fetchone()
        return StudentRow(*row)

    # ---- answers -----------------------------------------------------------------------------
    def record(self, student_id: str, item_id: str, response: Any, client_id: str) -> Receipt:
        """Log one answer; a resent ``client_id`` returns the first receipt. Raises AlreadySubmitted."""
        text = json.dumps(response, ensure_ascii=False, separators=(",", ":"))
        with self._transaction():
            seen = self._run("SELECT seq, received_at FROM answers WHERE student_id = ? AND client_id = ?",
                             (student_id, client_id)).fetchone()
            if seen:
                return Receipt(seen[0], seen[1], True)
            state = self._run("SELECT submitted_at FROM students WHERE student_id = ?", (student_id,)).fetchone()
            if state is None:
                raise StorageError(f"student {student_id!r} has not opened the quiz")
            if state[0] is not None:
                raise AlreadySubmitted(f"submitted at {state[0]}: answers are final")
            received = now_iso()
            row = self._run("INSERT INTO answers (student_id, item_id, response, client_id, received_at) "
                            "VALUES (?, ?, ?, ?, ?) RETURNING seq", (student_id, item_id, text, client_id,
                                                                    received)).fetchone()
        return Receipt(row[0], received, False)

    def responses(self, student_id: str) -> dict[str, Any]:
        """The student's current response to each item they answered (the last one logged)."""
        with self._lock:
            rows = self._run("SELECT item_id, response FROM answers WHERE student_id = ? ORDER BY seq",
                             (student_id,)).fetchall()
        return {item: json.loads(text) for item, text in rows}

    def submit(self, student_id: str) -> str:
        """Mark the submission final; returns the server's time. Raises AlreadySubmitted the second time."""
        with self._transaction():
            when = now_iso()
            done = self._run("UPDATE students SET submitted_at = ? WHERE student_id = ? AND submitted_at IS NULL",
                             (when, student_id))
            if done.rowcount != 1:
                row = self._run("SELECT submitted_at FROM students WHERE student_id = ?", (student_id,)).fetchone()
                if row is None:
                    raise StorageError(f"student {student_id!r} has not opened the quiz")
                raise AlreadySubmitted(f"already submitted at {row[0]}")
        return when

    # ---- the class ---------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """How many students have started, how many have submitted, how many answers are logged."""
        with self._lock:
            started, submitted = self._run("SELECT COUNT(*), COUNT(submitted_at) FROM students").fetchone()
            answers = self._run("SELECT COUNT(*) FROM answers").fetchone()[0]
        return {"started": started, "submitted": submitted, "answers": answers}

    def answer_log(self) -> list[tuple[str, str, str]]:
        """Every logged answer as (student id, client id, item id), in log order."""
        with self._lock:
            return [tuple(r) for r in self._run("SELECT student_id, client_id, item_id FROM answers ORDER BY seq")]

    def submissions(self) -> Iterator[dict]:
        """Every student's work as ``afcourse.submission/1`` dicts (what ``afcourse grade`` reads)."""
        with self._lock:
            students = self._run("SELECT student_id, name, variant_id, started_at, submitted_at FROM students "
                                 "ORDER BY student_id").fetchall()
            rows = self._run("SELECT student_id, item_id, response, received_at FROM answers ORDER BY seq").fetchall()
        latest: dict[str, dict[str, Any]] = {}
        last_time: dict[str, str] = {}
        for sid, item, text, received in rows:
            latest.setdefault(sid, {})[item] = json.loads(text)
            last_time[sid] = received
        for sid, name, variant_id, started_at, submitted_at in students:
            student = {"id": sid} if name is None else {"id": sid, "name": name}
            yield {"schema": "afcourse.submission/1", "quiz_id": self.quiz_id, "variant_id": variant_id,
                   "student": student, "responses": latest.get(sid, {}),
                   "status": "submitted" if submitted_at else "in_progress",
                   "saved_at": submitted_at or last_time.get(sid, started_at)}


class _Transaction:
    """The store's lock plus one database transaction, committed on success, rolled back on error."""

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self):
        self.store._lock.acquire()
        try:
            self.store._conn.execute("BEGIN IMMEDIATE" if self.store.dialect == "sqlite" else "BEGIN")
        except BaseException as exc:
            self.store._lock.release()
            if _is_database_error(exc):
                raise StorageError(f"cannot start a transaction: {exc}") from exc
            raise
        return self

    def __exit__(self, kind, value, traceback):
        try:
            self.store._conn.execute("COMMIT" if kind is None else "ROLLBACK")
        except Exception as exc:
            if kind is None:
                raise StorageError(f"the commit failed: {exc}") from exc
        finally:
            self.store._lock.release()
        if kind is not None and _is_database_error(value):
            raise StorageError(str(value).strip() or type(value).__name__) from value
        return False


def _is_database_error(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) or type(exc).__module__.split(".")[0] == "psycopg"
