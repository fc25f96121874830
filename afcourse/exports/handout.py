"""Printable handouts: a student copy per variant, and one answer key, as HTML or Markdown.

A student copy holds the quiz title, the quiz and variant ids, the student's name and id when a
roster is given (one labelled copy per student), and each question numbered by its slot, with its
options lettered as the variant orders them. It holds **no key**: no answer, explanation,
citation, item id, seed or salt.

The answer key, for the instructor, gives for each variant the answer to each question number
(letters as on that variant's copy) with the item id, then every item once with its full answer,
explanation and citations.

HTML is produced by Jinja2 with autoescaping on, so every text is escaped; Markdown escapes every
character that Markdown could read as markup.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Iterable, Mapping

from afcourse.exports.common import (Entry, ExportError, choice_text, citation_text, correct_answer, num, pool,
                                      safe_name)
from afcourse.bank.models import ChoiceKey, MatchKey, MultiKey, NumericKey, OrderKey, Question, TextKey
from afcourse.quiz.models import KeyFile, QuizFile, RosterFile

STUDENT = "student-{}"
KEY = "answer-key"


@dataclass(frozen=True)
class Label:
    """Who a paper copy is for (from the roster)."""

    student_id: str
    name: str
    section: str


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letter(index // 26 - 1) + letters[index % 26]


INSTRUCTIONS = {
    "single_choice": "Choose one answer.",
    "true_false": "Choose True or False.",
    "multiple_select": "Choose every answer that applies.",
    "short_answer": "Write your answer.",
    "ordering": "Number them from 1 (first) to {n} (last).",
    "matching": "Write beside each item the letter of its match.",
}


def instruction(q: Question) -> str:
    """What the student is to do, and the points when a question is not worth one."""
    if q.type == "numeric":
        text = "Write a year." if q.unit == "year" else "Write a number" + (f" ({q.unit})." if q.unit else ".")
    else:
        text = INSTRUCTIONS[q.type].format(n=len(q.choices))
    return text if q.points == 1 else f"{text} ({num(q.points)} points)"


@dataclass(frozen=True)
class KeyRow:
    number: int
    answer: str
    item_id: str


def short_key(q: Question, key) -> str:
    """The answer to question ``q`` as written on that variant's copy (letters for options)."""
    letters = {c.id: letter(i) for i, c in enumerate(q.choices)}
    if isinstance(key, ChoiceKey):
        return f"{letters[key.correct]} ({choice_text(q, key.correct)})"
    if isinstance(key, MultiKey):
        return ", ".join(letters[c.id] for c in q.choices if c.id in key.correct)
    if isinstance(key, TextKey):
        return " / ".join(a for a in key.accepted if a.strip())
    if isinstance(key, NumericKey):
        return num(key.value) + (f" ± {num(key.tolerance)}" if key.tolerance else "")
    if isinstance(key, OrderKey):
        return "first to last: " + ", ".join(letters[c] for c in key.order)
    if isinstance(key, MatchKey):
        return ", ".join(f"{i}→{letters[key.pairs[p.id]]}" for i, p in enumerate(q.prompts, 1))
    raise ExportError(f"{q.id}: unknown key {key!r}")  # pragma: no cover


