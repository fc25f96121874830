"""Putting a server together: the quiz folder, the database, the identity, the pages; then uvicorn.

Standalone, students are the roster's and hold tokens; with ``hub=True`` (inside a
JupyterHub service, whose environment names the Hub) they are the Hub's users and the
app is mounted under the service's URL prefix.

``workers=N`` runs N uvicorn processes on one port (PostgreSQL only: SQLite is one
process's database); each builds its own app from the same options and listens on a
socket of its own, so that the kernel spreads connections evenly over them
(:mod:`afcourse.serve.workers`). Connections are
guarded against slow clients: headers must arrive within :data:`HEADER_SECONDS` and hold
at most :data:`MAX_HEADER_BYTES`, bodies within the app's own limit, and the process
raises its open-file limit to what the system allows, so a pile of half-sent requests
neither holds a connection for ever nor shuts others out.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

from afcourse.quiz.roster import RosterError, read_roster_csv
from afcourse.quiz.roster import read_roster as read_class_roster
from afcourse.serve.app import RateLimit, ServerSettings, create_app
from afcourse.serve.assessment import Assessment, AssessmentError, load_quiz_dir
from afcourse.serve.identity import HubIdentity, TokenIdentity
from afcourse.serve.storage import GRACE_SECONDS, StorageError, Store, default_url
from afcourse.serve.tokens import instructor_token, load_secret


@dataclass
class ServeOptions:
    """Every setting of ``afcourse serve``; the defaults are the command's."""

    quiz_dir: Path
    db: str | None = None
    roster: Path | None = None
    opens: datetime | None = None
    closes: datetime | None = None
    feedback: str = "never"
    allow_origins: tuple[str, ...] = ()
    hub: bool = False
    instructors: tuple[str, ...] = ()
    rate: float = 20.0
    student_page: str | None = None
    time_limit: int | None = None
    """Seconds each student has from first opening the quiz (None: no limit)."""
    grace: int = GRACE_SECONDS
    """How late (seconds) an answer given before the time limit may still arrive."""
    workers: int = 1


@dataclass
class Built:
    app: object
    store: Store
    assessment: Assessment
    instructor_token: str | None


def instructor_page() -> str:
    """The live count page (it asks the instructor for their token and polls /api/status)."""
    return (resources.files("afcourse.serve") / "assets" / "instructor.html").read_text(encoding="utf-8")


def build(options: ServeOptions) -> Built:
    """The app for ``options``, with its open store (close it when done)."""
    quiz, key = load_quiz_dir(options.quiz_dir)
    try:
        recorded = read_class_roster(options.quiz_dir, quiz)
    except RosterError as exc:
        raise AssessmentError(str(exc)) from None
    assigned = {s.id: s.variant_id for s in recorded.students} if recorded else {}
    assessment = Assessment(quiz, key, opens=options.opens, closes=options.closes, feedback_policy=options.feedback,
                            assigned=assigned)
    roster = {s["id"]: s["name"] or None for s in read_roster_csv(options.roster)} if options.roster else None
    settings = ServerSettings(roster=roster, allow_origins=frozenset(options.allow_origins),
                              rate=RateLimit(rate=options.rate, burst=max(3 * options.rate, 10)),
                              student_page=options.student_page, instructor_page=instructor_page())
    url = options.db or default_url(options.quiz_dir)
    if options.workers > 1 and not url.startswith(("postgresql://", "postgres://")):
        raise StorageError(f"--workers {options.workers} needs a PostgreSQL database (--db postgresql://...): "
                           "SQLite is written by one process only; run one worker, or move to PostgreSQL")
    store = Store(url, quiz.quiz_id)
    if options.time_limit is not None and options.time_limit <= 0:
        raise AssessmentError("a time limit must be longer than zero")
    store.set_time_limit(options.time_limit, options.grace)
    for student_id, seconds in extra_time_column(options.roster).items():
        store.set_extra_time(student_id, seconds)
    if options.hub:
        from jupyterhub.services.auth import HubOAuth

        auth = HubOAuth(api_token=os.environ["JUPYTERHUB_API_TOKEN"], cache_max_age=60)
        app = create_app(assessment, store, HubIdentity(auth, frozenset(options.instructors)), settings)
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/").rstrip("/")
        if prefix:
            from starlette.applications import Starlette
            from starlette.routing import Mount

            app = Starlette(routes=[Mount(prefix, app=app)], lifespan=app.router.lifespan_context)
        return Built(app, store, assessment, None)
    secret = load_secret(options.quiz_dir)
    app = create_app(assessment, store, TokenIdentity(secret, quiz.quiz_id), settings)
    return Built(app, store, assessment, instructor_token(secret, quiz.quiz_id))


