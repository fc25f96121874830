"""Write what grading found: gradebook, feedback, item analysis, problems and an HTML report.

All files go into one output folder. A new folder is assembled under a temporary name
beside it and renamed into place when complete, so a crash never leaves half a
report; with ``force`` an existing folder is updated file by file (each written
atomically), and files a previous run listed in ``manifest.json`` but this run did not
write are removed, so stale feedback does not linger. Every value that came from a
student (ids, names, answers) is escaped for its format: HTML-escaped in HTML,
entity- and backslash-escaped in Markdown, quoted by the csv module in CSV, and
prefixed with ``'`` in CSV when it starts like a spreadsheet formula.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import os
import re
import shutil
import tempfile
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Iterable

from afcourse.fileio import OutputExistsError, write_atomic
from afcourse.quizmodels import ChoiceKey, MatchKey, MultiKey, NumericKey, OrderKey, Question, TextKey

STATUS_TEXT = {
    "correct": "Right",
    "partial": "Partly right",
    "incorrect": "Wrong",
    "unanswered": "Not answered",
    "invalid": "Could not be read",
}
STATUS_MARK = {"correct": "✔", "partial": "◐", "incorrect": "✘", "unanswered": "–", "invalid": "?"}
MAX_PROBLEM_ROWS = 500
"""report.html lists at most this many problems; problems.csv always lists them all."""


# ------------------------------------------------------------------ small helpers


def number(value: float | None, digits: int = 4) -> str:
    """A number for a CSV cell: integers without '.0', others rounded; None as empty."""
    if value is None:
        return ""
    value = round(float(value), digits)
    return str(int(value)) if value.is_integer() else repr(value)


def _fixed(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


_FORMULA_START = tuple("=+-@\t\r")


def csv_text(text: str | None) -> str:
    """Student text for a CSV cell: a leading ``'`` stops a spreadsheet reading it as a formula."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\d*)([#+=>.)-])")


