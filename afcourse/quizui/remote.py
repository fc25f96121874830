"""A graded quiz answered against an ``afcourse serve`` server, from a notebook or a web page.

:class:`RemoteStore` takes the place of the submission file (:class:`SubmissionStore`)
under the same :class:`QuizController`: each changed answer is queued on this computer
(a small JSON Lines file, written atomically, so it survives a kernel restart), then
sent to the server, which logs it with its own time. Each queued answer carries its
own id, so an answer sent twice is stored once, and the identity it was given under
(server and student): a queue file is never sent under another identity.

An answer leaves the queue only when the server acknowledged it, or refused it for
good: a 4xx reply that says why (a closed quiz, a submitted one, an answer that does
not fit). Everything else (no connection, a timeout, 408, 425, 429, any 5xx, a proxy's
own error page) is temporary: the answer stays queued and is sent again in the
background, with a growing pause (:data:`RETRY_SECONDS` doubling up to
:data:`RETRY_MAX_SECONDS`). A refused answer keeps the status line saying "not saved",
naming the question, until the student changes it. Submitting needs the server: it is
final there, not here.

:func:`remote_page` is the page the server hands to browsers, and :func:`remote_html`
the same client for a page of the static book; both run ``assets/remote.js``, which
follows the same rules with its queue in the browser's localStorage.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Callable

from afcourse.common.fileio import write_atomic
from afcourse.quiz.models import QuizFile, Response, Student, Submission, Variant
from afcourse.quizui.controller import QuizController
from afcourse.quizui.loading import QuizBundle
from afcourse.quizui.recording import RecordingError, now_iso

TIMEOUT = 10.0
RETRY_SECONDS = 1.0
RETRY_MAX_SECONDS = 30.0
TRANSIENT = frozenset({401, 408, 425, 429})
"""4xx statuses after which an answer stays queued (every 5xx too); 401: the token is refused, so the answers
wait for the student to be known again rather than being dropped."""


class ServerError(RecordingError):
    """The server refused a request for good; the message is the server's."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class Offline(RecordingError):
    """The server could not be reached, or asked to be tried again; the answers wait in the local queue."""


class NotKnown(Offline):
    """The server does not accept the token (401): answers wait, but trying again at once is pointless."""


def _base(server: str) -> str:
    if not re.match(r"^https?://", server):
        raise ValueError(f"server must be an http:// or https:// address, not {server!r}")
    return server if server.endswith("/") else server + "/"


def is_refusal(status: int, body: bytes) -> str | None:
    """The server's reason when a reply refuses for good (a 4xx with a JSON ``error``), else None (retry)."""
    if not 400 <= status < 500 or status in TRANSIENT:
        return None
    try:
        message = json.loads(body).get("error")
    except (ValueError, AttributeError):
        return None  # a proxy's page, not the quiz server's answer
    return message if isinstance(message, str) and message else None


