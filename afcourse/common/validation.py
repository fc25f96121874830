"""Pydantic validation errors as one readable line."""

from __future__ import annotations

from pydantic import ValidationError


def validation_summary(exc: ValidationError, limit: int = 3) -> str:
    """The first ``limit`` problems of a pydantic error, each as "field 'a.b': message"."""
    parts = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in err["loc"])
        parts.append(f"field '{loc}': {err['msg']}" if loc else err["msg"])
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
