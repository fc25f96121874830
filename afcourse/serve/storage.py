"""Where the server keeps answers: SQLite by default, PostgreSQL through the same code.

Four tables: ``meta`` (which quiz the database belongs to, the time limit),
``students`` (variant, when they started, when they submitted), ``extra_time`` (seconds
added to one student's time limit) and ``answers``, an append-only log of every answer
as it was given, each with the server's time. A student's current response to an item
is the last one logged. Each answer carries the client's own id for it (``client_id``,
unique per student): a client that resends an answer after a lost reply or an offline
spell gets the first one's acknowledgement back, never a second row.

Everything that decides an outcome (does the student's row exist, have they
submitted, has their time run out) is read inside the transaction that records the
answer, so any number of server processes on any number of hosts may share one
PostgreSQL database.

SQLite runs in WAL mode with ``synchronous=FULL``: an answer the server has
acknowledged is on disk even after a power cut, not only after a crash of the
process (``NORMAL`` would keep it through a crash but could lose the last commits on
power loss; ``bench/bench_serve.py`` measures what FULL costs). The database file and
its ``-wal`` and ``-shm`` files are made readable by their owner only (0600): they hold
every student's live answers. SQLite is for one server process: one connection behind
a lock.

PostgreSQL is reached with psycopg 3 (the PostgreSQL project's own maintained driver
family, with binary wheels) through a ``psycopg_pool`` connection pool: a connection
idle for more than :data:`CHECK_IDLE_SECONDS` is checked as it is taken, so after the
database restarts the pool makes new ones and the server carries on without a restart
of its own; while the database is down a request fails with :class:`StorageError` (the
app answers 503, nothing is acknowledged, clients retry). Its commits are durable by
default. On PostgreSQL an answer is one statement (:data:`_RECORD_PG`, one round trip,
its own transaction): it locks the student's row, looks for the resent ``client_id``
and logs the answer only if the student has not submitted and is within their time;
anything else (a first answer before the row exists, a refusal) takes the ordinary
transaction's path. An answer whose connection turns out broken is sent once more on
another: a resent ``client_id`` is never stored twice, so that is safe.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

DEFAULT_DB_NAME = "serve.sqlite"
POOL_TIMEOUT = 5.0
"""Seconds a request waits for a PostgreSQL connection before it is answered 503."""
CHECK_IDLE_SECONDS = 2.0
"""A pooled PostgreSQL connection idle longer than this is checked (one round trip) before it is used."""
GRACE_SECONDS = 20
"""By default, how late an answer given before the time limit may arrive (network, a proxy, retries)."""


class StorageError(RuntimeError):
    """The database cannot be opened or does not belong to this quiz; the message says why."""


class AlreadySubmitted(StorageError):
    """The student has submitted: answers are final."""


class TimeUp(AlreadySubmitted):
    """The student's time limit has passed: their answers were submitted at the limit."""

    def __init__(self, deadline: str):
        super().__init__(f"your time ran out at {deadline}; your answers were submitted then")
        self.deadline = deadline


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
    extra_seconds: int = 0

    def deadline(self, limit_seconds: int | None) -> datetime | None:
        """When this student's time runs out (None without a time limit)."""
        if not limit_seconds:
            return None
        return datetime.fromisoformat(self.started_at) + timedelta(seconds=limit_seconds + self.extra_seconds)


@dataclass(frozen=True)
class Receipt:
    """The acknowledgement of one answer: its place in the log and the server's time."""

    seq: int
    received_at: str
    duplicate: bool


