"""The quiz as one self-contained block of HTML, CSS and JavaScript, for the static book.

Everything is inline: the markup (made here, every text escaped), the stylesheet
(``assets/quiz.css``), the quiz data as JSON in a ``<script type="application/json">``
and the script (``assets/quiz.js``). Nothing is fetched, so the page works from
``file://`` with no kernel and no network. In the book, each citation links to its
paragraph's anchor on the Sources page, whose address the page names in a
``<meta name="afcourse-sources">`` (elsewhere citations stay plain text). A self-check quiz carries its key in the
JSON (that is what lets the page give feedback); a graded quiz never gets here with a
key: :func:`assessment_notice_html` shows only a notice.

The script grades with the rules of :mod:`afcourse.quiz.scoring` (same partial credit,
normalisation, numeric parsing, and the same InDel similarity that rapidfuzz's
``fuzz.ratio`` computes for names); ``tests/test_browser_scoring_parity.py`` runs
both on the same cases. Progress is kept in the browser's localStorage, per page.

Feedback teaches as the widget's does: a first wrong attempt gets "Not quite", why
the option picked is wrong (``feedback``) and the chapter section to reread (``hint``,
linked to the heading through ``hint_section``), the score keeps first attempts, and the right answer (``answer``, worded here in Python),
explanation and sources come with a right answer, a second attempt or *Show answer*.
The colours follow the page: the book theme's ``data-theme`` on ``<html>`` (light or
dark), else the reader's system preference.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from afcourse.bank.models import Question
from afcourse.quiz.answers import NUMBER_HELP
from afcourse.quiz.scoring import PARTIAL_CREDIT
from afcourse.quizui.controller import answer_text, grouped_citations, hint_section, reread_hint
from afcourse.quizui.loading import QuizBundle

_counter = itertools.count(1)


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """The text of a packaged asset (``quiz.js``, ``quiz.css``)."""
    return (resources.files("afcourse.quizui") / "assets" / name).read_text(encoding="utf-8")


def script_json(data) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>``, ``<!--`` or line separators)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def payload(bundle: QuizBundle) -> dict:
    """The data the page's script needs: questions, scoring rules and (self-check) the keys with feedback."""
    if bundle.key is None:
        raise ValueError("the static quiz is for self-check quizzes, which carry their key")
    keys = {k.id: k for k in bundle.key.keys}
    questions = bundle.variant.questions
    return {
        "quiz_id": bundle.quiz.quiz_id,
        "variant_id": bundle.variant.variant_id,
        "scoring": bundle.quiz.scoring.model_dump(mode="json"),
        "questions": [q.model_dump(mode="json") for q in questions],
        "keys": {q.id: {"key": keys[q.id].key.model_dump(mode="json"),
                        "answer": answer_text(q, keys[q.id].key),
                        "hint": reread_hint(q, keys[q.id], bundle.chapters),
                        "hint_section": _section(q, keys[q.id]),
                        "feedback": dict(keys[q.id].feedback),
                        "explanation": keys[q.id].explanation,
                        "citations": [label for label, _ in grouped_citations(keys[q.id].citations, bundle.sources)],
                        "citation_anchors": [anchor for _, anchor in grouped_citations(keys[q.id].citations,
                                                                                       bundle.sources)]}
                 for q in questions},
    }


def _section(question: Question, answer) -> dict | None:
    """The hint's section as the page's script links it: the chapter page and the heading's anchor."""
    section = hint_section(question, answer)
    return {"doc": section.doc, "anchor": section.anchor} if section else None


def _uid(bundle: QuizBundle) -> str:
    digest = hashlib.sha256(f"{bundle.quiz.quiz_id}|{bundle.variant.variant_id}".encode()).hexdigest()[:10]
    return f"afq-{digest}-{next(_counter)}"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _question_html(question: Question, number: int, total: int, uid: str) -> str:
    qid = f"{uid}-q{number}"
    head = (f'<legend class="afq-legend"><span class="afq-num">Question {number} of {total}</span> '
            f'<span class="afq-stem" id="{qid}-stem">{_e(question.stem)}</span></legend>')
    kind = question.type
    if kind in ("single_choice", "true_false", "multiple_select"):
        input_type = "checkbox" if kind == "multiple_select" else "radio"
        options = "".join(
            f'<label class="afq-option"><input type="{input_type}" name="{qid}" value="{_e(c.id)}"> '
            f'<span>{_e(c.text)}</span></label>' for c in question.choices)
        body = f'<div class="afq-options">{options}</div>'
    elif kind in ("short_answer", "numeric"):
        unit = f" ({_e(question.unit)})" if kind == "numeric" and question.unit else ""
        extra = ' inputmode="decimal" class="afq-input afq-number"' if kind == "numeric" else ' class="afq-input afq-text"'
        body = (f'<label class="afq-field" for="{qid}-input">Your answer{unit}</label> '
                f'<input type="text" id="{qid}-input"{extra} autocomplete="off" spellcheck="false" '
                f'aria-describedby="{qid}-stem{f" {qid}-entry" if kind == "numeric" else ""}">'
                + (f'<p class="afq-entry" id="{qid}-entry" role="alert"></p>' if kind == "numeric" else ""))
    elif kind == "ordering":
        rows = "".join(
            f'<li class="afq-order-item" data-cid="{_e(c.id)}"><span class="afq-order-text">{_e(c.text)}</span>'
            f'<span class="afq-order-buttons">'
            f'<button type="button" class="afq-up" aria-label="Move up: {_e(c.text)}">\u2191 Up</button>'
            f'<button type="button" class="afq-down" aria-label="Move down: {_e(c.text)}">\u2193 Down</button>'
            f'</span></li>' for c in question.choices)
        body = f'<ol class="afq-order" aria-label="Order (first at the top)">{rows}</ol>'
    elif kind == "matching":
        options = '<option value="">Choose\u2026</option>' + "".join(
            f'<option value="{_e(c.id)}">{_e(c.text)}</option>' for c in question.choices)
        rows = "".join(
            f'<div class="afq-match-row"><label for="{qid}-m{i}">{_e(p.text)}</label>'
            f'<select id="{qid}-m{i}" data-pid="{_e(p.id)}">{options}</select></div>'
            for i, p in enumerate(question.prompts, start=1))
        body = f'<div class="afq-match">{rows}</div>'
    else:  # pragma: no cover - the models admit no other type
        raise ValueError(f"unknown question type {kind!r}")
    actions = ('<div class="afq-actions"><button type="button" class="afq-check">Check answer</button>'
               '<button type="button" class="afq-retry" hidden>Try again</button>'
               '<button type="button" class="afq-show">Show answer</button></div>'
               '<div class="afq-feedback" role="status" aria-live="polite"></div>')
    return (f'<fieldset class="afq-q" id="{qid}" data-qid="{_e(question.id)}" data-type="{kind}">'
            f'{head}{body}{actions}</fieldset>')


