"""Results by what was taught: facility per learning objective, chapter and skill, so the report says what to reteach.

Every answer a student gave counts once in each group its question belongs to: the group's
facility is the share of points earned over all those answers (pooled over the group's items, so a
group stays measurable when each of its items was seen by few students), with the number of
answers and of students behind it. A group with fewer than :data:`FEW_ANSWERS` answers is shown
as "too few answers", not judged. Groups:

- **objective**: the learning objective a question tests (``AnswerKey.objective``), when the items
  carry one;
- **chapter**: the chapter a question comes from;
- **level**: understanding or recall (``AnswerKey.level``), when the quiz holds both;
- **skill**: the question's family (why, what followed, how we know, who held which view, a concept, who said what,
  which source, when...), read from the
  bank item it was made from.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from afcourse.grading.analysis import FEW_ANSWERS

FAMILIES = [  # (pieces of the bank item id, what the question asks students to know)
    ((":source-",), "which source says what"),
    ((":speaker-",), "who said or claimed what"),
    ((":date-", ":year-", ":month-"), "when events happened"),
    ((":role-",), "who held which post"),
    ((":members-", ":nonmember-", ":founded-"), "organisations and members"),
    ((":deniers-",), "allegations and denials"),
    ((":why-",), "why it happened"),
    ((":effect-", "consequences-matching"), "what followed from what"),
    ((":evidence-", ":accounts-"), "how we know: fact, claim or interpretation"),
    ((":position-", "positions-"), "who held which view"),
    ((":concept-",), "applying a concept to a case"),
    ((":term-", ":definition-"), "the course's terms"),
    (("events-sequence",), "the order of events"),
]
BY_TYPE = {"ordering": "the order of events", "matching": "matching people, events and roles",
           "numeric": "figures and years", "multiple_select": "events of a year"}


def family(item_id: str | None, question_type: str) -> str:
    """The question family of a bank item, in words (``own:`` items are the instructor's own)."""
    if item_id and item_id.startswith("own:"):
        return "your own questions"
    text = item_id or ""
    for pieces, words in FAMILIES:
        if any(piece in text for piece in pieces):
            return words
    if text.count(":") == 1 and text.rsplit(":", 1)[1] in ("choice", "numeric", "tf"):
        return "figures and quantities"
    return BY_TYPE.get(question_type, "other facts")


@dataclass
class GroupResult:
    """One objective, chapter or skill: facility over every answer to its questions."""

    dimension: str
    group: str
    items: int
    answers: int
    students: int
    points: float
    max_points: float

    @property
    def facility(self) -> float | None:
        return self.points / self.max_points if self.max_points else None

    @property
    def state(self) -> str:
        return "too few answers" if self.answers < FEW_ANSWERS else "judged"


def outcomes(result) -> list[GroupResult]:
    """Every group of every dimension, weakest judged groups first within a dimension."""
    keys = result.keys
    objectives = any(k.objective for k in keys.values())
    levels = len({k.level for k in keys.values()}) > 1
    groups: dict[tuple[str, str], dict] = {}

    def add(dimension: str, name: str, qid: str, student: str, score) -> None:
        entry = groups.setdefault((dimension, name), {"items": set(), "students": set(), "answers": 0,
                                                      "points": 0.0, "max": 0.0})
        entry["items"].add(qid)
        entry["students"].add(student)
        entry["answers"] += 1
        entry["points"] += score.points
        entry["max"] += score.max_points

    for student in result.students:
        for question, score in zip(student.questions, student.scores):
            if not score.max_points:  # a dropped question teaches nothing about the class
                continue
            key = keys[question.id]
            if objectives:
                add("objective", key.objective or "(no objective recorded)", question.id, student.student_id, score)
            add("chapter", question.chapter, question.id, student.student_id, score)
            if levels:
                add("level", key.level, question.id, student.student_id, score)
            add("skill", family(key.item_id or question.id, question.type), question.id, student.student_id, score)
    found = [GroupResult(dimension, name, len(v["items"]), v["answers"], len(v["students"]), round(v["points"], 4),
                         round(v["max"], 4)) for (dimension, name), v in groups.items()]
    order = {"objective": 0, "chapter": 1, "level": 2, "skill": 3}
    return sorted(found, key=lambda g: (order[g.dimension], g.state != "judged",
                                        g.facility if g.facility is not None else 2.0, g.group))


def outcomes_csv(groups: list[GroupResult]) -> str:
    """results-by-objective.csv: dimension, group, items, answers, students, facility, state."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["dimension", "group", "items", "answers", "students", "facility", "state"])
    for g in groups:
        facility = "" if g.facility is None or g.state != "judged" else f"{g.facility:.3f}"
        writer.writerow([g.dimension, g.group, g.items, g.answers, g.students, facility, g.state])
    return out.getvalue()


def outcomes_html(groups: list[GroupResult], esc) -> str:
    """The report's opening section: what the class knows, by objective, chapter and skill."""
    if not groups:
        return ""
    names = {"objective": "By learning objective", "chapter": "By chapter", "level": "Recall or understanding",
             "skill": "By skill"}
    parts = ['<h2 id="outcomes">What to reteach</h2>',
             '<p class="sub">Facility is the share of points the class earned on all the questions of a group, over '
             f"every answer given (n). Weakest first; a group with fewer than {FEW_ANSWERS} answers is not judged. "
             "Also in <code>results-by-objective.csv</code>.</p>", '<div class="outcomes">']
    for dimension in ("objective", "chapter", "level", "skill"):
        mine = [g for g in groups if g.dimension == dimension]
        if not mine:
            continue
        rows = []
        for g in mine:
            if g.state == "judged":
                share = g.facility or 0.0
                level = "low" if share < 0.5 else "mid" if share < 0.7 else "high"
                cell = (f'<td class="num {level}">{100 * share:.0f}%</td>'
                        f'<td><span class="meter"><span style="width:{100 * share:.0f}%"></span></span></td>')
            else:
                cell = '<td class="few" colspan="2">too few answers</td>'
            rows.append(f"<tr><td>{esc(g.group)}</td>{cell}<td class=\"num\">{g.answers}</td>"
                        f'<td class="num">{g.items}</td></tr>')
        parts.append(f'<section><h3>{names[dimension]}</h3><table class="outcome"><thead><tr><th>{dimension}</th>'
                     '<th>facility</th><th></th><th title="answers given">n</th><th>items</th></tr></thead><tbody>'
                     + "".join(rows) + "</tbody></table></section>")
    parts.append("</div>")
    return "".join(parts)


OUTCOMES_CSS = """
.outcomes{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:.4rem 1.4rem}
.outcomes h3{margin:.6rem 0 .3rem}.outcome td.low{color:var(--bad);font-weight:600}.outcome td.mid{color:var(--warn)}
.outcome td.high{color:var(--good)}.meter{display:inline-block;width:7rem;height:.7rem;background:#e6eaf0;border-radius:3px}
.meter span{display:block;height:100%;background:#7d95bd;border-radius:3px}
"""