_TABLES = {
    "meta": "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "students": "CREATE TABLE IF NOT EXISTS students (student_id TEXT PRIMARY KEY, name TEXT, "
                "variant_id TEXT NOT NULL, started_at TEXT NOT NULL, submitted_at TEXT)",
    "extra_time": "CREATE TABLE IF NOT EXISTS extra_time (student_id TEXT PRIMARY KEY, seconds INTEGER NOT NULL)",
}
_ANSWERS = {
    "sqlite": "CREATE TABLE IF NOT EXISTS answers (seq INTEGER PRIMARY KEY AUTOINCREMENT, ",
    "postgresql": "CREATE TABLE IF NOT EXISTS answers (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ",
}
_ANSWER_COLUMNS = ("student_id TEXT NOT NULL REFERENCES students(student_id), item_id TEXT NOT NULL, "
                   "response TEXT NOT NULL, client_id TEXT NOT NULL, received_at TEXT NOT NULL, "
                   "UNIQUE (student_id, client_id))")
_ROW = ("SELECT s.student_id, s.name, s.variant_id, s.started_at, s.submitted_at, COALESCE(e.seconds, 0) "
        "FROM students s LEFT JOIN extra_time e ON e.student_id = s.student_id")


def default_url(quiz_dir: str | Path) -> str:
    """``sqlite:///QUIZDIR/serve.sqlite``: the database file beside the quiz."""
    return f"sqlite:///{(Path(quiz_dir) / DEFAULT_DB_NAME).resolve()}"


def is_database_url(text: str) -> bool:
    return text.startswith(("sqlite:///", "postgresql://", "postgres://"))


def _private(path: Path) -> None:
    """Make the database file (made empty first if missing) and its -wal/-shm files owner-only (0600)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            if name.stat().st_mode & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            pass
        except PermissionError as exc:
            raise StorageError(f"cannot make {name} private to its owner (chmod 600): {exc.strerror}") from None


class Store:
    """The answers of one quiz in one database (``sqlite:///PATH`` or ``postgresql://...``).

    ``pool_size`` is the most PostgreSQL connections this process opens at once.
    """

    def __init__(self, url: str, quiz_id: str, *, create: bool = True, pool_size: int = 10):
        self.url, self.quiz_id = url, quiz_id
        self._lock = threading.Lock()
        self._pool = self._apool = self._apool_lock = None
        self._pool_size = max(1, pool_size)
        if url.startswith("sqlite:///"):
            self.dialect = "sqlite"
            path = Path(url[len("sqlite:///"):])
            if not create and not path.is_file():
                raise StorageError(f"no database at {path}")
            try:
                if create:
                    _private(path)
                self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=FULL")
                self._conn.execute("PRAGMA foreign_keys=ON")
                if create:
                    _private(path)  # SQLite gives -wal and -shm the main file's mode; an older database may have 0644
            except (sqlite3.Error, OSError) as exc:
                raise StorageError(f"cannot open the database {path}: {exc}") from None
        elif url.startswith(("postgresql://", "postgres://")):
            self.dialect = "postgresql"
            try:
                import psycopg  # noqa: F401
                from psycopg_pool import ConnectionPool, PoolTimeout
            except ImportError:
                raise StorageError("a PostgreSQL database needs psycopg and psycopg_pool: "
                                   "pip install 'afcourse[serve]'") from None
            self._pool = ConnectionPool(url, min_size=1, max_size=max(1, pool_size), kwargs={"autocommit": True},
                                        configure=_configure, check=_check_if_idle,
                                        timeout=POOL_TIMEOUT,
                                        reconnect_timeout=24 * 3600, name="afcourse", open=False)
            try:
                self._pool.open(wait=True, timeout=15)
            except PoolTimeout:
                self._pool.close()
                raise StorageError(f"cannot connect to PostgreSQL at {redacted(url)} (waited 15 s): is it "
                                   "running, and are the address, user and password right?") from None
        else:
            raise StorageError(f"unknown database URL {url!r}: use sqlite:///PATH or postgresql://...")
        try:
            self._setup(create)
            self.limit_seconds, self.grace = self._read_time_limit()
        except BaseException:
            self.close()  # a database of another quiz (or none): its pool's threads end here
            raise

    # ---- plumbing ----------------------------------------------------------------------------
    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s") if self.dialect == "postgresql" else statement

    @contextmanager
    def _session(self, write: bool = True) -> Iterator[Callable[..., Any]]:
        """One transaction: yields ``run(sql, params)``; commits on success, rolls back on error.

        Any database failure (the server gone, a lost connection, a damaged file) comes
        out as :class:`StorageError`; nothing in the failed transaction was stored.
        """
        try:
            if self.dialect == "sqlite":
                with self._lock:
                    conn = self._conn
                    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                    try:
                        yield lambda sql, params=(): conn.execute(sql, params)
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                    conn.execute("COMMIT")
            else:
                with self._pool.connection() as conn:
                    with conn.transaction():
                        yield lambda sql, params=(): conn.execute(self._sql(sql), params)
                    _IDLE_SINCE[conn] = time.monotonic()  # it worked: no check if it is taken again soon
        except StorageError:
            raise
        except Exception as exc:
            if _is_database_error(exc):
                raise StorageError(str(exc).strip() or type(exc).__name__) from exc
            raise

    def _setup(self, create: bool) -> None:
        with self._session() as run:
            if create:
                for statement in (*_TABLES.values(), _ANSWERS[self.dialect] + _ANSWER_COLUMNS):
                    run(statement)
            row = run("SELECT value FROM meta WHERE key = 'quiz_id'").fetchone()
            if row is None:
                if not create:
                    raise StorageError(f"{redacted(self.url)} holds no afcourse answers")
                run("INSERT INTO meta (key, value) VALUES ('quiz_id', ?)", (self.quiz_id,))
            elif row[0] != self.quiz_id:
                raise StorageError(f"the database {redacted(self.url)} holds answers to quiz {row[0]!r}, "
                                   f"not {self.quiz_id!r}")
            run(_TABLES["extra_time"])  # a database made before time limits existed gains it here

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        else:
            self._conn.close()

    # ---- settings ----------------------------------------------------------------------------
    def set_time_limit(self, seconds: int | None, grace_seconds: int = GRACE_SECONDS) -> None:
        """Each student's time from first opening (None: no limit), and how late an answer may arrive.

        Kept in the database (``afcourse serve --time-limit``), so an export knows it too.
        """
        with self._session() as run:
            run("DELETE FROM meta WHERE key IN ('time_limit', 'grace')")
            if seconds:
                run("INSERT INTO meta (key, value) VALUES ('time_limit', ?), ('grace', ?)",
                    (str(int(seconds)), str(int(grace_seconds))))
        self.limit_seconds, self.grace = (int(seconds) if seconds else None), timedelta(seconds=grace_seconds)

    def _read_time_limit(self) -> tuple[int | None, timedelta]:
        with self._session(write=False) as run:
            found = dict(run("SELECT key, value FROM meta WHERE key IN ('time_limit', 'grace')").fetchall())
        limit = int(found["time_limit"]) if "time_limit" in found else None
        return limit, timedelta(seconds=int(found.get("grace", GRACE_SECONDS)))

    def set_extra_time(self, student_id: str, seconds: int) -> None:
        """Give ``student_id`` ``seconds`` more than the time limit (0 removes it); takes effect at once."""
        with self._session() as run:
            run("DELETE FROM extra_time WHERE student_id = ?", (student_id,))
            if seconds:
                run("INSERT INTO extra_time (student_id, seconds) VALUES (?, ?)", (student_id, int(seconds)))

    def extra_times(self) -> dict[str, int]:
        with self._session(write=False) as run:
            return {sid: int(sec) for sid, sec in run("SELECT student_id, seconds FROM extra_time ORDER BY student_id")}

    # ---- students ----------------------------------------------------------------------------
    def student(self, student_id: str) -> StudentRow | None:
        with self._session(write=False) as run:
            row = run(_ROW + " WHERE s.student_id = ?", (student_id,)).fetchone()
        return StudentRow(*row) if row else None

    def start(self, student_id: str, name: str | None, variant_id: str) -> StudentRow:
        """The student's row, made (with the server's time) the first time they open the quiz."""
        with self._session() as run:
            return self._start(run, student_id, name, variant_id)

    def _start(self, run, student_id: str, name: str | None, variant_id: str) -> StudentRow:
        run("INSERT INTO students (student_id, name, variant_id, started_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (student_id) DO NOTHING", (student_id, name, variant_id, now_iso()))
        return StudentRow(*run(_ROW + " WHERE s.student_id = ?", (student_id,)).fetchone())

    def _locked_row(self, run, student_id: str, *, for_update: bool = False) -> StudentRow | None:
        """The student's row, locked until the transaction ends (PostgreSQL; SQLite's lock is the whole file).

        Answers take a shared lock (they may run side by side); whoever changes the row
        (submit, expiry) takes it for update, so no answer is logged after a submission.
        """
        lock = (" FOR UPDATE OF s" if for_update else " FOR SHARE OF s") if self.dialect == "postgresql" else ""
        row = run(_ROW + " WHERE s.student_id = ?" + lock, (student_id,)).fetchone()
        return StudentRow(*row) if row else None

    def _passed(self, row: StudentRow, now: datetime | None = None) -> str | None:
        """The student's deadline (ISO) if it passed more than the grace ago, else None."""
        deadline = row.deadline(self.limit_seconds)
        if deadline is None or (now or datetime.now(timezone.utc)) <= deadline + self.grace:
            return None
        return deadline.isoformat(timespec="microseconds")

    def expire(self, student_id: str, now: datetime | None = None) -> StudentRow | None:
        """Submit the student's answers at their time limit if it passed (grace included); their row after."""
        with self._session() as run:
            row = self._locked_row(run, student_id, for_update=True)
            if row is not None and row.submitted_at is None and (when := self._passed(row, now)):
                run("UPDATE students SET submitted_at = ? WHERE student_id = ? AND submitted_at IS NULL",
                    (when, student_id))
                row = StudentRow(*run(_ROW + " WHERE s.student_id = ?", (student_id,)).fetchone())
            return row

    # ---- answers -----------------------------------------------------------------------------
    def record(self, student_id: str, item_id: str, response: Any, client_id: str, *, name: str | None = None,
               variant_id: str | None = None, one_statement: bool = True) -> Receipt:
        """Log one answer; a resent ``client_id`` returns the first receipt.

        With ``variant_id`` the student's row is made if missing. Raises AlreadySubmitted
        after a submit, and TimeUp once the time limit (plus its grace) has passed.
        ``one_statement=False`` skips PostgreSQL's one-statement try (it was just made).
        """
        text = json.dumps(response, ensure_ascii=False, separators=(",", ":"))
        if self.dialect == "postgresql" and one_statement:
            receipt = self._record_one_statement(student_id, item_id, text, client_id)
            if receipt is not None:
                return receipt
        timed_out = None
        with self._session() as run:
            row = self._locked_row(run, student_id)
            if row is None:
                if variant_id is None:
                    raise StorageError(f"student {student_id!r} has not opened the quiz")
                row = self._start(run, student_id, name, variant_id)
            seen = run("SELECT seq, received_at FROM answers WHERE student_id = ? AND client_id = ?",
                       (student_id, client_id)).fetchone()
            if seen:
                return Receipt(seen[0], seen[1], True)
            if row.submitted_at is not None:
                raise AlreadySubmitted(f"submitted at {row.submitted_at}: answers are final")
            timed_out = self._passed(row)
            if timed_out is None:
                received = now_iso()
                seq = run("INSERT INTO answers (student_id, item_id, response, client_id, received_at) "
                          "VALUES (?, ?, ?, ?, ?) RETURNING seq",
                          (student_id, item_id, text, client_id, received)).fetchone()[0]
        if timed_out is not None:
            self.expire(student_id)  # the answers as they stood at the limit are the submission
            raise TimeUp(timed_out)
        return Receipt(seq, received, False)

    def _one_statement(self, student_id: str, item_id: str, text: str, client_id: str) -> dict:
        """:data:`_RECORD_PG`'s parameters but the time (set once a connection is in hand)."""
        return {"sid": student_id, "item": item_id, "response": text, "cid": client_id,
                "limit": self.limit_seconds, "grace": int(self.grace.total_seconds())}

    @staticmethod
    def _one_statement_receipt(found, received: str) -> Receipt | None:
        """The receipt :data:`_RECORD_PG` gave, or None: no row yet, submitted, past the time, or a copy raced it.

        The ordinary transaction's path then says which (and makes the row, refuses, or finds the copy).
        """
        if found is None:
            return None
        logged, seen_seq, seen_at = found
        if logged is not None:
            return Receipt(logged, received, False)
        if seen_seq is not None:
            return Receipt(seen_seq, seen_at, True)
        return None

    def _record_one_statement(self, student_id: str, item_id: str, text: str, client_id: str) -> Receipt | None:
        """The common case on PostgreSQL in one round trip (see :meth:`_one_statement_receipt`)."""
        params = self._one_statement(student_id, item_id, text, client_id)
        for attempt in (1, 2):
            conn = None
            try:
                with self._pool.connection() as conn:
                    params["now"] = now_iso()  # not before: waiting for a connection may take a while
                    found = conn.execute(_RECORD_PG, params).fetchone()
                    _IDLE_SINCE[conn] = time.monotonic()
                break
            except Exception as exc:
                if attempt == 1 and conn is not None and (conn.broken or conn.closed):
                    continue  # the statement may or may not have run: the resend finds it by its client_id
                raise _as_storage_error(exc)
        return self._one_statement_receipt(found, params["now"])

    async def record_async(self, student_id: str, item_id: str, response: Any, client_id: str) -> Receipt | None:
        """PostgreSQL: :meth:`record`'s common case on the event loop, with no thread; None: call :meth:`record`.

        The app logs each answer this way (a thread and its hand-overs cost more CPU than the
        statement itself); anything but a plain receipt goes through :meth:`record`.
        """
        if self.dialect != "postgresql":
            return None
        pool = await self._answer_pool()
        params = self._one_statement(student_id, item_id, json.dumps(response, ensure_ascii=False,
                                                                     separators=(",", ":")), client_id)
        for attempt in (1, 2):
            conn = None
            try:
                async with pool.connection() as conn:
                    params["now"] = now_iso()
                    found = await (await conn.execute(_RECORD_PG, params)).fetchone()
                    _IDLE_SINCE[conn] = time.monotonic()
                break
            except Exception as exc:
                if attempt == 1 and conn is not None and (conn.broken or conn.closed):
                    continue  # as in _record_one_statement
                raise _as_storage_error(exc)
        return self._one_statement_receipt(found, params["now"])

    async def _answer_pool(self):
        """This process's pool of asynchronous connections for answers, opened on first use (in the event loop)."""
        if self._apool is None:
            import asyncio

            from psycopg_pool import AsyncConnectionPool

            self._apool_lock = self._apool_lock or asyncio.Lock()
            async with self._apool_lock:
                if self._apool is None:
                    pool = AsyncConnectionPool(self.url, min_size=1, max_size=self._pool_size,
                                               kwargs={"autocommit": True}, configure=_configure_async,
                                               check=_check_if_idle_async,
                                               timeout=POOL_TIMEOUT, reconnect_timeout=24 * 3600,
                                               name="afcourse-answers", open=False)
                    await pool.open()
                    self._apool = pool
        return self._apool

    async def aclose(self) -> None:
        """Close the answers' asynchronous pool (in the event loop that opened it)."""
        if self._apool is not None:
            pool, self._apool = self._apool, None
            await pool.close()

    def responses(self, student_id: str) -> dict[str, Any]:
        """The student's current response to each item they answered (the last one logged)."""
        with self._session(write=False) as run:
            rows = run("SELECT item_id, response FROM answers WHERE student_id = ? ORDER BY seq",
                       (student_id,)).fetchall()
        return {item: json.loads(text) for item, text in rows}

    def submit(self, student_id: str) -> str:
        """Mark the submission final; returns the server's time. Raises AlreadySubmitted the second time.

        Past the time limit (plus its grace) the submission is made at the limit and TimeUp is raised.
        """
        timed_out = None
        with self._session() as run:
            row = self._locked_row(run, student_id, for_update=True)
            if row is None:
                raise StorageError(f"student {student_id!r} has not opened the quiz")
            if row.submitted_at is not None:
                raise AlreadySubmitted(f"already submitted at {row.submitted_at}")
            timed_out = self._passed(row)
            when = timed_out or now_iso()
            done = run("UPDATE students SET submitted_at = ? WHERE student_id = ? AND submitted_at IS NULL",
                       (when, student_id))
            if done.rowcount != 1:
                raise AlreadySubmitted("already submitted")
        if timed_out is not None:
            raise TimeUp(timed_out)
        return when

    # ---- the class ---------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """How many students have started, how many have submitted, how many answers are logged."""
        with self._session(write=False) as run:
            started, submitted = run("SELECT COUNT(*), COUNT(submitted_at) FROM students").fetchone()
            answers = run("SELECT COUNT(*) FROM answers").fetchone()[0]
        return {"started": started, "submitted": submitted, "answers": answers}

    def answer_log(self) -> list[tuple[str, str, str]]:
        """Every logged answer as (student id, client id, item id), in log order."""
        with self._session(write=False) as run:
            return [tuple(r) for r in run("SELECT student_id, client_id, item_id FROM answers ORDER BY seq")]

    def submissions(self, now: datetime | None = None) -> Iterator[dict]:
        """Every student's work as ``afcourse.submission/1`` dicts (what ``afcourse grade`` reads).

        A student whose time limit has passed is submitted at the limit, whether or not
        they came back.
        """
        with self._session(write=False) as run:
            students = [StudentRow(*r) for r in run(_ROW + " ORDER BY s.student_id").fetchall()]
            rows = run("SELECT student_id, item_id, response, received_at FROM answers ORDER BY seq").fetchall()
        latest: dict[str, dict[str, Any]] = {}
        last_time: dict[str, str] = {}
        for sid, item, text, received in rows:
            latest.setdefault(sid, {})[item] = json.loads(text)
            last_time[sid] = received
        for row in students:
            submitted_at = row.submitted_at
            deadline = row.deadline(self.limit_seconds)
            if submitted_at is None and deadline and (now or datetime.now(timezone.utc)) > deadline + self.grace:
                submitted_at = deadline.isoformat(timespec="microseconds")
            student = {"id": row.student_id} if row.name is None else {"id": row.student_id, "name": row.name}
            yield {"schema": "afcourse.submission/1", "quiz_id": self.quiz_id, "variant_id": row.variant_id,
                   "student": student, "responses": latest.get(row.student_id, {}),
                   "status": "submitted" if submitted_at else "in_progress",
                   "saved_at": submitted_at or last_time.get(row.student_id, row.started_at)}