def render(fmt: str, quiz: QuizFile, key: KeyFile | None, sources: Mapping[str, str] | None = None,
           variants: Iterable[str] | None = None, roster: RosterFile | None = None) -> dict[str, str]:
    """File name -> text: a student copy per chosen variant (or per rostered student), and ``answer-key``.

    With ``roster``, each student gets ``student-<student id>`` of their variant, labelled with their
    name and id; ``variants`` then keeps the students of those variants.
    """
    chosen = list(quiz.variants)
    if variants is not None:
        wanted = list(dict.fromkeys(variants))
        known = {v.variant_id for v in quiz.variants}
        unknown = [v for v in wanted if v not in known]
        if unknown:
            raise ExportError(f"no variant {', '.join(map(repr, unknown))} in quiz {quiz.quiz_id!r} "
                              f"(it has {', '.join(sorted(known)[:5])}{'...' if len(known) > 5 else ''})")
        chosen = [v for v in quiz.variants if v.variant_id in wanted]
    ext = ".html" if fmt == "html" else ".md"
    by_id = {v.variant_id: v for v in chosen}
    if roster is not None:
        copies = [(s.id, by_id[s.variant_id], Label(s.id, s.name, s.section))
                  for s in roster.students if s.variant_id in by_id]
    else:
        copies = [(v.variant_id, v, None) for v in chosen]
    files: dict[str, str] = {}
    writer = _html_student if fmt == "html" else _md_student
    for stem, variant, label in copies:
        name = STUDENT.format(safe_name(stem)) + ext
        if name in files:
            raise ExportError(f"{stem!r} and another copy give the same file name {name}")
        files[name] = writer(quiz, variant, label)
    if key is not None:
        entries = pool(quiz.model_copy(update={"variants": chosen}), key)
        by_qid = {e.id: e for e in entries}
        tables = [(v.variant_id, [KeyRow(i, short_key(q, by_qid[q.id].answer.key), q.id)
                                  for i, q in enumerate(v.questions, 1)]) for v in chosen]
        files[KEY + ext] = (_html_key if fmt == "html" else _md_key)(quiz, key.seed, entries, tables, sources)
    return files


# ---------------------------------------------------------------- HTML

CSS = """
@page { size: A4; margin: 18mm 16mm;
        @top-right { font: 8pt "DejaVu Sans", sans-serif; color: #444; }
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt "DejaVu Sans", sans-serif;
                        color: #444; } }
* { box-sizing: border-box; }
body { font-family: "DejaVu Serif", Georgia, "Times New Roman", serif; font-size: 11.5pt; line-height: 1.45;
       color: #111; max-width: 46rem; margin: 2rem auto; padding: 0 1.2rem; }
header { border-bottom: 2px solid #111; padding-bottom: .6rem; margin-bottom: 1.2rem; }
h1 { font-size: 1.45rem; margin: 0 0 .3rem; line-height: 1.25; }
.meta { margin: .2rem 0; font-size: .95rem; }
.variant-id { font-family: "DejaVu Sans Mono", monospace; font-weight: bold; border: 1.5px solid #111;
              padding: .05rem .4rem; border-radius: 3px; }
.fields { display: flex; gap: 2rem; margin: .9rem 0 .2rem; }
.fields span { flex: 1; border-bottom: 1px solid #111; padding-bottom: .15rem; }
.fields span.narrow { flex: .6; }
ol.questions { list-style: none; padding: 0; margin: 0; }
li.question { break-inside: avoid; page-break-inside: avoid; margin: 0 0 1.15rem; padding-left: 2.2rem;
              position: relative; }
.qnum { position: absolute; left: 0; top: 0; font-weight: bold; }
.stem { margin: 0 0 .15rem; font-weight: 600; }
.how { margin: 0 0 .35rem; font-style: italic; font-size: .92rem; color: #333; }
ol.options, ol.elements { list-style: none; padding: 0; margin: 0; }
ol.options li, ol.elements li { display: flex; align-items: baseline; gap: .55rem; margin: .18rem 0; }
.box { flex: none; display: inline-block; width: .95rem; height: .95rem; border: 1.3px solid #111;
       position: relative; top: .12rem; }
.box.round { border-radius: 50%; }
.box.wide { width: 2.2rem; height: 1.3rem; top: .3rem; }
.tag { font-weight: bold; min-width: 1.4rem; }
.answer-line { border-bottom: 1px solid #111; height: 1.8rem; width: 70%; }
.answer-line.short { width: 10rem; display: inline-block; }
.unit { margin-left: .4rem; }
.matching { display: grid; grid-template-columns: 3fr 2fr; gap: 1.4rem; }
.matching h4 { font-size: .85rem; text-transform: uppercase; letter-spacing: .04em; margin: 0 0 .2rem; color: #333; }
footer { margin-top: 2rem; border-top: 1px solid #999; padding-top: .4rem; font-size: .85rem; color: #444; }
.warning { border: 2px solid #a00; color: #a00; padding: .4rem .6rem; font-weight: bold; }
body.answer-key { max-width: 72rem; }
.variants { display: grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap: 1rem 1.6rem; }
.variants section { break-inside: avoid; }
.variants h3 { margin: .4rem 0 .2rem; font-size: 1.02rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid #ccc; padding: .12rem .35rem; text-align: left; vertical-align: top; }
td.id, .item-id { font-family: "DejaVu Sans Mono", monospace; font-size: .78rem; color: #333; overflow-wrap: anywhere; }
article.item { break-inside: avoid; border-top: 1px solid #ccc; padding: .5rem 0; }
article.item h3 { font-size: .95rem; margin: 0 0 .2rem; }
.cite { font-size: .9rem; color: #333; }
@media print { body { margin: 0; max-width: none; padding: 0; } .variants section { page-break-inside: avoid; }
               /* the page's own margin boxes carry the title, ids and page number: an in-flow footer
                  could only spill onto a page of its own */
               body.student-copy > footer { display: none; } }
"""

