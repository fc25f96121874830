"""Hand-built quiz sets for the export tests, and the checks every format shares.

The other test_export_* files import the builders from here. The quizzes do not depend on the
fact base: every type of item is written by hand, and its texts hold every character that some
format treats specially (``& < > " ' { } = ~ # :`` and the backslash).
"""

import io
import zipfile

import pytest

from afcourse.exports import ExportError, export_quiz, render
from afcourse.exports.common import MOODLE_PERCENTS, moodle_percent, pool
from afcourse.facts.models import Citation
from afcourse.common.fileio import OutputExistsError
from afcourse.bank.models import AnswerKey, ChoiceKey, Choice, Item, MatchKey, MultiKey, NumericKey, OrderKey, Question, TextKey
from afcourse.quiz.models import KeyFile, QuizFile, Variant
from afcourse.quiz.sets import make_quiz_set

NASTY = 'A & B <i>x</i> "q" \'s\' {c} = ~ # : \\ 100% -> ok C:\\new\\{'
SOURCES = {"src-a": "Ann Author, A Title & <More> (2020)"}
FORMATS = ("moodle", "qti", "gift", "html", "markdown")


def _c(cid: str, text: str) -> Choice:
    return Choice(id=cid, text=text)


def nasty_items() -> list[Item]:
    """One item of every type; every stem, option and explanation carries NASTY."""
    cite = [Citation(source="src-a", paragraph=3)]
    spec = [
        (Question(id="n:single", type="single_choice", stem="Single " + NASTY, chapter="ch-one",
                  choices=[_c("a", "Opt " + NASTY), _c("b", "Other {x}"), _c("c", "C = d")]),
         ChoiceKey(correct="a")),
        (Question(id="n:multi", type="multiple_select", stem="Multi " + NASTY, chapter="ch-one", points=2,
                  choices=[_c("a", "M1 " + NASTY), _c("b", "M2 ~tilde"), _c("c", "M3 #hash"), _c("d", "M4 :colon")]),
         MultiKey(correct=["a", "c", "d"])),
        (Question(id="n:tf", type="true_false", stem="TF " + NASTY, chapter="ch-one",
                  choices=[_c("t", "True"), _c("f", "False")]),
         ChoiceKey(correct="f")),
        (Question(id="n:short", type="short_answer", stem="Short " + NASTY, chapter="ch-two"),
         TextKey(accepted=["Ans " + NASTY + " *star*", "Alpha"])),
        (Question(id="n:num", type="numeric", stem="Num " + NASTY, chapter="ch-two", unit="year"),
         NumericKey(value=2017, tolerance=1)),
        (Question(id="n:order", type="ordering", stem="Order " + NASTY, chapter="ch-two",
                  choices=[_c("x", "X " + NASTY), _c("y", "Y {y}"), _c("z", "Z =z")]),
         OrderKey(order=["y", "x", "z"])),
        (Question(id="n:match", type="matching", stem="Match " + NASTY, chapter="ch-two",
                  prompts=[_c("p1", "P1 " + NASTY), _c("p2", "P2 ~"), _c("p3", "P3 #")],
                  choices=[_c("m1", "R1 " + NASTY), _c("m2", "R2 {}"), _c("m3", "R3 :"), _c("m4", "Distractor = ~")]),
         MatchKey(pairs={"p1": "m2", "p2": "m1", "p3": "m3"})),
    ]
    return [Item(question=q, answer=AnswerKey(id=q.id, key=k, explanation=f"EXPLAIN-{q.id} {NASTY}", citations=cite,
                                              fact_ids=[f"fact-{q.id}"]),
                 template="hand", difficulty=0.1 * (i + 1)) for i, (q, k) in enumerate(spec)]


