"""Formatting for every report: numbers for CSV cells, and escaping for CSV, Markdown and HTML."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any, Iterable


def number(value: float | None, digits: int = 4) -> str:
    """A number for a CSV cell: integers without '.0', others rounded; None as empty."""
    if value is None:
        return ""
    value = round(float(value), digits)
    return str(int(value)) if value.is_integer() else repr(value)


def fixed(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


_FORMULA_START = tuple("=+-@\t\r")


def csv_text(text: str | None) -> str:
    """Student text for a CSV cell: a leading ``'`` stops a spreadsheet reading it as a formula."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_table(rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\d*)([#+=>.)-])")


def md(text: str) -> str:
    """Escape text for Markdown: one line, no raw HTML, no emphasis, links, headings or lists."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(r"\1\\\2", text)


def esc(text: Any) -> str:
    """Escape text for HTML (quotes too, so it is safe in attributes)."""
    return html.escape(str(text), quote=True)


def shorten(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