_RECORD_PG = """
WITH who AS (
    SELECT s.submitted_at, s.started_at, COALESCE(e.seconds, 0) AS extra
    FROM students s LEFT JOIN extra_time e ON e.student_id = s.student_id
    WHERE s.student_id = %(sid)s FOR SHARE OF s
), seen AS (
    SELECT seq, received_at FROM answers WHERE student_id = %(sid)s AND client_id = %(cid)s
), logged AS (
    INSERT INTO answers (student_id, item_id, response, client_id, received_at)
    SELECT %(sid)s, %(item)s, %(response)s, %(cid)s, %(now)s::text FROM who
    WHERE who.submitted_at IS NULL AND NOT EXISTS (SELECT 1 FROM seen)
      AND (%(limit)s::integer IS NULL OR %(now)s::text::timestamptz <= who.started_at::timestamptz
           + make_interval(secs => %(limit)s::integer + who.extra + %(grace)s::integer))
    ON CONFLICT (student_id, client_id) DO NOTHING
    RETURNING seq
)
SELECT (SELECT seq FROM logged), seen.seq, seen.received_at FROM who LEFT JOIN seen ON true
"""
"""One answer on PostgreSQL, as :meth:`Store.record`'s transaction would log it: the row locked as there (FOR
SHARE), the deadline the same sum (start + limit + extra time + grace, by the server's time); no row: not started."""