def static_html(bundle: QuizBundle) -> str:
    """The self-check quiz as self-contained HTML (markup, inline CSS, JSON data, inline JS)."""
    data = payload(bundle)
    uid = _uid(bundle)
    questions = bundle.variant.questions
    body = "".join(_question_html(q, i, len(questions), uid) for i, q in enumerate(questions, start=1))
    total = sum(q.points for q in questions)
    return (
        f'<style>{asset("quiz.css")}</style>'
        f'<div class="afq" id="{uid}" data-quiz-id="{_e(bundle.quiz.quiz_id)}">'
        f'<p class="afq-title">{_e(bundle.quiz.title)}</p>'
        f'<details class="afq-help"><summary>How answers are read and scored</summary>'
        f'<p>{_e(NUMBER_HELP)}</p><p>{_e(PARTIAL_CREDIT)}</p></details>'
        '<noscript><p class="afq-noscript">This self-check quiz needs JavaScript to give feedback.</p></noscript>'
        f'{body}'
        f'<div class="afq-summary"><span class="afq-score" role="status" aria-live="polite">Score: 0 of '
        f'{_e(format(total, "g"))} points (0 of {len(questions)} questions checked)</span>'
        '<button type="button" class="afq-reset">Start again</button></div>'
        f'<script type="application/json" class="afq-data">{script_json(data)}</script>'
        '</div>'
        f'<script>{asset("quiz.js")}</script>'
    )


def assessment_notice_html(bundle: QuizBundle) -> str:
    """What a page or a frontend without widgets shows for a graded quiz: a notice, no questions' keys."""
    return (f'<div class="afq-notice" style="border:1px solid #888;padding:0.75em;border-radius:4px">'
            f'<strong>{_e(bundle.quiz.title)}</strong>: a graded quiz of {len(bundle.variant.questions)} questions. '
            'It records your answers, so it runs only in a live Jupyter notebook with a running kernel '
            '(JupyterLab, Notebook 7, VS Code or JupyterHub): run this cell there to answer it.</div>')


def standalone_page(bundle: QuizBundle) -> str:
    """A whole HTML document holding only the self-check quiz (for a course site or an LMS page)."""
    return ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{_e(bundle.quiz.title)}</title>'
            '<style>body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:46em;'
            'margin:2em auto;padding:0 1em;line-height:1.5;color:#222;background:#fff}'
            '@media (prefers-color-scheme: dark){html:not([data-theme=light]) body{color:#ddd;background:#181818}}'
            'html[data-theme=dark] body{color:#ddd;background:#181818}</style>'
            f'</head><body><main>{static_html(bundle)}</main></body></html>\n')


def write_page(quiz: str | Path, out: str | Path, *, force: bool = False, variant: str | int | None = None,
               facts_dir: str | Path | None = None, self_check: bool = False) -> Path:
    """Write the self-check quiz of ``quiz`` (chapter id or quiz folder) as one self-contained HTML file.

    The page carries every answer, so a set not marked ``self_check`` in its quiz.json is
    refused (:class:`QuizLoadError`) unless ``self_check=True`` says it is meant for practice.
    """
    from afcourse.common.fileio import write_atomic
    from afcourse.quizui.loading import QuizLoadError, load_self_check

    bundle = load_self_check(quiz, variant=variant, facts_dir=facts_dir)
    if not (bundle.quiz.self_check or self_check):
        raise QuizLoadError(f"{quiz} is not marked as a self-check set, and its page would show every answer to "
                            "anyone who opens it. If it is meant for practice, pass --self-check "
                            "(self_check=True); a graded quiz belongs in a notebook (mode='assessment').")
    return write_atomic(out, standalone_page(bundle), force=force, mode=0o644)  # a page to publish: world-readable
