"""Shared makings for the linter tests: the small fact base and crafted variations of real items (no tests here)."""

from pathlib import Path

from afcourse.bank.lint import lint_items

MINI = Path(__file__).parent / "data" / "minifacts"


def codes(item, base) -> list[str]:
    """The linter's problem codes for one item."""
    return [p.code for p in lint_items([item], base)]


def with_question(item, **changes):
    """``item`` with its question's fields changed."""
    return item.model_copy(update={"question": item.question.model_copy(update=changes)})


def with_answer(item, **changes):
    """``item`` with its answer key's fields changed."""
    return item.model_copy(update={"answer": item.answer.model_copy(update=changes)})
