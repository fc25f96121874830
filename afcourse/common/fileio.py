"""Reading input files with a clear error, and writing output files safely: atomically, and never over an
existing file unless asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def read_text(path: Path, what: str, error: type[Exception]) -> str:
    """``path`` as UTF-8 text; an unreadable or undecodable file raises ``error`` with "PATH: cannot read
    WHAT: why" (``what`` as the user calls it: "the blueprint", "your questions")."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read {what}: {getattr(exc, 'strerror', None) or exc}") from None


class OutputExistsError(FileExistsError):
    """The output path exists and the caller did not ask to overwrite it."""

    def __init__(self, path: Path):
        super().__init__(f"{path} already exists; pass --force to overwrite it")
        self.path = path


def write_atomic(path: str | Path, data: str | bytes, *, force: bool = False, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` via a temporary file and a rename.

    A reader never sees a half-written file, and an interrupted write leaves the old
    file intact. Raises :class:`OutputExistsError` if ``path`` exists and not ``force``.
    ``mode`` sets the file's permissions (default: the temporary file's 0600, owner only).
    """
    path = Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        # a device or a pipe (/dev/null, /dev/stdout, a FIFO): written straight through, never replaced
        with open(path, "wb" if isinstance(data, bytes) else "w", **({} if isinstance(data, bytes) else
                                                                     {"encoding": "utf-8"})) as handle:
            handle.write(data)
        return path
    if path.exists() and not force:
        raise OutputExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    open_mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, open_mode, **({} if open_mode == "wb" else {"encoding": "utf-8", "newline": "\n"})) as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
