"""A simulated class for tests, benchmarks and demonstrations: students of varied ability answer a quiz."""

from __future__ import annotations

from typing import Any

import numpy as np

from afcourse.bank.models import ChoiceKey, MatchKey, MultiKey, NumericKey, OrderKey, Question, TextKey


def simulate_class(quiz, key, n_students: int | None = None, *, seed: int = 0, omit: float = 0.0,
                   spread: float = 1.0, slope: float = 1.0, roster=None,
                   seal: bool = False) -> tuple[list[dict], list[float]]:
    """Simulated submissions (dicts) from students of known ability, under a Rasch model.

    Student ability ``theta`` is drawn from N(0, ``spread``); an item whose key file
    difficulty is ``d`` (the chance an average student gets it wrong) has Rasch
    difficulty ``b = log(d / (1 - d))``, and a student answers it right with
    probability ``1 / (1 + exp(-slope * (theta - b)))``, else picks a wrong answer of
    the item's own kind (distractors weighted so that some attract more than others).
    ``omit`` is the chance of leaving an item blank. Returns the submissions and the
    abilities, in student order: for checking that an item analysis recovers what was
    put in, and for benchmarks. With a ``roster`` (:class:`afcourse.quiz.models.RosterFile`),
    its students answer their assigned variants (``n_students`` defaults to all of them). ``seal``:
    record the content hash a notebook's Submit writes, as real submitted files carry.
    """
    rng = np.random.default_rng(seed)
    keys = {k.id: k.key for k in key.keys}
    listed = list(roster.students) if roster is not None else []
    n_students = len(listed) if n_students is None else n_students
    abilities = rng.normal(0.0, spread, n_students)
    variants = {v.variant_id: v for v in quiz.variants}
    submissions = []
    for i, theta in enumerate(abilities):
        entry = listed[i] if i < len(listed) else None
        variant = variants[entry.variant_id] if entry else quiz.variants[i % len(quiz.variants)]
        responses: dict[str, Any] = {}
        for q in variant.questions:
            if omit and rng.random() < omit:
                continue
            d = min(max(key.difficulty.get(q.id, 0.5), 0.02), 0.98)
            b = float(np.log(d / (1 - d)))
            right = rng.random() < 1.0 / (1.0 + np.exp(-slope * (theta - b)))
            responses[q.id] = _simulated_response(q, keys[q.id], right, rng)
        submissions.append({"schema": "afcourse.submission/1", "quiz_id": quiz.quiz_id,
                            "variant_id": variant.variant_id,
                            "student": {"id": entry.id, "name": entry.name or None} if entry else
                            {"id": f"s{i + 1:06d}", "name": f"Student {i + 1}"},
                            "responses": responses, "status": "submitted",
                            "saved_at": f"2025-03-01T10:{i // 60 % 60:02d}:{i % 60:02d}Z"})
        if seal:
            from afcourse.quiz.sealing import content_hash

            submissions[-1]["content_hash"] = content_hash(submissions[-1])
    return submissions, abilities.tolist()


def _simulated_response(q: Question, key, right: bool, rng) -> Any:
    ids = [c.id for c in q.choices]
    if isinstance(key, ChoiceKey):
        if right:
            return key.correct
        wrong = sorted(c for c in ids if c != key.correct)
        weights = np.array([2.0 ** -j for j in range(len(wrong))])
        return wrong[int(rng.choice(len(wrong), p=weights / weights.sum()))]
    if isinstance(key, MultiKey):
        if right:
            return list(key.correct)
        wrong = [c for c in ids if c not in key.correct]
        return [wrong[int(rng.integers(len(wrong)))]] if wrong else list(key.correct[:-1])

    if isinstance(key, TextKey):
        return key.accepted[0] if right else "no idea"
    if isinstance(key, NumericKey):
        return key.value if right else key.value + key.tolerance + float(rng.integers(1, 12))
    if isinstance(key, OrderKey):
        return list(key.order) if right else list(reversed(key.order))
    if isinstance(key, MatchKey):
        if right:
            return dict(key.pairs)
        prompts = list(key.pairs)
        choices = [key.pairs[p] for p in prompts]
        return {p: choices[(j + 1) % len(choices)] for j, p in enumerate(prompts)}
    raise TypeError(f"cannot simulate {type(key).__name__}")
