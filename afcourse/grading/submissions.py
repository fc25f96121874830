"""Read submissions from files, folders, JSON Lines, models or dicts, checking each one.

A submission that cannot be used becomes a :class:`~afcourse.grading.results.Problem`
naming its file and line; one odd answer is kept as given so that only that item is
marked invalid, not the whole submission. That includes a bare ``NaN`` or
``Infinity`` (not JSON, but written by older notebook quizzes): such a file is read
leniently and only that answer is invalid. A submission whose recorded content hash
no longer matches its content is marked ``changed`` (the grader reports it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from pydantic import TypeAdapter, ValidationError

from afcourse.common.validation import validation_summary
from afcourse.grading.results import Problem
from afcourse.quiz.models import KEY_SCHEMA, QUIZ_SCHEMA, SUBMISSION_SCHEMA, Response, Submission
from afcourse.quiz.sealing import seal_holds


try:  # orjson parses a typical submission line several times faster than json
    import orjson as _orjson

    _loads = _orjson.loads
    _JSONError: tuple[type[Exception], ...] = (_orjson.JSONDecodeError, ValueError)
except ImportError:  # pragma: no cover - exercised only without the optional dependency
    _orjson = None
    _loads = json.loads
    _JSONError = (json.JSONDecodeError, ValueError)


def _loads_lenient(data: bytes):
    """Strict JSON first; failing that, Python's reader, which also takes bare NaN and Infinity."""
    try:
        return _loads(data)
    except _JSONError:
        if not any(word in data for word in (b"NaN", b"Infinity")):
            raise
        return json.loads(data)

SUBMISSION_SUFFIXES = (".json", ".jsonl", ".ndjson")
JSONL_SUFFIXES = (".jsonl", ".ndjson")

_RESPONSE = TypeAdapter(Response)


def coerce_response(value: Any) -> Any:
    """What the Submission model makes of one response; an unusable value is kept as given.

    Keeping it lets :func:`score` mark that one item ``invalid`` (and the problem list
    say why) instead of rejecting the student's whole submission.
    """
    try:
        return _RESPONSE.validate_python(value)
    except (ValidationError, TypeError, ValueError):
        return value



@dataclass(frozen=True, slots=True)
class Labelled:
    """A submission given as a dict or model, with where it came from (a database, a CSV line) for messages."""

    data: Any
    source: str
    line: int | None = None


@dataclass(slots=True)
class _Record:
    quiz_id: str
    variant_id: str
    student_id: str
    name: str | None
    responses: dict
    status: str
    saved_at: str | None
    source: str
    line: int | None
    seq: int = 0
    changed: bool = False
    sealed: bool = False


_TOP = frozenset({"schema", "quiz_id", "variant_id", "student", "responses", "status", "saved_at", "content_hash"})
_REQUIRED = frozenset({"quiz_id", "variant_id", "student", "responses"})
_STUDENT = frozenset({"id", "name"})


def _record(data: Any, source: str, line: int | None) -> _Record | Problem:
    """Check one parsed submission cheaply; anything unusual goes through the pydantic model."""
    if type(data) is dict and _REQUIRED <= data.keys() <= _TOP:
        student, status, saved_at = data["student"], data.get("status", "submitted"), data.get("saved_at")
        quiz_id, variant_id, responses = data["quiz_id"], data["variant_id"], data["responses"]
        if (type(student) is dict and student.keys() <= _STUDENT and type(student.get("id")) is str and student["id"]
                and (student.get("name") is None or type(student["name"]) is str)
                and type(quiz_id) is str and type(variant_id) is str and type(responses) is dict
                and (status == "submitted" or status == "in_progress") and (saved_at is None or type(saved_at) is str)
                and data.get("schema", SUBMISSION_SCHEMA) == SUBMISSION_SCHEMA):
            return _Record(quiz_id, variant_id, student["id"], student.get("name"), responses, status, saved_at,
                           source, line, changed="content_hash" in data and seal_holds(data) is False,
                           sealed=bool(data.get("content_hash")))
    return _record_slow(data, source, line)


def _record_slow(data: Any, source: str, line: int | None) -> _Record | Problem:
    if isinstance(data, Submission):
        sub = data
        responses = dict(sub.responses)
    else:
        if not isinstance(data, dict):
            return Problem("malformed", f"expected a submission object, found {_json_kind(data)}", source=source,
                           line=line)
        if data.get("schema") in (QUIZ_SCHEMA, KEY_SCHEMA):
            what = "quiz" if data["schema"] == QUIZ_SCHEMA else "key"
            return Problem("malformed", f"this is a {what} file, not a submission", source=source, line=line)
        raw = data.get("responses")
        try:
            # responses are checked one by one below, so that one odd answer costs one item, not the submission
            sub = Submission.model_validate({**data, "responses": {}} if isinstance(raw, dict) else data)
        except ValidationError as exc:
            student = data.get("student")
            sid = student.get("id") if isinstance(student, dict) and isinstance(student.get("id"), str) else None
            return Problem("malformed", f"not a valid submission: {validation_summary(exc)}", source=source,
                           line=line, student_id=sid or None)
        responses = {}
        for k, v in raw.items():
            responses[k if isinstance(k, str) else str(k)] = coerce_response(v)
    sealed = data if isinstance(data, dict) else sub.model_dump(mode="json", by_alias=True)
    return _Record(sub.quiz_id, sub.variant_id, sub.student.id, sub.student.name, responses, sub.status,
                   sub.saved_at, source, line, changed=seal_holds(sealed) is False, sealed=bool(sub.content_hash))


