"""Handouts printed by Chromium to PDF: each page names the quiz and the student, no page is left empty.

The PDF is read back with pypdf, the way a print shop's software would see it: every page
carries the quiz id and the student's id in its header, and every page, the last one
included, holds a question (a footer alone on a last sheet was a bug a tryout found).
"""

from __future__ import annotations

import io
from functools import lru_cache

import pytest

from afcourse import load_facts
from afcourse.bank.generate import build_bank
from afcourse.common.text import normalise
from afcourse.exports import render
from afcourse.quiz.roster import assign_variants
from afcourse.quiz.sets import make_quiz_set

pypdf = pytest.importorskip("pypdf")


@lru_cache(maxsize=None)
def rostered_quiz(n: int):
    quiz, key = make_quiz_set(build_bank(load_facts()), chapters=["moscow-format", "taliban"], n=n, seed="print",
                              variants=3, salt="print", title="Midterm: the Moscow format")
    students = [{"id": f"s{i:03d}", "name": f"Student {i}", "section": "A", "lms_ids": {}} for i in range(3)]
    return quiz, key, assign_variants(students, quiz, key)


def first_words(text: str, count: int = 5) -> str:
    return " ".join(normalise(text).split()[:count])


FOOTER_SHOWN = "@media print { body.student-copy > footer { display: block !important; } }"


def pdf_pages(browser, html: str, extra_css: str | None = None) -> list[str]:
    page = browser.new_page()
    try:
        page.set_content(html, wait_until="load")
        if extra_css:
            page.add_style_tag(content=extra_css)
        pdf = page.pdf(prefer_css_page_size=True)
    finally:
        page.close()
    return [normalise(p.extract_text() or "") for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def empty_pages(texts: list[str], stems: list[str]) -> list[int]:
    return [number for number, text in enumerate(texts, 1) if not any(stem in text for stem in stems)]


@pytest.mark.parametrize("questions", [5, 15, 24])
def test_every_printed_page_names_quiz_and_student_and_holds_a_question(browser, questions):
    quiz, key, roster = rostered_quiz(questions)
    files = render("html", quiz, key, roster=roster)
    variants = {v.variant_id: v for v in quiz.variants}
    pages_seen = 0
    for student in roster.students:
        texts = pdf_pages(browser, files[f"student-{student.id}.html"])
        pages_seen += len(texts)
        stems = [first_words(q.stem) for q in variants[student.variant_id].questions]
        for number, text in enumerate(texts, 1):
            assert normalise(quiz.quiz_id) in text and student.id in text, f"page {number} header"
            assert any(stem in text for stem in stems), f"{student.id}: page {number} of {len(texts)} has no question"
        assert stems[-1] in texts[-1]  # the last question closes the copy
        assert all(stem in " ".join(texts) for stem in stems)  # nothing lost between pages
    if questions >= 15:
        assert pages_seen > len(roster.students)  # long copies do break across pages


def test_a_copy_whose_footer_would_fall_onto_a_page_of_its_own_prints_no_such_page(browser):
    """The edge case is made, not hoped for: the last question's bottom margin grows until the in-flow
    footer, shown again, is pushed onto a new last page that holds no question (the check sees it); with
    the handout's own print stylesheet, the same copy prints no page without a question."""
    base = load_facts()
    quiz, key = make_quiz_set(build_bank(base), chapters=list(base.chapters), n=12, seed="print", salt="print",
                              title="Midterm")
    html = render("html", quiz, key)["student-v001.html"]
    stems = [first_words(q.stem) for q in quiz.variants[0].questions]

    def printed(pad: int, footer_shown: bool) -> list[str]:
        css = f"@media print {{ li.question:last-of-type {{ margin-bottom: {pad}px !important; }} }}"
        return pdf_pages(browser, html, css + (FOOTER_SHOWN if footer_shown else ""))

    pages = len(printed(0, True))
    low, high = 0, 1200  # A4 is about 1100 px tall at 96 px per inch: some pad in between spills the footer
    assert len(printed(high, True)) > pages
    while high - low > 2:
        middle = (low + high) // 2
        low, high = (low, middle) if len(printed(middle, True)) > pages else (middle, high)
    spilled = printed(high, True)
    assert empty_pages(spilled, stems)[-1:] == [len(spilled)], "the footer did not end up alone"
    assert empty_pages(printed(high, False), stems) == []
