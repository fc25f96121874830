"""Grade a class: read submissions, score every response, and report what went wrong.

Every response is scored by :func:`afcourse.scoring.score` under the quiz's own
:class:`~afcourse.quizmodels.ScoringRules`; this module only reads, checks, routes and
remembers. Because ``score`` is a pure function of (question, key, response, rules), its
result for a response already seen on the same question is reused (a per-question
memo), which is what makes a class of 100,000 cheap: a single-choice item has a handful
of distinct responses however many students answer it.

Input: files holding one submission (``.json``), a JSON array of them, JSON Lines
(``.jsonl``/``.ndjson``, one per line), folders of such files (searched recursively),
or :class:`~afcourse.quizmodels.Submission` objects and plain dicts.

Nothing is dropped silently. Each of these becomes a :class:`Problem` and the rest is
graded:

========================  ==========  ==============================================
kind                      action      what happened
========================  ==========  ==============================================
``unreadable``            skipped     a file or folder could not be read
``malformed``             skipped     bad or truncated JSON, not a submission, or a
                                      field the submission schema rejects
``wrong_quiz``            skipped     the submission is for another quiz
``unknown_variant``       skipped     its variant id is not in the quiz
``duplicate``             superseded  the student handed in again; the one with the
                                      latest ``saved_at`` is kept (when every copy
                                      has one), else the later in input order
``unknown_item``          graded      responses to items not in the variant are
                                      ignored (the rest is graded)
``missing_answer``        graded      an item without an answer scores 0
``invalid_answer``        graded      an answer of the wrong shape (unknown option,
                                      not a number...) scores 0
``in_progress``           graded      the student had not pressed "submit": graded,
                                      flagged in the gradebook
``ignored_file``          ignored     a file in a submissions folder that is not
                                      ``.json``/``.jsonl``/``.ndjson``
``no_submissions``        none        nothing could be graded
========================  ==========  ==============================================
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Iterable, Iterator

from pydantic import TypeAdapter, ValidationError

from afcourse.quizmodels import (
    KEY_SCHEMA,
    QUIZ_SCHEMA,
    SUBMISSION_SCHEMA,
    AnswerKey,
    KeyFile,
    Question,
    QuizFile,
    Response,
    Submission,
    validation_summary,
)
from afcourse.scoring import ItemScore, score

try:  # orjson parses a typical submission line several times faster than json
    import orjson as _orjson

    _loads = _orjson.loads
    _JSONError: tuple[type[Exception], ...] = (_orjson.JSONDecodeError, ValueError)
except ImportError:  # pragma: no cover - exercised only without the optional dependency
    _orjson = None
    _loads = json.loads
    _JSONError = (json.JSONDecodeError, ValueError)

SUBMISSION_SUFFIXES = (".json", ".jsonl", ".ndjson")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CACHE_LIMIT = 20_000
"""Distinct responses remembered per question (free text can vary without end)."""

PROBLEM_KINDS = {
    "unreadable": "a file or folder could not be read",
    "malformed": "not a valid submission (bad or truncated JSON, or a field the schema rejects)",
    "wrong_quiz": "a submission for another quiz",
    "unknown_variant": "a variant id the quiz does not have",
    "duplicate": "a second submission from one student (an earlier one is superseded)",
    "unknown_item": "responses to items that are not in the student's variant (ignored)",
    "missing_answer": "items without an answer (scored 0 as unanswered)",
    "invalid_answer": "answers of the wrong shape (scored 0 as invalid)",
    "in_progress": "a submission saved but not submitted (graded and flagged)",
    "ignored_file": "a file in a submissions folder that is not JSON or JSON Lines",
    "no_submissions": "nothing could be graded",
}


class GradingError(ValueError):
    """The quiz folder itself cannot be graded against (no key, unreadable files...)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the input, where it was, and what was done about it."""

    kind: str
    message: str
    action: str = "skipped"
    source: str = ""
    line: int | None = None
    student_id: str | None = None
    item_ids: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        if not self.source:
            return ""
        return f"{self.source}:{self.line}" if self.line is not None else self.source

    def __str__(self) -> str:
        where = f"{_printable(self.where)}: " if self.where else ""
        who = f"student {self.student_id!r}: " if self.student_id else ""
        return f"{where}{who}{_printable(self.message)} [{self.kind}, {self.action}]"


def _printable(text: str) -> str:
    """Control characters (a terminal escape in a student's answer, say) shown escaped, never sent raw."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass(slots=True, eq=False)
class StudentResult:
    """One student's graded submission: a score per question of their variant."""

    student_id: str
    name: str | None
    variant_id: str
    status: str
    saved_at: str | None
    source: str
    line: int | None
    questions: list[Question]
    scores: list[ItemScore]
    responses: dict[str, Any]
    points: float
    max_points: float
    flags: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return round(100.0 * self.points / self.max_points, 2) if self.max_points else 0.0

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


@dataclass(eq=False)
class GradeResult:
    """Everything a grading run produced (``afcourse.grade`` returns this)."""

    quiz: QuizFile
    key: KeyFile
    students: list[StudentResult]
    problems: list[Problem]
    item_order: list[str]
    items: list = field(default_factory=list)
    """Per-item statistics (:class:`afcourse.analysis.ItemStats`), in ``item_order``."""
    summary: Any = None
    """Class summary (:class:`afcourse.analysis.ClassSummary`)."""
    files: dict[str, Path] = field(default_factory=dict)
    """Output files written, by role (``gradebook``, ``report`` ...)."""
    response_forms: dict = field(default_factory=dict, repr=False)
    """See :meth:`Grader.response_forms`; used by the item analysis."""

    @property
    def questions(self) -> dict[str, Question]:
        found: dict[str, Question] = {}
        for variant in self.quiz.variants:
            for q in variant.questions:
                found.setdefault(q.id, q)
        return found

    @property
    def keys(self) -> dict[str, AnswerKey]:
        return {k.id: k for k in self.key.keys}

    def problems_of(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]


# --------------------------------------------------------------------------- quiz


def load_quiz(quiz_dir: str | Path) -> tuple[QuizFile, KeyFile]:
    """Read ``quiz.json`` and ``key.json`` from ``quiz_dir``; both are needed to grade."""
    from afcourse.quizset import QuizSetError, read_quiz_set

    try:
        quiz, key = read_quiz_set(quiz_dir)
    except QuizSetError as exc:
        raise GradingError(str(exc)) from None
    if key is None:
        raise GradingError(f"{Path(quiz_dir) / 'key.json'} not found: grading needs the instructor's key")
    return quiz, key


_POINTS = attrgetter("points")


def _picker(positions: list[int]):
    """An itemgetter that always returns a tuple (itemgetter of one index returns the item itself)."""
    if len(positions) == 1:
        only = positions[0]
        return lambda seq: (seq[only],)
    return itemgetter(*positions) if positions else (lambda seq: ())


class _Variant:
    """One variant, laid out for fast scoring.

    Its items are grouped by the shape of their answers: plain (a string or number),
    list (multiple select, ordering) or pairs (matching). When every answer of a group
    has the expected type, the group's scores are looked up in the memos with C-level
    ``map`` calls, with no Python-level loop per answer; anything else (a missing list
    answer, an int, an odd shape) goes through :meth:`Grader._score_at` one by one.
    """

    __slots__ = ("variant_id", "questions", "entries", "qids", "qid_list", "max_points", "groups", "reorder")

    def __init__(self, variant_id: str, questions: list[Question], keys: dict[str, AnswerKey]):
        self.variant_id = variant_id
        self.questions = questions
        self.entries = [(q, keys[q.id].key, {}) for q in questions]
        self.qids = frozenset(q.id for q in questions)
        self.qid_list = [q.id for q in questions]
        self.max_points = float(sum(q.points for q in questions))
        self.groups = []
        order: list[int] = []
        for shape, (accepted, memo_keys) in _SHAPES.items():
            positions = [i for i, q in enumerate(questions) if _SHAPE_OF.get(q.type) == shape]
            if positions:
                memos = [self.entries[i][2] for i in positions]
                self.groups.append((positions, memos, _picker(positions), accepted, memo_keys))
                order += positions
        back = {position: i for i, position in enumerate(order)}  # scores come out grouped: put them back
        self.reorder = None if order == list(range(len(questions))) else _picker([back[i] for i in range(len(order))])


def _as_tuples(answers):
    return map(tuple, answers)


def _as_pair_sets(answers):
    return map(frozenset, map(dict.items, answers))


_SHAPE_OF = {"single_choice": "plain", "true_false": "plain", "short_answer": "plain", "numeric": "plain",
             "multiple_select": "list", "ordering": "list", "matching": "pairs"}
_SHAPES = {  # shape -> (answer types looked up in bulk, how they become memo keys)
    "plain": (frozenset({str, float, type(None)}), None),
    "list": (frozenset({list}), _as_tuples),
    "pairs": (frozenset({dict}), _as_pair_sets),
}


class Grader:
    """Scores submissions of one quiz; keeps a memo of ``score`` results per question."""

    def __init__(self, quiz: QuizFile, key: KeyFile):
        if key.quiz_id != quiz.quiz_id:
            raise GradingError(f"the key belongs to quiz {key.quiz_id!r}, not {quiz.quiz_id!r}")
        keys = {k.id: k for k in key.keys}
        missing = sorted({q.id for v in quiz.variants for q in v.questions} - set(keys))
        if missing:
            raise GradingError(f"key.json has no key for item(s): {', '.join(missing)}")
        self.quiz, self.key, self.rules = quiz, key, quiz.scoring
        self.variants = {v.variant_id: _Variant(v.variant_id, list(v.questions), keys) for v in quiz.variants}
        order: dict[str, None] = {}
        for v in quiz.variants:
            for q in v.questions:
                order.setdefault(q.id, None)
        self.item_order = list(order)
        self.number = {item_id: i + 1 for i, item_id in enumerate(self.item_order)}
        self.unmemoised: dict[int, tuple[Any, ItemScore]] = {}
        self.odd: set[int] = set()  # ids of the memoised scores that are unanswered or invalid

    def response_forms(self) -> dict[int, tuple[Any, ItemScore]]:
        """id(ItemScore) -> (the response it scored, in hashable form; the ItemScore).

        Every memoised score stands for exactly one distinct response, so counting score
        objects counts responses: the item analysis tallies options this way without
        looking at each student's answers again. Lists appear as tuples, dicts as
        ``frozenset(items)``, unmemoised answers as :class:`RawResponse`.
        """
        forms = dict(self.unmemoised)
        for variant in self.variants.values():
            for _, _, memo in variant.entries:
                for form, item_score in memo.items():
                    forms[id(item_score)] = (form, item_score)
        return forms

    def label(self, item_id: str) -> str:
        n = self.number.get(item_id)
        return f"Q{n} ({item_id})" if n else repr(item_id)

    def grade_one(self, rec: "_Record", problems: list[Problem]) -> StudentResult:
        """Score one checked submission (its quiz and variant are known to be right)."""
        variant = self.variants[rec.variant_id]
        responses = rec.responses
        answers = list(map(responses.get, variant.qid_list))
        scores: list[ItemScore] = []
        for positions, memos, pick, accepted, memo_keys in variant.groups:
            group = pick(answers)
            got = None
            if accepted.issuperset(map(type, group)):
                try:
                    got = list(map(dict.get, memos, memo_keys(group) if memo_keys else group))
                except TypeError:  # an unhashable element somewhere: one by one below
                    got = None
            if got is None:
                got = [self._score_at(variant, i, answers[i], responses) for i in positions]
            elif not all(got):  # answers not seen before on these items
                got = [s or self._score_at(variant, i, answers[i], responses) for s, i in zip(got, positions)]
            scores += got
        if variant.reorder is not None:
            scores = list(variant.reorder(scores))
        result = StudentResult(rec.student_id, rec.name, rec.variant_id, rec.status, rec.saved_at, rec.source,
                               rec.line, variant.questions, scores, responses, round(sum(map(_POINTS, scores)), 4),
                               variant.max_points)
        if (rec.status != "submitted" or not self.odd.isdisjoint(map(id, scores))
                or not variant.qids.issuperset(responses)):
            self._flag(result, variant, problems)
        return result

    def _score_at(self, variant: _Variant, index: int, r: Any, responses: dict) -> ItemScore:
        """Score one answer through the memo (or without it for answers that cannot be a memo key)."""
        question, key, memo = variant.entries[index]
        t = type(r)
        try:
            if t is str or t is float or r is None:
                memo_key = r
            elif t is list:
                # a list holding anything but strings scores "invalid" whatever its elements,
                # so tuples that compare equal (1 == 1.0 == True) may share one score
                memo_key = tuple(r)
            elif t is dict:
                memo_key = frozenset(r.items())
            else:  # ints, booleans and odd shapes: coerced below exactly as the Submission model does
                memo_key = _UNHASHABLE
            s = memo.get(memo_key)
        except TypeError:  # nested lists or dicts: not hashable, scored without the memo
            memo_key = _UNHASHABLE
            s = None
        if s is not None:
            return s
        if memo_key is _UNHASHABLE:
            r = _coerce_response(r)
            if question.id in responses:
                responses[question.id] = r
        s = score(question, key, r, self.rules)
        if memo_key is not _UNHASHABLE and len(memo) < CACHE_LIMIT:
            memo[memo_key] = s
        else:
            self.unmemoised[id(s)] = (RawResponse(r), s)
        if s.status == "unanswered" or s.status == "invalid":
            self.odd.add(id(s))
        return s

    def _flag(self, result: StudentResult, variant: _Variant, problems: list[Problem]) -> None:
        common = dict(source=result.source, line=result.line, student_id=result.student_id)
        unknown = [k for k in result.responses if k not in variant.qids]
        if unknown:
            shown = ", ".join(repr(str(k)) for k in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
            result.flags.append(f"{len(unknown)} unknown item(s)")
            problems.append(Problem("unknown_item", f"{len(unknown)} response(s) to item(s) not in variant "
                                    f"{result.variant_id!r} were ignored: {shown}", "graded",
                                    item_ids=tuple(map(str, unknown)), **common))
        missing = [s.item_id for s in result.scores if s.status == "unanswered"]
        if missing:
            result.flags.append(f"{len(missing)} unanswered")
            problems.append(Problem("missing_answer", f"{len(missing)} item(s) not answered, scored 0: "
                                    + ", ".join(self.label(i) for i in missing), "graded",
                                    item_ids=tuple(missing), **common))
        invalid = [s for s in result.scores if s.status == "invalid"]
        if invalid:
            result.flags.append(f"{len(invalid)} invalid answer(s)")
            problems.append(Problem("invalid_answer", f"{len(invalid)} answer(s) could not be read, scored 0: "
                                    + "; ".join(f"{self.label(s.item_id)}: {s.detail}" for s in invalid), "graded",
                                    item_ids=tuple(s.item_id for s in invalid), **common))
        if result.status != "submitted":
            result.flags.append("in progress")
            problems.append(Problem("in_progress", "saved but never submitted (status 'in_progress'); graded as it "
                                    "stands and flagged", "graded", **common))


_RESPONSE = TypeAdapter(Response)
_UNHASHABLE = object()


@dataclass(frozen=True, slots=True, eq=False)
class RawResponse:
    """A response scored without the memo (kept as given, possibly unhashable)."""

    value: Any


def _coerce_response(value: Any) -> Any:
    """What the Submission model makes of one response; an unusable value is kept as given.

    Keeping it lets :func:`score` mark that one item ``invalid`` (and the problem list
    say why) instead of rejecting the student's whole submission.
    """
    try:
        return _RESPONSE.validate_python(value)
    except (ValidationError, TypeError, ValueError):
        return value


# ------------------------------------------------------------------------- reading


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


_TOP = frozenset({"schema", "quiz_id", "variant_id", "student", "responses", "status", "saved_at"})
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
                           source, line)
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
            responses[k if isinstance(k, str) else str(k)] = _coerce_response(v)
    return _Record(sub.quiz_id, sub.variant_id, sub.student.id, sub.student.name, responses, sub.status,
                   sub.saved_at, source, line)


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
            whole = _loads(data)
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
    record, loads = _record, _loads
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
    """Read every submission from files, folders, JSON Lines, models or dicts, in the order given."""
    if isinstance(submissions, (str, Path, Submission, dict)):
        submissions = [submissions]
    for i, entry in enumerate(submissions, 1):
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
        if path.suffix.lower() in SUBMISSION_SUFFIXES:
            yield from _read_file(path, str(path))
        else:
            yield Problem("ignored_file", "not a .json, .jsonl or .ndjson file, so not read", "ignored",
                          source=str(path))


# ------------------------------------------------------------------------- grading


def _when(saved_at: str | None) -> datetime | None:
    if not saved_at:
        return None
    try:
        moment = datetime.fromisoformat(saved_at.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _latest(records: list[_Record]) -> tuple[_Record, str]:
    """The submission that counts, and why (latest ``saved_at``, else the later in input order)."""
    times = [_when(r.saved_at) for r in records]
    if all(t is not None for t in times):
        best = max(range(len(records)), key=lambda i: (times[i], records[i].seq))
        return records[best], "it has the latest saved_at"
    why = ("not every copy has a readable saved_at" if any(t is not None for t in times)
           else "none has a readable saved_at")
    return records[-1], f"{why}, so the later in input order counts"


def _describe(rec: _Record) -> str:
    saved = f", saved {rec.saved_at}" if rec.saved_at else ", no saved_at"
    return f"{rec.source}{f':{rec.line}' if rec.line is not None else ''}{saved}, {rec.status}"


def grade_submissions(quiz: QuizFile, key: KeyFile, submissions, *, analyse: bool = True) -> GradeResult:
    """Grade ``submissions`` (see :func:`iter_submissions`) against an in-memory quiz and key."""
    with gc_paused():
        return _grade_submissions(quiz, key, submissions, analyse)


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector for a bulk job.

    A class is millions of small objects kept alive to the end and none of them in a
    reference cycle: the collector would only rescan them again and again (about half
    the run time at 100,000 submissions). Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # hand the survivors straight to the oldest generation (freeze, then unfreeze, moves
            # them there without a scan); enabling the collector with millions of objects still
            # in the youngest generation would cost one full scan of them all right away
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _grade_submissions(quiz: QuizFile, key: KeyFile, submissions, analyse: bool) -> GradeResult:
    grader = Grader(quiz, key)
    problems: list[Problem] = []
    by_student: dict[str, list[_Record]] = defaultdict(list)
    seq = 0
    quiz_id, variants = quiz.quiz_id, grader.variants
    for rec in iter_submissions(submissions):
        if type(rec) is Problem:
            problems.append(rec)
            continue
        if rec.quiz_id != quiz_id:
            problems.append(Problem("wrong_quiz", f"this submission is for quiz {rec.quiz_id!r}, not {quiz_id!r}",
                                    source=rec.source, line=rec.line, student_id=rec.student_id))
            continue
        if rec.variant_id not in variants:
            known = ", ".join(list(variants)[:5]) + (" ..." if len(variants) > 5 else "")
            problems.append(Problem("unknown_variant", f"variant {rec.variant_id!r} does not exist in this quiz "
                                    f"(it has {known})", source=rec.source, line=rec.line, student_id=rec.student_id))
            continue
        seq += 1
        rec.seq = seq
        by_student[rec.student_id].append(rec)

    students: list[StudentResult] = []
    grade_one = grader.grade_one
    for sid, recs in by_student.items():
        if len(recs) > 1:
            kept, why = _latest(recs)
            for other in recs:
                if other is not kept:
                    problems.append(Problem(
                        "duplicate", f"{len(recs)} submissions from this student; this one ({_describe(other)}) is "
                        f"superseded by {_describe(kept)}: {why}", "superseded", source=other.source,
                        line=other.line, student_id=sid))
            result = grade_one(kept, problems)
            result.flags.append(f"{len(recs)} submissions, latest kept")
        else:
            result = grade_one(recs[0], problems)
        students.append(result)
    students.sort(key=lambda r: r.student_id)
    rank: dict[str, int] = {}
    for p in problems:
        rank.setdefault(p.source, len(rank))
    problems.sort(key=lambda p: (not p.source, rank[p.source], p.line or 0))  # in input order
    if not students:
        problems.append(Problem("no_submissions", "no submission could be graded", "none"))
    result = GradeResult(quiz=quiz, key=key, students=students, problems=problems, item_order=grader.item_order,
                         response_forms=grader.response_forms())
    if analyse:
        from afcourse.analysis import analyse as _analyse

        result.items, result.summary = _analyse(result)
    return result


def grade(quiz_dir: str | Path, submissions, out_dir: str | Path | None = None, *, force: bool = False,
          layout: str = "default", feedback: str = "md", facts_dir: str | Path | None = None,
          show_key: bool = True, plots: bool = True) -> GradeResult:
    """Grade ``submissions`` against the quiz set in ``quiz_dir``; write reports to ``out_dir`` if given.

    ``submissions``: a path (file, folder, JSON Lines), a Submission or dict, or a list
    of these. ``layout``: gradebook column layout, ``default``, ``canvas`` or ``moodle``.
    ``feedback``: per-student feedback files, ``md``, ``html`` or ``none``. ``show_key``:
    show the right answer in feedback. ``facts_dir``: where ``sources.yaml`` is read
    for citations (default: the package's facts). Returns a :class:`GradeResult`; raises
    :class:`GradingError` when the quiz folder cannot be used and
    :class:`afcourse.fileio.OutputExistsError` when ``out_dir`` exists and not ``force``.
    """
    from afcourse.fileio import OutputExistsError

    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        _check_options(layout, feedback)
        if out.exists() and not force and (not out.is_dir() or any(out.iterdir())):
            raise OutputExistsError(out)
    quiz, key = load_quiz(quiz_dir)
    with gc_paused():
        result = grade_submissions(quiz, key, submissions)
        if out is not None:
            from afcourse.reports import write_reports

            result.files = write_reports(result, out, force=force, layout=layout, feedback=feedback,
                                         facts_dir=facts_dir, show_key=show_key, plots=plots)
    return result


LAYOUTS = ("default", "canvas", "moodle")
FEEDBACK_FORMATS = ("md", "html", "none")


def _check_options(layout: str, feedback: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown gradebook layout {layout!r} (choose from {', '.join(LAYOUTS)})")
    if feedback not in FEEDBACK_FORMATS:
        raise ValueError(f"unknown feedback format {feedback!r} (choose from {', '.join(FEEDBACK_FORMATS)})")
