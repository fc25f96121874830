"""The content hash a submission records when it is submitted.

:func:`content_hash` digests a submission's content (every field but the hash itself,
in a canonical JSON form, so re-indenting the file changes nothing). The notebook
quiz writes it on Submit; the grader recomputes it and reports a file whose answers
changed afterwards. It is a seal against accidental or naive edits, not a guarantee:
the file is the student's, and anyone who rewrites it whole can recompute the hash.
Trustworthy collection needs a server that receives the answers (``afcourse serve``).
"""

from __future__ import annotations

import hashlib
import json

PREFIX = "sha256:"


def content_hash(submission: dict) -> str:
    """``sha256:<hex>`` of ``submission`` without its ``content_hash`` (raises ValueError on NaN or infinity)."""
    body = {k: v for k, v in submission.items() if k != "content_hash"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return PREFIX + hashlib.sha256(text.encode("ascii")).hexdigest()


def seal_holds(submission: dict) -> bool | None:
    """True if the recorded hash matches the content, False if not, None when no hash is recorded."""
    recorded = submission.get("content_hash")
    if recorded is None:
        return None
    try:
        return isinstance(recorded, str) and recorded == content_hash(submission)
    except (TypeError, ValueError):
        return False
