"""The static page's JavaScript grades exactly as afcourse.quiz.scoring does: same cases, run in Chromium."""

from __future__ import annotations

import json
import random

import pytest
from test_quizui_support import load_test_quiz

from afcourse.quiz.models import ScoringRules
from afcourse.quizui.static import asset
from afcourse.common.text import normalise
from afcourse.quiz.scoring import score

@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_content("<!doctype html><html><body></body></html>")
    pg.add_script_tag(content=asset("quiz.js"))
    yield pg
    context.close()
    assert errors == []


RULES = [ScoringRules(), ScoringRules(multiple_select="all_or_nothing", ordering="all_or_nothing",
                                      matching="all_or_nothing", fuzzy_threshold=70),
         ScoringRules(multiple_select="options")]


def cases():
    """(question, key, response) triples covering every rule, edge and invalid input."""
    quiz, key = load_test_quiz()
    questions = {q.type: q for q in quiz.variants[0].questions}
    keys = {k.id: k.key for k in key.keys}
    text_key = keys[questions["short_answer"].id]
    out = []

    def add(kind, *responses, question=None, k=None):
        q = question or questions[kind]
        for r in responses:
            out.append((q, k or keys[q.id], r))

    unanswered = [None, "", [], {}]
    add("single_choice", "c90a6d53", "cfb54e90", "nope", 3, ["c90a6d53"], *unanswered)
    add("true_false", "cfcbcf16", "cb5bea41", True)
    add("multiple_select", ["c90a6d53", "c0b77881", "c1d5a04f"], ["c90a6d53"], ["c90a6d53", "c5c86f5a"],
        ["c5c86f5a", "c1c438aa"], ["c90a6d53", "c90a6d53"], ["c90a6d53", "zz"], "c90a6d53", [1, 2], *unanswered)
    add("short_answer", "Echo", "echo", "ECHO.", "  the Echo ", "Edward Echo", "Edward Ecko", "Ecko", "Eddie Echo",
        "Edvard Echo", "Ｅｃｈｏ", "Écho", "E-c-h-o", "Echo\u00a0", "Ech", "Dmitry Delta", 42, ["Echo"], *unanswered)
    add("short_answer", "Straße", "STRASSE", "strase", "Strasse!", "Ströße",
        question=questions["short_answer"], k=text_key.model_copy(update={"accepted": ["Strasse"]}))
    add("short_answer", "Edward Ecko", "Echo", "Echo Edward", k=text_key.model_copy(update={"fuzzy": False}))
    add("short_answer", "Echo Edward", "echo, edward", "Echo Edward Edward", "Edward  Echo",
        k=text_key.model_copy(update={"accepted": ["Edward Echo", "Echo"]}))  # names: parts in another order
    add("short_answer", "An Echo", "a echo", "The  Echo", "Anecho", "the", k=text_key.model_copy(update={"accepted": ["Echo"]}))
    add("numeric", "2019", "2,019", "2.019", " 2019.0 ", "2019,0", "2019.4", "2e3", "2_019", "2__019", "_2019", "abc",
        "inf", "-Infinity", "nan", "\u0662\u0660\u0661\u0669", "+2019", "2019.", ".5", "1e400", "0x7E3", "20 19",
        "2 019", "2019 year", "2019 years", "2019%", "   ", "eighteen seventy-seven", 2019, 2019.0, 2018.5,
        True, False, ["2019"], *unanswered)
    numeric_q = questions["numeric"]
    add("numeric", "2019.4", "2019.6", "2018.5", "2,018.5", question=numeric_q,
        k=keys[numeric_q.id].model_copy(update={"tolerance": 0.5}))
    add("ordering", ["c8f4f54c", "c8d659d9", "c62871df", "cb220c6f"], ["cb220c6f", "c62871df", "c8d659d9", "c8f4f54c"],
        ["c8f4f54c", "cb220c6f", "c62871df", "c8d659d9"], ["c8d659d9", "c8f4f54c", "c62871df", "cb220c6f"],
        ["c8f4f54c", "c8d659d9", "c62871df"], ["c8f4f54c", "c8f4f54c", "c62871df", "cb220c6f"],
        ["c8f4f54c", "c8d659d9", "c62871df", "xx"], "c8f4f54c", *unanswered)
    add("matching", {"c702d1db": "cd13c24e", "cd8617d1": "c5dbbd40"}, {"c702d1db": "cd13c24e"},
        {"c702d1db": "c5dbbd40", "cd8617d1": "cd13c24e"}, {"c702d1db": "cd13c24e", "cd8617d1": "cd13c24e"},
        {"zz": "cd13c24e"}, {"c702d1db": 5}, ["c702d1db"], "x", *unanswered)
    # partial credit on questions worth more than one point
    heavy = {t: q.model_copy(update={"points": 3.0}) for t, q in questions.items()}
    add("ordering", ["c8f4f54c", "cb220c6f", "c62871df", "c8d659d9"], ["c8d659d9", "c8f4f54c", "c62871df", "cb220c6f"],
        question=heavy["ordering"])
    add("multiple_select", ["c90a6d53"], ["c90a6d53", "c0b77881", "c5c86f5a"], question=heavy["multiple_select"])
    add("matching", {"c702d1db": "cd13c24e"}, question=heavy["matching"])
    return out


