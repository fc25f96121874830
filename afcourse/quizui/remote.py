"""A graded quiz answered against an ``afcourse serve`` server, from a notebook or a web page.

:class:`RemoteStore` takes the place of the submission file (:class:`SubmissionStore`)
under the same :class:`QuizController`: each changed answer is queued on this computer
(a small JSON Lines file, written atomically), then sent to the server, which logs it
with its own time. While the server cannot be reached the answers stay queued, the
status line says how many wait, and the next save (or Submit) sends them, oldest
first; each carries its own id, so an answer sent twice is stored once. Submitting
needs the server: it is final there, not here.

:func:`remote_page` is the page the server hands to browsers, and :func:`remote_html`
the same client for a page of the static book; both run ``assets/remote.js``, which
keeps its queue in the browser's localStorage the same way.
"""

from __future__ import annotations

import hashlib
import html
import json
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
RETRY_SECONDS = 5.0


class ServerError(RecordingError):
    """The server refused a request; the message is the server's."""


class Offline(RecordingError):
    """The server could not be reached; the answers wait in the local queue."""


def _base(server: str) -> str:
    if not re.match(r"^https?://", server):
        raise ValueError(f"server must be an http:// or https:// address, not {server!r}")
    return server if server.endswith("/") else server + "/"


class RemoteStore:
    """One student's answers on the server, with a local queue for when it cannot be reached."""

    def __init__(self, server: str, token: str, queue_path: str | Path | None = None, *, timeout: float = TIMEOUT,
                 retry_seconds: float = RETRY_SECONDS):
        self.server, self.token, self.timeout, self.retry_seconds = _base(server), token, timeout, retry_seconds
        self.on_sent: list[Callable[[], None]] = []  # called after queued answers went out in the background
        self._lock = threading.RLock()
        self._retrying = False
        self.path = self.server  # where the status line says the answers are saved
        self.quiz = self._request("GET", "api/quiz")
        self.quiz_id = self.quiz["quiz_id"]
        student = self.quiz["student"]
        self.student = Student(id=student["id"], name=student.get("name"))
        self._sent: dict[str, Response] = dict(self.quiz["responses"])
        tag = hashlib.sha256(f"{self.server}|{self.student.id}".encode()).hexdigest()[:12]
        self.queue_path = Path(queue_path) if queue_path else Path(f".afcourse-queue-{self.quiz_id}-{tag}.jsonl")
        self.queue: list[dict] = self._read_queue()

    # ---- HTTP --------------------------------------------------------------------------------
    def _request(self, method: str, path: str, body: dict | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.server + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                return json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error") or exc.reason
            except ValueError:
                message = exc.reason
            raise ServerError(f"the server refused ({exc.code}): {message}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Offline(f"offline: the server at {self.server} does not answer ({reason})") from None

    # ---- the queue ---------------------------------------------------------------------------
    def _read_queue(self) -> list[dict]:
        try:
            lines = self.queue_path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise RecordingError(f"cannot read the queue of unsent answers {self.queue_path}: {exc}") from None
        return [json.loads(line) for line in lines if line.strip()]

    def _write_queue(self) -> None:
        text = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in self.queue)
        try:
            if text:
                write_atomic(self.queue_path, text, force=True)
            else:
                self.queue_path.unlink(missing_ok=True)
        except OSError as exc:
            raise RecordingError(f"cannot keep unsent answers in {self.queue_path}: {exc.strerror or exc}") from None

    def flush(self) -> None:
        """Send the queued answers, oldest first; stops (raising) at the first that cannot be sent."""
        with self._lock:
            self._flush()

    def _flush(self) -> None:
        while self.queue:
            entry = self.queue[0]
            try:
                self._request("POST", "api/answer", entry)
            except ServerError:
                self.queue.pop(0)  # refused for good (closed, submitted, not a valid answer): never resent
                self._write_queue()
                raise
            except Offline as exc:
                self._retry_later()
                raise Offline(f"{exc}; {len(self.queue)} answer(s) kept on this computer, sent when it is back") \
                    from None
            self._sent[entry["item_id"]] = entry["response"]
            self.queue.pop(0)
            self._write_queue()

    def _retry_later(self) -> None:
        """Keep trying in the background until the queue is out, then tell ``on_sent``."""
        if self._retrying or self.retry_seconds <= 0:
            return
        self._retrying = True

        def retry():
            while True:
                time.sleep(self.retry_seconds)
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
                if pending.get(item_id, self._sent.get(item_id)) != value:
                    self.queue.append({"item_id": item_id, "response": value, "client_id": uuid.uuid4().hex})
            self._write_queue()
            self._flush()
            saved_at = now_iso()
            if status == "submitted":
                saved_at = self._request("POST", "api/submit", {})["submitted_at"]
                self.quiz["submitted_at"] = saved_at
        return Submission(quiz_id=self.quiz_id, variant_id=variant_id, student=self.student,
                          responses=dict(responses), status=status, saved_at=saved_at)


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
    return controller


def _asset(name: str) -> str:
    from afcourse.quizui.static import asset

    return asset(name)


def remote_html(server: str = "") -> str:
    """The browser client as a block of a page: it fetches the student's quiz from ``server``.

    The student's token comes from the page address (``#token=...``, which is never sent
    to any server) or is asked for. ``server=""`` means the page's own server.
    """
    return (f'<style>{_asset("quiz.css")}</style>'
            f'<div class="afq afq-remote" data-server="{html.escape(server, quote=True)}">'
            '<noscript><p>This quiz needs JavaScript.</p></noscript>'
            '<p class="afq-remote-status" role="status" aria-live="polite">Loading the quiz\u2026</p></div>'
            f'<script>{_asset("remote.js")}</script>')


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