def md(text: str) -> str:
    """Escape text for Markdown: one line, no raw HTML, no emphasis, links, headings or lists."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(r"\1\\\2", text)


def esc(text: Any) -> str:
    """Escape text for HTML (quotes too, so it is safe in attributes)."""
    return html.escape(str(text), quote=True)


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------- what students saw


def _is_blank(response: Any) -> bool:
    return response is None or response == "" or response == [] or response == {}


def answer_text(question: Question, response: Any) -> str:
    """A response as the student saw it: option texts, not ids (unknown ids are named as such)."""
    if _is_blank(response):
        return "(no answer)"
    texts = {c.id: c.text for c in question.choices}

    def option(choice_id: Any) -> str:
        return texts[choice_id] if isinstance(choice_id, str) and choice_id in texts else \
            f"(unknown option {_short(choice_id, 30)})"

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
        return "; ".join(f"{prompts.get(p, f'(unknown prompt {_short(p, 30)})')} → {option(c)}"
                         for p, c in response.items())
    return f"(unreadable answer: {_short(response)})"


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
        from afcourse.factbase import default_directory

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
    """(author, title, 'year, paragraph N') of one citation; unknown sources show their id."""
    numbers = paragraphs or [citation.paragraph]
    where = (f"paragraph {numbers[0]}" if len(numbers) == 1 else
             "paragraphs " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}")
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


# ------------------------------------------------------------------------- gradebook


def gradebook_csv(result, layout: str = "default", assignment: str | None = None) -> str:
    """The gradebook in one of three column layouts.

    ``default``: student_id, name, variant, status, score, max, percent, flags, then
    one column of points per item (``Q<n> <item id>``; empty when the item was not in
    the student's variant). ``canvas``: Canvas's grade-import layout (Student, ID, SIS
    User ID, SIS Login ID, Section, then the assignment column; a "Points Possible"
    row first); the student id goes in SIS User ID. ``moodle``: ID number, Full name,
    then the assignment column in points, for Moodle's "Import grades: CSV file".
    """
    title = assignment or result.quiz.title
    students = result.students
    if layout == "canvas":
        top = max((v_max for v_max in {s.max_points for s in students}), default=_quiz_max(result))
        rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title],
                ["Points Possible", "", "", "", "", number(top)]]
        rows += [[csv_text(s.name or s.student_id), "", csv_text(s.student_id), "", "", number(s.points)]
                 for s in students]
        return _csv(rows)
    if layout == "moodle":
        rows = [["ID number", "Full name", title]]
        rows += [[csv_text(s.student_id), csv_text(s.name or ""), number(s.points)] for s in students]
        return _csv(rows)
    order = result.item_order
    position = {item_id: i for i, item_id in enumerate(order)}
    header = ["student_id", "name", "variant", "status", "score", "max", "percent", "flags"]
    header += [f"Q{i} {item_id}" for i, item_id in enumerate(order, 1)]
    text = _NumberText()
    percent = _PercentText()
    spread = {}  # variant -> puts its points into the item columns, blanks elsewhere (C-level itemgetter)
    for v in result.quiz.variants:
        index = {position[q.id]: i for i, q in enumerate(v.questions)}
        spread[v.variant_id] = itemgetter(*[index.get(c, len(v.questions)) for c in range(len(order))]) \
            if order else (lambda values: ())
    rows = [header]
    append = rows.append
    getitem, points_of = text.__getitem__, attrgetter("points")
    for s in students:
        cells = list(map(getitem, map(points_of, s.scores)))
        cells.append("")
        sid = s.student_id
        append([csv_text(sid), csv_text(s.name) if s.name else "", s.variant_id, s.status, text[s.points],
                text[s.max_points], percent[s.points, s.max_points], "; ".join(s.flags),
                *spread[s.variant_id](cells)])
    return _csv(rows)


class _NumberText(dict):
    """number(x) for many repeated values: each distinct value is formatted once."""

    def __missing__(self, value: float) -> str:
        self[value] = text = number(value)
        return text


class _PercentText(dict):
    def __missing__(self, key: tuple[float, float]) -> str:
        points, top = key
        self[key] = text = number(round(100.0 * points / top, 2) if top else 0.0, 2)
        return text


def _quiz_max(result) -> float:
    return max((sum(q.points for q in v.questions) for v in result.quiz.variants), default=0.0)


def problems_csv(problems) -> str:
    rows = [["kind", "action", "source", "line", "student_id", "item_ids", "message"]]
    rows += [[p.kind, p.action, csv_text(p.source), "" if p.line is None else p.line, csv_text(p.student_id),
              csv_text(" ".join(p.item_ids)), csv_text(p.message)] for p in problems]
    return _csv(rows)


def item_analysis_csv(result) -> str:
    """One row per item: facility, the three discrimination indices, options and flags."""
    rows = [["number", "item_id", "bank_item", "type", "chapter", "n", "max_points", "facility", "p_correct",
             "p_partial", "p_incorrect", "p_unanswered", "p_invalid", "point_biserial", "corrected_item_total",
             "upper_lower_27", "key_difficulty", "flags", "options", "frequent_wrong_answers", "stem"]]
    for it in result.items:
        options = "; ".join(f"{o.text}{' [key]' if o.is_key else ''}: {o.count}" for o in it.options)
        wrong = "; ".join(f"{text}: {count}" for text, count in it.wrong_answers)
        rows.append([it.number, it.item_id, it.bank_item or "", it.type, it.chapter, it.n, number(it.max_points), number(it.facility),
                     number(it.p_correct), number(it.p_partial), number(it.p_incorrect), number(it.p_unanswered),
                     number(it.p_invalid), number(it.point_biserial), number(it.corrected_item_total),
                     number(it.upper_lower), number(it.key_difficulty), " ".join(it.flag_codes),
                     csv_text(options), csv_text(wrong), csv_text(it.stem)])
    return _csv(rows)


def distractors_csv(result) -> str:
    """Long format: one row per option of every choice item (count and share of students)."""
    rows = [["number", "item_id", "choice_id", "text", "is_key", "count", "share"]]
    for it in result.items:
        rows += [[it.number, it.item_id, o.choice_id, csv_text(o.text), "yes" if o.is_key else "no", o.count,
                  number(o.share)] for o in it.options]
    return _csv(rows)


# -------------------------------------------------------------------------- feedback


def _md_item(index: int, question, item_score, answer, given: str, sources: dict, show_key: bool) -> str:
    lines = [f"## {index}. {md(question.stem)}", "",
             f"- Your answer: {md(given)}",
             f"- {STATUS_MARK[item_score.status]} {STATUS_TEXT[item_score.status]}: "
             f"{number(item_score.points)} of {number(item_score.max_points)} point(s)"
             + (f" ({md(item_score.detail)})" if item_score.detail else "")]
    if show_key and item_score.status != "correct":
        lines.append(f"- Right answer: {md(key_text(question, answer.key))}")
    lines.append("")
    if answer.explanation:
        lines += [md(answer.explanation), ""]
    for author, title, where in grouped_citations(answer.citations, sources):
        lines += [f"Source: {md(author)}, *{md(title)}* ({md(where)})" if title else
                  f"Source: {md(author)} ({md(where)})", ""]
    return "\n".join(lines)


def _html_item(index: int, question, item_score, answer, given: str, sources: dict, show_key: bool) -> str:
    status = item_score.status
    parts = [f'<section class="item {status}"><h2>{index}. {esc(question.stem)}</h2><dl>'
             f"<dt>Your answer</dt><dd>{esc(given)}</dd>"
             f"<dt>Result</dt><dd>{STATUS_MARK[status]} {STATUS_TEXT[status]}: {number(item_score.points)} "
             f"of {number(item_score.max_points)} point(s)"
             + (f" ({esc(item_score.detail)})" if item_score.detail else "") + "</dd>"]
    if show_key and status != "correct":
        parts.append(f"<dt>Right answer</dt><dd>{esc(key_text(question, answer.key))}</dd>")
    parts.append("</dl>")
    if answer.explanation:
        parts.append(f'<p class="expl">{esc(answer.explanation)}</p>')
    for author, title, where in grouped_citations(answer.citations, sources):
        title_html = f", <cite>{esc(title)}</cite>" if title else ""
        parts.append(f'<p class="cite">Source: {esc(author)}{title_html} ({esc(where)})</p>')
    parts.append("</section>")
    return "\n".join(parts)


class _ItemBlocks:
    """Rendered feedback blocks, reused across students who gave the same answer.

    A memoised ItemScore stands for one distinct answer to one question at one position
    of one variant (see :meth:`afcourse.grading.Grader.response_forms`), so its block is
    rendered once for the whole class; other answers are rendered each time.
    """

    def __init__(self, result, sources: dict, show_key: bool, render):
        from afcourse.grading import RawResponse

        self.keys, self.sources, self.show_key, self.render = result.keys, sources, show_key, render
        self.shared = {i for i, (form, _) in result.response_forms.items() if not isinstance(form, RawResponse)}
        self.cache: dict[tuple[int, int], str] = {}

    def __call__(self, student) -> list[str]:
        blocks = []
        for index, (question, item_score) in enumerate(zip(student.questions, student.scores), 1):
            tag = (id(item_score), index)
            block = self.cache.get(tag)
            if block is None:
                block = self.render(index, question, item_score, self.keys[question.id],
                                    answer_text(question, student.responses.get(question.id)), self.sources,
                                    self.show_key)
                if tag[0] in self.shared:
                    self.cache[tag] = block
            blocks.append(block)
        return blocks


def feedback_markdown(student, result, sources: dict, show_key: bool = True, blocks: _ItemBlocks | None = None) -> str:
    """One student's feedback as Markdown (all student and fact text escaped)."""
    blocks = blocks or _ItemBlocks(result, sources, show_key, _md_item)
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


def feedback_html(student, result, sources: dict, show_key: bool = True, blocks: _ItemBlocks | None = None) -> str:
    """One student's feedback as a standalone HTML page (all text escaped)."""
    blocks = blocks or _ItemBlocks(result, sources, show_key, _html_item)
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


# ----------------------------------------------------------------------------- plots


def _png(figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=130, metadata={"Software": None})
    return buffer.getvalue()


def score_histogram_png(percents: list[float], summary=None) -> bytes:
    """Histogram of students' percentages in 5-point bins, with mean and median marked."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 3.7), layout="constrained")
    ax = fig.add_subplot()
    distinct = sorted(set(percents))
    if 0 < len(distinct) <= 30:  # few possible scores: one bar per score, so no bin is empty by construction
        counts = [0] * len(distinct)
        where = {value: i for i, value in enumerate(distinct)}
        for value in percents:
            counts[where[value]] += 1
        gap = min((b - a for a, b in zip(distinct, distinct[1:])), default=5.0)
        ax.bar(distinct, counts, width=max(min(gap * 0.8, 4.0), 0.8), color="#4a78b5", edgecolor="white")
    else:
        ax.hist(percents, bins=[i * 5 for i in range(21)], color="#4a78b5", edgecolor="white")
    if percents:
        mean = sum(percents) / len(percents)
        median = sorted(percents)[len(percents) // 2] if len(percents) % 2 else \
            sum(sorted(percents)[len(percents) // 2 - 1:len(percents) // 2 + 1]) / 2
        ax.axvline(mean, color="#c0392b", linestyle="--", linewidth=1.5, label=f"mean {mean:.1f}%")
        ax.axvline(median, color="#2e8540", linestyle=":", linewidth=2, label=f"median {median:.1f}%")
        ax.legend(loc="upper left", frameon=False)
    ax.set_xlim(-3, 103)
    ax.set_xlabel("score (% of the student's maximum)")
    ax.set_ylabel("students")
    ax.set_title(f"Score distribution ({len(percents)} students)")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def facility_discrimination_png(items) -> bytes:
    """Facility (x) against corrected item-total discrimination (y), flagged items in red."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 3.7), layout="constrained")
    ax = fig.add_subplot()
    ax.axhspan(-1, 0, color="#c0392b", alpha=0.07, linewidth=0)
    ax.axhline(0, color="#555", linewidth=0.8)
    ax.axhline(0.2, color="#999", linewidth=0.8, linestyle="--")
    shown = [it for it in items if it.facility is not None and it.corrected_item_total is not None]
    low = min([it.corrected_item_total for it in shown] + [-0.2])
    high = max([it.corrected_item_total for it in shown] + [0.6])
    label_all = len(shown) <= LABEL_ALL_ITEMS
    for it in shown:
        bad = any(code in SERIOUS_FLAGS for code in it.flag_codes)
        warn = bool(it.flags) and not bad
        color = "#c0392b" if bad else "#d99a00" if warn else "#4a78b5"
        ax.scatter([it.facility], [it.corrected_item_total], s=36 if it.flags else 26, color=color, zorder=3,
                   alpha=1.0 if it.flags else 0.75)
        if label_all or it.flags:
            ax.annotate(it.label, (it.facility, it.corrected_item_total), textcoords="offset points", xytext=(4, 3),
                        fontsize=7.5, color="#333")
    ax.text(0.01, 0.2, " r = 0.2", fontsize=7, color="#777", va="bottom", transform=ax.get_yaxis_transform())
    ax.set_xlim(-0.02, 1.05)
    ax.set_ylim(low - 0.08, high + 0.08)
    ax.set_xlabel("facility (share of points earned)")
    ax.set_ylabel("discrimination (corrected r)")
    ax.set_title("Items: facility against discrimination")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


# ---------------------------------------------------------------------------- report


_REPORT_CSS = """
:root{--ink:#1d2330;--muted:#5b6475;--line:#d6dbe3;--bad:#c0392b;--warn:#b7791f;--good:#2e8540;--key:#2e8540}
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);
margin:0;padding:1.5rem 2rem 3rem;line-height:1.4;max-width:80rem}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.15rem;margin:2rem 0 .6rem;border-bottom:1px solid var(--line);
padding-bottom:.3rem}.sub{color:var(--muted);margin:0 0 1rem}
.cards{display:flex;flex-wrap:wrap;gap:.7rem;margin-bottom:.7rem}.card{border:1px solid var(--line);border-radius:8px;padding:.5rem .9rem;
min-width:8.5rem}.card b{display:block;font-size:1.35rem}.card span{color:var(--muted);font-size:.85rem}
.plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(24rem,1fr));gap:1rem}
.plots figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:.4rem}
.plots img{display:block;width:100%;height:auto}figcaption{font-size:.85rem;color:var(--muted);padding:.2rem .4rem}
.note{background:#fff4d6;padding:.5rem .8rem;border-radius:6px}.item .why{color:var(--bad);font-size:.85rem;margin:.2rem 0 .4rem}
a{color:#2b5aa8}
table{border-collapse:collapse;font-size:.88rem;width:100%}th,td{border-bottom:1px solid var(--line);
padding:.3rem .45rem;text-align:left;vertical-align:top}th{background:#f3f5f8;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.neg{color:var(--bad);font-weight:600}.flag{display:inline-block;border-radius:4px;padding:0 .35rem;margin:.1rem;
font-size:.78rem;background:#fde8e6;color:var(--bad);white-space:nowrap}.flag.soft{background:#fdf3dc;color:var(--warn)}
.ok{color:var(--good)}.stem{max-width:30rem}
.item{border:1px solid var(--line);border-radius:8px;padding:.6rem .9rem;margin:.8rem 0}
.item h3{font-size:.98rem;margin:0 0 .4rem}.item .meta{color:var(--muted);font-size:.83rem;margin-bottom:.4rem}
.opt{display:grid;grid-template-columns:minmax(12rem,26rem) 14rem 5.5rem;gap:.6rem;align-items:center;
font-size:.88rem;padding:.1rem 0}.bar{height:.8rem;background:#c9d6ea;border-radius:3px}
.opt.key .bar{background:var(--key)}.opt.key .txt::after{content:" ✔ key";color:var(--key);font-weight:600}
.opt.zero .txt{color:var(--muted)}.notes li{margin:.2rem 0}.problems td.msg{max-width:44rem}
details summary{cursor:pointer}details summary h3{display:inline}h3{font-size:1rem;margin:1rem 0 .4rem}
dl.defs dt{font-weight:600}dl.defs dd{margin:0 0 .5rem 1rem;color:var(--muted)}
"""

_SOFT_FLAGS = {"low_discrimination", "unused_distractor"}
SERIOUS_FLAGS = ("negative_discrimination", "distractor_beats_key")
LABEL_ALL_ITEMS = 20
"""The scatter plot names every item up to this many, else only the flagged ones."""
_FLAG_LABEL = {"negative_discrimination": "negative discrimination", "low_discrimination": "low discrimination",
               "unused_distractor": "unused distractor", "distractor_beats_key": "distractor beats key"}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _bank_item(item) -> str:
    return f" (bank item {esc(item.bank_item)})" if item.bank_item else ""


def _flag_badges(item) -> str:
    if not item.flags:
        return '<span class="ok">ok</span>'
    return "".join(f'<span class="flag{" soft" if code in _SOFT_FLAGS else ""}" title="{esc(text)}">'
                   f"{esc(_FLAG_LABEL.get(code, code))}</span>" for code, text in item.flags)


def report_html(result, plots: bool = True) -> str:
    """The instructor's report: summary, problems, plots, item table and option counts."""
    from afcourse.analysis import FEW_ANSWERS, FEW_STUDENTS

    quiz, summary, items = result.quiz, result.summary, result.items
    problems = result.problems
    kinds: dict[str, int] = {}
    for p in problems:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    flagged = [it for it in items if it.flags]
    by_flag: dict[str, int] = {}
    for it in flagged:
        for code in it.flag_codes:
            by_flag[code] = by_flag.get(code, 0) + 1
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>Grading report: {esc(quiz.title)}</title><style>{_REPORT_CSS}</style></head><body>",
           f"<h1>Grading report: {esc(quiz.title)}</h1>",
           f'<p class="sub">Quiz <code>{esc(quiz.quiz_id)}</code> · {len(quiz.variants)} variant(s) · '
           f"{len(items)} item(s) · scoring: multiple select {esc(quiz.scoring.multiple_select)}, ordering "
           f"{esc(quiz.scoring.ordering)}, matching {esc(quiz.scoring.matching)}</p>"]

    def card(value: str, label: str) -> str:
        return f'<div class="card"><b>{value}</b><span>{esc(label)}</span></div>'

    alpha_label = "reliability, Cronbach's α" + (f" ({summary.alpha_variant})" if summary.variants_used > 1
                                                 and summary.alpha_variant else "")
    out.append('<div class="cards">' + "".join([
        card(str(summary.n), "students graded"),
        card(_fixed(summary.mean, 1) + ("%" if summary.mean is not None else ""), "mean score"),
        card(_fixed(summary.median, 1) + ("%" if summary.median is not None else ""), "median score"),
        card(_fixed(summary.sd, 1), "std. deviation (% points)"),
        card(_fixed(summary.alpha, 2), alpha_label),
        card(f"{len(flagged)} of {len(items)}", "items flagged"),
        card(f'<a href="#problems">{len(problems)}</a>', "input problem(s)"),
    ]) + "</div>")
    if by_flag:
        out.append('<p class="sub">Flags: ' + ", ".join(f"{esc(_FLAG_LABEL.get(code, code))} {count}"
                                                        for code, count in sorted(by_flag.items())) + ".</p>")
    if problems:
        out.append('<p class="note">Input problems: ' + ", ".join(
            f"{esc(kind.replace('_', ' '))} {count}" for kind, count in sorted(kinds.items()))
            + ' (<a href="#problems">details</a>; every one is in <code>problems.csv</code>).</p>')
    if 0 < summary.n < FEW_STUDENTS:
        out.append(f'<p class="note">Only {summary.n} students: item statistics are shown but are unreliable '
                   f"below about {FEW_STUDENTS}.</p>")
    unjudged = sum(1 for it in items if it.n < FEW_ANSWERS)
    if unjudged:
        out.append(f'<p class="note">{unjudged} of {len(items)} item(s) were answered by fewer than {FEW_ANSWERS} '
                   "students (each variant's items are seen only by its students): they are not flagged.</p>")

    if plots and summary.n:
        hist = base64.b64encode(score_histogram_png(summary.percents, summary)).decode("ascii")
        scatter = base64.b64encode(facility_discrimination_png(items)).decode("ascii")
        out += ['<h2>Scores and items at a glance</h2><div class="plots">',
                f'<figure><img alt="Histogram of student scores" src="data:image/png;base64,{hist}">'
                "<figcaption>How the class scored. A pile-up at the right means the quiz was easy for this class; "
                "a long left tail shows who may need help.</figcaption></figure>",
                f'<figure><img alt="Scatter plot of item facility against discrimination" '
                f'src="data:image/png;base64,{scatter}"><figcaption>Each dot is an item. Items that separate '
                "strong from weak students sit above the dashed line (r = 0.2); red ones (negative discrimination, "
                "or a distractor chosen more than the key) need a look, orange ones have a milder flag."
                + ("" if len(items) <= LABEL_ALL_ITEMS else " Only flagged items are labelled.")
                + "</figcaption></figure></div>"]

    out.append("<h2>Items</h2>")
    if flagged:
        out.append('<ul class="notes">' + "".join(
            f'<li><a href="#{it.label}"><b>{it.label}</b></a> ({esc(it.bank_item or it.item_id)}): '
            + "; ".join(esc(text) for _, text in it.flags) + "</li>"
            for it in flagged) + "</ul>")
    else:
        out.append('<p class="ok">No item is flagged.</p>')
    out.append('<table class="items"><thead><tr><th>#</th><th>question</th><th>type</th><th>n</th>'
               '<th title="share of points earned">facility</th><th title="point-biserial r">r<sub>pb</sub></th>'
               '<th title="corrected item-total r">r<sub>corr</sub></th><th title="upper 27% minus lower 27%">'
               'U−L 27%</th><th title="the generator\'s estimate of difficulty">key diff.</th><th>flags</th>'
               "</tr></thead><tbody>")
    for it in items:
        def cell(value, digits=2):
            cls = "num neg" if value is not None and value < 0 else "num"
            return f'<td class="{cls}">{_fixed(value, digits)}</td>'

        out.append(f'<tr><td><a href="#{it.label}">{it.label}</a></td><td class="stem">{esc(it.stem)}</td>'
                   f"<td>{esc(it.type.replace('_', ' '))}</td><td class=\"num\">{it.n}</td>"
                   f'<td class="num">{_pct(it.facility)}</td>{cell(it.point_biserial)}'
                   f"{cell(it.corrected_item_total)}{cell(it.upper_lower)}"
                   f'<td class="num">{_fixed(it.key_difficulty)}</td><td>{_flag_badges(it)}</td></tr>')
    out.append("</tbody></table>")

    out.append("<h2>Answers chosen, item by item</h2>")
    keys = result.keys
    questions = result.questions
    for it in items:
        out.append(f'<div class="item" id="{it.label}"><h3>{it.label}. {esc(it.stem)}</h3>'
                   f'<div class="meta">{esc(it.item_id)}{_bank_item(it)} · {esc(it.type.replace("_", " "))} · {it.n} student(s) · '
                   f"facility {_pct(it.facility)} · right {_pct(it.p_correct)}, partly {_pct(it.p_partial)}, "
                   f"unanswered {_pct(it.p_unanswered)} · corrected r {_fixed(it.corrected_item_total)}</div>")
        for _, text in it.flags:
            out.append(f'<div class="why">⚑ {esc(text)}</div>')
        if it.options:
            for o in sorted(it.options, key=lambda o: (not o.is_key, -o.count)):
                cls = "opt" + (" key" if o.is_key else "") + (" zero" if o.count == 0 else "")
                out.append(f'<div class="{cls}"><span class="txt">{esc(o.text)}</span>'
                           f'<span><span class="bar" style="display:block;width:{max(1.0, 100 * o.share):.1f}%">'
                           f'</span></span><span class="num">{o.count} ({_pct(o.share)})</span></div>')
        else:
            question = questions[it.item_id]
            out.append(f"<div>Right answer: <b>{esc(key_text(question, keys[it.item_id].key))}</b></div>")
            if it.wrong_answers:
                out.append("<div>Most frequent answers below full marks:</div><ul>" + "".join(
                    f"<li>{esc(text)} <span class=\"num\">({count})</span></li>" for text, count in it.wrong_answers)
                    + "</ul>")
        out.append("</div>")

    out.append(f'<h2 id="problems">Input problems ({len(problems)})</h2>')
    if problems:
        out.append("<p>" + ", ".join(f"{esc(kind.replace('_', ' '))}: {count}" for kind, count in sorted(kinds.items()))
                   + ". Every problem is listed in <code>problems.csv</code>"
                   + (f"; the first {MAX_PROBLEM_ROWS} are shown here." if len(problems) > MAX_PROBLEM_ROWS else ".")
                   + "</p>")
        groups = [
            ("Not graded", [p for p in problems if p.action != "graded"], False),
            ("Graded, but worth a look", [p for p in problems if p.action == "graded" and p.kind != "missing_answer"],
             False),
            ("Graded with items left blank (scored 0)", [p for p in problems if p.kind == "missing_answer"], True),
        ]
        budget = MAX_PROBLEM_ROWS
        for title, group, folded in groups:
            if not group:
                continue
            shown, budget = group[:max(budget, 0)], budget - len(group)
            head = f"<h3>{esc(title)}: {len(group)}</h3>"
            table = ['<table class="problems"><thead><tr><th>kind</th><th>action</th><th>where</th><th>student</th>'
                     "<th>what</th></tr></thead><tbody>"]
            for p in shown:
                table.append(f"<tr><td>{esc(p.kind.replace('_', ' '))}</td><td>{esc(p.action)}</td>"
                             f"<td>{esc(p.where)}</td><td>{esc(p.student_id or '')}</td>"
                             f'<td class="msg">{esc(p.message)}</td></tr>')
            table.append("</tbody></table>")
            if len(shown) < len(group):
                table.append(f"<p>… {len(group) - len(shown)} more in <code>problems.csv</code>.</p>")
            if folded:
                out.append(f"<details><summary>{head}</summary>{''.join(table)}</details>")
            else:
                out.append(head + "".join(table))
    else:
        out.append('<p class="ok">None: every submission was read and graded as given.</p>')

    out.append('<h2>What the numbers mean</h2><dl class="defs">'
               "<dt>facility</dt><dd>the share of the item's points the class earned (for a right-or-wrong item, "
               "the share who got it right).</dd>"
               "<dt>r<sub>pb</sub> (point-biserial)</dt><dd>correlation of the item score with the student's "
               "total: do students who do well overall get this item right?</dd>"
               "<dt>r<sub>corr</sub> (corrected item-total)</dt><dd>the same with the item taken out of the total; "
               "below 0.2 is weak, below 0 means stronger students did worse (often a wrong or ambiguous key).</dd>"
               "<dt>U−L 27%</dt><dd>facility in the top 27% of students minus facility in the bottom 27%.</dd>"
               "<dt>key diff.</dt><dd>the difficulty the generator estimated (probability of a wrong answer) "
               "— compare with 1 − facility.</dd></dl>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- writing


MANIFEST = "manifest.json"


def build_outputs(result, *, layout: str = "default", feedback: str = "md", facts_dir=None, show_key: bool = True,
                  plots: bool = True) -> dict[str, str | bytes]:
    """Every output file's relative path and content, without writing anything."""
    files: dict[str, str | bytes] = {
        "gradebook.csv": gradebook_csv(result, layout),
        "item-analysis.csv": item_analysis_csv(result),
        "distractors.csv": distractors_csv(result),
        "problems.csv": problems_csv(result.problems),
        "report.html": report_html(result, plots=plots),
    }
    if feedback != "none":
        sources = load_sources(facts_dir)
        render, item = (feedback_markdown, _md_item) if feedback == "md" else (feedback_html, _html_item)
        blocks = _ItemBlocks(result, sources, show_key, item)
        used: set[str] = set()
        for student in result.students:
            name = feedback_filename(student.student_id, used, feedback)
            files[f"feedback/{name}"] = render(student, result, sources, show_key, blocks)
    return files


def write_reports(result, out_dir: str | Path, *, force: bool = False, **options) -> dict[str, Path]:
    """Write every output into ``out_dir``; returns role -> path (``feedback`` is the folder).

    Raises :class:`OutputExistsError` if ``out_dir`` exists, is not empty, and not ``force``.
    """
    out_dir = Path(out_dir)
    files = build_outputs(result, **options)
    files[MANIFEST] = json.dumps({"quiz_id": result.quiz.quiz_id, "students": len(result.students),
                                  "problems": len(result.problems), "files": sorted(files)}, indent=2) + "\n"
    exists = out_dir.exists()
    if exists and (not out_dir.is_dir() or any(out_dir.iterdir())):
        if not force:
            raise OutputExistsError(out_dir)
        if not out_dir.is_dir():
            raise NotADirectoryError(f"{out_dir} exists and is not a folder")
        _update_folder(out_dir, files)
    else:
        _new_folder(out_dir, files)
    roles = {"gradebook": "gradebook.csv", "item_analysis": "item-analysis.csv", "distractors": "distractors.csv",
             "problems": "problems.csv", "report": "report.html", "manifest": MANIFEST}
    written = {role: out_dir / name for role, name in roles.items()}
    if any(name.startswith("feedback/") for name in files):
        written["feedback"] = out_dir / "feedback"
    return written


def _new_folder(out_dir: Path, files: dict[str, str | bytes]) -> None:
    """Assemble the folder under a temporary name beside ``out_dir``, then rename it into place."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.", suffix=".tmp"))
    try:
        folders: set[Path] = set()
        for name, content in files.items():
            target = staging / name
            if not name.startswith("feedback/"):
                write_atomic(target, content)
                continue
            # one file per student: nobody can see the staging folder until the rename below, which
            # makes the whole set appear at once, so a plain write is as safe here and ~10x cheaper
            # than a temporary file and a rename per student
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                with open(target, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(content)
        if out_dir.exists():  # an empty folder: replace it
            out_dir.rmdir()
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _update_folder(out_dir: Path, files: dict[str, str | bytes]) -> None:
    """Overwrite file by file (each atomically); drop files only a previous run's manifest lists."""
    previous: list[str] = []
    try:
        previous = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        previous = []
    for name, content in files.items():
        if name != MANIFEST:
            write_atomic(out_dir / name, content, force=True)
    root = out_dir.resolve()
    for name in previous:
        if not isinstance(name, str) or name in files:
            continue
        stale = (out_dir / name).resolve()
        if stale.parent.is_relative_to(root) and stale != root and stale.is_file():
            stale.unlink()
    write_atomic(out_dir / MANIFEST, files[MANIFEST], force=True)
