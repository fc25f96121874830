"""Shared pieces of the quiz tests: the test quiz, one answer plan for every frontend, the key-leak search.

The test quiz (tests/data/notebooks/quiz-allkinds) holds one question of each of the
seven types (two single-choice). :data:`PLAN` answers every question, some right, some
wrong, some partly right, and says what each check must report, so the plain-Python
controller, the widget, the static page and JupyterLab are held to the same outcome.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from conftest import ROOT

from afcourse.bank.models import ChoiceKey, MatchKey, MultiKey, NumericKey, OrderKey, TextKey
from afcourse.quiz.models import KeyFile, QuizFile

NOTEBOOKS = ROOT / "tests" / "data" / "notebooks"
QUIZ_DIR = NOTEBOOKS / "quiz-allkinds"

def load_test_quiz() -> tuple[QuizFile, KeyFile]:
    quiz = QuizFile.model_validate_json((QUIZ_DIR / "quiz.json").read_text(encoding="utf-8"))
    key = KeyFile.model_validate_json((QUIZ_DIR / "key.json").read_text(encoding="utf-8"))
    return quiz, key


@dataclass
class Step:
    """One question of the plan: what to answer (ids), what the check reports, and what the page shows."""

    item_id: str
    type: str
    response: object
    status: str
    points: float
    detail: str = ""
    labels: object = None  # the same answer as the texts a person clicks or types
    moves: list = field(default_factory=list)  # ordering: (element text, "up"/"down") presses
    retry_with: object = None  # numeric: a first wrong answer, then this one after "Try again"
    retry_label: str = ""


PLAN = [
    Step("e-fourth:year-numeric", "numeric", "2018", "incorrect", 0.0, labels="2018",
         retry_with=2019.0, retry_label="2,019"),
    Step("events-ordering:b658392791", "ordering", ["c8f4f54c", "cb220c6f", "c62871df", "c8d659d9"], "partial", 0.5,
         detail="3 of 6 pairs in the right order",
         moves=[("The first test meeting", "up")] * 3),
    Step("d-began:versions-matching", "matching", {"c702d1db": "cd13c24e", "cd8617d1": "cd13c24e"}, "partial", 0.5,
         detail="1 of 2 matched", labels={"GlobalSecurity.org (2021)": "2007", "Nurlan Aliyev (2020)": "2007"}),
    Step("e-first:participant-choice", "single_choice", "c90a6d53", "correct", 1.0, labels="Russia"),
    Step("e-fourth:date-tf", "true_false", "cb5bea41", "incorrect", 0.0, labels="True"),
    Step("p-echo:role-short", "short_answer", "Edward Ecko", "correct", 1.0,
         detail="accepted with a small spelling difference", labels="Edward Ecko"),
    Step("p-beta:role-choice:0", "single_choice", "c5a6353e", "incorrect", 0.0, labels="Gleb Gamma"),
    Step("o-club:members-multi", "multiple_select", ["c90a6d53", "c5c86f5a", "c0b77881"], "partial", 0.6,
         detail="2 of 3 correct options chosen, 1 wrong", labels=["Russia", "Ukraine", "Belarus"]),
]
FINAL_SCORE = "Score: 3.6 of 8 points on first attempts (8 of 8 questions checked)"
VERDICT = {"correct": "Correct", "partial": "Not quite", "incorrect": "Not quite"}
"""The verdict of a first attempt (a wrong one gives a hint, not the answer)."""
REVEALED = {"correct": "Correct", "partial": "Partly correct", "incorrect": "Incorrect"}
"""The verdict once the answer is revealed (a second attempt, or Show answer)."""


def test_plan_covers_every_type_and_outcome():
    quiz, key = load_test_quiz()
    questions = {q.id: q for q in quiz.variants[0].questions}
    assert [s.item_id for s in PLAN] == list(questions)
    assert {s.type for s in PLAN} == {"single_choice", "multiple_select", "true_false", "short_answer", "numeric",
                                      "ordering", "matching"}
    assert {s.status for s in PLAN} == {"correct", "partial", "incorrect"}
    for step in PLAN:
        assert questions[step.item_id].type == step.type


def copy_quiz(folder: Path, name: str, with_key: bool = True) -> Path:
    target = folder / name
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(QUIZ_DIR / "quiz.json", target / "quiz.json")
    if with_key:
        shutil.copy(QUIZ_DIR / "key.json", target / "key.json")
    return target


class _AllOf:
    """A pattern-like test that every one of several patterns occurs."""

    def __init__(self, patterns):
        self.patterns = patterns

    def search(self, text):
        return all(p.search(text) for p in self.patterns)


def key_markers(quiz: QuizFile, key: KeyFile) -> list[tuple[str, re.Pattern]]:
    """Patterns that appear only where a key has leaked: every key value that quiz.json itself does not show."""
    student_text = json.dumps(quiz.model_dump(mode="json"), ensure_ascii=False).casefold()
    markers: list[tuple[str, re.Pattern]] = [
        ("key schema", re.compile(re.escape("afcourse.key/2"))),
        ("key fields", re.compile(r"[\"'](explanation|accepted|fact_ids|tolerance|citations)[\"']\s*:")),
        ("a correct-choice field", re.compile(r"[\"']correct[\"']\s*:")),
    ]

    def text_marker(label: str, value: str) -> None:
        if value.casefold() not in student_text:
            markers.append((label, re.compile(re.escape(value), re.IGNORECASE)))

    for answer in key.keys:
        text_marker(f"explanation of {answer.id}", answer.explanation)
        for cite in answer.citations:
            markers.append((f"citation of {answer.id}", re.compile(rf"(?:paragraph\W+|\u00b6){cite.paragraph}\b")))
        k = answer.key
        if isinstance(k, TextKey):
            for accepted in k.accepted:
                text_marker(f"accepted answer of {answer.id}", accepted)
        elif isinstance(k, NumericKey):
            number = f"{k.value:g}"
            if number not in student_text:
                markers.append((f"numeric answer of {answer.id}", re.compile(rf"(?<![\w.]){re.escape(number)}(?!\w)")))
        elif isinstance(k, (ChoiceKey, MultiKey)):
            correct = [k.correct] if isinstance(k, ChoiceKey) else k.correct
            for cid in correct:
                markers.append((f"correct id of {answer.id}", re.compile(rf"correct\W{{1,6}}\[?[^\]]{{0,60}}{cid}")))
        elif isinstance(k, OrderKey):
            markers.append((f"order of {answer.id}", re.compile(r"\W+".join(map(re.escape, k.order)))))
        elif isinstance(k, MatchKey):  # every pair present, in any order
            pairs = [re.compile(rf"{re.escape(p)}\W{{1,6}}{re.escape(c)}") for p, c in k.pairs.items()]
            markers.append((f"pairs of {answer.id}", _AllOf(pairs)))
    return markers


def find_key_leaks(text: str, quiz: QuizFile, key: KeyFile) -> list[str]:
    """Labels of the key values found in ``text`` (empty when nothing leaked)."""
    return [label for label, pattern in key_markers(quiz, key) if pattern.search(text)]


def test_key_leak_search_finds_each_kind_of_key_value():
    quiz, key = load_test_quiz()
    assert find_key_leaks((QUIZ_DIR / "quiz.json").read_text(encoding="utf-8"), quiz, key) == []
    leaks = find_key_leaks((QUIZ_DIR / "key.json").read_text(encoding="utf-8"), quiz, key)
    for kind in ("key schema", "explanation of", "accepted answer of", "numeric answer of", "correct id of",
                 "order of", "pairs of", "citation of"):
        assert any(label.startswith(kind) for label in leaks), kind
    # the key in the compact form the static page embeds is found too
    from afcourse.quizui.loading import load_self_check
    from afcourse.quizui.static import static_html

    page = static_html(load_self_check(QUIZ_DIR))
    assert {"order of events-ordering:b658392791", "pairs of d-began:versions-matching",
            "numeric answer of e-fourth:year-numeric"} <= set(find_key_leaks(page, quiz, key))
