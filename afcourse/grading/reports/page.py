"""report.html: what an instructor reads after grading a class."""

from __future__ import annotations

from afcourse.grading.reports.answers import key_text
from afcourse.grading.reports.plots import (
    LABEL_ALL_ITEMS,
    facility_discrimination_svg,
    measured,
    score_histogram_svg,
)
from afcourse.grading.outcomes import OUTCOMES_CSS, outcomes, outcomes_html
from afcourse.grading.reports.text import esc, fixed

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
.plots svg{display:block;width:100%;height:auto}figcaption{font-size:.85rem;color:var(--muted);padding:.2rem .4rem}
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
.few{color:var(--muted);font-style:italic;white-space:nowrap}tr.too_few td{color:var(--muted)}
dl.defs dt{font-weight:600}dl.defs dd{margin:0 0 .5rem 1rem;color:var(--muted)}
"""

_SOFT_FLAGS = {"low_discrimination", "unused_distractor"}
"""The scatter plot names every item up to this many, else only the flagged ones."""
_FLAG_LABEL = {"negative_discrimination": "negative discrimination", "low_discrimination": "low discrimination",
               "unused_distractor": "unused distractor", "distractor_beats_key": "distractor beats key"}

MAX_STUDENT_ROWS = 1000
"""report.html lists at most this many students, lowest scores first; gradebook.csv lists them all."""
MAX_PROBLEM_ROWS = 500
"""report.html lists at most this many problems; problems.csv always lists them all."""



def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _bank_item(item) -> str:
    return f" (bank item {esc(item.bank_item)})" if item.bank_item else ""


def _flag_badges(item) -> str:
    if item.state == "too_few":
        return '<span class="few" title="too few answers to judge this item">too few answers</span>'
    if not item.flags:
        return '<span class="ok">ok</span>'
    return "".join(f'<span class="flag{" soft" if code in _SOFT_FLAGS else ""}" title="{esc(text)}">'
                   f"{esc(_FLAG_LABEL.get(code, code))}</span>" for code, text in item.flags)


def _pooled(item, slots: dict) -> str:
    """For an item too few students saw: its slot's figures, pooled over the slot's items and the whole class."""
    slot = slots.get(item.slot)
    if item.state != "too_few" or slot is None or len(slot.items) < 2:
        return ""
    return (f'<div class="few">slot Q{slot.number}, pooled: {_pct(slot.facility)} (n {slot.n}), r<sub>corr</sub> '
            f"{fixed(slot.corrected_item_total)}</div>")


def _student_table(result) -> str:
    """Every student: variant, score and flags; roster students who handed nothing in at the end."""
    ranked = sorted(result.students, key=lambda st: st.percent)
    shown = ranked[:MAX_STUDENT_ROWS]
    note = (f"<p>The {len(shown)} lowest scores of {len(ranked)}; every student is in <code>gradebook.csv</code>.</p>"
            if len(shown) < len(ranked) else "")
    rows = ['<h2 id="students">Students</h2>', note, '<table class="students"><thead><tr><th>student</th>'
            '<th>name</th><th>variant</th><th title="points">score</th><th>%</th><th>flags</th></tr></thead><tbody>']
    for st in shown:
        rows.append(f"<tr><td>{esc(st.student_id)}</td><td>{esc(st.name or '')}</td><td>{esc(st.variant_id)}</td>"
                    f'<td class="num">{fixed(st.points, 2)} / {fixed(st.max_points, 2)}</td>'
                    f'<td class="num">{st.percent:.1f}</td><td>{esc("; ".join(st.flags))}</td></tr>')
    for entry in result.missing:
        rows.append(f'<tr class="too_few"><td>{esc(entry.id)}</td><td>{esc(entry.name)}</td>'
                    f"<td>{esc(entry.variant_id)}</td><td class=\"num\">–</td><td class=\"num\">–</td>"
                    "<td>no submission</td></tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


def _decisions_html(result) -> str:
    """The instructor's decisions and the lateness policy, as applied (reproducible from decisions.yaml)."""
    decisions, policy = getattr(result, "decisions", []), getattr(result, "policy", {})
    if not decisions and not policy:
        return ""
    rows = [f"<li>{esc(d.describe())}</li>" for d in decisions]
    if policy:
        penalty = policy.get("late_penalty") or 0
        rows.append(f"<li>Deadline {esc(policy['deadline'])}: later submissions flagged late"
                    + (f", {penalty:g}% of the mark off per started day" if penalty else ", no penalty") + "</li>")
    return ('<h2 id="decisions">Decisions applied</h2><ul class="notes">' + "".join(rows) + "</ul>"
            '<p class="sub">Recorded in <code>decisions.yaml</code>: <code>afcourse grade ... --decisions '
            "decisions.yaml</code> applies them again.</p>")


