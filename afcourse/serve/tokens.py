"""Who is asking: one secret token per student (standalone mode).

A token is ``<student id, base64url>.<HMAC-SHA256 tag>``, the tag made with a secret
kept beside the quiz (``serve-secret``, readable by its owner only) over the quiz id
and the student id. The server can check a token without a table of them, the
instructor can print the same links again at any time, a changed character fails the
check, and a token made for another quiz (or another secret) is refused. The
instructor's token is made the same way for the reserved name below.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_NAME = "serve-secret"
INSTRUCTOR = "\x00instructor"


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
