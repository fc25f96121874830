"""The item bank of the shipped facts, cached on disk between commands.

Building the bank means loading and cross-checking every fact file, then running every
template: about a second. The cache keeps the result (the bank, the chapter titles and the
source names that citations show) in
the user's cache folder (``$AFCOURSE_CACHE_DIR``, else ``$XDG_CACHE_HOME/afcourse``, else
``~/.cache/afcourse``), under a name made from the SHA-256 of every fact file and every
source file of ``facts/`` (the understanding files of ``facts/understanding/`` too) and ``bank/``
(its sub-packages too): any edit makes a new name, so a stale bank is never
read. Entries are written atomically, so commands running at once never see half a file;
an unreadable entry is rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from afcourse.common.fileio import write_atomic

PACKAGE = Path(__file__).resolve().parent.parent
FORMAT = "2"


def cache_dir() -> Path:
    """Where cached banks are kept."""
    if os.environ.get("AFCOURSE_CACHE_DIR"):
        return Path(os.environ["AFCOURSE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "afcourse"


def fingerprint() -> str:
    """SHA-256 over the fact files and the code that turns them into items."""
    digest = hashlib.sha256(FORMAT.encode())
    files = sorted([*(PACKAGE / "facts").glob("*.yaml"), *(PACKAGE / "facts" / "understanding").glob("*.yaml"),
                    *(PACKAGE / "facts").glob("*.py"), *(PACKAGE / "bank").rglob("*.py")])
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def cached_bank() -> tuple[dict[str, str], list]:
    """(chapter id -> title, every item of the bank) for the shipped facts, from the cache if it is current.

    Raises :class:`afcourse.facts.factbase.FactBaseError` when the facts do not load.
    """
    chapters, items, _ = _cached()
    return chapters, items


def cached_source_labels() -> dict[str, str]:
    """Source id -> ``Author, Title (year)`` for the shipped facts, from the same cache."""
    return _cached()[2]


def _cached() -> tuple[dict[str, str], list, dict[str, str]]:
    path = cache_dir() / f"bank-{fingerprint()}.pickle"
    try:
        chapters, items, sources = pickle.loads(path.read_bytes())
        return chapters, items, sources
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        pass
    from afcourse.bank.generate import build_bank
    from afcourse.facts.factbase import load_facts

    base = load_facts(None)
    chapters = {c.id: c.title for c in base.chapters.values()}
    items = build_bank(base)
    sources = {}
    for source in base.sources.values():
        year = getattr(source.date, "year", None)
        sources[source.id] = f"{source.author}, {source.title}" + (f" ({year})" if year else "")
    try:
        write_atomic(path, pickle.dumps((chapters, items, sources), protocol=pickle.HIGHEST_PROTOCOL), force=True)
    except OSError:  # a read-only home: work without the cache
        pass
    return chapters, items, sources
