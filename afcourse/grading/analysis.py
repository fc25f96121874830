"""Item analysis of a graded class: which questions worked, and which did not.

For each item, over the students whose variant held it:

- **facility**: the mean share of the item's points earned (for an all-or-nothing item
  this is the proportion of students who got it right); ``p_correct`` is the share
  with full marks.
- **discrimination**, three ways: the *point-biserial* correlation between the item
  score and the student's total (as a share of their maximum); the *corrected
  item-total* correlation, the same with the item itself taken out of the total (the
  one used for flags, since an item always correlates a little with a total it is part
  of); and the *upper-lower 27%* index, facility among the top 27% of students by total
  minus facility among the bottom 27%.
- **options**: how often each option was chosen (single choice, true/false, multiple
  select), and the most frequent wrong answers for the other types.
- **flags** for items that misbehave:

  ``negative_discrimination``  corrected item-total r < 0: stronger students did worse
  ``low_discrimination``       0 <= r < 0.2: the item barely separates strong from weak
  ``unused_distractor``        a wrong option nobody chose (items with 3+ options)
  ``distractor_beats_key``     a wrong option chosen more often than the key (multiple
                               select: than the least chosen correct option)

Correlations are ``None`` where they are undefined (fewer than two students, or
everyone scored the same on the item or in total). An item answered by fewer than
:data:`FEW_ANSWERS` students is in a state of its own, "too few answers": it is neither
flagged nor "ok", and the report does not plot it as if it had been measured.

Items are analysed within their **slot** (the interchangeable questions that fill one
numbered question of the quiz), and each slot as a whole over every student: its facility
and corrected item-total correlation. Cronbach's alpha is computed over the slots, which
every student answered, and only with at least :data:`ALPHA_MIN_STUDENTS` students.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import numpy as np

from afcourse.bank.models import ChoiceKey, MatchKey, MultiKey, OrderKey, Question
from afcourse.grading.results import RawResponse
from afcourse.common.text import normalise

LOW_DISCRIMINATION = 0.2
UPPER_LOWER_SHARE = 0.27
FEW_STUDENTS = 30
"""Below this many students an item's statistics are shown but marked as unreliable."""
FEW_ANSWERS = 10
"""An item answered by fewer students than this is not flagged: with many variants each
item is seen by few, and a flag on two or three answers would be noise."""

ALPHA_MIN_STUDENTS = 20
"""Below this many students Cronbach's alpha is not reported (it would be noise)."""

FLAG_TEXT = {
    "negative_discrimination": "negative discrimination: stronger students did worse on this item (check the key)",
    "low_discrimination": "low discrimination: the item barely separates strong from weak students",
    "unused_distractor": "a distractor nobody chose",
    "distractor_beats_key": "a distractor chosen more often than the key",
}


@dataclass
class OptionCount:
    """How often one option was chosen."""

    choice_id: str
    text: str
    is_key: bool
    count: int
    share: float


@dataclass
class ItemStats:
    """The statistics of one item over the students who saw it."""

    number: int
    item_id: str
    bank_item: str | None
    """the item-bank id the question was made from (it names the fact), when the key file gives it"""
    type: str
    chapter: str
    stem: str
    n: int
    max_points: float
    facility: float | None
    p_correct: float | None
    p_partial: float | None
    p_incorrect: float | None
    p_unanswered: float | None
    p_invalid: float | None
    point_biserial: float | None
    corrected_item_total: float | None
    upper_lower: float | None
    key_difficulty: float | None
    options: list[OptionCount] = field(default_factory=list)
    wrong_answers: list[tuple[str, int]] = field(default_factory=list)
    flags: list[tuple[str, str]] = field(default_factory=list)
    """(code, explanation) pairs, codes as in :data:`FLAG_TEXT`."""
    slot: int = 0
    label: str = ""
    """as students saw it: ``Q3``, or ``Q3a``, ``Q3b``... when slot 3 holds several items"""
    objective: str | None = None
    """the learning objective the item tests (from the key), if any"""
    level: str = "recall"
    """recall or understanding (from the key)"""

    @property
    def state(self) -> str:
        """``too_few`` (fewer than :data:`FEW_ANSWERS` answers: not judged), ``flagged`` or ``ok``."""
        if self.n < FEW_ANSWERS:
            return "too_few"
        return "flagged" if self.flags else "ok"

    @property
    def flag_codes(self) -> list[str]:
        return [code for code, _ in self.flags]


