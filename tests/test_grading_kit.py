"""Shared makings for the grading tests and bench/bench_grading.py (this file holds no tests).

The quizzes here are built from hand-made items, not from the fact base, so the
grading tests check grading alone and keep passing while facts are being edited.
"""

from __future__ import annotations

import json
from pathlib import Path

from afcourse.facts.models import Citation
from afcourse.bank.models import AnswerKey, ChoiceKey, Choice, Item, MatchKey, MultiKey, NumericKey, OrderKey, Question, TextKey
from afcourse.quiz.models import KeyFile, QuizFile, ScoringRules, Variant

SOURCES = ("krivosheev-2021", "aliyev-2020", "gurganus-2018", "globalsecurity-2021")


def _choices(prefix: str, texts: list[str]) -> list[Choice]:
    return [Choice(id=f"{prefix}{i}", text=t) for i, t in enumerate(texts)]


def scoring_items(points: float = 1.0) -> list[tuple[Question, AnswerKey]]:
    """One hand-made item of every type, with keys whose scores are easy to work out by hand."""
    def ak(item_id, key, source="aliyev-2020", paragraph=12):
        return AnswerKey(id=item_id, key=key, explanation=f"Why {item_id} is so.",
                         citations=[Citation(source=source, paragraph=paragraph)], fact_ids=[f"fact-{item_id}"])

    sc = Question(id="sc", type="single_choice", stem="Which year did the first Moscow-format meeting take place?",
                  chapter="ch", choices=_choices("y", ["2016", "2017", "2018", "2019"]), points=points)
    tf = Question(id="tf", type="true_false", stem="Russia hosted talks with the Taliban in 2018.", chapter="ch",
                  choices=[Choice(id="true", text="True"), Choice(id="false", text="False")], points=points)
    ms = Question(id="ms", type="multiple_select", stem="Which of these took part?", chapter="ch",
                  choices=_choices("m", ["Russia", "China", "Pakistan", "Brazil", "Chile"]), points=points)
    sa = Question(id="sa", type="short_answer", stem="Who is Russia's special envoy for Afghanistan?", chapter="ch",
                  points=points)
    nu = Question(id="nu", type="numeric", stem="In which year did Soviet troops leave Afghanistan?", chapter="ch",
                  unit="year", points=points)
    od = Question(id="od", type="ordering", stem="Put these in order, earliest first.", chapter="ch",
                  choices=_choices("o", ["Soviet withdrawal", "Taliban take Kabul", "US invasion", "Doha deal"]),
                  points=points)
    ma = Question(id="ma", type="matching", stem="Match each person to a role.", chapter="ch",
                  prompts=_choices("p", ["Lavrov", "Kabulov", "Putin"]),
                  choices=_choices("r", ["foreign minister", "special envoy", "president", "ambassador"]),
                  points=points)
    sa2 = Question(id="sa2", type="short_answer", stem="Name the group that took Kabul in 2021.", chapter="ch",
                   points=points)
    return [
        (sc, ak("sc", ChoiceKey(correct="y0"))),
        (tf, ak("tf", ChoiceKey(correct="true"))),
        (ms, ak("ms", MultiKey(correct=["m0", "m1", "m2"]))),
        (sa, ak("sa", TextKey(accepted=["Zamir Kabulov"], fuzzy=True), source="krivosheev-2021", paragraph=5)),
        (nu, ak("nu", NumericKey(value=1989, tolerance=0))),
        (od, ak("od", OrderKey(order=["o0", "o2", "o3", "o1"]))),
        (ma, ak("ma", MatchKey(pairs={"p0": "r0", "p1": "r1", "p2": "r2"}))),
        (sa2, ak("sa2", TextKey(accepted=["the Taliban"], fuzzy=False))),
    ]


def scoring_quiz(rules: ScoringRules | None = None, points: float = 1.0, quiz_id: str = "rules-quiz"):
    """A quiz of one item per type (two variants: the same items, options in two orders) and its key."""
    items = scoring_items(points)
    questions = [q for q, _ in items]
    quiz = QuizFile(quiz_id=quiz_id, title="Scoring rules <check> & co", chapters=["ch"],
                    scoring=rules or ScoringRules(),
                    variants=[Variant(variant_id="v001", questions=questions),
                              Variant(variant_id="v002", questions=[q.model_copy(update={"choices": q.choices[::-1]}) for q in questions])])
    key = KeyFile(quiz_id=quiz_id, seed="1", keys=[a for _, a in items], difficulty={q.id: 0.5 for q in questions})
    return quiz, key


def synthetic_bank(n: int = 40) -> list[Item]:
    """``n`` hand-made items of every type with difficulties spread evenly over 0.1-0.9."""
    bank = []
    kinds = ["single_choice", "true_false", "single_choice", "multiple_select", "numeric", "short_answer",
             "single_choice", "ordering", "matching", "true_false"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        item_id = f"syn-{i:03d}"
        difficulty = round(0.1 + 0.8 * ((i * 7) % n) / (n - 1), 3)
        choices, prompts, unit = [], [], None
        if kind == "single_choice":
            choices = _choices(f"c{i}-", [f"option {j} of item {i}" for j in range(4)])
            key = ChoiceKey(correct=choices[i % 4].id)
        elif kind == "true_false":
            choices = [Choice(id="true", text="True"), Choice(id="false", text="False")]
            key = ChoiceKey(correct="true" if i % 3 else "false")
        elif kind == "multiple_select":
            choices = _choices(f"c{i}-", [f"statement {j} of item {i}" for j in range(5)])
            key = MultiKey(correct=[choices[0].id, choices[3].id])
        elif kind == "numeric":
            key, unit = NumericKey(value=1980 + i, tolerance=0), "year"
        elif kind == "short_answer":
            key = TextKey(accepted=[f"Person Number {i}"], fuzzy=True)
        elif kind == "ordering":
            choices = _choices(f"c{i}-", [f"event {j} of item {i}" for j in range(4)])
            key = OrderKey(order=[choices[j].id for j in (2, 0, 3, 1)])
        else:
            prompts = _choices(f"p{i}-", [f"person {j}" for j in range(3)])
            choices = _choices(f"c{i}-", [f"role {j}" for j in range(4)])
            key = MatchKey(pairs={prompts[j].id: choices[(j + 1) % 4].id for j in range(3)})
        question = Question(id=item_id, type=kind, stem=f"Synthetic question {i} ({kind.replace('_', ' ')})?",
                            chapter="synthetic", choices=choices, prompts=prompts, unit=unit)
        answer = AnswerKey(id=item_id, key=key, explanation=f"Explanation of item {i}.",
                           citations=[Citation(source=SOURCES[i % 4], paragraph=1 + i % 20)],
                           fact_ids=[f"fact-{i:03d}"])
        bank.append(Item(question=question, answer=answer, template="synthetic", difficulty=difficulty))
    return bank


def write_jsonl(path: Path, submissions: list, tail: str = "") -> Path:
    """Write submissions (dicts or models) as JSON Lines, with optional raw text at the end."""
    lines = [s.model_dump_json(by_alias=True) if hasattr(s, "model_dump_json") else json.dumps(s) for s in submissions]
    path.write_text("\n".join(lines) + "\n" + tail, encoding="utf-8")
    return path
