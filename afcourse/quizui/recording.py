"""Recording a student's answers: the Submission file, saved atomically after every answer.

The file is a :class:`afcourse.quiz.models.Submission` (schema ``afcourse.submission/1``)
and holds responses only, never the key. Each save replaces the whole file through
a temporary file and a rename (:func:`afcourse.common.fileio.write_atomic`), so a crash or a
kernel restart leaves the last complete save on disk, and showing the quiz again
restores it. A file at the chosen path that is not this student's submission for
this quiz is never overwritten: the store refuses and says why.

A self-check quiz keeps its state (answers, which questions were checked, first-attempt
points) in a small JSON file beside the notebook (:class:`SelfCheckStore`,
``afcourse-selfcheck-<quiz>.json``), so that a kernel restart loses nothing.

The file is strict JSON (no ``NaN`` or ``Infinity``, valid Unicode only), so the grader
always reads it. On Submit it also records a content hash
(:func:`afcourse.quiz.sealing.content_hash`), by which the grader reports a file
changed after submission.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from afcourse.common.fileio import write_atomic
from afcourse.quiz.models import Response, Student, Submission
from afcourse.quiz.sealing import content_hash


class RecordingError(RuntimeError):
    """The submission file cannot be read or written; the message says what to do."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SubmissionStore:
    """One student's submission file for one quiz."""

    def __init__(self, path: str | Path, quiz_id: str, student: Student):
        self.path = Path(path)
        self.quiz_id = quiz_id
        self.student = student

    def load(self) -> Submission | None:
        """The saved submission, or None when there is none yet.

        Raises :class:`RecordingError` when the file is unreadable, is not a submission,
        or belongs to another quiz or student: it is left as it is.
        """
        if not self.path.exists():
            return None
        try:
            text = self.path.read_text(encoding="utf-8")
            saved = Submission.model_validate_json(text)
        except (OSError, ValueError) as exc:
            first = str(exc).splitlines()[0]
            raise RecordingError(f"{self.path} exists but is not a readable submission ({first}); it was left "
                                 "untouched: move it away or choose another save_to path") from None
        if saved.quiz_id != self.quiz_id:
            raise RecordingError(f"{self.path} holds answers to quiz {saved.quiz_id!r}, not {self.quiz_id!r}; "
                                 "choose another save_to path")
        if saved.student.id != self.student.id:
            raise RecordingError(f"{self.path} holds the answers of student {saved.student.id!r}, not "
                                 f"{self.student.id!r}; choose another save_to path")
        return saved

    def save(self, variant_id: str, responses: dict[str, Response], status: str) -> Submission:
        """Write the whole submission atomically as strict JSON and return it (sealed when submitted)."""
        submission = Submission(quiz_id=self.quiz_id, variant_id=variant_id, student=self.student,
                                responses=_valid_unicode(dict(responses)), status=status, saved_at=now_iso())
        data = _valid_unicode(submission.model_dump(mode="json", by_alias=True, exclude={"content_hash"}))
        try:
            if status == "submitted":
                data["content_hash"] = content_hash(data)
            text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        except ValueError:
            raise RecordingError("an answer is not a finite number (NaN or infinity), so it cannot be saved; "
                                 "type a number") from None
        submission = Submission.model_validate(data)
        try:
            write_atomic(self.path, text, force=True)
        except OSError as exc:
            raise RecordingError(f"could not save your answers to {self.path}: {exc.strerror or exc}; "
                                 "they are kept in this session, so fix the problem and answer again to save") from None
        return submission


SELF_CHECK_SCHEMA = "afcourse.selfcheck/1"


def self_check_file_name(quiz_id: str) -> str:
    """``afcourse-selfcheck-<quiz>.json``: where a self-check quiz keeps its state, beside the notebook."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in quiz_id)
    return f"afcourse-selfcheck-{safe}.json"


class SelfCheckStore:
    """A self-check quiz's state in a file: written atomically after every change, read when shown again."""

    def __init__(self, path: str | Path, quiz_id: str):
        self.path = Path(path)
        self.quiz_id = quiz_id

    def load(self) -> dict | None:
        """The kept state, or None (no file, or another quiz's). An unreadable file raises RecordingError."""
        if not self.path.exists():
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RecordingError(f"{self.path} is not a readable self-check file ({exc}); move it away to start "
                                 "afresh") from None
        if not isinstance(data, dict) or data.get("schema") != SELF_CHECK_SCHEMA or data.get("quiz_id") != self.quiz_id:
            return None
        return data

    def save(self, variant_id: str, responses: dict[str, Response], checked: dict[str, bool],
             attempts: dict[str, int], first_points: dict[str, float]) -> None:
        """Write the whole state (answers, checked questions and whether revealed, attempts, first-attempt points)."""
        data = _valid_unicode({"schema": SELF_CHECK_SCHEMA, "quiz_id": self.quiz_id, "variant_id": variant_id,
                               "saved_at": now_iso(), "responses": dict(responses), "checked": dict(checked),
                               "attempts": dict(attempts), "first_points": dict(first_points)})
        try:
            text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
            write_atomic(self.path, text, force=True)
        except (OSError, ValueError) as exc:
            raise RecordingError(f"could not keep your self-check answers in {self.path}: "
                                 f"{getattr(exc, 'strerror', None) or exc}") from None


def _valid_unicode(value):
    """``value`` with every string made valid Unicode (lone surrogates become U+FFFD), keys included."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {_valid_unicode(k): _valid_unicode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid_unicode(v) for v in value]
    return value