class RemoteStore:
    """One student's answers on the server, with a local queue for when it cannot be reached."""

    def __init__(self, server: str, token: str, queue_path: str | Path | None = None, *, timeout: float = TIMEOUT,
                 retry_seconds: float = RETRY_SECONDS, connect_seconds: float = 30.0):
        self.server, self.token, self.timeout, self.retry_seconds = _base(server), token, timeout, retry_seconds
        self.on_sent: list[Callable[[], None]] = []  # called after queued answers went out in the background
        self._lock = threading.RLock()
        self._retrying = False
        self.refused: dict[str, tuple[Response, str]] = {}  # item id -> (the answer, the server's reason)
        self.quiz = self._request("GET", "api/quiz", patience=connect_seconds)
        left = self.quiz.get("seconds_left")
        self._deadline = None if left is None else time.monotonic() + left  # by the server's clock
        self.quiz_id = self.quiz["quiz_id"]
        student = self.quiz["student"]
        self.student = Student(id=student["id"], name=student.get("name"))
        self.identity = f"{self.server}|{self.student.id}"
        self._numbers = {q["id"]: i for i, q in enumerate(self.quiz["questions"], start=1)}
        self._sent: dict[str, Response] = dict(self.quiz["responses"])
        tag = hashlib.sha256(self.identity.encode()).hexdigest()[:12]
        own = Path(f".afcourse-queue-{self.quiz_id}-{tag}.jsonl")  # named after this identity
        self.queue_path = Path(queue_path) if queue_path else own
        self._legacy_owner = self.identity if self.queue_path == own else None
        self._entries: list[dict] = self._read_queue()

    @property
    def path(self) -> str:
        """Where the status line says the answers are saved, with the time left under a time limit."""
        left = self.seconds_left()
        if left is None or left > 86400:
            return self.server
        if left <= 0:
            return f"{self.server} (time is up)"
        return f"{self.server} ({int(left // 60)} min {int(left % 60):02d} s left)"

    def seconds_left(self) -> float | None:
        """Seconds until this student's time limit (or the closing time), None without either."""
        return None if self._deadline is None else max(0.0, self._deadline - time.monotonic())

    def refresh_time(self) -> float | None:
        """Ask the server for the time left again (extra time may have been given since); the seconds left.

        Unreachable, the time counted so far stands.
        """
        try:
            data = self._once("GET", "api/quiz", None)
        except RecordingError:
            return self.seconds_left()
        left = data.get("seconds_left")
        self._deadline = None if left is None else time.monotonic() + left
        return self.seconds_left()

    # ---- HTTP --------------------------------------------------------------------------------
    def _request(self, method: str, path: str, body: dict | None = None, *, patience: float = 0.0) -> dict:
        """One request; temporary failures are tried again for ``patience`` seconds, then raise Offline."""
        give_up, pause = time.monotonic() + patience, self.retry_seconds or 0.5
        while True:
            try:
                return self._once(method, path, body)
            except Offline as exc:
                if isinstance(exc, NotKnown) or time.monotonic() + pause > give_up:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, RETRY_MAX_SECONDS)

    def _once(self, method: str, path: str, body: dict | None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.server + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                text = reply.read()
        except urllib.error.HTTPError as exc:
            try:
                body_text = exc.read()
            except OSError:
                body_text = b""
            reason = is_refusal(exc.code, body_text)
            if reason is not None:
                raise ServerError(f"the server refused ({exc.code}): {reason}", exc.code) from None
            if exc.code == 401:
                raise NotKnown(f"the server at {self.server} does not accept this token ({is_refusal(400, body_text)}"
                               "); any answers are kept on this computer: check the token and show the quiz "
                               "again") from None
            raise Offline(f"offline: the server at {self.server} answered {exc.code} {exc.reason}: try again "
                          "shortly") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Offline(f"offline: the server at {self.server} does not answer ({reason})") from None
        try:
            return json.loads(text)
        except ValueError:  # a proxy's page with a 200: not the server's acknowledgement
            raise Offline(f"offline: the reply from {self.server} is not the quiz server's") from None

    # ---- the queue ---------------------------------------------------------------------------
    @property
    def queue(self) -> list[dict]:
        """This identity's answers not yet acknowledged, oldest first (a shared file may hold others')."""
        return [e for e in self._entries if e.get("who") == self.identity]

    def _read_queue(self) -> list[dict]:
        try:
            lines = self.queue_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise RecordingError(f"cannot read the queue of unsent answers {self.queue_path}: {exc}") from None
        entries = []
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash while it was written: nothing acknowledged depends on it
            if isinstance(entry, dict) and {"item_id", "response", "client_id"} <= set(entry):
                entry.setdefault("who", self._legacy_owner)  # an older file without owners: only if named after us
                entries.append(entry)
        return entries

    def _write_queue(self) -> None:
        text = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in self._entries)
        try:
            if text:
                write_atomic(self.queue_path, text, force=True)
            else:
                self.queue_path.unlink(missing_ok=True)
        except OSError as exc:
            raise RecordingError(f"cannot keep unsent answers in {self.queue_path}: {exc.strerror or exc}") from None

    def flush(self) -> None:
        """Send the queued answers, oldest first; stops (raising) at the first that cannot be sent now."""
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        while self.queue:
            entry = self.queue[0]
            body = {k: entry[k] for k in ("item_id", "response", "client_id")}
            try:
                self._request("POST", "api/answer", body)
            except ServerError as exc:  # refused for good (closed, submitted, not a valid answer): never resent
                self._entries.remove(entry)
                self._write_queue()
                self.refused[entry["item_id"]] = (entry["response"], str(exc))
                continue
            except Offline as exc:
                self._retry_later()
                raise Offline(f"{exc}; {len(self.queue)} answer(s) kept on this computer, sent when it is back") \
                    from None
            self._sent[entry["item_id"]] = entry["response"]
            if self.refused.get(entry["item_id"], (object(),))[0] != entry["response"]:
                self.refused.pop(entry["item_id"], None)
            self._entries.remove(entry)
            self._write_queue()
        self._raise_refused()

    def _raise_refused(self) -> None:
        if self.refused:
            parts = [f"question {self._numbers.get(item, '?')}: {reason}" for item, (_, reason) in
                     sorted(self.refused.items(), key=lambda kv: self._numbers.get(kv[0], 0))]
            raise ServerError("not saved on the server, " + "; ".join(parts))

    def _retry_later(self) -> None:
        """Keep trying in the background, with a growing pause, until the queue is out; then tell ``on_sent``."""
        if self._retrying or self.retry_seconds <= 0:
            return
        self._retrying = True

        def retry():
            pause = self.retry_seconds
            while True:
                time.sleep(pause * random.uniform(0.8, 1.2))
                pause = min(pause * 2, RETRY_MAX_SECONDS)
                try:
                    self.flush()
                except Offline:
                    continue
                except RecordingError:  # refused for good: the status keeps saying not saved
                    self._retrying = False
                    return
                break
            self._retrying = False
            for listener in self.on_sent:
                listener()

        threading.Thread(target=retry, name="afcourse-resend", daemon=True).start()

    def send_later(self) -> None:
        """Send what an earlier session left in the queue, in the background."""
        if self.queue:
            self._retry_later()

    # ---- the SubmissionStore interface ---------------------------------------------------------
    def variant(self) -> Variant:
        return Variant(variant_id=self.quiz["variant_id"], questions=self.quiz["questions"])

    def load(self) -> Submission | None:
        """The server's saved answers, with any still queued here on top (None before the first answer)."""
        responses = dict(self._sent)
        for entry in self.queue:
            responses[entry["item_id"]] = entry["response"]
        submitted = self.quiz.get("submitted_at")
        if not responses and not submitted:
            return None
        return Submission(quiz_id=self.quiz_id, variant_id=self.quiz["variant_id"], student=self.student,
                          responses=responses, status="submitted" if submitted else "in_progress",
                          saved_at=submitted or now_iso())

    def save(self, variant_id: str, responses: dict[str, Response], status: str) -> Submission:
        """Queue each changed answer and send the queue; with status ``submitted``, then submit."""
        with self._lock:
            pending = {e["item_id"]: e["response"] for e in self.queue}
            for item_id, value in responses.items():
                if item_id in self.refused and self.refused[item_id][0] != value:
                    self.refused.pop(item_id)  # changed since: try the new answer
                elif item_id in self.refused:
                    continue
                if pending.get(item_id, self._sent.get(item_id)) != value:
                    self._entries.append({"item_id": item_id, "response": value, "client_id": uuid.uuid4().hex,
                                          "who": self.identity})
            self._write_queue()
            self._flush()
            saved_at = now_iso()
            if status == "submitted":
                saved_at = self._submit()
        return Submission(quiz_id=self.quiz_id, variant_id=variant_id, student=self.student,
                          responses=dict(responses), status=status, saved_at=saved_at)

    def _submit(self) -> str:
        """POST the submit; a reply lost on the way is recognised on the retry (the server says submitted)."""
        try:
            reply = self._request("POST", "api/submit", {}, patience=3.0)
        except Offline as exc:
            raise Offline(f"{exc}; not submitted yet: press Submit again when the server is back") from None
        except ServerError as exc:
            if exc.status != 409:
                raise
            state = self._request("GET", "api/quiz", patience=3.0)
            if not state.get("submitted_at"):
                raise
            reply = {"submitted_at": state["submitted_at"]}
        self.quiz["submitted_at"] = reply["submitted_at"]
        return reply["submitted_at"]