def js_scores(page, triples, rules: ScoringRules):
    payload = [[q.model_dump(mode="json"), k.model_dump(mode="json"), r] for q, k, r in triples]
    return page.evaluate("([cases, rules]) => cases.map(([q, k, r]) => window.afcourseQuiz.score(q, k, r, rules))",
                         [payload, rules.model_dump(mode="json")])


@pytest.mark.parametrize("rules", RULES, ids=["default-rules", "strict-rules", "options-rule"])
def test_scores_match_python(page, rules):
    triples = cases()
    results = js_scores(page, triples, rules)
    mismatches = []
    for (q, k, r), js in zip(triples, results):
        py = score(q, k, r, rules)
        if (js["status"], js["points"], js["detail"], js["max_points"]) != (py.status, py.points, py.detail, py.max_points):
            mismatches.append(f"{q.type} {r!r}: python {py.status} {py.points} {py.detail!r}; "
                              f"js {js['status']} {js['points']} {js['detail']!r}")
    assert not mismatches, "\n".join(mismatches)
    expected = {"correct", "partial", "incorrect", "unanswered", "invalid"}
    if rules.multiple_select == "all_or_nothing":
        expected.discard("partial")  # every partial-credit rule is all-or-nothing here
    assert {score(q, k, r, rules).status for q, k, r in triples} == expected


def random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = list("abcdeABCDE  .,-'_!?0123") + ["é", "Ö", "ß", "ñ", "ç", "Ł", "ﬁ", "Ω", "ς", "\u00a0", "\t", "\u0301",
                                                  "Я", "ж", "١", "Ⅻ", "½", "…", "’"]
    texts = ["The Echo", "an ant", "a", "the", "Ａｂｃ", "Đorđe Ćosić", "Šoigu", "Lavrov, Sergei", "São Paulo",
             "naïve café", "Œuvre", "İstanbul", "ǅemal", "\u1e9eTRASSE", "x\u200by", "tab\tsep", "ω\u0345"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(n)]
    return texts


def test_normalisation_matches_python(page):
    texts = random_texts(1, 300)
    js = page.evaluate("texts => texts.map(t => window.afcourseQuiz.normalise(t))", texts)
    mismatches = [(t, normalise(t), j) for t, j in zip(texts, js) if normalise(t) != j]
    assert not mismatches, mismatches[:10]


