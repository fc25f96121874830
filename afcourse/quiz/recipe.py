"""A quiz folder's recipe: every option it was generated with, and every edit since, so it can be rebuilt exactly.

``recipe.json`` sits beside ``key.json`` (owner-only: it holds the salt). It records the keyword
arguments given to :func:`afcourse.quiz.sets.make_quiz_set` (chapters, size, seed, salt, variants,
type mix or types, difficulty range, title, scoring, a calibration's measured difficulties...,
and the blueprint when one was used), the instructor's own questions drawn into the set (whole,
so the folder needs no other file), a fingerprint of the item bank, and the edits made with
``afcourse quiz`` in order. :func:`rebuild` makes the set again from it: the same bank gives the
same files, byte for byte; a bank that changed since (facts corrected) is said so.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from afcourse.bank.models import Item
from afcourse.common.fileio import write_atomic
from afcourse.quiz.models import KeyFile, QuizFile
from afcourse.quiz.sets import KEY_MODE, QuizSetError, make_quiz_set

RECIPE_FILE = "recipe.json"
RECIPE_SCHEMA = "afcourse.recipe/1"


def bank_fingerprint(bank: list[Item]) -> str:
    """A short hash of the bank's items (ids, content, difficulty): equal banks, equal fingerprints."""
    digest = hashlib.sha256()
    for item in sorted(bank, key=lambda it: it.id):
        digest.update(item.model_dump_json().encode("utf-8"))
    return digest.hexdigest()[:16]


def _plain(value: Any) -> Any:
    """Options as JSON: models dumped, sets sorted."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def new_recipe(quiz: QuizFile, options: dict, bank: list[Item], own: list[Item] = ()) -> dict:
    """The recipe of a set just made by ``make_quiz_set(bank + own, **options)``."""
    return {"schema": RECIPE_SCHEMA, "quiz_id": quiz.quiz_id, "options": _plain(options),
            "own_questions": [item.model_dump(mode="json") for item in own],
            "bank": {"items": len(bank), "fingerprint": bank_fingerprint(bank)}, "edits": []}


def write_recipe(recipe: dict, quiz_dir: str | Path, *, force: bool = True) -> Path:
    """Write ``quiz_dir/recipe.json`` (owner-only, like the key)."""
    return write_atomic(Path(quiz_dir) / RECIPE_FILE, json.dumps(recipe, indent=2, ensure_ascii=False) + "\n",
                        force=force, mode=KEY_MODE)


def read_recipe(quiz_dir: str | Path) -> dict:
    """The recipe of a quiz folder; :class:`QuizSetError` when there is none or it cannot be read."""
    path = Path(quiz_dir) / RECIPE_FILE
    if not path.exists():
        raise QuizSetError(f"{path} not found: the set was made before recipes were recorded (or by hand); "
                           "regenerate it once with `afcourse generate` and the options in its key (--seed, --salt)")
    try:
        recipe = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise QuizSetError(f"{path}: cannot read the recipe: {exc}") from None
    if not isinstance(recipe, dict) or recipe.get("schema") != RECIPE_SCHEMA or "options" not in recipe:
        raise QuizSetError(f"{path}: not an afcourse recipe (expected schema {RECIPE_SCHEMA!r})")
    return recipe


def own_items(recipe: dict) -> list[Item]:
    """The instructor's own questions recorded in a recipe."""
    return [Item.model_validate(data) for data in recipe.get("own_questions", [])]


def rebuild(recipe: dict, bank: list[Item]) -> tuple[QuizFile, KeyFile, list[str]]:
    """(quiz, key, notes): the set made again from its recipe and ``bank``, every recorded edit replayed."""
    from afcourse.quiz.edit import apply_edit
    from afcourse.quiz.models import ScoringRules

    notes = []
    recorded = recipe.get("bank", {}).get("fingerprint")
    if recorded and recorded != bank_fingerprint(bank):
        notes.append("the item bank changed since this set was made (facts added or corrected): the rebuilt set "
                     "may differ from the recorded one")
    options = dict(recipe["options"])
    if options.get("scoring") is not None:
        options["scoring"] = ScoringRules.model_validate(options["scoring"])
    own = own_items(recipe)
    try:
        if options.get("blueprint") is not None:  # a set built to a blueprint: the same blueprint again
            from afcourse.facts.factbase import load_facts
            from afcourse.quiz.blueprint import Blueprint
            from afcourse.quiz.sets import blueprint_quiz_set

            blueprint = Blueprint.model_validate(options.pop("blueprint"))
            quiz, key = blueprint_quiz_set(bank + own, load_facts(), blueprint, **options)
        else:
            quiz, key = make_quiz_set(bank + own, **options)
    except TypeError as exc:
        raise QuizSetError(f"the recipe holds an option this version of afcourse does not know: {exc}") from None
    pool = {item.id: item for item in bank + own}
    for edit in recipe.get("edits", []):  # an edit that brought in an own question carries it whole
        quiz, key = apply_edit(quiz, key, edit, pool)
    return quiz, key, notes
