"""Who is asking: the roster, and one secret token per student (standalone mode).

A token is ``<student id, base64url>.<HMAC-SHA256 tag>``, the tag made with a secret
kept beside the quiz (``serve-secret``, readable by its owner only) over the quiz id
and the student id. The server can check a token without a table of them, the
instructor can print the same links again at any time, a changed character fails the
check, and a token made for another quiz (or another secret) is refused. The
instructor's token is made the same way for the reserved name below.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

SECRET_NAME = "serve-secret"
INSTRUCTOR = "\x00instructor"


class RosterError(ValueError):
    """The roster file cannot be used; the message names the line."""


@dataclass(frozen=True)
class RosterEntry:
    student_id: str
    name: str | None = None


def read_roster(path: str | Path) -> list[RosterEntry]:
    """Students from a CSV file with a header: ``id`` (or ``student_id``) and an optional ``name``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RosterError(f"cannot read the roster {path}: {exc.strerror or exc}") from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise RosterError(f"the roster {path} has no students (expected a header line: id,name)")
    column = next((c for c in ("id", "student_id") if c in rows[0]), None)
    if column is None:
        raise RosterError(f"the roster {path} needs an 'id' column (found: {', '.join(rows[0])})")
    entries, seen = [], set()
    for line, row in enumerate(rows, start=2):
        sid = (row.get(column) or "").strip()
        if not sid:
            raise RosterError(f"{path}, line {line}: empty student id")
        if len(sid) > 200 or any(ord(ch) < 32 for ch in sid):
            raise RosterError(f"{path}, line {line}: the student id is over 200 characters or holds control characters")
        if sid in seen:
            raise RosterError(f"{path}, line {line}: student id {sid!r} appears twice")
        seen.add(sid)
        entries.append(RosterEntry(sid, (row.get("name") or "").strip() or None))
    return entries


def load_secret(quiz_dir: str | Path, *, create: bool = True) -> bytes:
    """The server's secret (``QUIZDIR/serve-secret``), made on first use with mode 0600."""
    path = Path(quiz_dir) / SECRET_NAME
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"no {SECRET_NAME} in {quiz_dir}: run `afcourse serve tokens` first")
        tmp = path.with_name(f".{SECRET_NAME}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(tmp, path)  # whole or not at all; another process may have made it meanwhile
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 32:
        raise ValueError(f"{path} is too short to be a secret; delete it to make a new one (old tokens stop working)")
    return secret.encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _tag(secret: bytes, quiz_id: str, student_id: str) -> str:
    message = f"afcourse-serve/1|{quiz_id}|{student_id}".encode()
    return _b64(hmac.new(secret, message, hashlib.sha256).digest()[:24])


def make_token(secret: bytes, quiz_id: str, student_id: str) -> str:
    """The token of ``student_id`` for this quiz (the same every time for the same secret)."""
    return f"{_b64(student_id.encode())}.{_tag(secret, quiz_id, student_id)}"


def instructor_token(secret: bytes, quiz_id: str) -> str:
    """The token that opens the instructor's live count."""
    return "i." + _tag(secret, quiz_id, INSTRUCTOR)


def check_token(secret: bytes, quiz_id: str, token: str) -> str | None:
    """The student id a valid token names, or None for anything else (tampered, foreign, malformed)."""
    if not token or len(token) > 400 or token.count(".") != 1:
        return None
    encoded, tag = token.split(".")
    try:
        student_id = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not student_id or student_id == INSTRUCTOR or _b64(student_id.encode()) != encoded:
        return None
    return student_id if hmac.compare_digest(tag, _tag(secret, quiz_id, student_id)) else None


def is_instructor(secret: bytes, quiz_id: str, token: str) -> bool:
    return bool(token) and hmac.compare_digest(token.encode(), instructor_token(secret, quiz_id).encode())