def remote_controller(server: str, token: str, *, queue_path: str | Path | None = None,
                      retry_seconds: float = RETRY_SECONDS) -> QuizController:
    """The controller of a graded quiz whose questions and answers live on ``server``.

    Answers queued while offline are resent every ``retry_seconds`` in the background;
    once they are out, the controller's status says saved again.
    """
    store = RemoteStore(server, token, queue_path, retry_seconds=retry_seconds)
    data = store.quiz
    quiz = QuizFile(quiz_id=data["quiz_id"], title=data["title"], chapters=[], scoring=data["scoring"],
                    variants=[store.variant()])
    bundle = QuizBundle(quiz, None, quiz.variants[0], {}, origin=store.server)
    controller = QuizController(bundle, mode="assessment", store=store)

    def sent():
        if not store.queue:
            controller.save_error, controller.saved_at = None, now_iso()

    store.on_sent.append(sent)
    store.send_later()  # answers an earlier kernel queued and could not send
    return controller


def _asset(name: str) -> str:
    from afcourse.quizui.static import asset

    return asset(name)


REMOTE_CSS = (".afq-remote .afq-save-note[data-state=error]{color:#9b1c1c;font-weight:600;margin:.3em 0}"
              ".afq-remote .afq-timer{font-weight:600}.afq-remote .afq-timer[data-state=low],.afq-remote .afq-timer[data-state=up]{color:#9b1c1c}"
              ".afq-remote .afq-order-note{color:#555}")


