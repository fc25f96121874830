"""One mark everywhere: what afcourse grade accepts, the Moodle, GIFT and QTI exports accept too.

Multiple select: afcourse's default rule is scored from the exported files the way each LMS
reads them (Moodle: the sum of the chosen answers' fractions, clamped to 0..1; QTI: the response
processing run on the ticks) for every possible answer, and must agree. Short answers: every form
an export lists is one afcourse accepts, and the usual other spellings of a name are in both.
Moodle-safe names: two quizzes imported into one course share no category idnumber.
"""

from itertools import chain, combinations

import pytest
from lxml import etree

from afcourse.bank.models import AnswerKey, Choice, ChoiceKey, MultiKey, Question, TextKey
from afcourse.exports import ExportError, render
from afcourse.exports.common import lms_short_answers, pool
from afcourse.facts.models import Citation
from afcourse.quiz.models import KeyFile, QuizFile, ScoringRules, Variant
from afcourse.quiz.scoring import score
from afcourse.quiz.sets import make_quiz_set
from test_export_cases import generated_quiz, nasty_quiz, zip_members

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CITE = [Citation(source="src-a", paragraph=1)]


def multi_quiz(k: int, n: int = 5, rule: str = "right_minus_wrong"):
    choices = [Choice(id=f"c{i}", text=f"Option {i}") for i in range(n)]
    q = Question(id="ms", type="multiple_select", stem="Which of these?", chapter="ch", choices=choices)
    a = AnswerKey(id="ms", key=MultiKey(correct=[f"c{i}" for i in range(k)]), explanation="Because.", citations=CITE,
                  fact_ids=["f"], feedback={f"c{n - 1}": "Option 4 came later."})
    quiz = QuizFile(quiz_id=f"multi-{k}", title="Multi", chapters=["ch"], scoring=ScoringRules(multiple_select=rule),
                    variants=[Variant(variant_id="v001", questions=[q])])
    return quiz, KeyFile(quiz_id=quiz.quiz_id, seed="1", keys=[a]), q, a


def subsets(ids):
    return chain.from_iterable(combinations(ids, r) for r in range(1, len(ids) + 1))


def moodle_fractions(xml: bytes) -> dict[str, float]:
    question = etree.fromstring(xml).find("question[@type='multichoice']")
    return {a.findtext("text").removeprefix("<p>").removesuffix("</p>"): float(a.get("fraction")) / 100
            for a in question.findall("answer")}


def qti_score(item, ticked: set[str]) -> float:
    """QTI 1.2 response processing as a reader runs it, for one response_lid with these choices ticked."""
    total = 0.0
    for cond in item.iter(f"{QTI}respcondition"):
        setvar = cond.find(f"{QTI}setvar")
        if setvar is None:
            continue
        var = cond.find(f"{QTI}conditionvar")
        if var.find(f"{QTI}varlt") is not None:
            holds = total < float(var.findtext(f"{QTI}varlt"))
        elif var.find(f"{QTI}and") is not None:
            both = var.find(f"{QTI}and")
            holds = all(v.text in ticked for v in both.findall(f"{QTI}varequal")) and not any(
                v.text in ticked for v in both.findall(f"{QTI}not/{QTI}varequal"))
        elif var.find(f"{QTI}not") is not None:
            holds = var.findtext(f"{QTI}not/{QTI}varequal") not in ticked
        else:
            holds = var.findtext(f"{QTI}varequal") in ticked
        if holds:
            value = float(setvar.text)
            total = total + value if setvar.get("action") == "Add" else value
            if cond.get("continue") == "No":
                break
    return max(0.0, min(100.0, total)) / 100


@pytest.mark.parametrize("k", [1, 2, 3, 4])
@pytest.mark.parametrize("rule", ["right_minus_wrong", "options", "all_or_nothing"])
def test_multiple_select_scores_the_same_in_afcourse_moodle_gift_and_qti(k, rule):
    quiz, key, q, a = multi_quiz(k, rule=rule)
    moodle = moodle_fractions(_render("moodle", quiz, key))
    members = zip_members(_render("qti", quiz, key))
    (item,) = [i for name, data in members.items() if name.endswith(".xml") and b"questestinterop" in data
               for i in etree.fromstring(data).iter(f"{QTI}item")]
    texts = {c.id: c.text for c in q.choices}
    for ticked in subsets([c.id for c in q.choices]):
        ours = score(q, a.key, list(ticked), quiz.scoring).points
        assert abs(qti_score(item, set(ticked)) - ours) < 1e-3, (ticked, rule)
        if rule == "right_minus_wrong":  # the one rule Moodle's answer grades express
            in_moodle = max(0.0, min(1.0, sum(moodle[texts[c]] for c in ticked)))
            assert abs(in_moodle - ours) < 1e-4, ticked


def test_the_cases_the_instructor_found():
    quiz, key, q, a = multi_quiz(2)
    every = [c.id for c in q.choices]
    assert score(q, a.key, every, quiz.scoring).points == 0        # ticking every box earns nothing
    assert score(q, a.key, ["c4"], quiz.scoring).points == 0       # one wrong box alone: nothing
    assert score(q, a.key, ["c0"], quiz.scoring).points == 0.5     # one of two right: half


def _render(fmt, quiz, key):
    out = render(fmt, quiz, key)
    return next(iter(out.values())) if isinstance(out, dict) else out


