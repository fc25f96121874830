"""The collection server: a small Starlette app over an :class:`Assessment` and a :class:`Store`.

Endpoints (JSON; every one needs an identity, see :mod:`afcourse.serve.identity`):

- ``GET  /api/quiz``      the student's variant (no key), their saved answers and state;
  the first call records that they started.
- ``POST /api/answer``    ``{"item_id", "response", "client_id"}``: one answer, logged with
  the server's time; a resent ``client_id`` is acknowledged once, never stored twice.
- ``POST /api/submit``    makes the answers final; a second submit is refused (409).
- ``GET  /api/feedback``  scores and explanations, once the instructor's setting allows.
- ``GET  /api/status``    instructor only: roster size, how many started and submitted.
- ``GET  /`` and ``/instructor``  the student page and the live count page, when given.

No endpoint takes a student id: the identity comes only from the token (or the Hub's
login), so one student cannot name another. Writes need ``Content-Type:
application/json`` (a cross-site form cannot send it without a CORS preflight, and
the preflight is granted only to the origins the instructor lists), request bodies
are capped in size, nesting and read time, text must be valid Unicode (a lone
surrogate is refused with 422), and each identity has a rate limit.

With a time limit, ``/api/quiz`` tells the student their deadline and the seconds left
(by the server's clock); an answer later than the limit plus a grace for answers on
their way (20 s by default) is refused, and the answers given are submitted as they
stood at the limit.

Several processes may serve one PostgreSQL database: every state that decides an
outcome lives in the database. What each process keeps to itself changes no outcome:
the rate limit's buckets (with N processes a student may reach N times the rate),
which variant each student has (fixed once their row exists) and which tokens were
found valid (a token never changes its owner).

On PostgreSQL an answer is logged from the event loop itself in one statement
(:meth:`Store.record_async`); every other database call runs in a thread.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Awaitable, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from afcourse.serve.assessment import Assessment, InvalidAnswer
from afcourse.serve.identity import Identity
from afcourse.serve.storage import AlreadySubmitted, StorageError, Store, TimeUp

MAX_BODY = 16 * 1024
MAX_CLIENT_ID = 100
MAX_DEPTH = 8
"""The deepest JSON nesting a request may hold (an answer needs 3)."""
BODY_SECONDS = 15.0
"""How long a request body may take to arrive, in all."""


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def too_deep(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text ``data`` nests arrays and objects more than ``limit`` deep (strings skipped)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


@dataclass
class RateLimit:
    """A token bucket per identity: ``rate`` requests a second on average, bursts up to ``burst``."""

    rate: float = 20.0
    burst: float = 60.0
    _buckets: dict = field(default_factory=lambda: defaultdict(lambda: [0.0, 0.0]))

    def allow(self, who: str) -> bool:
        now = time.monotonic()
        level, last = self._buckets[who]
        level = self.burst if last == 0.0 else min(self.burst, level + (now - last) * self.rate)
        allowed = level >= 1
        self._buckets[who] = [level - 1 if allowed else level, now]
        return allowed


@dataclass
class ServerSettings:
    """What the instructor set besides the quiz: who may answer, where from, how much."""

    roster: dict[str, str | None] | None = None
    allow_origins: frozenset[str] = frozenset()
    rate: RateLimit = field(default_factory=RateLimit)
    student_page: str | None = None
    instructor_page: str | None = None


def _json(data, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers={"Cache-Control": "no-store"})


def create_app(assessment: Assessment, store: Store, identity: Identity, settings: ServerSettings) -> Starlette:
    """The ASGI app serving ``assessment`` and recording into ``store``."""

    async def who(request: Request, *, instructor: bool = False):
        person = await identity.identify(request)
        if person is None:
            raise ApiError(401, "no valid token: open the link your instructor gave you")
        if not settings.rate.allow(person.key):
            raise ApiError(429, "too many requests: wait a moment and try again")
        if instructor and not person.instructor:
            raise ApiError(403, "this page is for the instructor only")
        if not instructor and person.instructor:
            raise ApiError(403, "the instructor's token does not answer the quiz")
        if not instructor and settings.roster is not None and person.student_id not in settings.roster:
            raise ApiError(403, f"{person.student_id!r} is not on this quiz's roster")
        return person

    async def body(request: Request) -> dict:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise ApiError(415, "send the request as Content-Type: application/json")
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            raise ApiError(413, f"the request is over {MAX_BODY} bytes")
        data = b""
        try:
            async with asyncio.timeout(BODY_SECONDS):
                async for chunk in request.stream():
                    data += chunk
                    if len(data) > MAX_BODY:
                        raise ApiError(413, f"the request is over {MAX_BODY} bytes")
        except TimeoutError:
            raise ApiError(408, f"the request body took over {BODY_SECONDS:g} s to arrive; send it again") from None
        if too_deep(data):
            raise ApiError(400, f"the request body nests more than {MAX_DEPTH} levels deep")
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError):
            raise ApiError(400, "the request body is not valid JSON") from None
        if not isinstance(parsed, dict):
            raise ApiError(400, "the request body must be a JSON object")
        try:
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(422, "the request holds text that is not valid Unicode (a lone surrogate)") from None
        return parsed

    limit = store.limit_seconds
    variants: dict[str, str] = {}  # student id -> variant id: fixed once the row exists, so a cache changes nothing

    def name_of(person) -> str | None:
        return person.name or (settings.roster or {}).get(person.student_id)

    async def started(person, expire: bool = True):
        row = await run_in_threadpool(store.start, person.student_id, name_of(person),
                                      assessment.variant_for(person.student_id).variant_id)
        if expire and limit and row.submitted_at is None:
            row = await run_in_threadpool(store.expire, person.student_id)
        variants[row.student_id] = row.variant_id
        return row

    def timing(row) -> dict:
        """The student's deadline (the time limit or the closing time, whichever is first) and the seconds left."""
        deadline = row.deadline(limit)
        if assessment.closes and (deadline is None or assessment.closes < deadline):
            deadline = assessment.closes
        if deadline is None:
            return {"time_limit": None, "deadline": None, "seconds_left": None}
        left = (deadline - datetime.now(timezone.utc)).total_seconds()
        return {"time_limit": (limit + row.extra_seconds) if limit else None, "deadline": deadline.isoformat(),
                "seconds_left": max(0.0, round(left, 1))}

    async def quiz(request: Request):
        person = await who(request)
        if assessment.window_state() == "not_open":
            raise ApiError(403, f"the quiz opens at {assessment.opens.isoformat()}")
        row = await started(person)
        responses = await run_in_threadpool(store.responses, person.student_id)
        return _json({**assessment.student_view(row.variant_id), "student": {"id": row.student_id, "name": row.name},
                      "responses": responses, "state": assessment.window_state(), "started_at": row.started_at,
                      "submitted_at": row.submitted_at, **timing(row),
                      "feedback_released": assessment.feedback_released(row.submitted_at is not None)})

    def open_for_answers():
        state = assessment.window_state()
        if state == "not_open":
            raise ApiError(403, f"the quiz opens at {assessment.opens.isoformat()}")
        if state == "closed":
            raise ApiError(403, f"the quiz closed at {assessment.closes.isoformat()}: no more answers are taken")

    async def answer(request: Request):
        person = await who(request)
        data = await body(request)
        unknown = set(data) - {"item_id", "response", "client_id"}
        if unknown:
            raise ApiError(400, f"unknown field(s): {', '.join(sorted(map(str, unknown)))[:200]}")
        client_id = data.get("client_id")
        if not isinstance(client_id, str) or not 8 <= len(client_id) <= MAX_CLIENT_ID:
            raise ApiError(400, f"'client_id' must be a string of 8 to {MAX_CLIENT_ID} characters, unique per answer")
        if "response" not in data:
            raise ApiError(400, "'response' is missing (send null to clear an answer)")
        open_for_answers()
        variant_id = variants.get(person.student_id) or (await started(person)).variant_id
        try:
            item_id, response = assessment.check_answer(variant_id, data.get("item_id"), data["response"])
        except InvalidAnswer as exc:
            raise ApiError(422, str(exc)) from None
        try:
            receipt = await store.record_async(person.student_id, item_id, response, client_id)
            if receipt is None:
                receipt = await run_in_threadpool(
                    lambda: store.record(person.student_id, item_id, response, client_id, name=name_of(person),
                                         variant_id=variant_id, one_statement=False))
        except TimeUp as exc:
            raise ApiError(403, f"not saved: {exc}", final=True, submitted_at=exc.deadline) from None
        except AlreadySubmitted as exc:
            raise ApiError(409, f"you have submitted this quiz ({exc})", final=True) from None
        return _json({"seq": receipt.seq, "received_at": receipt.received_at, "duplicate": receipt.duplicate})

    async def submit(request: Request):
        person = await who(request)
        await body(request)
        # a page submitting itself at the closing time may arrive a little late: the answers are unchanged by it
        state, now = assessment.window_state(), datetime.now(timezone.utc)
        if not (state == "closed" and now <= assessment.closes + store.grace):
            open_for_answers()
        await started(person, expire=False)
        try:
            when = await run_in_threadpool(store.submit, person.student_id)
        except TimeUp as exc:  # what they asked for happened already, at the limit
            return _json({"submitted_at": exc.deadline, "at_time_limit": True})
        except AlreadySubmitted as exc:
            raise ApiError(409, f"this quiz was {exc}; a submission is final", final=True) from None
        return _json({"submitted_at": when})

    async def feedback(request: Request):
        person = await who(request)
        row = await started(person)
        if not assessment.feedback_released(row.submitted_at is not None):
            when = {"never": "your instructor will give feedback in class",
                    "after-close": "feedback is released when the quiz closes",
                    "after-submit": "feedback is released once you submit"}[assessment.feedback_policy]
            raise ApiError(403, f"no feedback yet: {when}")
        responses = await run_in_threadpool(store.responses, person.student_id)
        return _json(assessment.feedback(row.variant_id, responses))

    async def status(request: Request):
        await who(request, instructor=True)
        counts = await run_in_threadpool(store.counts)
        return _json({"quiz_id": assessment.quiz_id, "roster": len(settings.roster) if settings.roster else None,
                      "state": assessment.window_state(), **counts})

    def page(html: str | None) -> Callable[[Request], Awaitable[Response]]:
        async def show(request: Request):
            if html is None:
                return _json({"error": "no page here"}, 404)
            redirect = await identity.login_redirect(request)
            if redirect is not None:
                return redirect
            return HTMLResponse(html, headers={"Cache-Control": "no-store", "Content-Security-Policy":
                                               "default-src 'self'; script-src 'unsafe-inline'; "
                                               "style-src 'unsafe-inline'; frame-ancestors 'none'"})
        return show

    def guard(endpoint, *, write: bool = False):
        """Errors as JSON, the origin check, and CORS for the origins the instructor allows."""
        async def run(request: Request):
            origin = request.headers.get("origin")
            cors = {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
                    "Access-Control-Allow-Headers": "Authorization, Content-Type",
                    "Access-Control-Allow-Methods": "GET, POST"} if origin in settings.allow_origins else {}
            if request.method == "OPTIONS":
                return Response(status_code=204 if cors else 403, headers=cors)
            if write and origin is not None and origin not in settings.allow_origins and origin != _own_origin(request):
                return _json({"error": f"requests from {origin[:100]} are not allowed"}, 403)
            try:
                response = await endpoint(request)
            except ApiError as exc:
                response = _json({"error": exc.message, **exc.extra}, exc.status)
            except StorageError as exc:  # nothing was acknowledged, so the client keeps the answer and retries
                response = _json({"error": f"the server could not reach its database ({exc}); try again"}, 503)
            response.headers.update(cors)
            response.headers["X-Content-Type-Options"] = "nosniff"
            return response
        return run

    routes = [Route("/api/quiz", guard(quiz), methods=["GET", "OPTIONS"]),
              Route("/api/answer", guard(answer, write=True), methods=["POST", "OPTIONS"]),
              Route("/api/submit", guard(submit, write=True), methods=["POST", "OPTIONS"]),
              Route("/api/feedback", guard(feedback), methods=["GET", "OPTIONS"]),
              Route("/api/status", guard(status), methods=["GET", "OPTIONS"]),
              Route("/", page(settings.student_page), methods=["GET"]),
              Route("/instructor", page(settings.instructor_page), methods=["GET"]),
              *identity.routes()]

    @asynccontextmanager
    async def lifespan(_app):
        yield
        await store.aclose()  # the answers' pool lives in this event loop

    return Starlette(routes=routes, lifespan=lifespan)


def _own_origin(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-host")
    host = forwarded or request.headers.get("host", "")
    scheme = request.headers.get("x-forwarded-proto", request.url.scheme)
    return f"{scheme}://{host}"
