"""Per-student feedback, in Markdown or as a standalone HTML page."""

from __future__ import annotations

import hashlib
import re

from afcourse.grading.reports.answers import (
    STATUS_MARK,
    STATUS_TEXT,
    answer_text,
    grouped_citations,
    key_text,
)
from afcourse.grading.reports.text import esc, md, number


def option_feedback(question, answer, response) -> list[tuple[str, str]]:
    """(option text, why it is wrong) for each wrong option the student picked that the key explains."""
    if not answer.feedback:
        return []
    picked = [response] if isinstance(response, str) else response if isinstance(response, list) else []
    texts = {c.id: c.text for c in question.choices}
    return [(texts[c], answer.feedback[c]) for c in dict.fromkeys(p for p in picked if isinstance(p, str))
            if c in answer.feedback and c in texts]


def md_item(index: int, question, item_score, answer, given: str, sources: dict, show_key: bool,
            response=None) -> str:
    lines = [f"## {index}. {md(question.stem)}", "",
             f"- Your answer: {md(given)}",
             f"- {STATUS_MARK[item_score.status]} {STATUS_TEXT[item_score.status]}: "
             f"{number(item_score.points)} of {number(item_score.max_points)} point(s)"
             + (f" ({md(item_score.detail)})" if item_score.detail else "")]
    if show_key and item_score.status != "correct":
        lines.append(f"- Right answer: {md(key_text(question, answer.key))}")
        lines += [f"- Why not {md(text)}: {md(why)}" for text, why in option_feedback(question, answer, response)]
    lines.append("")
    if answer.explanation and show_key:  # explanations state the answer: hidden with the key
        lines += [md(answer.explanation), ""]
    for author, title, where in grouped_citations(answer.citations, sources):
        lines += [f"Source: {md(author)}, *{md(title)}* ({md(where)})" if title else
                  f"Source: {md(author)} ({md(where)})", ""]
    return "\n".join(lines)


def html_item(index: int, question, item_score, answer, given: str, sources: dict, show_key: bool,
              response=None) -> str:
    status = item_score.status
    parts = [f'<section class="item {status}"><h2>{index}. {esc(question.stem)}</h2><dl>'
             f"<dt>Your answer</dt><dd>{esc(given)}</dd>"
             f"<dt>Result</dt><dd>{STATUS_MARK[status]} {STATUS_TEXT[status]}: {number(item_score.points)} "
             f"of {number(item_score.max_points)} point(s)"
             + (f" ({esc(item_score.detail)})" if item_score.detail else "") + "</dd>"]
    if show_key and status != "correct":
        parts.append(f"<dt>Right answer</dt><dd>{esc(key_text(question, answer.key))}</dd>")
        parts += [f"<dt>Why not {esc(text)}</dt><dd>{esc(why)}</dd>"
                  for text, why in option_feedback(question, answer, response)]
    parts.append("</dl>")
    if answer.explanation and show_key:  # explanations state the answer: hidden with the key
        parts.append(f'<p class="expl">{esc(answer.explanation)}</p>')
    for author, title, where in grouped_citations(answer.citations, sources):
        title_html = f", <cite>{esc(title)}</cite>" if title else ""
        parts.append(f'<p class="cite">Source: {esc(author)}{title_html} ({esc(where)})</p>')
    parts.append("</section>")
    return "\n".join(parts)


class ItemBlocks:
    """Rendered feedback blocks, reused across students who gave the same answer.

    A memoised ItemScore stands for one distinct answer to one question at one position
    of one variant (see :meth:`afcourse.grading.grader.Grader.response_forms`), so its block is
    rendered once for the whole class; other answers are rendered each time.
    """

    def __init__(self, result, sources: dict, show_key: bool, render):
        from afcourse.grading.results import RawResponse

        self.keys, self.sources, self.show_key, self.render = result.keys, sources, show_key, render
        self.shared = {i for i, (form, _) in result.response_forms.items() if not isinstance(form, RawResponse)}
        self.cache: dict[tuple[int, int], str] = {}

    def __call__(self, student) -> list[str]:
        blocks = []
        for index, (question, item_score) in enumerate(zip(student.questions, student.scores), 1):
            tag = (id(item_score), index)
            block = self.cache.get(tag)
            if block is None:
                response = student.responses.get(question.id)
                block = self.render(index, question, item_score, self.keys[question.id],
                                    answer_text(question, response), self.sources, self.show_key, response)
                if tag[0] in self.shared:
                    self.cache[tag] = block
            blocks.append(block)
        return blocks


def feedback_markdown(student, result, sources: dict, show_key: bool = True, blocks: ItemBlocks | None = None) -> str:
    """One student's feedback as Markdown (all student and fact text escaped)."""
    blocks = blocks or ItemBlocks(result, sources, show_key, md_item)
    who = md(student.name) + f" ({md(student.student_id)})" if student.name else md(student.student_id)
    head = [f"# {md(result.quiz.title)}: feedback for {who}", "",
            f"**Score: {number(student.points)} of {number(student.max_points)} ({number(student.percent, 2)}%)**", ""]
    if student.status != "submitted":
        head += ["*This submission was saved but not submitted; it was graded as it stands.*", ""]
    return "\n".join(head + blocks(student)).rstrip() + "\n"


_FEEDBACK_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
color:#1d2330;line-height:1.45}
h1{font-size:1.4rem}.score{font-size:1.1rem;font-weight:600}
.item{border:1px solid #d6dbe3;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
.item h2{font-size:1rem;margin:.2rem 0 .6rem}
.correct{border-left:6px solid #2e8540}.partial{border-left:6px solid #d99a00}
.incorrect,.invalid{border-left:6px solid #c0392b}.unanswered{border-left:6px solid #8a94a6}
dt{font-weight:600;float:left;clear:left;width:8.5rem}dd{margin:0 0 .3rem 9rem}
.expl{margin:.5rem 0}.cite{color:#4a5568;font-size:.9rem}.note{background:#fff4d6;padding:.5rem .8rem;border-radius:6px}
"""


def feedback_html(student, result, sources: dict, show_key: bool = True, blocks: ItemBlocks | None = None) -> str:
    """One student's feedback as a standalone HTML page (all text escaped)."""
    blocks = blocks or ItemBlocks(result, sources, show_key, html_item)
    who = f"{esc(student.name)} ({esc(student.student_id)})" if student.name else esc(student.student_id)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{esc(result.quiz.title)}: feedback</title><style>{_FEEDBACK_CSS}</style></head><body>",
             f"<h1>{esc(result.quiz.title)}: feedback for {who}</h1>",
             f'<p class="score">Score: {number(student.points)} of {number(student.max_points)} '
             f"({number(student.percent, 2)}%)</p>"]
    if student.status != "submitted":
        parts.append('<p class="note">This submission was saved but not submitted; it was graded as it stands.</p>')
    return "\n".join(parts + blocks(student) + ["</body></html>"]) + "\n"


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def feedback_filename(student_id: str, used: set[str], suffix: str) -> str:
    """A safe, unique file name for a student's feedback (no path tricks, no case clashes)."""
    safe = _UNSAFE_NAME.sub("_", student_id)[:80].lstrip(".") or "student"
    if safe != student_id or safe.lower() in used or safe.split(".")[0].upper() in _RESERVED:
        safe = f"{safe}-{hashlib.sha256(student_id.encode('utf-8')).hexdigest()[:8]}"
    used.add(safe.lower())
    return f"{safe}.{suffix}"
