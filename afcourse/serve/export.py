"""The server's database as submissions, for ``afcourse grade`` (same gradebook, feedback, report).

``afcourse grade QUIZDIR serve.sqlite --out ...`` reads the database directly; any other
path is passed on unchanged. ``afcourse serve export`` writes the same submissions as
JSON Lines (the way to grade from PostgreSQL, or to keep a copy).
"""

from __future__ import annotations

import json
from pathlib import Path

from afcourse.serve.storage import Store, StorageError

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def expand_databases(quiz_dir: str | Path, paths: list[Path]) -> list:
    """``paths`` with every SQLite database of the server replaced by its submissions (as dicts)."""
    out: list = []
    for path in paths:
        if not (Path(path).is_file() and is_sqlite_file(Path(path))):
            out.append(path)
            continue
        try:
            quiz_id = json.loads((Path(quiz_dir) / "quiz.json").read_text(encoding="utf-8"))["quiz_id"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StorageError(f"cannot read the quiz id from {Path(quiz_dir) / 'quiz.json'} to open {path}: {exc}") \
                from None
        store = Store(f"sqlite:///{Path(path).resolve()}", quiz_id, create=False)
        try:
            from afcourse.grading.submissions import Labelled  # problems then name the database, not an argument

            out.extend(Labelled(sub, f"{path} (server database)", number)
                       for number, sub in enumerate(store.submissions(), 1))
        finally:
            store.close()
    return out