def report_html(result, plots: bool = True) -> str:
    """The instructor's report: summary, problems, plots, item table and option counts."""
    from afcourse.grading.analysis import ALPHA_MIN_STUDENTS, FEW_ANSWERS, FEW_STUDENTS

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
           f"<title>Grading report: {esc(quiz.title)}</title><style>{_REPORT_CSS}{OUTCOMES_CSS}</style></head><body>",
           f"<h1>Grading report: {esc(quiz.title)}</h1>",
           f'<p class="sub">Quiz <code>{esc(quiz.quiz_id)}</code> · {len(quiz.variants)} variant(s) · '
           f"{len(items)} item(s) · scoring: multiple select {esc(quiz.scoring.multiple_select)}, ordering "
           f"{esc(quiz.scoring.ordering)}, matching {esc(quiz.scoring.matching)}</p>"]

    def card(value: str, label: str) -> str:
        return f'<div class="card"><b>{value}</b><span>{esc(label)}</span></div>'

    alpha_label = ("reliability, Cronbach's α over the questions" if summary.alpha is not None or
                   summary.n >= ALPHA_MIN_STUDENTS else f"Cronbach's α: needs {ALPHA_MIN_STUDENTS}+ students")
    out.append('<div class="cards">' + "".join([
        card(str(summary.n), "students graded"),
        card(fixed(summary.mean, 1) + ("%" if summary.mean is not None else ""), "mean score"),
        card(fixed(summary.median, 1) + ("%" if summary.median is not None else ""), "median score"),
        card(fixed(summary.sd, 1), "std. deviation (% points)"),
        card(fixed(summary.alpha, 2), alpha_label),
        card(f"{len(flagged)} of {len(items)}", "items flagged"),
        card(f'<a href="#problems">{len(problems)}</a>', "input problem(s)"),
    ]) + "</div>")
    out.append(outcomes_html(outcomes(result), esc))
    out.append(_decisions_html(result))
    if by_flag:
        out.append('<p class="sub">Flags: ' + ", ".join(f"{esc(_FLAG_LABEL.get(code, code))} {count}"
                                                        for code, count in sorted(by_flag.items())) + ".</p>")
    if problems:
        out.append('<p class="note">Input problems: ' + ", ".join(
            f"{esc(kind.replace('_', ' '))} {count}" for kind, count in sorted(kinds.items()))
            + ' (<a href="#problems">details</a>; every one is in <code>problems.csv</code>).</p>')
    if 0 < summary.n < FEW_STUDENTS:
        out.append(f'<p class="note">Only {summary.n} student{"" if summary.n == 1 else "s"}: item statistics are '
                   'shown but are unreliable '
                   f"below about {FEW_STUDENTS}.</p>")
    unjudged = sum(1 for it in items if it.n < FEW_ANSWERS)
    if unjudged:
        out.append(f'<p class="note">{unjudged} of {len(items)} item(s) were answered by fewer than {FEW_ANSWERS} '
                   "students (each variant's items are seen only by its students): they are not flagged.</p>")

    if plots and summary.n:
        out += ['<h2>Scores and items at a glance</h2><div class="plots">',
                f"<figure>{score_histogram_svg(summary.percents)}"
                "<figcaption>How the class scored. A pile-up at the right means the quiz was easy for this class; "
                "a long left tail shows who may need help.</figcaption></figure>",
                f"<figure>{facility_discrimination_svg(items)}<figcaption>Each dot is an item (click one for its "
                "details). Items that separate "
                "strong from weak students sit above the dashed line (r = 0.2); red ones (negative discrimination, "
                "or a distractor chosen more than the key) need a look, orange ones have a milder flag."
                + ("" if len(measured(items)) <= LABEL_ALL_ITEMS else " Only flagged items are labelled.")
                + "</figcaption></figure></div>"]

    out.append('<h2 id="questions">Questions as students saw them</h2>')
    out.append('<p class="sub">Each question number is a slot: every student answered one of its interchangeable '
               "items (labelled a, b, c... below). These figures take the slot as a whole, over every student.</p>")
    out.append('<table class="slots"><thead><tr><th>#</th><th>type</th><th>items</th><th>n</th>'
               '<th title="share of points earned">facility</th><th title="corrected item-total r">r<sub>corr</sub>'
               "</th></tr></thead><tbody>")
    for slot in summary.slots:
        r_class = "num neg" if slot.corrected_item_total is not None and slot.corrected_item_total < 0 else "num"
        links = ", ".join(f'<a href="#{label}">{label}</a>' for label in slot.items)
        out.append(f"<tr><td>{slot.label}</td><td>{esc(slot.type.replace('_', ' '))}</td><td>{links}</td>"
                   f'<td class="num">{slot.n}</td><td class="num">{_pct(slot.facility)}</td>'
                   f'<td class="{r_class}">{fixed(slot.corrected_item_total)}</td></tr>')
    out.append("</tbody></table>")

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
    slot_by_number = {slot.number: slot for slot in summary.slots}
    for it in items:
        def cell(value, digits=2):
            cls = "num neg" if value is not None and value < 0 else "num"
            return f'<td class="{cls}">{fixed(value, digits)}</td>'

        out.append(f'<tr class="{it.state}"><td><a href="#{it.label}">{it.label}</a></td><td class="stem">{esc(it.stem)}</td>'
                   f"<td>{esc(it.type.replace('_', ' '))}</td><td class=\"num\">{it.n}</td>"
                   f'<td class="num">{_pct(it.facility)}</td>{cell(it.point_biserial)}'
                   f"{cell(it.corrected_item_total)}{cell(it.upper_lower)}"
                   f'<td class="num">{fixed(it.key_difficulty)}</td><td>{_flag_badges(it)}'
                   + _pooled(it, slot_by_number) + "</td></tr>")
    out.append("</tbody></table>")

    out.append("<h2>Answers chosen, item by item</h2>")
    keys = result.keys
    questions = result.questions
    for it in items:
        out.append(f'<div class="item" id="{it.label}"><h3>{it.label}. {esc(it.stem)}</h3>'
                   f'<div class="meta">{esc(it.item_id)}{_bank_item(it)} · {esc(it.type.replace("_", " "))} · {it.n} student(s) · '
                   f"facility {_pct(it.facility)} · right {_pct(it.p_correct)}, partly {_pct(it.p_partial)}, "
                   f"unanswered {_pct(it.p_unanswered)} · corrected r {fixed(it.corrected_item_total)}</div>")
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

    out.append(_student_table(result))

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