def test_similarity_ratio_matches_rapidfuzz(page):
    from rapidfuzz import fuzz

    texts = random_texts(2, 120)
    pairs = [(a, b) for a, b in zip(texts, reversed(texts))] + [
        ("echo", "ecko"), ("edward echo", "edward ecko"), ("lavrov", "lavrow"), ("", ""), ("abc", ""),
        ("kabulov", "kabulow"), ("zamir kabulov", "zamir kabuloff"), ("ß", "ss"), ("😀a", "a😀")]
    js = page.evaluate("pairs => pairs.map(([a, b]) => window.afcourseQuiz.ratio(a, b))", pairs)
    mismatches = [(a, b, fuzz.ratio(a, b), j) for (a, b), j in zip(pairs, js) if abs(fuzz.ratio(a, b) - j) > 1e-9]
    assert not mismatches, mismatches[:10]


def test_rounding_and_points_text_match_python(page):
    values = [0.125, 0.375, 0.03125, 0.09375, 1 / 3, 2 / 3, 0.5, 2.675, 1.005, 0.3333, 2.5, 10.0, 0.0, 7 / 6]
    js = page.evaluate("vs => vs.map(v => [window.afcourseQuiz.pyRound(v, 4), window.afcourseQuiz.pyRound(v, 2),"
                       " window.afcourseQuiz.fmtPoints(v)])", values)
    from afcourse.quizui.controller import fmt_points

    assert [[round(v, 4), round(v, 2), fmt_points(v)] for v in values] == js


def test_verdicts_match_the_widget(page):
    from afcourse.quizui.controller import verdict

    results = [{"status": s, "points": p, "max_points": m, "detail": d} for s, p, m, d in [
        ("correct", 1.0, 1.0, ""), ("partial", 0.6667, 1.0, ""), ("incorrect", 0.0, 2.0, ""),
        ("unanswered", 0.0, 1.0, ""), ("invalid", 0.0, 1.0, "expected a number"),
        ("invalid", 0.0, 1.0, "Type the answer in digits (for example 1877): \u201cx\u201d is not a number.")]]
    cases = [(r, answer) for r in results for answer in ("", "False", "1877 (anything from 1870 to 1880 counts)",
                                                         "A; B and C.")]
    js = page.evaluate("cs => cs.map(([r, a]) => window.afcourseQuiz.verdict(r, a))", cases)
    assert js == [verdict(r["status"], r["points"], r["max_points"], r["detail"], a) for r, a in cases]
    assert json.dumps(js)  # plain strings


def number_inputs(seed: int, n: int) -> list[str]:
    """What students type into a number box: the documented examples, then random strings of number-ish pieces."""
    from test_quiz_answers import EXAMPLES, REFUSED

    rng = random.Random(seed)
    pieces = ["1", "2", "0", "9", "5", "00", "123", "1877", ",", ".", " ", "-", "+", "%", "\u2212", "\u00a0", "\u202f",
              "e", "nan", "inf", "year", "years", "round", "rounds", "percent", "per cent", "\uff11", "\u06f1", "\t",
              "\u0662", "_", "x", "½", "\u2009", "'"]
    typed = [t for t, _, _ in EXAMPLES] + [t for t, _, _ in REFUSED] + ["", "   ", "1,5", "1,50", "1,500", "1.500",
                                                                       "12,345", "1,234,5", "0,5", "00,500"]
    typed += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 7))) for _ in range(n)]
    return typed


def test_numbers_are_read_as_in_python(page):
    from afcourse.quiz.answers import NumberEntryError, parse_number

    units = [None, "year", "rounds", "percent", "months", "laboratories", "countries"]
    cases = [(t, u) for t in number_inputs(3, 600) for u in units]
    js = page.evaluate("cs => cs.map(([t, u]) => window.afcourseQuiz.readNumber(t, u))", cases)
    mismatches = []
    for (typed, unit), got in zip(cases, js):
        try:
            want = {"value": parse_number(typed, unit)}
        except NumberEntryError as exc:
            want = {"error": str(exc)}
        if want != got:
            mismatches.append(f"{typed!r} ({unit}): python {want}, js {got}")
    assert not mismatches, "\n".join(mismatches[:15])
    assert sum("error" in g for g in js) > 100 and sum(g.get("value") is not None for g in js) > 100
