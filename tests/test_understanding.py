"""Objectives, concepts and relations (afcourse/facts/understanding/*.yaml): loading, located errors, cross-checks."""

import shutil
from pathlib import Path

import pytest

from afcourse.facts.factbase import FactBaseError, load_facts
from conftest import REGISTRIES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "tests" / "data" / "understanding" / "example.yaml").read_text(encoding="utf-8")


@pytest.fixture
def with_understanding(tmp_path: Path):
    """The shipped registries and Taliban chapter plus one understanding file; returns a function that writes
    that file and loads the folder."""
    for name in (*REGISTRIES, "ch4-taliban.yaml"):
        shutil.copy(ROOT / "afcourse" / "facts" / name, tmp_path / name)
    (tmp_path / "understanding").mkdir()

    def load(text: str = EXAMPLE, name: str = "ch4-taliban.yaml"):
        (tmp_path / "understanding" / name).write_text(text, encoding="utf-8")
        return load_facts(tmp_path)

    return load


def problems(load, text: str) -> list[str]:
    with pytest.raises(FactBaseError) as info:
        load(text)
    return [str(p) for p in info.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_example_loads_with_every_record_kind(with_understanding):
    base = with_understanding()
    assert set(base.objectives) == {"taliban-why-engage", "taliban-weigh-allegations"}
    assert base.concepts["hedging"].term == "hedging"
    assert {r.kind for r in base.relations.values()} == {"reason", "claim", "example", "position", "consequence"}
    reason = base.relations["reason-talk-taliban-islamic-state"]
    assert reason.misconceptions[0].contradicted_by[0].paragraph == 31
    assert [r.id for r in base.relations_of("claim", "taliban")] == ["claim-russia-armed-taliban"]
    assert base.relations_of("claim", "history") == []
    assert base.origins["claim-russia-armed-taliban"] == f"understanding/ch4-taliban.yaml:{line_of(EXAMPLE, 'id: claim-russia')}"
    assert base.objective_of_fact("moscow-bets-on-taliban-dominance") == "taliban-why-engage"
    assert base.objective_of_fact("kabulov-objectively-coincide-quote") is None
    assert base.attribution("aliyev-2020") == "Aliyev"
    assert base.attribution("zamir-kabulov") == "Zamir Kabulov"


def test_a_fact_folder_without_understanding_files_has_none(fact_dir):
    base = load_facts(fact_dir("empty.yaml", "facts: []\n"))
    assert base.objectives == {} and base.relations == {} and base.concepts == {}


def test_an_unknown_objective_is_located(with_understanding):
    text = EXAMPLE.replace("objective: taliban-weigh-allegations", "objective: taliban-weigh-claims")
    assert problems(with_understanding, text) == [
        f"understanding/ch4-taliban.yaml:{line_of(text, 'objective: taliban-weigh-claims')}: relation "
        "'claim-russia-armed-taliban': field 'objective': unknown objective 'taliban-weigh-claims'"]


def test_a_relation_in_another_chapter_than_its_objective(with_understanding):
    text = EXAMPLE.replace("    chapter: taliban\n    objective: taliban-weigh-allegations",
                           "    chapter: us-relations\n    objective: taliban-weigh-allegations")
    [problem] = problems(with_understanding, text)
    assert "relation 'claim-russia-armed-taliban': field 'objective': objective 'taliban-weigh-allegations' " \
           "belongs to chapter 'taliban', not 'us-relations'" in problem


@pytest.mark.parametrize("old, new, field, message", [
    ("facts: [islamic-state-pushes-russia-china-iran-toward-taliban, moscow-bets",
     "facts: [islamic-state-pushes-russia-china-iran-toward-taliban, moscow-bet", "facts[1]",
     "unknown fact 'moscow-bet-on-taliban-dominance'"),
    ("actor: russia", "actor: rusia", "actor", "unknown person, organisation or country 'rusia'"),
    ("holder: russia", "holder: moscow", "holder", "unknown person, organisation or country 'moscow'"),
    ("    according_to: aliyev-2020\n    also_fits", "    according_to: aliev\n    also_fits", "according_to",
     "unknown source, person, organisation or country 'aliev'"),
    ("concept: hedging", "concept: hedge", "concept", "unknown concept 'hedge'"),
    ("also_fits: []", "also_fits: [buffer-zone]", "also_fits[0]", "unknown concept 'buffer-zone'"),
    ("also_fits: []", "also_fits: [hedging]", "also_fits[0]", "also_fits repeats the record's own concept"),
    ("denied_by: [russia-rejects-us-arming-allegations]", "denied_by: [russia-rejects-us-arms]", "denied_by[0]",
     "unknown fact 'russia-rejects-us-arms'"),
    ("made_by: [us-officials-accuse-russia-of-arming-taliban]", "made_by: [taliban-kunduz-offensive-2016]",
     "made_by[0]", "'taliban-kunduz-offensive-2016' is a event fact; made_by lists statements, or a contested event "
                   "for an allegation whose maker the sources do not name"),
    ("denied_by: [russia-rejects-us-arming-allegations]", "denied_by: [taliban-bounty-allegations]", "denied_by[0]",
     "'taliban-bounty-allegations' is a event fact; denied_by lists statements"),
    ("contradicted_by: [{source: aliyev-2020, paragraph: 31}]", "contradicted_by: [{source: aliyev-2020, paragraph: 310}]",
     "misconceptions[0].contradicted_by[0].paragraph", "paragraph 310 is past the end of aliyev-2020 (39 paragraphs)"),
    ("citations: [{source: globalsecurity-2021, paragraph: 19}]", "citations: [{source: globalsecurity, paragraph: 19}]",
     "citations[0].source", "unknown source 'globalsecurity' (known: aliyev-2020, globalsecurity-2021, gurganus-2018, "
                            "krivosheev-2021)"),
])
def test_every_reference_is_checked(with_understanding, old, new, field, message):
    assert old in EXAMPLE
    text = EXAMPLE.replace(old, new, 1)
    found = problems(with_understanding, text)
    assert len(found) == 1, found
    assert found[0].startswith(f"understanding/ch4-taliban.yaml:{line_of(text, new.split(chr(10))[0].strip())}: ")
    assert found[0].endswith(f" field '{field}': {message}")


@pytest.mark.parametrize("old, new, field, message", [
    ("reason: it feared the spread", "reason: because it feared the spread", "reason",
     "reason must not start with 'because' (the question supplies it)"),
    ("more than it feared the Taliban\n", "more than it feared the Taliban.\n", "reason",
     "reason is a clause that slots into a question: no full stop at the end"),
    ("action: open a dialogue", "action: to open a dialogue", "action", "action must not start with 'to'"),
    ("claim: Russia supplied", "claim: that Russia supplied", "claim", "claim must not start with 'that'"),
    ("status: allegation", "status: rumour", "status", "Input should be 'allegation', 'established', 'stated-policy', "
                                                       "'disputed' or 'analysis'"),
    ("    statement: Explain why Moscow moved from treating the Taliban as an enemy to talking with them.",
     "    statement: explain why Moscow moved", "statement", "an objective is a full sentence"),
    ("    facts: [us-officials-accuse-russia-of-arming-taliban, russia-rejects-us-arming-allegations]\n",
     "    facts: [us-officials-accuse-russia-of-arming-taliban]\n", "facts", "List should have at least 2 items"),
    ("    according_to: aliyev-2020\n    citations: [{source: aliyev-2020, paragraph: 27}]\n    statement: Aliyev traces",
     "    citations: [{source: aliyev-2020, paragraph: 27}]\n    statement: Aliyev traces", "according_to", "is required"),
    ("kind: consequence", "kind: cause", "kind", "unknown kind 'cause'"),
])
def test_field_errors_name_file_line_record_and_field(with_understanding, old, new, field, message):
    assert old in EXAMPLE
    text = EXAMPLE.replace(old, new, 1)
    found = problems(with_understanding, text)
    assert len(found) == 1, found
    assert found[0].startswith("understanding/ch4-taliban.yaml:")
    assert f" field '{field}': {message}" in found[0]
    assert "'" in found[0].split(": ")[1]  # the record is named


def test_a_denied_claim_is_never_established(with_understanding):
    text = EXAMPLE.replace("status: allegation", "status: established")
    [problem] = problems(with_understanding, text)
    assert "relation 'claim-russia-armed-taliban':" in problem
    assert "a claim someone denies is not 'established'" in problem


def test_an_allegation_names_who_makes_it(with_understanding):
    text = EXAMPLE.replace("made_by: [us-officials-accuse-russia-of-arming-taliban]", "made_by: []")
    [problem] = problems(with_understanding, text)
    assert "names the statements that make it (made_by)" in problem


def test_an_allegation_whose_maker_no_source_names_rests_on_its_contested_event(with_understanding):
    """The bounty claims: Aliyev reports them and Russia's denial without saying who made them."""
    text = EXAMPLE.replace("made_by: [us-officials-accuse-russia-of-arming-taliban]", "made_by: [taliban-bounty-allegations]")
    base = with_understanding(text)
    assert base.relations["claim-russia-armed-taliban"].made_by == ["taliban-bounty-allegations"]


def test_ids_are_unique_across_facts_and_understanding(with_understanding):
    text = EXAMPLE.replace("id: position-stability-russia", "id: moscow-bets-on-taliban-dominance")
    [problem] = problems(with_understanding, text)
    assert problem.startswith(f"understanding/ch4-taliban.yaml:{line_of(text, 'id: moscow-bets-on')}: relation "
                              "'moscow-bets-on-taliban-dominance': field 'id': duplicate id, first defined at ch4-taliban.yaml:")


def test_a_topic_reads_the_same_on_each_position(with_understanding):
    second = """
  - id: position-stability-us
    kind: position
    chapter: taliban
    objective: taliban-why-engage
    topic: stability-in-afghanistan
    topic_text: what Afghanistan needs
    holder: united-states
    view: a military defeat of the Taliban
    according_to: aliyev-2020
    citations: [{source: aliyev-2020, paragraph: 31}]
    statement: Washington long held that stability needed the Taliban defeated first.
"""
    [problem] = problems(with_understanding, EXAMPLE + second)
    assert "relation 'position-stability-us': field 'topic_text': topic 'stability-in-afghanistan' reads " \
           "'what would bring stability to Afghanistan' at understanding/ch4-taliban.yaml:" in problem


def test_unknown_top_level_keys_and_syntax_errors(with_understanding):
    assert problems(with_understanding, "objective:\n  - id: x\n") == [
        "understanding/ch4-taliban.yaml:1: unknown top-level key 'objective' (expected: objectives, concepts, relations)"]
    [problem] = problems(with_understanding, "relations:\n  - id: [x\n")
    assert problem.startswith("understanding/ch4-taliban.yaml:") and "YAML syntax error" in problem


def test_versions_may_say_what_follows(with_understanding):
    base = with_understanding()
    versions = base.facts["taliban-contacts-start-disagreement"].versions
    assert versions[0].implies.startswith("the first contact was a single fruitless meeting")
    assert versions[1].implies.startswith("the first contacts, in 2007,")


def test_the_seed_check_reads_relations(with_understanding, seeds_dir):
    from afcourse.facts.seedcheck import check_against_seeds

    assert check_against_seeds(with_understanding(), seeds_dir) == []
    text = (EXAMPLE.replace("    according_to: aliyev-2020\n    citations: [{source: aliyev-2020, paragraph: 27}]\n"
                            "    statement: Aliyev traces",
                            "    according_to: gurganus-2018\n    citations: [{source: aliyev-2020, paragraph: 27}]\n"
                            "    statement: Aliyev traces")
            .replace("holder: russia", "holder: zamir-kabulov")
            .replace("in the mid-2010s\n    effect", "in 2019\n    effect"))
    where = "understanding/ch4-taliban.yaml"
    assert sorted(check_against_seeds(with_understanding(text), seeds_dir)) == sorted([
        f"{where}:{line_of(text, 'id: consequence-is')}: relation 'consequence-is-threat-dialogue': it is given "
        "according to gurganus-2018 but cites no paragraph of it",
        f"{where}:{line_of(text, 'id: consequence-is')}: relation 'consequence-is-threat-dialogue': year 2019 of "
        "'cause' not found in the cited paragraphs (add a note if inferred)",
        f"{where}:{line_of(text, 'id: position-stability')}: relation 'position-stability-russia': holder "
        "'Zamir Kabulov' is not named in the cited paragraphs",
    ])
    with_note = text.replace("    cause: the rise of the Islamic State in 2019",
                             "    note: the year is inferred\n    cause: the rise of the Islamic State in 2019")
    assert len(check_against_seeds(with_understanding(with_note), seeds_dir)) == 2
