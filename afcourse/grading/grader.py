"""Score a class: route each checked submission to its variant and score every response.

Every response is scored by :func:`afcourse.quiz.scoring.score` under the quiz's own
:class:`~afcourse.quiz.models.ScoringRules`; this module only routes, remembers and
flags. Because ``score`` is a pure function of (question, key, response, rules), its
result for a response already seen on the same question is reused (a per-question
memo), which is what makes a class of 100,000 cheap: a single-choice item has a handful
of distinct responses however many students answer it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from afcourse.bank.models import AnswerKey, Question
from afcourse.grading.results import GradeResult, GradingError, Problem, RawResponse, StudentResult
from afcourse.grading.submissions import _Record, coerce_response, iter_submissions
from afcourse.quiz.models import KeyFile, QuizFile, RosterFile, key_problems
from afcourse.quiz.sets import QuizSetError, read_quiz_set
from afcourse.quiz.scoring import ItemScore, score

CACHE_LIMIT = 20_000
"""Distinct responses remembered per question (free text can vary without end)."""


def load_quiz(quiz_dir: str | Path) -> tuple[QuizFile, KeyFile]:
    """Read ``quiz.json`` and ``key.json`` from ``quiz_dir``; both are needed to grade."""

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
        seen = {q.id: q for v in quiz.variants for q in v.questions}
        problems = [p for q in seen.values() for p in key_problems(q, keys[q.id])]
        if problems:
            raise GradingError("key.json does not fit the quiz (export refuses it too):\n  " + "\n  ".join(problems))
        self.quiz, self.key, self.rules = quiz, key, quiz.scoring
        self.variants = {v.variant_id: _Variant(v.variant_id, list(v.questions), keys) for v in quiz.variants}
        self.item_order = [qid for slot in quiz.slots for qid in slot.question_ids if qid in seen]
        self.labels = quiz.labels()
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
        label = self.labels.get(item_id)
        return f"{label} ({item_id})" if label else repr(item_id)

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
                               variant.max_points, sealed=rec.sealed)
        if (rec.status != "submitted" or not self.odd.isdisjoint(map(id, scores))
                or not variant.qids.issuperset(responses)):
            self._flag(result, variant, problems)
        if rec.changed:
            result.flags.append("changed after submission")
            problems.append(Problem("changed_after_submission", "the file was changed after it was submitted (its "
                                    "content hash does not match); graded as it stands", "graded",
                                    source=rec.source, line=rec.line, student_id=rec.student_id))
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
            r = coerce_response(r)
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


_UNHASHABLE = object()


def saved_moment(saved_at: str | None) -> datetime | None:
    """A submission's ``saved_at`` as an aware datetime (UTC when it names no zone); None when absent or unreadable."""
    if not saved_at:
        return None
    try:
        moment = datetime.fromisoformat(saved_at.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _latest(records: list[_Record]) -> tuple[_Record, str]:
    """The submission that counts, and why: a submitted copy over any unsubmitted one, then the latest
    ``saved_at``, else the later in input order. A later autosave never replaces a submitted file."""
    submitted = [r for r in records if r.status == "submitted"]
    pool = submitted or records
    prefix = "it is the submitted copy" if len(submitted) == 1 and len(records) > 1 else ""
    if len(pool) == 1:
        return pool[0], prefix
    times = [saved_moment(r.saved_at) for r in pool]
    if all(t is not None for t in times):
        best = max(range(len(pool)), key=lambda i: (times[i], pool[i].seq))
        why = "it has the latest saved_at"
    else:
        best = len(pool) - 1
        why = ("not every copy has a readable saved_at" if any(t is not None for t in times)
               else "none has a readable saved_at") + ", so the later in input order counts"
    if submitted and len(submitted) < len(records):
        why = f"it is submitted and {why.replace('it has', 'has')}"
    return pool[best], why


def _describe(rec: _Record) -> str:
    saved = f", saved {rec.saved_at}" if rec.saved_at else ", no saved_at"
    return f"{rec.source}{f':{rec.line}' if rec.line is not None else ''}{saved}, {rec.status}"



def grade_class(quiz: QuizFile, key: KeyFile, submissions, roster: RosterFile | None = None) -> GradeResult:
    """Score every submission (see :func:`iter_submissions`); one per student counts. No item analysis.

    With a ``roster``, students who handed nothing in are listed (``missing``), and submissions
    from students it does not list, or of another variant than it assigned, are flagged.
    """
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
            kept_at = saved_moment(kept.saved_at)
            for other in recs:
                if other is kept:
                    continue
                other_at = saved_moment(other.saved_at)
                after = (kept.status == "submitted" and other.status != "submitted"
                         and (other.seq > kept.seq or (kept_at and other_at and other_at > kept_at)))
                kind = "autosave_after_submit" if after else "duplicate"
                problems.append(Problem(
                    kind, f"{len(recs)} submissions from this student; this one ({_describe(other)}) is "
                    f"superseded by {_describe(kept)}: {why}", "superseded", source=other.source,
                    line=other.line, student_id=sid))
            result = grade_one(kept, problems)
            files = {r.source for r in recs if r.line is None}
            chosen = ("the submitted" if kept.status == "submitted" and any(r.status != "submitted" for r in recs)
                      else "the latest")
            result.flags.append(f"{len(files)} files claim this student, {chosen} one kept" if len(files) > 1
                                else f"{len(recs)} submissions, latest kept")
        else:
            result = grade_one(recs[0], problems)
        students.append(result)
    students.sort(key=lambda r: r.student_id)
    missing = _check_roster(roster, students, problems) if roster is not None else []
    rank: dict[str, int] = {}
    for p in problems:
        rank.setdefault(p.source, len(rank))
    problems.sort(key=lambda p: (not p.source, rank[p.source], p.line or 0))  # in input order
    if not students:
        problems.append(Problem("no_submissions", "no submission could be graded", "none"))
    return GradeResult(quiz=quiz, key=key, students=students, problems=problems, item_order=grader.item_order,
                       response_forms=grader.response_forms(), roster=roster, missing=missing)


def _check_roster(roster: RosterFile, students: list[StudentResult], problems: list[Problem]) -> list:
    """Flag students off the roster or on another variant; return the roster entries with no submission.

    An id the roster does not list is matched to the nearest roster id when exactly one, with no
    submission of its own, is within :data:`MATCH_DISTANCE` edits (a mistyped digit, a dropped
    letter): graded as that student, and the match reported so the instructor can undo it.
    """
    listed = {entry.id: entry for entry in roster.students}
    graded = {r.student_id for r in students}
    for result in students:
        entry = listed.get(result.student_id)
        if entry is None:
            match = _nearest_id(result.student_id, [i for i in listed if i not in graded])
            if match is not None:
                typed = result.student_id
                result.student_id = match
                result.name = result.name or listed[match].name or None
                graded.add(match)
                entry = listed[match]
                result.flags.append(f"typed id {typed!r}, matched to {match!r}")
                problems.append(Problem("id_matched", f"the id {typed!r} is not on the roster; graded as the nearest "
                                        f"roster id {match!r} ({entry.name or 'no name'}): check it", "matched",
                                        source=result.source, line=result.line, student_id=typed))
        common = dict(source=result.source, line=result.line, student_id=result.student_id, action="graded")
        if entry is None:
            close = _nearest_id(result.student_id, list(listed), unique=False)
            result.flags.append("not on the roster")
            problems.append(Problem("not_on_roster", "the roster does not list this student"
                                    + (f" (nearest roster id: {close!r}, who has a submission of their own)"
                                       if close else ""), **common))
        elif entry.variant_id != result.variant_id:
            result.flags.append(f"variant {result.variant_id}, roster assigned {entry.variant_id}")
            problems.append(Problem("wrong_variant", f"answered variant {result.variant_id!r}; the roster assigned "
                                    f"{entry.variant_id!r}", **common))
    students.sort(key=lambda r: r.student_id)
    missing = [entry for entry in roster.students if entry.id not in graded]
    for entry in missing:
        who = f"{entry.name} ({entry.id})" if entry.name else entry.id
        problems.append(Problem("missing_student", f"no submission from {who}, on the roster with variant "
                                f"{entry.variant_id}", "listed", source="roster", student_id=entry.id))
    return missing


MATCH_DISTANCE = 2
"""At most this many edits (insert, delete, substitute, swap) between a typed id and a roster id."""


def _nearest_id(typed: str, candidates: list[str], unique: bool = True) -> str | None:
    """The one candidate within MATCH_DISTANCE edits of ``typed`` (case and spaces ignored), else None."""
    from rapidfuzz.distance import OSA

    clean = "".join(typed.split()).casefold()
    scored = [(OSA.distance(clean, "".join(c.split()).casefold(), score_cutoff=MATCH_DISTANCE + 1), c)
              for c in candidates]
    near = sorted((d, c) for d, c in scored if d <= MATCH_DISTANCE)
    if not near or (unique and len(near) > 1 and near[1][0] == near[0][0]):
        return None
    if unique and len(clean) < 4:
        return None
    return near[0][1]