def nasty_quiz() -> tuple[QuizFile, KeyFile]:
    """Two variants holding every item, the second with its options in reverse order."""
    items = nasty_items()
    questions = [it.question for it in items]
    quiz = QuizFile(quiz_id="nasty+quiz", title="Quiz " + NASTY, chapters=["ch-one", "ch-two"],
                    variants=[Variant(variant_id="v001", questions=questions),
                              Variant(variant_id="v002", questions=[q.model_copy(update={"choices": q.choices[::-1]}) for q in questions])])
    return quiz, KeyFile(quiz_id=quiz.quiz_id, seed="7", keys=[it.answer for it in items])


def one_point(quiz: QuizFile, key: KeyFile) -> tuple[QuizFile, KeyFile]:
    """The quiz with every question worth 1 point (GIFT cannot carry others)."""
    variants = [v.model_copy(update={"questions": [q.model_copy(update={"points": 1.0}) for q in v.questions]})
                for v in quiz.variants]
    return quiz.model_copy(update={"variants": variants}), key


def generated_quiz(n: int = 4, variants: int = 3, same_points: bool = False, seed: str = "42") -> tuple[QuizFile, KeyFile]:
    """A seeded quiz set made by afcourse.quiz.sets from the hand-built items and a twin of each (slots of two)."""
    items = nasty_items()
    items += [it.model_copy(update={
        "question": it.question.model_copy(update={"id": it.id + ":twin", "stem": "Twin " + it.question.stem}),
        "answer": it.answer.model_copy(update={"id": it.id + ":twin", "fact_ids": [f"fact-{it.id}-twin"]})})
        for it in items]
    if same_points:
        items = [it.model_copy(update={"question": it.question.model_copy(update={"points": 1.0})}) for it in items]
    return make_quiz_set(items, chapters=["ch-one", "ch-two"], n=n, seed=seed, variants=variants,
                         title="Generated " + NASTY, salt="fixed salt")


def html_to_text(fragment: str) -> str:
    """What a browser shows for an HTML fragment, whitespace collapsed."""
    import lxml.html

    if not fragment.strip():
        return ""
    return " ".join(lxml.html.fragment_fromstring(fragment, create_parent="div").text_content().split())


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# ------------------------------------------------------------------ shared behaviour


def test_pool_holds_each_item_once_slot_by_slot():
    quiz, key = nasty_quiz()
    entries = pool(quiz, key)
    assert [e.id for e in entries] == [q.id for q in quiz.variants[0].questions]
    assert [e.slot for e in entries] == list(range(1, len(entries) + 1))
    quiz, key = generated_quiz()
    slot_order = [qid for slot in quiz.slots for qid in slot.question_ids]
    assert [e.id for e in pool(quiz, key)] == slot_order and len(slot_order) > 4


def test_a_key_that_does_not_fit_is_refused_with_every_problem_named():
    quiz, key = nasty_quiz()
    bad = [k for k in key.keys if k.id != "n:tf"]
    bad = [k.model_copy(update={"key": ChoiceKey(correct="zz")}) if k.id == "n:single" else k for k in bad]
    bad = [k.model_copy(update={"key": TextKey(accepted=["x"])}) if k.id == "n:num" else k for k in bad]
    with pytest.raises(ExportError) as caught:
        pool(quiz, key.model_copy(update={"keys": bad}))
    message = str(caught.value)
    assert "n:tf: no key" in message and "n:single" in message and "'zz'" in message and "n:num" in message
    with pytest.raises(ExportError, match="belongs to quiz"):
        pool(quiz, key.model_copy(update={"quiz_id": "other"}))


