"""The validator names every problem with file, line, record and field."""

import pytest

from afcourse.facts.factbase import FactBaseError, load_facts

GOOD_EVENT = """\
  - id: first-round
    kind: event
    chapter: moscow-format
    name: the first round of talks
    date: 2016-12-27
    participants: [russia, china]
    statement: Russia and China met in Moscow.
    citations: [{source: aliyev-2020, paragraph: 18}]
"""


def problems_for(fact_dir, text: str, name: str = "bad.yaml") -> list[str]:
    with pytest.raises(FactBaseError) as info:
        load_facts(fact_dir(name, text))
    return [str(p) for p in info.value.problems]


def test_a_valid_file_loads(fact_dir):
    base = load_facts(fact_dir("good.yaml", "facts:\n" + GOOD_EVENT))
    fact = base.facts["first-round"]
    assert fact.date.human() == "27 December 2016"
    assert base.name_of("china") == "China"


def test_bad_date_is_located(fact_dir):
    text = "facts:\n" + GOOD_EVENT.replace("2016-12-27", "2016-02-30")
    assert problems_for(fact_dir, text) == [
        "bad.yaml:6: fact 'first-round': field 'date': '2016-02-30' is not a valid date (day 30 does not exist in that month)"
    ]


def test_unparseable_date(fact_dir):
    text = "facts:\n" + GOOD_EVENT.replace("2016-12-27", "late 2016")
    assert problems_for(fact_dir, text) == [
        "bad.yaml:6: fact 'first-round': field 'date': 'late 2016' is not a valid date (use YYYY, YYYY-MM or YYYY-MM-DD)"
    ]


def test_unknown_source(fact_dir):
    text = "facts:\n" + GOOD_EVENT.replace("aliyev-2020", "aliev-2020")
    assert problems_for(fact_dir, text) == [
        "bad.yaml:9: fact 'first-round': field 'citations[0].source': unknown source 'aliev-2020' "
        "(known: aliyev-2020, globalsecurity-2021, gurganus-2018, krivosheev-2021)"
    ]


def test_paragraph_past_the_end(fact_dir):
    text = "facts:\n" + GOOD_EVENT.replace("paragraph: 18", "paragraph: 400")
    assert problems_for(fact_dir, text) == [
        "bad.yaml:9: fact 'first-round': field 'citations[0].paragraph': paragraph 400 is past the end of aliyev-2020 (39 paragraphs)"
    ]


def test_duplicate_id_names_both_places(fact_dir):
    text = "facts:\n" + GOOD_EVENT + GOOD_EVENT
    assert problems_for(fact_dir, text) == [
        "bad.yaml:10: fact 'first-round': field 'id': duplicate id, first defined at bad.yaml:2"
    ]


def test_duplicate_id_across_files(fact_dir):
    fact_dir("a.yaml", "facts:\n" + GOOD_EVENT)
    assert problems_for(fact_dir, "facts:\n" + GOOD_EVENT, "b.yaml") == [
        "b.yaml:2: fact 'first-round': field 'id': duplicate id, first defined at a.yaml:2"
    ]


def test_missing_citation(fact_dir):
    text = "facts:\n" + GOOD_EVENT.replace("    citations: [{source: aliyev-2020, paragraph: 18}]\n", "")
    assert problems_for(fact_dir, text) == [
        "bad.yaml:2: fact 'first-round': field 'citations': at least one citation is required"
    ]


def test_yaml_syntax_error(fact_dir):
    text = "facts:\n" + GOOD_EVENT.replace("participants: [russia, china]", "participants: [russia, china")
    assert problems_for(fact_dir, text) == [
        "bad.yaml:8: YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence that starts at line 7)"
    ]