@dataclass
class SlotStats:
    """One slot over every student: how its question, whichever variant, worked."""

    number: int
    type: str
    label: str
    items: list[str]
    n: int
    facility: float | None
    corrected_item_total: float | None


@dataclass
class ClassSummary:
    """The score distribution of the class."""

    n: int
    mean: float | None
    median: float | None
    sd: float | None
    minimum: float | None
    maximum: float | None
    percents: list[float]
    alpha: float | None
    alpha_n: int
    variants_used: int
    slots: list[SlotStats] = field(default_factory=list)


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 2:
        return None
    xd, yd = x - x.mean(), y - y.mean()
    denom = float(np.sqrt((xd * xd).sum() * (yd * yd).sum()))
    if denom <= 1e-12:
        return None
    return float((xd * yd).sum() / denom)


def _share(count: int, n: int) -> float | None:
    return count / n if n else None


def _cronbach_alpha(matrix: np.ndarray) -> float | None:
    n, k = matrix.shape
    if n < 2 or k < 2:
        return None
    total_var = matrix.sum(axis=1).var(ddof=1)
    if total_var <= 1e-12:
        return None
    return float(k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / total_var))


class _Column:
    """What one item collects across the variant groups that hold it."""

    __slots__ = ("question", "rows", "points", "scores")

    def __init__(self, question: Question):
        self.question = question
        self.rows: list[np.ndarray] = []
        self.points: list[np.ndarray] = []
        self.scores: list = []


_POINTS = attrgetter("points")
_STATUS = attrgetter("status")