def _json_kind(data: Any) -> str:
    return {list: "a JSON array", str: "a JSON string", type(None): "null", bool: "true/false",
            int: "a number", float: "a number"}.get(type(data), type(data).__name__)


def _parse_error(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def _read_file(path: Path, label: str) -> Iterator[_Record | Problem]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Problem("unreadable", f"cannot read the file: {exc.strerror or exc}", source=label)
        return
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        yield Problem("malformed", "the file is empty", source=label)
        return
    if path.suffix.lower() not in JSONL_SUFFIXES:
        try:
            whole = _loads_lenient(data)
        except _JSONError as exc:
            if not _looks_like_json_lines(data):
                yield Problem("malformed", f"not valid JSON (truncated or malformed): {_parse_error(exc)}", source=label)
                return
        else:
            if isinstance(whole, list):
                if not whole:
                    yield Problem("malformed", "the file holds an empty JSON array", source=label)
                for i, element in enumerate(whole, 1):
                    yield _record(element, f"{label}[{i}]", None)
            else:
                yield _record(whole, label, None)
            return
    yield from _read_lines(data, label)


def _looks_like_json_lines(data: bytes) -> bool:
    """A .json file that fails as one document is read as JSON Lines if its first line is a whole object."""
    first = next((line for line in data.split(b"\n") if line.strip()), b"")
    if first.count(b"\n") or first.strip() == data.strip():
        return False
    try:
        return isinstance(_loads(first), dict)
    except _JSONError:
        return False


def _read_lines(data: bytes, label: str) -> Iterator[_Record | Problem]:
    record, loads = _record, _loads_lenient
    lines = data.split(b"\n")
    last = len(lines) - 1
    while last >= 0 and not lines[last].strip():
        last -= 1
    for index, raw in enumerate(lines):
        if not raw or raw.isspace():
            continue
        try:
            parsed = loads(raw)
        except _JSONError as exc:
            truncated = index == last and not raw.rstrip().endswith(b"}")
            hint = "the last line looks truncated" if truncated else "malformed line"
            yield Problem("malformed", f"not valid JSON ({hint}): {_parse_error(exc)}", source=label, line=index + 1)
            continue
        yield record(parsed, label, index + 1)


def iter_submissions(submissions: Iterable | str | Path | Submission | dict) -> Iterator[_Record | Problem]:
    """Read every submission from files, folders, JSON Lines, models, dicts or :class:`Labelled`, in order."""
    if isinstance(submissions, (str, Path, Submission, dict)):
        submissions = [submissions]
    for i, entry in enumerate(submissions, 1):
        if isinstance(entry, Labelled):
            data = entry.data
            if isinstance(data, dict) and isinstance(data.get("responses"), dict):
                data = {**data, "responses": dict(data["responses"])}
            yield _record(data, entry.source, entry.line) if isinstance(data, dict) \
                else _record_slow(data, entry.source, entry.line)
            continue
        if isinstance(entry, (Submission, dict)):
            if isinstance(entry, dict):
                entry = {**entry, "responses": dict(entry["responses"])} if isinstance(entry.get("responses"), dict) \
                    else entry
            yield _record(entry, f"<argument {i}>", None) if isinstance(entry, dict) \
                else _record_slow(entry, f"<argument {i}>", None)
            continue
        path = Path(entry)
        label = str(path)
        if path.is_dir():
            yield from _read_folder(path)
        elif path.is_file():
            yield from _read_file(path, label)
        else:
            yield Problem("unreadable", "no such file or folder", source=label)


_OWN_SCHEMAS = ('"afcourse.quiz/', '"afcourse.key/', '"afcourse.roster/', '"afcourse.selfcheck/')


def _export_own_file(path: Path) -> bool:
    """A notebook, or a quiz, key, roster or self-check file: what an export folder holds beside submissions."""
    if path.suffix.lower() == ".ipynb":
        return True
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(300).decode("utf-8", "replace")
    except OSError:
        return False
    return any(f'"schema": {schema}' in head or f'"schema":{schema}' in head for schema in _OWN_SCHEMAS)


def _read_folder(folder: Path) -> Iterator[_Record | Problem]:
    try:
        paths = sorted(p for p in folder.rglob("*")
                       if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    except OSError as exc:
        yield Problem("unreadable", f"cannot list the folder: {exc.strerror or exc}", source=str(folder))
        return
    if not paths:
        yield Problem("unreadable", "the folder holds no files", source=str(folder))
    for path in paths:
        if _export_own_file(path):
            continue  # the notebook export's own files (quiz.json, the students' notebooks): not submissions
        if path.suffix.lower() in SUBMISSION_SUFFIXES:
            yield from _read_file(path, str(path))
        else:
            yield Problem("ignored_file", "not a .json, .jsonl or .ndjson file, so not read", "ignored",
                          source=str(path))


# ------------------------------------------------------------------------- grading
