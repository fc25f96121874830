"""Printable handouts: student copies hold every question and no key; the answer key holds it all.

HTML is parsed with lxml.html; Markdown is rendered to HTML with markdown-it-py (CommonMark, with
tables) and parsed the same way, so both are checked as a reader would see them.
"""

import pytest
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from afcourse.exports import ExportError, export_quiz, render
from afcourse.exports.common import pool
from afcourse.exports.handout import letter
from afcourse.quiz.models import Variant
from test_export_cases import NASTY, SOURCES, generated_quiz, nasty_quiz


def flat(text: str) -> str:
    return " ".join(text.split())


def as_html(fmt: str, text: str):
    if fmt == "markdown":
        text = MarkdownIt("commonmark").enable("table").render(text)
    return lxml_html.document_fromstring(text)


def student_copies(fmt, quiz, key, **kw):
    files = render(fmt, quiz, key, SOURCES, **kw)
    ext = ".html" if fmt == "html" else ".md"
    return files, {name[len("student-"):-len(ext)]: as_html(fmt, text) for name, text in files.items()
                   if name.startswith("student-")}


def forbidden(quiz, key) -> list[str]:
    """Strings a student copy must never show: item ids, explanations, sources, text answers, seed, salt."""
    words = ["EXPLAIN-", "Source", "src-a", "paragraph 3", "Ann Author", "seed", "salt", "Answer key"]
    words += [w for w in (key.seed, key.salt) if len(w) > 3]
    for e in pool(quiz, key):
        words.append(e.id)
        if e.question.type == "short_answer":
            words += [a for a in e.answer.key.accepted]
        if e.question.type == "numeric":
            words.append("2017")
    return words


@pytest.mark.parametrize("fmt", ["html", "markdown"])
@pytest.mark.parametrize("build", [nasty_quiz, generated_quiz])
def test_student_copies_hold_every_question_and_no_key(fmt, build):
    quiz, key = build()
    files, copies = student_copies(fmt, quiz, key)
    assert sorted(copies) == sorted(v.variant_id for v in quiz.variants)
    for variant in quiz.variants:
        doc = copies[variant.variant_id]
        text = flat(doc.text_content())
        assert f"Variant {variant.variant_id}" in text
        assert flat(quiz.title) in text and f"quiz {quiz.quiz_id}" in text  # the quiz id matches paper to quiz
        position = 0
        for number, q in enumerate(variant.questions, 1):
            for piece in [q.stem, *(c.text for c in q.choices), *(p.text for p in q.prompts)]:
                assert flat(piece) in text, (variant.variant_id, q.id, piece)
            if q.points != 1:
                assert f"({q.points:g} points)" in text
            found = text.find(flat(q.stem), position)
            assert found >= position, f"question {number} is out of order"
            position = found
        for word in forbidden(quiz, key):
            assert word not in text, f"the student copy {variant.variant_id} shows {word!r}"
        assert doc.xpath("//i | //script | //a | //code | //img") == [], "fact text became markup"
    assert any(name.startswith("answer-key") for name in files)


def test_html_copy_letters_options_as_the_key_does():
    quiz, key = generated_quiz(n=5, variants=3)
    _, copies = student_copies("html", quiz, key)
    for variant in quiz.variants:
        items = copies[variant.variant_id].xpath("//li[contains(@class, 'question')]")
        assert len(items) == len(variant.questions)
        for li, q in zip(items, variant.questions, strict=True):
            assert li.get("data-type") == q.type
            assert flat(li.xpath(".//span[@class='qnum']")[0].text_content()) == f"{variant.questions.index(q) + 1}."
            if q.type in ("single_choice", "multiple_select", "true_false"):
                shown = [(flat(o.xpath(".//span[@class='tag']")[0].text_content()),
                          flat(o.xpath(".//span[@class='option']")[0].text_content()))
                         for o in li.xpath(".//ol[@class='options']/li")]
                assert shown == [(f"{letter(i)}.", flat(c.text)) for i, c in enumerate(q.choices)]


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_answer_key_gives_each_variants_answers_with_explanations_and_sources(fmt):
    quiz, key = generated_quiz(n=5, variants=3)
    files = render(fmt, quiz, key, SOURCES)
    doc = as_html(fmt, files["answer-key" + (".html" if fmt == "html" else ".md")])
    text = flat(doc.text_content())
    assert "Instructor copy" in text
    entries = {e.id: e for e in pool(quiz, key)}
    for e in entries.values():
        assert e.id in text and flat(e.answer.explanation) in text
    assert text.count("Source: Ann Author, A Title & <More> (2020), paragraph 3.") == len(entries)
    tables = doc.xpath("//table")
    assert len(tables) == len(quiz.variants)
    for table, variant in zip(tables, quiz.variants, strict=True):
        rows = [[flat(td.text_content()) for td in tr.xpath("./td")] for tr in table.xpath(".//tbody/tr")]
        assert [r[0] for r in rows] == [str(i) for i in range(1, len(variant.questions) + 1)]
        assert [r[2] for r in rows] == [q.id for q in variant.questions]
        for row, q in zip(rows, variant.questions, strict=True):
            k = entries[q.id].answer.key
            if q.type in ("single_choice", "true_false"):
                index = [c.id for c in q.choices].index(k.correct)
                assert row[1] == f"{letter(index)} ({flat(q.choices[index].text)})"
            elif q.type == "multiple_select":
                assert row[1] == ", ".join(letter(i) for i, c in enumerate(q.choices) if c.id in k.correct)
            elif q.type == "ordering":
                ids = [c.id for c in q.choices]
                assert row[1] == "first to last: " + ", ".join(letter(ids.index(c)) for c in k.order)
            elif q.type == "matching":
                ids = [c.id for c in q.choices]
                expected = (f"{i}→{letter(ids.index(k.pairs[p.id]))}" for i, p in enumerate(q.prompts, 1))
                assert row[1] == ", ".join(expected)
            elif q.type == "numeric":
                assert row[1] == "2017 ± 1"
            else:
                assert row[1] == flat(" / ".join(k.accepted))