def analyse(result) -> tuple[list[ItemStats], ClassSummary]:
    """Item statistics (in the quiz's item order) and the class summary of a GradeResult."""
    students = result.students
    questions = result.questions
    keys = result.keys
    total_points = np.array([s.points for s in students], dtype=float)
    total_max = np.array([s.max_points for s in students], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        total_share = np.where(total_max > 0, total_points / np.where(total_max > 0, total_max, 1), 0.0)

    groups: dict[str, list[int]] = defaultdict(list)
    for index, student in enumerate(students):
        groups[student.variant_id].append(index)
    columns = {item_id: _Column(questions[item_id]) for item_id in result.item_order}
    k = len(result.quiz.slots)
    slot_points = np.zeros((len(students), k))  # a variant's questions are its slots, in order
    slot_max = np.zeros((len(students), k))
    for variant_id, rows in groups.items():
        members = [students[i] for i in rows]
        layout = members[0].questions
        # one tuple of ItemScores per question (zip transposes in C: no Python loop per answer)
        score_columns = list(zip(*[m.scores for m in members]))
        matrix = np.zeros((len(rows), len(layout)))
        for j, scores in enumerate(score_columns):
            matrix[:, j] = np.fromiter(map(_POINTS, scores), float, len(scores))
        row_index = np.array(rows)
        slot_points[row_index] = matrix
        slot_max[row_index] = [q.points for q in layout]
        for j, question in enumerate(layout):
            column = columns[question.id]
            column.rows.append(row_index)
            column.points.append(matrix[:, j])
            column.scores.extend(score_columns[j])

    forms = result.response_forms
    labels, slot_of = result.quiz.labels(), result.quiz.slot_of()
    items = [_item_stats(number, columns[item_id], keys[item_id], result.key.difficulty.get(item_id),
                         total_points, total_max, total_share, forms)
             for number, item_id in enumerate(result.item_order, 1)]
    for it in items:
        it.slot, it.label = slot_of.get(it.item_id, 0), labels.get(it.item_id, f"Q{it.number}")
    slots, slot_matrix = _slot_stats(result, slot_points, slot_max, total_points, total_max)
    alpha = _cronbach_alpha(slot_matrix) if len(students) >= ALPHA_MIN_STUDENTS else None
    percents = (total_share * 100).round(2)
    summary = ClassSummary(
        n=len(students),
        mean=float(percents.mean()) if len(students) else None,
        median=statistics.median(percents.tolist()) if len(students) else None,  # np.median loads numpy.ma
        sd=float(percents.std(ddof=1)) if len(students) > 1 else None,
        minimum=float(percents.min()) if len(students) else None,
        maximum=float(percents.max()) if len(students) else None,
        percents=percents.tolist(), alpha=alpha, alpha_n=len(students) if alpha is not None else 0,
        variants_used=len(groups), slots=slots)
    return items, summary


def _slot_stats(result, points, maxima, total_points, total_max) -> tuple[list[SlotStats], np.ndarray]:
    """Per-slot facility and corrected r over every student, and the students x slots matrix of shares.

    ``points`` and ``maxima`` are students x slots: each student's points and maximum on each slot.
    """
    students, quiz = result.students, result.quiz
    with np.errstate(divide="ignore", invalid="ignore"):
        matrix = np.where(maxima > 0, points / np.where(maxima > 0, maxima, 1), 0.0)
    labels = quiz.labels()
    found = []
    for j, slot in enumerate(quiz.slots):
        corrected = None
        if len(students) >= 2:
            rest_max = total_max - maxima[:, j]
            with np.errstate(divide="ignore", invalid="ignore"):
                rest = np.where(rest_max > 0, (total_points - points[:, j]) / np.where(rest_max > 0, rest_max, 1), 0.0)
            corrected = _pearson(matrix[:, j], rest)
        found.append(SlotStats(slot.number, slot.type, f"Q{slot.number}", [labels[q] for q in slot.question_ids],
                               len(students), float(matrix[:, j].mean()) if len(students) else None, corrected))
    return found, matrix


def _item_stats(number: int, column: _Column, answer_key, key_difficulty, total_points, total_max,
                total_share, forms: dict) -> ItemStats:
    q = column.question
    if column.rows:
        rows = np.concatenate(column.rows)
        points = np.concatenate(column.points)
    else:
        rows, points = np.array([], dtype=int), np.array([], dtype=float)
    n = len(rows)
    share = points / q.points if q.points else np.zeros(n)
    facility = float(share.mean()) if n else None
    point_biserial = corrected = upper_lower = None
    if n >= 2:
        totals = total_share[rows]
        point_biserial = _pearson(share, totals)
        rest_max = total_max[rows] - q.points
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = np.where(rest_max > 0, (total_points[rows] - points) / np.where(rest_max > 0, rest_max, 1), 0.0)
        corrected = _pearson(share, rest)
        k = max(1, int(round(UPPER_LOWER_SHARE * n)))
        order = np.argsort(totals, kind="stable")
        upper_lower = float(share[order[-k:]].mean() - share[order[:k]].mean())
    # each distinct ItemScore object stands for one distinct response (see Grader.response_forms)
    tally = Counter(map(id, column.scores))
    distinct = [(*forms.get(i, (_NOT_RECORDED, None)), count) for i, count in tally.items()]
    st: Counter = Counter()
    for _, item_score, count in distinct:
        st[item_score.status if item_score is not None else "invalid"] += count
    stats = ItemStats(
        number=number, item_id=q.id, bank_item=answer_key.item_id, type=q.type, chapter=q.chapter, stem=q.stem,
        n=n, max_points=q.points,
        facility=facility, p_correct=_share(st["correct"], n), p_partial=_share(st["partial"], n),
        p_incorrect=_share(st["incorrect"], n), p_unanswered=_share(st["unanswered"], n),
        p_invalid=_share(st["invalid"], n), point_biserial=point_biserial, corrected_item_total=corrected,
        upper_lower=upper_lower, key_difficulty=key_difficulty, objective=answer_key.objective, level=answer_key.level)
    key = answer_key.key
    if q.type in ("single_choice", "true_false", "multiple_select"):
        stats.options = _option_counts(q, key, distinct, n)
    else:
        stats.wrong_answers = _wrong_answers(q, key, distinct)
    stats.flags = _flags(stats, key)
    return stats


_NOT_RECORDED = ("(not recorded)",)


def _option_counts(q: Question, key, distinct: list, n: int) -> list[OptionCount]:
    counts: Counter = Counter()
    for form, _, count in distinct:
        if isinstance(form, RawResponse):
            form = form.value
        if type(form) is str:
            counts[form] += count
        elif type(form) in (tuple, list) and q.type == "multiple_select":
            for choice in set(x for x in form if type(x) is str):
                counts[choice] += count
    correct = {key.correct} if isinstance(key, ChoiceKey) else set(key.correct) if isinstance(key, MultiKey) else set()
    return [OptionCount(c.id, c.text, c.id in correct, counts[c.id], counts[c.id] / n if n else 0.0)
            for c in q.choices]


def _display_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _wrong_answers(q: Question, key, distinct: list, top: int = 5) -> list[tuple[str, int]]:
    """The most frequent answers below full marks of a text, numeric, ordering or matching item."""
    texts = {c.id: c.text for c in q.choices}
    prompts = {p.id: p.text for p in q.prompts}
    counts: Counter = Counter()
    spellings: dict[str, Counter] = {}
    for form, item_score, count in distinct:
        if item_score is None or item_score.status in ("correct", "unanswered"):
            continue
        if item_score.status == "invalid":
            counts[f"(could not be read: {item_score.detail})"] += count
            continue
        if isinstance(form, RawResponse):
            form = form.value
        if q.type == "short_answer" and isinstance(form, str):
            # answers that differ only in case, spacing or punctuation count as one, shown as most often typed
            group = normalise(form) or form.strip()
            counts[group] += count
            spellings.setdefault(group, Counter())[form.strip()] += count
        elif q.type == "numeric" and isinstance(form, (int, float, str)) and not isinstance(form, bool):
            counts[_display_number(form) if isinstance(form, (int, float)) else form.strip()] += count
        elif isinstance(key, OrderKey) and isinstance(form, (tuple, list)):
            counts[" → ".join(texts.get(x, str(x)) if isinstance(x, str) else str(x) for x in form)] += count
        elif isinstance(key, MatchKey) and isinstance(form, (frozenset, dict)):
            for prompt, choice in sorted(form.items() if isinstance(form, dict) else form, key=str):
                if key.pairs.get(prompt) != choice:
                    counts[f"{prompts.get(prompt, prompt)} → {texts.get(choice, str(choice))}"] += count
        else:
            counts[f"(unreadable: {str(form)[:40]})"] += count
    return [(spellings[text].most_common(1)[0][0] if text in spellings else text, count)
            for text, count in counts.most_common(top)]


def _flags(stats: ItemStats, key) -> list[tuple[str, str]]:
    flags: list[tuple[str, str]] = []
    if stats.n < FEW_ANSWERS:
        return flags
    r = stats.corrected_item_total
    if r is not None and r < 0:
        flags.append(("negative_discrimination", f"negative discrimination (corrected r = {r:.2f}): stronger "
                      "students did worse on this item; check the key and the wording"))
    elif r is not None and r < LOW_DISCRIMINATION:
        flags.append(("low_discrimination", f"low discrimination (corrected r = {r:.2f}): the item barely "
                      "separates strong from weak students"))
    if stats.options and stats.n:
        keyed = [o for o in stats.options if o.is_key]
        wrong = [o for o in stats.options if not o.is_key]
        if len(stats.options) >= 3:
            unused = [o for o in wrong if o.count == 0]
            if unused:
                flags.append(("unused_distractor", "distractor(s) nobody chose: "
                              + "; ".join(f"“{o.text}”" for o in unused)))
        if keyed:
            bar = min(o.count for o in keyed)
            beaten = [o for o in wrong if o.count > bar]
            if beaten:
                what = "the key" if len(keyed) == 1 else "a correct option"
                flags.append(("distractor_beats_key", "distractor(s) chosen more often than " + what + ": "
                              + "; ".join(f"“{o.text}” ({o.count} vs {bar})" for o in beaten)))
    return flags


def spearman(x, y) -> float | None:
    """Spearman rank correlation (average ranks for ties)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return _pearson(_ranks(x), _ranks(y))


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=float)
    sorted_values = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0
        i = j + 1
    return ranks


def item_table(items: list[ItemStats]) -> list[dict[str, Any]]:
    """Plain dicts of the per-item statistics (one per item), e.g. for a DataFrame."""
    return [{
        "number": it.number, "item_id": it.item_id, "bank_item": it.bank_item, "type": it.type, "chapter": it.chapter,
        "objective": it.objective, "level": it.level, "n": it.n,
        "facility": it.facility, "p_correct": it.p_correct, "point_biserial": it.point_biserial,
        "corrected_item_total": it.corrected_item_total, "upper_lower_27": it.upper_lower,
        "key_difficulty": it.key_difficulty, "flags": it.flag_codes, "slot": it.slot, "label": it.label,
        "state": it.state,
    } for it in items]