STUDENT_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ quiz.title }} (variant {{ variant.variant_id }})</title>
<style>{{ css|safe }}
@page { @top-right { content: {{ css_string(quiz.title ~ " · quiz " ~ quiz.quiz_id ~ " · variant " ~ variant.variant_id ~ ((" · " ~ label.student_id) if label else ""))|safe }}; } }</style>
</head>
<body class="student-copy">
<header>
<h1>{{ quiz.title }}</h1>
<p class="meta">Variant <span class="variant-id">{{ variant.variant_id }}</span>
 · {{ variant.questions|length }} question{{ "" if variant.questions|length == 1 else "s" }}
 · {{ points }} point{{ "" if points == "1" else "s" }} · quiz <span class="quiz-id">{{ quiz.quiz_id }}</span></p>
{%- if label %}
<div class="fields labelled"><span>Name: <strong class="student-name">{{ label.name }}</strong></span><span class="narrow">Student ID: <strong class="student-id">{{ label.student_id }}</strong></span>{% if label.section %}<span class="narrow">Section: {{ label.section }}</span>{% endif %}</div>
{%- else %}
<div class="fields"><span>Name:</span><span class="narrow">Student ID:</span></div>
{%- endif %}
<p class="meta">Answer on this sheet. Write the variant id <strong>{{ variant.variant_id }}</strong>
 on anything you hand in separately.</p>