def test_markdown_escapes_every_markup_character():
    quiz, key = nasty_quiz()
    files = render("markdown", quiz, key)
    html_text = MarkdownIt("commonmark").enable("table").render(files["student-v001.md"])
    doc = lxml_html.document_fromstring(html_text)
    assert len(doc.xpath("//h1")) == 1 and flat(doc.xpath("//h1")[0].text_content()) == flat("Quiz " + NASTY)
    assert flat(NASTY) in flat(doc.text_content())
    key_doc = lxml_html.document_fromstring(MarkdownIt("commonmark").enable("table").render(files["answer-key.md"]))
    rows = key_doc.xpath("//table[1]//tbody/tr")
    assert len(rows) == 7 and all(len(r.xpath("./td")) == 3 for r in rows), "a | in a cell broke the table"


def test_only_the_chosen_variants_and_without_key_only_student_copies(tmp_path):
    def chosen_ids(quiz):
        return {q.id for v in quiz.variants if v.variant_id in ("v002", "v004") for q in v.questions}

    # a seed whose other variants hold some item that v002 and v004 do not
    quiz, key = next(q for q in (generated_quiz(n=4, variants=5, seed=str(s)) for s in range(50))
                     if {i.id for v in q[0].variants for i in v.questions} - chosen_ids(q[0]))
    files = render("html", quiz, key, variants=["v002", "v004"])
    assert sorted(files) == ["answer-key.html", "student-v002.html", "student-v004.html"]
    key_text = flat(lxml_html.document_fromstring(files["answer-key.html"]).text_content())
    assert "Variant v002" in key_text and "Variant v001" not in key_text
    in_chosen = chosen_ids(quiz)
    others = {q.id for v in quiz.variants for q in v.questions} - in_chosen
    assert all(i in key_text for i in in_chosen) and others and not any(i in key_text for i in others)
    with pytest.raises(ExportError, match="no variant 'v999'"):
        render("html", quiz, key, variants=["v999"])
    result = export_quiz("markdown", quiz, None, tmp_path / "out")
    assert sorted(p.name for p in result.paths) == [f"student-v00{i}.md" for i in range(1, 6)]
    assert result.notes and "no answer key" in result.notes[0]


def test_variant_ids_cannot_escape_the_output_folder(tmp_path):
    quiz, key = nasty_quiz()
    evil = Variant(variant_id="../../evil v/1", questions=quiz.variants[0].questions)
    quiz = quiz.model_copy(update={"variants": [evil]})
    paths = export_quiz("html", quiz, key, tmp_path / "out").paths
    assert all(p.parent == tmp_path / "out" for p in paths)
    student = [p for p in paths if p.name.startswith("student-")][0]
    assert "Variant ../../evil v/1" in flat(lxml_html.parse(str(student)).getroot().text_content())


@pytest.mark.parametrize("text", ["1992. The year", "- a dash", "+ plus", "3) three", "=== under", "# hash",
                                  "> quote", "    indented", "a  b\n\nc", "*stars* and _under_", "[x](y) ![i](j)"])
def test_markdown_text_that_opens_a_line_stays_a_paragraph_of_text(text):
    from afcourse.exports.handout import md

    rendered = MarkdownIt("commonmark").enable("table").render(f"Before\n\n{md(text)}\n")
    doc = lxml_html.fragment_fromstring(rendered, create_parent="div")
    assert [p.tag for p in doc] == ["p", "p"]
    assert flat(doc[1].text_content()) == flat(text)
