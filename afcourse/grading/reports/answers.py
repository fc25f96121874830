"""What a student saw and answered, and the key and sources, as text for feedback and reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from afcourse.bank.models import (
    ChoiceKey,
    MatchKey,
    MultiKey,
    NumericKey,
    OrderKey,
    Question,
    TextKey,
)
from afcourse.facts.citations import paragraph_mark
from afcourse.grading.reports.text import number, shorten

STATUS_TEXT = {
    "correct": "Right",
    "partial": "Partly right",
    "incorrect": "Wrong",
    "unanswered": "Not answered",
    "invalid": "Could not be read",
}
STATUS_MARK = {"correct": "✔", "partial": "◐", "incorrect": "✘", "unanswered": "–", "invalid": "?"}



def _is_blank(response: Any) -> bool:
    return response is None or response == "" or response == [] or response == {}


def answer_text(question: Question, response: Any) -> str:
    """A response as the student saw it: option texts, not ids (unknown ids are named as such)."""
    if _is_blank(response):
        return "(no answer)"
    texts = {c.id: c.text for c in question.choices}

    def option(choice_id: Any) -> str:
        return texts[choice_id] if isinstance(choice_id, str) and choice_id in texts else \
            f"(unknown option {shorten(choice_id, 30)})"

    kind = question.type
    if kind in ("single_choice", "true_false") and isinstance(response, str):
        return option(response)
    if kind == "multiple_select" and isinstance(response, list):
        return "; ".join(option(r) for r in response)
    if kind == "short_answer" and isinstance(response, str):
        return response
    if kind == "numeric" and isinstance(response, (int, float, str)) and not isinstance(response, bool):
        shown = number(response) if isinstance(response, (int, float)) else response.strip()
        return f"{shown} ({question.unit})" if question.unit else shown
    if kind == "ordering" and isinstance(response, list):
        return " → ".join(option(r) for r in response)
    if kind == "matching" and isinstance(response, dict):
        prompts = {p.id: p.text for p in question.prompts}
        return "; ".join(f"{prompts.get(p, f'(unknown prompt {shorten(p, 30)})')} → {option(c)}"
                         for p, c in response.items())
    return f"(unreadable answer: {shorten(response)})"


def key_text(question: Question, key) -> str:
    """The right answer, in the words the student saw."""
    texts = {c.id: c.text for c in question.choices}
    if isinstance(key, ChoiceKey):
        return texts.get(key.correct, key.correct)
    if isinstance(key, MultiKey):
        return "; ".join(texts.get(c, c) for c in key.correct)
    if isinstance(key, TextKey):
        also = f" (also accepted: {', '.join(key.accepted[1:])})" if len(key.accepted) > 1 else ""
        return key.accepted[0] + also if key.accepted else ""
    if isinstance(key, NumericKey):
        tol = f" (± {number(key.tolerance)})" if key.tolerance else ""
        return f"{number(key.value)}{tol}" + (f" ({question.unit})" if question.unit else "")
    if isinstance(key, OrderKey):
        return " → ".join(texts.get(c, c) for c in key.order)
    if isinstance(key, MatchKey):
        prompts = {p.id: p.text for p in question.prompts}
        return "; ".join(f"{prompts.get(p, p)} → {texts.get(c, c)}" for p, c in key.pairs.items())
    return ""


def load_sources(facts_dir: str | Path | None = None) -> dict[str, dict[str, str]]:
    """Source id -> author, title, year, read from ``sources.yaml`` alone.

    Only the bibliography is read, so a fact file being edited elsewhere cannot stop
    feedback from naming its sources; an unreadable file gives an empty mapping, and
    citations then show the source id.
    """
    import yaml

    if facts_dir is None:
        from afcourse.facts.factbase import default_directory

        facts_dir = default_directory()
    try:
        data = yaml.safe_load((Path(facts_dir) / "sources.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    found = {}
    for entry in data.get("sources", []) if isinstance(data, dict) else []:
        if isinstance(entry, dict) and entry.get("id"):
            found[str(entry["id"])] = {"author": str(entry.get("author", "")), "title": str(entry.get("title", "")),
                                       "year": str(entry.get("date", ""))[:4]}
    return found


def citation_parts(citation, sources: dict, paragraphs: list[int] | None = None) -> tuple[str, str, str]:
    """(author, title, 'year, ¶N') of one citation, the book's style; unknown sources show their id."""
    numbers = paragraphs or [citation.paragraph]
    where = paragraph_mark(numbers)
    src = sources.get(citation.source)
    if not src:
        return citation.source, "", where
    return src["author"], src["title"], (f"{src['year']}, " if src["year"] else "") + where


def grouped_citations(citations, sources: dict) -> list[tuple[str, str, str]]:
    """One (author, title, where) per source, its paragraphs listed together, in citation order."""
    by_source: dict[str, list] = {}
    for citation in citations:
        by_source.setdefault(citation.source, []).append(citation)
    return [citation_parts(cites[0], sources, sorted({c.paragraph for c in cites})) for cites in by_source.values()]