</header>
<ol class="questions">
{%- for q in variant.questions %}
<li class="question" data-type="{{ q.type }}">
<span class="qnum">{{ loop.index }}.</span>
<p class="stem">{{ q.stem }}</p>
<p class="how">{{ instruction(q) }}</p>
{%- if q.type in ("single_choice", "true_false", "multiple_select") %}
<ol class="options">
{%- for c in q.choices %}
<li><span class="box{{ ' round' if q.type != 'multiple_select' else '' }}"></span><span class="tag">{{ letter(loop.index0) }}.</span><span class="option">{{ c.text }}</span></li>
{%- endfor %}
</ol>
{%- elif q.type == "short_answer" %}
<div class="answer-line"></div>
{%- elif q.type == "numeric" %}
<p><span class="answer-line short"></span>{% if q.unit and q.unit != "year" %}<span class="unit">{{ q.unit }}</span>{% endif %}</p>
{%- elif q.type == "ordering" %}
<ol class="elements">
{%- for c in q.choices %}
<li><span class="box wide"></span><span class="tag">{{ letter(loop.index0) }}.</span><span class="option">{{ c.text }}</span></li>
{%- endfor %}
</ol>
{%- elif q.type == "matching" %}
<div class="matching">
<div><h4>Items</h4><ol class="elements">
{%- for p in q.prompts %}
<li><span class="box wide"></span><span class="tag">{{ loop.index }}.</span><span class="prompt">{{ p.text }}</span></li>
{%- endfor %}
</ol></div>
<div><h4>Matches</h4><ol class="options">
{%- for c in q.choices %}
<li><span class="tag">{{ letter(loop.index0) }}.</span><span class="option">{{ c.text }}</span></li>
{%- endfor %}
</ol></div>
</div>
{%- endif %}
</li>
{%- endfor %}
</ol>
<footer>{{ quiz.title }} · quiz {{ quiz.quiz_id }} · variant {{ variant.variant_id }}{% if label %} · {{ label.student_id }}{% endif %}</footer>
</body>
</html>
"""

KEY_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Answer key: {{ quiz.title }}</title>
<style>{{ css|safe }}</style>
</head>
<body class="answer-key">
<header>
<h1>Answer key: {{ quiz.title }}</h1>
<p class="warning">Instructor copy: it holds every answer. Do not hand it out.</p>
<p class="meta">Quiz <span class="item-id">{{ quiz.quiz_id }}</span> · seed {{ seed }}
 · {{ tables|length }} variant{{ "" if tables|length == 1 else "s" }} · {{ entries|length }} distinct items</p>
</header>
<h2>Answers by variant</h2>
<p class="meta">Letters are as printed on that variant's copy. The item id matches grades back to the item.</p>
<div class="variants">
{%- for variant_id, rows in tables %}
<section class="variant" id="variant-{{ variant_id }}">
<h3>Variant {{ variant_id }}</h3>
<table><thead><tr><th>#</th><th>Answer</th><th>Item</th></tr></thead><tbody>
{%- for row in rows %}
<tr><td>{{ row.number }}</td><td>{{ row.answer }}</td><td class="id"><a href="#item-{{ row.item_id }}">{{ row.item_id }}</a></td></tr>
{%- endfor %}
</tbody></table>
</section>
{%- endfor %}
</div>
<h2>Items: answers, explanations and sources</h2>
{%- for e in entries %}
<article class="item" id="item-{{ e.id }}">
<h3 class="item-id">{{ e.id }}</h3>
<p class="stem">{{ e.question.stem }}</p>
<p class="answer"><strong>Answer:</strong> {{ correct_answer(e) }}</p>
{%- if e.answer.explanation %}
<p class="explanation">{{ e.answer.explanation }}</p>
{%- endif %}
<p class="cite">{{ citation_text(e, sources) }}</p>
</article>
{%- endfor %}
</body>
</html>
"""

_CSS_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_:;!?()")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: anything but letters, digits and plain punctuation hex-escaped."""
    return '"' + "".join(ch if ch in _CSS_SAFE else f"\\{ord(ch):x} " for ch in " ".join(text.split())) + '"'


_templates: dict = {}


def _template(source: str):
    """The compiled Jinja2 template (autoescaping on), compiled once per process."""
    if source not in _templates:
        import jinja2

        env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        env.globals.update(letter=letter, instruction=instruction, correct_answer=correct_answer,
                           citation_text=citation_text, css_string=css_string)
        _templates[source] = env.from_string(source)
    return _templates[source]


def _points(questions) -> str:
    return num(sum(q.points for q in questions))


def _html_student(quiz: QuizFile, variant, label: Label | None = None) -> str:
    return _template(STUDENT_TEMPLATE).render(quiz=quiz, variant=variant, css=CSS, points=_points(variant.questions),
                                              label=label)


def _html_key(quiz: QuizFile, seed: str, entries: list[Entry], tables, sources) -> str:
    return _template(KEY_TEMPLATE).render(quiz=quiz, seed=seed, entries=entries, tables=tables, css=CSS,
                                          sources=sources or {})