def test_unknown_reference_and_kind_and_field(fact_dir):
    text = "facts:\n" + GOOD_EVENT.replace("[russia, china]", "[russia, atlantis]") + """\
  - id: odd
    kind: rumour
    chapter: taliban
    statement: Something odd.
    citations: [{source: aliyev-2020, paragraph: 3}]
  - id: typo
    kind: quantity
    chapter: interests
    measure: a count
    value: 3
    units: things
    statement: There were three.
    citations: [{source: aliyev-2020, paragraph: 3}]
"""
    assert problems_for(fact_dir, text) == [
        "bad.yaml:7: fact 'first-round': field 'participants[1]': unknown person, organisation or country 'atlantis'",
        "bad.yaml:11: fact 'odd': field 'kind': unknown kind 'rumour' (expected one of: 'event', 'person', 'organisation', "
        "'quantity', 'statement', 'quotation', 'disagreement')",
        "bad.yaml:15: fact 'typo': field 'unit': is required",
        "bad.yaml:20: fact 'typo': field 'units': is not a known field (check the spelling)",
    ]


def test_every_problem_is_reported_at_once(fact_dir):
    text = "facts:\n" + GOOD_EVENT.replace("2016-12-27", "2016-13").replace("aliyev-2020", "nobody") + GOOD_EVENT
    found = problems_for(fact_dir, text)
    assert len(found) == 3
    assert any("field 'date'" in p for p in found)
    assert any("unknown source 'nobody'" in p for p in found)
    assert any("duplicate id" in p for p in found)


def test_quotations_must_be_short(fact_dir):
    quote = " ".join(["word"] * 31)
    text = f"""facts:
  - id: long-quote
    kind: quotation
    chapter: taliban
    speaker: russia
    quote: {quote}
    context: A long speech.
    statement: Somebody spoke at length.
    citations: [{{source: aliyev-2020, paragraph: 3}}]
"""
    assert problems_for(fact_dir, text) == [
        "bad.yaml:6: fact 'long-quote': field 'quote': a quotation may have at most 30 words"
    ]


def test_disagreement_cites_its_versions(fact_dir):
    text = """facts:
  - id: contacts-began
    kind: disagreement
    chapter: taliban
    topic: when contacts began
    statement: The sources differ on when contacts began.
    versions:
      - {source: aliyev-2020, paragraph: 26, says: In the 1990s., value: the 1990s}
      - {source: globalsecurity-2021, paragraph: 34, says: In 2007., value: "2007"}
"""
    fact = load_facts(fact_dir("d.yaml", text)).facts["contacts-began"]
    assert fact.contested is True
    assert [(c.source, c.paragraph) for c in fact.citations] == [("aliyev-2020", 26), ("globalsecurity-2021", 34)]


GOOD_STATEMENT = """\
  - id: analyst-view
    kind: statement
    chapter: moscow-format
    speaker: russia
    stance: report
    gist: the talks went on
    statement: Someone reports that the talks went on.
    citations: [{source: aliyev-2020, paragraph: 18}]
    also_made_in: [{source: gurganus-2018, paragraph: 3}]
"""


def test_other_sources_making_the_same_point_are_checked_like_citations(fact_dir):
    assert load_facts(fact_dir("bad.yaml", "facts:\n" + GOOD_STATEMENT)).facts["analyst-view"].also_made_in[0].source \
        == "gurganus-2018"
    text = "facts:\n" + GOOD_STATEMENT.replace("gurganus-2018, paragraph: 3", "gurganus-2019, paragraph: 3")
    assert problems_for(fact_dir, text) == [
        "bad.yaml:10: fact 'analyst-view': field 'also_made_in[0].source': unknown source 'gurganus-2019' "
        "(known: aliyev-2020, globalsecurity-2021, gurganus-2018, krivosheev-2021)"
    ]
    text = "facts:\n" + GOOD_STATEMENT.replace("gurganus-2018, paragraph: 3", "gurganus-2018, paragraph: 999")
    assert problems_for(fact_dir, text)[0].startswith(
        "bad.yaml:10: fact 'analyst-view': field 'also_made_in[0].paragraph': paragraph 999 is past the end of "
        "gurganus-2018")


def test_others_recorded_as_saying_the_same_must_be_known(fact_dir):
    text = "facts:\n" + GOOD_STATEMENT.replace("    also_made_in:", "    also_said_by: [china, narnia]\n    also_made_in:")
    assert problems_for(fact_dir, text) == [
        "bad.yaml:10: fact 'analyst-view': field 'also_said_by[1]': unknown person, organisation or country 'narnia'"]
