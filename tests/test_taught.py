"""'Taught' is read from the chapter's prose: the item's point and answer in a section that cites its evidence."""

from pathlib import Path

from afcourse.bank.models import AnswerKey, Choice, ChoiceKey, Item, Question
from afcourse.facts.models import Citation
from afcourse.quiz.taught import PROSE_FILE, Section, chapter_sections, compute_prose, dump_prose, untaught

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_prose_index_is_the_books_chapters(shipped_base):
    recomputed = dump_prose(compute_prose(shipped_base, ROOT / "book" / "chapters"))
    shipped = (ROOT / "afcourse" / "quiz" / PROSE_FILE).read_text(encoding="utf-8")
    assert recomputed == shipped, "regenerate with `python -m afcourse.quiz.taught book/chapters`"


WHY = Item(
    question=Question(id="why", type="single_choice", chapter="taliban",
                      stem="According to Aliyev, why did Moscow open channels to the Taliban in the mid-2010s?",
                      choices=[Choice(id="k", text="it saw the Taliban as a force fighting Islamic State, which it "
                                                   "feared more"),
                               Choice(id="d", text="it wanted the Taliban to take power in Kabul")]),
    answer=AnswerKey(id="why", key=ChoiceKey(correct="k"), explanation="", fact_ids=[], level="understanding",
                     citations=[Citation(source="aliyev-2020", paragraph=27)]),
    template="why", difficulty=0.5)
CITES = frozenset({("aliyev-2020", 27)})


def test_a_reworded_section_still_teaches_and_a_section_without_the_answer_does_not():
    plain = ("Aliyev explains that Moscow opened channels to the Taliban in the mid-2010s because it saw them "
             "as a force fighting Islamic State, the threat it feared more.")
    reworded = ("Fearing Islamic State above all, Moscow came to regard the Taliban as fighters against it, Aliyev "
                "writes; that is why, in the middle of the 2010s, it opened its channels to the movement.")
    assert untaught(WHY, [Section("s", plain, CITES)]) is None
    assert untaught(WHY, [Section("s", reworded, CITES)]) is None
    no_reason = "Aliyev notes that Moscow opened channels to the Taliban in the mid-2010s."
    assert "answer's name 'islamic state'" in untaught(WHY, [Section("s", no_reason, CITES)])
    other_reason = no_reason + " Islamic State was active in the north."
    assert "answer's words" in untaught(WHY, [Section("s", other_reason, CITES)])
    assert untaught(WHY, [Section("s", plain, frozenset({("aliyev-2020", 3)}))]) == \
        "no section of the chapter cites the paragraphs the item rests on"
    # the point and the answer must be in one section that cites the evidence, not spread over the chapter
    split = [Section("a", no_reason, CITES), Section("b", "Islamic State was feared more; the Taliban fought it.",
                                                     frozenset())]
    assert untaught(WHY, split) is not None


def test_sections_leave_out_what_is_not_teaching_prose():
    markdown = """---
kernelspec: {}
---

# Title

```{admonition} Learning objectives
:class: tip

- name the members of the CSTO
```

Opening words [Aliyev 2020, ¶7](aliyev-2020-p7).

## First

```{admonition} The sources disagree
:class: warning

Inside a box [Gurganus 2018, ¶¶3-4](gurganus-2018-p3).
```

```{code-cell} ipython3
print("code")
```

## Discussion questions

1. Why?
"""
    labels = {"Aliyev 2020": "aliyev-2020", "Gurganus 2018": "gurganus-2018"}
    from afcourse.facts.teaching import cited_paragraphs

    sections = chapter_sections(markdown, lambda text: cited_paragraphs(text, labels))
    assert [(s.heading, s.text) for s in sections] == [("", "Opening words Aliyev 2020, ¶7."),
                                                        ("First", "Inside a box Gurganus 2018, ¶¶3-4.")]
    assert sections[1].cited == {("gurganus-2018", 3), ("gurganus-2018", 4)}