_IDLE_SINCE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
"""When each pooled connection last finished a statement that worked (a new or failed one is not here)."""


def _check_if_idle(conn) -> None:
    """The pool's check: a round trip, but only for a connection idle long enough to have gone stale."""
    if time.monotonic() - _IDLE_SINCE.get(conn, 0.0) > CHECK_IDLE_SECONDS:
        conn.execute("")


async def _check_if_idle_async(conn) -> None:
    if time.monotonic() - _IDLE_SINCE.get(conn, 0.0) > CHECK_IDLE_SECONDS:
        await conn.execute("")


_SETTINGS = ("SET statement_timeout = '10s'", "SET idle_in_transaction_session_timeout = '30s'")


def _configure(conn) -> None:
    """Each new PostgreSQL connection: no statement may hold a request (and a pooled connection) for long."""
    for statement in _SETTINGS:
        conn.execute(statement)


async def _configure_async(conn) -> None:
    for statement in _SETTINGS:
        await conn.execute(statement)


def redacted(url: str) -> str:
    """``url`` without a password."""
    import re

    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _as_storage_error(exc: BaseException) -> BaseException:
    """A database failure as the StorageError it means (anything else as it is)."""
    if _is_database_error(exc):
        error = StorageError(str(exc).strip() or type(exc).__name__)
        error.__cause__ = exc
        return error
    return exc


def _is_database_error(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) or type(exc).__module__.split(".")[0] in ("psycopg", "psycopg_pool")