def remote_html(server: str = "") -> str:
    """The browser client as a block of a page: it fetches the student's quiz from ``server``.

    The student's token comes from the page address (``#token=...``, which is never sent
    to any server) or is asked for. ``server=""`` means the page's own server.
    """
    # quiz.js brings the number reader the static quiz uses (the port of quiz/answers.py); the block is
    # marked as mounted so quiz.js leaves it to remote.js.
    return (f'<style>{_asset("quiz.css")}{REMOTE_CSS}</style>'
            f'<div class="afq afq-remote" data-afq-mounted="1" data-server="{html.escape(server, quote=True)}">'
            '<noscript><p>This quiz needs JavaScript.</p></noscript>'
            '<p class="afq-remote-status" role="status" aria-live="polite">Loading the quiz\u2026</p></div>'
            f'<script>{_asset("quiz.js")}</script><script>{_asset("remote.js")}</script>')


class RemotePage:
    """What ``show_quiz(..., server=URL)`` gives without a token: the browser client, for a static page."""

    def __init__(self, server: str):
        self.server = _base(server)

    def _repr_html_(self) -> str:
        return remote_html(self.server)


def remote_page(title: str = "Quiz") -> str:
    """The whole page ``afcourse serve`` shows students at ``/``."""
    return ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(title)}</title>'
            '<style>body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:46em;'
            'margin:2em auto;padding:0 1em;line-height:1.5;color:#222;background:#fff}</style>'
            f'</head><body><main>{remote_html()}</main></body></html>\n')