HEADER_SECONDS = 10.0
"""How long a client may take to send a request's line and headers."""
MAX_HEADER_BYTES = 16 * 1024
"""The most a request's line and headers may hold."""
OPTIONS_ENV = "AFCOURSE_SERVE_OPTIONS"


def _guarded_protocol():
    """uvicorn's httptools protocol with a deadline and a size cap on each request's headers."""
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class GuardedProtocol(HttpToolsProtocol):
        _header_timer = None
        _header_bytes = 0
        _begun = False  # a request has started on this connection (an idle one is closed without a reply)

        def _arm(self) -> None:
            self._disarm()
            self._header_bytes = 0
            self._header_timer = self.loop.call_later(HEADER_SECONDS, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            if self.transport.is_closing():
                return
            if self._begun:
                self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\n"
                                     b"connection: close\r\ncontent-length: 30\r\n\r\n"
                                     b"the request headers were slow\n")
            self.transport.close()

        def _count(self, size: int) -> None:
            self._header_bytes += size
            if self._header_bytes > MAX_HEADER_BYTES:
                raise httptools.HttpParserError(f"the request's headers are over {MAX_HEADER_BYTES} bytes")

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._begun = True
            self._arm()

        def on_url(self, url: bytes) -> None:
            self._count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count(len(name) + len(value) + 4)
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

    return GuardedProtocol


def guarded_http_protocol(*args, **kwargs):
    """The protocol factory uvicorn is given (a module-level name, so worker processes can import it)."""
    return _guarded_protocol()(*args, **kwargs)


def raise_open_file_limit() -> int:
    """Raise this process's soft limit on open files to the hard limit (at most 65536); the limit after."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft


def worker_app():
    """The app of one worker process: built from the options the parent left in ``AFCOURSE_SERVE_OPTIONS``."""
    with open(os.environ[OPTIONS_ENV], encoding="utf-8") as handle:
        data = json.load(handle)
    for name in ("opens", "closes"):
        data[name] = datetime.fromisoformat(data[name]) if data[name] else None
    data["quiz_dir"] = Path(data["quiz_dir"])
    data["roster"] = Path(data["roster"]) if data["roster"] else None
    data["allow_origins"], data["instructors"] = tuple(data["allow_origins"]), tuple(data["instructors"])
    return build(ServeOptions(**data)).app


EXTRA_TIME_COLUMN = "extra_minutes"


def extra_time_column(roster: Path | None) -> dict[str, int]:
    """Seconds of extra time per student from the roster's ``extra_minutes`` column (blank: none)."""
    if roster is None:
        return {}
    extra = {}
    for student in read_roster_csv(roster):
        text = student.get(EXTRA_TIME_COLUMN) or (student.get("lms_ids") or {}).get(EXTRA_TIME_COLUMN)
        if not text:
            continue
        try:
            minutes = float(text)
        except ValueError:
            minutes = -1.0
        if not 0 <= minutes <= 24 * 60:
            raise AssessmentError(f"{roster}: {EXTRA_TIME_COLUMN} of {student['id']!r} must be a number of minutes "
                                  f"from 0 to 1440, not {text!r}")
        extra[student["id"]] = round(minutes * 60)
    return extra


def run(built: Built, host: str, port: int, options: ServeOptions | None = None) -> None:
    """Serve until interrupted: uvicorn in this process, or ``options.workers`` worker processes."""
    import uvicorn

    raise_open_file_limit()
    common = dict(host=host, port=port, log_level="warning", access_log=False, timeout_keep_alive=30,
                  http=guarded_http_protocol, h11_max_incomplete_event_size=MAX_HEADER_BYTES,
                  timeout_graceful_shutdown=5)
    if options is None or options.workers <= 1:
        uvicorn.run(built.app, **common)
        return
    built.store.close()  # each worker opens its own pool
    data = asdict(options)
    for name in ("opens", "closes"):
        data[name] = data[name].isoformat() if data[name] else None
    data["quiz_dir"] = str(data["quiz_dir"])
    data["roster"] = str(data["roster"]) if data["roster"] else None
    fd, path = tempfile.mkstemp(prefix="afcourse-serve-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.environ[OPTIONS_ENV] = path
    try:
        if hasattr(socket, "SO_REUSEPORT"):
            from afcourse.serve.workers import run_workers

            run_workers("afcourse.serve.server:worker_app", options.workers, **common)
        else:
            uvicorn.run("afcourse.serve.server:worker_app", factory=True, workers=options.workers, **common)
    finally:
        os.unlink(path)