@pytest.mark.parametrize("fmt", ["moodle", "qti", "gift"])
def test_lms_exports_need_the_key(fmt):
    quiz, _ = nasty_quiz()
    with pytest.raises(ExportError, match="no key.json"):
        render(fmt, quiz, None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_is_byte_identical_when_repeated(fmt):
    quiz, key = generated_quiz(same_points=fmt == "gift")
    first = render(fmt, quiz, key, SOURCES)
    again_quiz, again_key = generated_quiz(same_points=fmt == "gift")
    assert render(fmt, again_quiz, again_key, SOURCES) == first
    assert all(len(data) > 200 for data in first.values())


def test_qti_zip_has_fixed_dates_so_it_is_reproducible():
    quiz, key = nasty_quiz()
    (data,) = render("qti", quiz, key).values()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_moodle_percent_only_gives_grades_moodle_accepts():
    assert moodle_percent(1 / 3) == "33.33333" and moodle_percent(-1 / 7) == "-14.28571"
    assert moodle_percent(1) == "100" and moodle_percent(0) == "0"
    assert {moodle_percent(1 / k) for k in range(1, 11)} <= set(MOODLE_PERCENTS)
    with pytest.raises(ExportError):
        moodle_percent(1 / 11)


def test_export_writes_nothing_over_existing_files_without_force(tmp_path):
    quiz, key = nasty_quiz()
    out = tmp_path / "handouts"
    written = export_quiz("html", quiz, key, out).paths
    assert sorted(p.name for p in written) == ["answer-key.html", "student-v001.html", "student-v002.html"]
    (out / "student-v002.html").unlink()
    before = (out / "answer-key.html").read_bytes()
    with pytest.raises(OutputExistsError):
        export_quiz("html", quiz, key, out)
    assert not (out / "student-v002.html").exists(), "a refused export must write nothing"
    assert (out / "answer-key.html").read_bytes() == before
    assert len(export_quiz("html", quiz, key, out, force=True).paths) == 3


def test_lms_export_into_a_folder_names_the_file_after_the_quiz(tmp_path):
    quiz, key = nasty_quiz()
    (path,) = export_quiz("moodle", quiz, key, tmp_path).paths
    assert path == tmp_path / "nasty_quiz.xml" and path.read_bytes().startswith(b"<?xml")
    (path,) = export_quiz("qti", quiz, key, tmp_path / "canvas.zip").paths
    assert path.name == "canvas.zip" and zipfile.is_zipfile(path)


def test_unknown_format_and_variant_selection_for_lms_are_refused():
    quiz, key = nasty_quiz()
    with pytest.raises(ExportError, match="unknown export format 'pdf'"):
        render("pdf", quiz, key)
    with pytest.raises(ExportError, match="--variant"):
        render("moodle", quiz, key, variants=["v001"])


def test_a_missing_optional_library_is_named_with_the_install_command(monkeypatch):
    import sys

    quiz, key = nasty_quiz()
    import afcourse.exports as package

    for name in ("afcourse.exports.moodle", "afcourse.exports.gift", "lxml", "lxml.etree"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.delattr(package, "moodle", raising=False)  # or `from afcourse.exports import moodle` finds it
    monkeypatch.setitem(sys.modules, "lxml", None)
    with pytest.raises(ExportError, match=r"needs lxml: reinstall afcourse \(pip install afcourse\)"):
        render("moodle", quiz, key)
    assert render("markdown", quiz, key) and render("gift", *one_point(quiz, key)), "GIFT and Markdown need no lxml"


@pytest.mark.parametrize("fmt", ["moodle", "qti"])
def test_control_characters_xml_cannot_hold_are_dropped_not_fatal(fmt):
    quiz, key = nasty_quiz()
    questions = [q.model_copy(update={"stem": "Bell\x07 and form feed\x0c " + q.stem})
                 for q in quiz.variants[0].questions]
    variant = quiz.variants[0].model_copy(update={"questions": questions})
    quiz = quiz.model_copy(update={"quiz_id": "a--b-", "variants": [variant]})
    key = key.model_copy(update={"quiz_id": "a--b-"})
    (data,) = render(fmt, quiz, key).values()
    text = zip_members(data)["imsmanifest.xml"] if fmt == "qti" else data
    assert text.startswith(b"<?xml")
    if fmt == "moodle":
        assert b"Bell and form feed " in data and b"\x07" not in data