def test_every_listed_short_answer_is_accepted_by_afcourse_and_the_usual_spellings_are_listed():
    q = Question(id="sa", type="short_answer", stem="Who is Russia's special envoy?", chapter="ch")
    for accepted, also, neither in ((["Zamir Kabulov", "Kabulov"], ["Kabulow", "Zamir Kabulow"], ["Kabuloff"]),
                                    (["Arkady Dubnov", "Dubnov"], ["Arkadi Dubnov", "Arkadiy Dubnov"], ["Dubnow"]),
                                    (["Dmitry Zhirnov"], ["Dmitri Zhirnov"], ["Zhirnow"])):
        a = AnswerKey(id="sa", key=TextKey(accepted=accepted), explanation="", citations=CITE, fact_ids=["f"])
        quiz = QuizFile(quiz_id="sa", title="t", chapters=["ch"], variants=[Variant(variant_id="v001", questions=[q])])
        key = KeyFile(quiz_id="sa", seed="1", keys=[a])
        (entry,) = pool(quiz, key)
        forms = lms_short_answers(entry)
        assert all(score(q, a.key, form).status == "correct" for form in forms), forms
        for spelling in also:
            assert score(q, a.key, spelling).status == "correct"
            assert spelling in forms, (spelling, forms)
        for spelling in neither:  # too far from the key for afcourse's typo tolerance: no LMS lists it either
            assert score(q, a.key, spelling).status == "incorrect" and spelling not in forms
        xml = etree.fromstring(_render("moodle", quiz, key))
        in_moodle = [ans.findtext("text") for ans in xml.iter("answer")]
        assert in_moodle == forms
        qti = zip_members(_render("qti", quiz, key))
        listed = [v.text for data in qti.values() if b"questestinterop" in data
                  for v in etree.fromstring(data).iter(f"{QTI}varequal")]
        assert listed == forms
        assert "=" + also[0] + "#Right." in _render("gift", quiz, key)


def test_two_quizzes_imported_into_one_moodle_course_share_no_category_idnumber():
    bank_a, bank_b = generated_quiz(n=5, variants=3, seed="a"), generated_quiz(n=5, variants=3, seed="b")
    seen_categories: dict[str, str] = {}
    for quiz, key in (bank_a, bank_b):
        root = etree.fromstring(_render("moodle", quiz, key))
        category = None
        names, in_category = set(), set()
        for question in root.findall("question"):
            if question.get("type") == "category":
                category = question.findtext("category/text")
                idnumber = question.findtext("idnumber")
                assert idnumber not in seen_categories, f"{idnumber} clashes with {seen_categories[idnumber]}"
                assert quiz.quiz_id in idnumber and len(idnumber) <= 100
                seen_categories[idnumber] = category
                continue
            name = question.findtext("name/text")
            assert name not in names and quiz.quiz_id in name  # unique per quiz, and it names the quiz
            names.add(name)
            assert (category, question.findtext("idnumber")) not in in_category
            in_category.add((category, question.findtext("idnumber")))
    assert len(seen_categories) == 10


def test_question_names_read_as_chapter_type_and_a_short_label():
    quiz, key = generated_quiz(n=4, variants=3, seed="a")
    root = etree.fromstring(_render("moodle", quiz, key))
    names = [q.findtext("name/text") for q in root.findall("question") if q.get("type") != "category"]
    first = names[0]
    label, chapter, kind, stem, quiz_id = first.split(" · ")
    assert label.startswith("Q01") and chapter in ("ch-one", "ch-two") and quiz_id == quiz.quiz_id
    assert kind.replace(" ", "_") in {s.type for s in quiz.slots} and len(stem) <= 61


def test_gift_refuses_points_it_cannot_carry():
    quiz, key = nasty_quiz()  # its multiple select is worth 2 points
    with pytest.raises(ExportError, match=r"GIFT cannot carry points, and Q2 would import worth 1 point instead of "
                                          r"their own: export Moodle XML"):
        render("gift", quiz, key)


def test_per_answer_feedback_is_exported_to_moodle_gift_and_qti():
    quiz, key, q, a = multi_quiz(2)
    xml = etree.fromstring(_render("moodle", quiz, key))
    notes = {ans.findtext("text"): ans.findtext("feedback/text") for ans in xml.iter("answer")}
    assert notes["<p>Option 4</p>"] == "<p>No, this is not one of the answers. Option 4 came later.</p>"
    assert notes["<p>Option 3</p>"] == "<p>No, this is not one of the answers.</p>"
    assert "Option 4 came later." in _render("gift", quiz, key)
    qti = b"".join(zip_members(_render("qti", quiz, key)).values())
    assert b"Option 4 came later." in qti


def test_a_set_scored_by_another_rule_says_moodle_will_score_it_otherwise(tmp_path):
    from afcourse.exports import export_quiz_dir
    from afcourse.quiz.sets import write_quiz_set

    quiz, key, _, _ = multi_quiz(2, rule="options")
    write_quiz_set(quiz, key, tmp_path / "set")
    result = export_quiz_dir("moodle", tmp_path / "set", tmp_path / "m.xml")
    assert result.notes == ["this quiz scores multiple select by the 'options' rule, which Moodle cannot express: "
                            "Moodle will score right minus wrong (each right option +1/k, each wrong one -1/k, at "
                            "least 0); regenerate the set for one rule everywhere"]
    assert export_quiz_dir("qti", tmp_path / "set", tmp_path / "c.zip").notes == []