# ---------------------------------------------------------------- Markdown

_MD_INLINE = re.compile(r"([\\`*_\[\]<>&~$|#{}])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def md(text: str) -> str:
    """Text as Markdown that renders to exactly that text.

    Whitespace is folded to single spaces (so the text never starts a block by itself); every
    character that can start inline markup is backslashed, and so is a leading list marker
    (``-``, ``+``, ``1.``, ``1)``) or ``=`` in case the text opens a line.
    """
    text = _MD_INLINE.sub(r"\\\1", " ".join(str(text).split()))
    return _MD_LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def _md_student(quiz: QuizFile, variant, label: Label | None = None) -> str:
    n = len(variant.questions)
    who = (f"Name: **{md(label.name)}** · Student ID: **{md(label.student_id)}**"
           + (f" · Section: {md(label.section)}" if label.section else "")) if label else (
        "Name: \\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_ "
        "Student ID: \\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_")
    lines = [f"# {md(quiz.title)}", "",
             f"Variant **{md(variant.variant_id)}** · {n} question{'' if n == 1 else 's'} · "
             f"{_points(variant.questions)} points · quiz {md(quiz.quiz_id)}", "",
             who, "",
             f"Answer on this sheet. Write the variant id **{md(variant.variant_id)}** on anything you hand in "
             "separately.", "", "---", ""]
    for i, q in enumerate(variant.questions, 1):
        lines += [f"**{i}\\.** {md(q.stem)}", "", f"*{md(instruction(q))}*", ""]
        if q.type in ("single_choice", "true_false", "multiple_select"):
            box = "☐" if q.type == "multiple_select" else "◯"
            lines += [f"- {box} **{letter(j)}\\.** {md(c.text)}" for j, c in enumerate(q.choices)]
        elif q.type == "short_answer":
            lines.append("Answer: " + "\\_" * 30)
        elif q.type == "numeric":
            unit = f" {md(q.unit)}" if q.unit and q.unit != "year" else ""
            lines.append("Answer: " + "\\_" * 12 + unit)
        elif q.type == "ordering":
            lines += [f"- \\_\\_\\_\\_ **{letter(j)}\\.** {md(c.text)}" for j, c in enumerate(q.choices)]
        elif q.type == "matching":
            lines += ["Items:", ""]
            lines += [f"- \\_\\_\\_\\_ **{j}\\.** {md(p.text)}" for j, p in enumerate(q.prompts, 1)]
            lines += ["", "Matches:", ""]
            lines += [f"- **{letter(j)}\\.** {md(c.text)}" for j, c in enumerate(q.choices)]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_key(quiz: QuizFile, seed: str, entries: list[Entry], tables, sources) -> str:
    lines = [f"# Answer key: {md(quiz.title)}", "",
             "**Instructor copy: it holds every answer. Do not hand it out.**", "",
             f"Quiz `{quiz.quiz_id.replace('`', '')}` · seed {md(seed)} · {len(tables)} variant(s) · "
             f"{len(entries)} distinct items", "", "## Answers by variant", "",
             "Letters are as printed on that variant's copy. The item id matches grades back to the item.", ""]
    for variant_id, rows in tables:
        lines += [f"### Variant {md(variant_id)}", "", "| \\# | Answer | Item |", "| --- | --- | --- |"]
        lines += [f"| {row.number} | {md(row.answer)} | {md(row.item_id)} |" for row in rows]
        lines.append("")
    lines += ["## Items: answers, explanations and sources", ""]
    for e in entries:
        lines += [f"### {md(e.id)}", "", md(e.question.stem), "", f"**Answer:** {md(correct_answer(e))}", ""]
        if e.answer.explanation.strip():
            lines += [md(e.answer.explanation), ""]
        cite = citation_text(e, sources)
        if cite:
            lines += [f"*{md(cite)}*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
