"""A quiz you can edit and keep: the recipe rebuilds a set exactly, an edit changes one slot and no other,
and an instructor's own questions (all seven types, validated like the facts) are drawn into slots."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from afcourse.cli import app
from afcourse.quiz.own import OwnQuestionsError, read_own_questions

runner = CliRunner()
OWN = Path(__file__).parent / "data" / "own-questions.yaml"


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    return result


@pytest.fixture
def midterm(tmp_path):
    result = run("generate", "-c", "moscow-format", "-c", "taliban", "--n", "8", "--variants", "6", "--seed", "mid",
                 "--title", "Midterm", "--max-difficulty", "0.9", "--salt", "mid-salt", "--out", tmp_path / "set")
    assert result.exit_code == 0, result.output
    return tmp_path / "set"


def load(folder):
    return json.loads((folder / "quiz.json").read_text()), json.loads((folder / "key.json").read_text())


def unchanged_slots(before, after):
    """Slot numbers whose question ids and every variant's question (text, options, order) are as they were."""
    same = []
    for i, (a, b) in enumerate(zip(before["slots"], after["slots"])):
        if a == b and all(va["questions"][i] == vb["questions"][i]
                          for va, vb in zip(before["variants"], after["variants"])):
            same.append(i + 1)
    return same


def test_the_recipe_records_every_option_and_rebuilds_the_set_byte_for_byte(midterm, tmp_path):
    recipe = json.loads((midterm / "recipe.json").read_text())
    options = recipe["options"]
    assert (options["chapters"], options["n"], options["seed"], options["variants"], options["max_difficulty"],
            options["title"]) == (["moscow-format", "taliban"], 8, "mid", 6, 0.9, "Midterm")
    assert options["salt"] == json.loads((midterm / "key.json").read_text())["salt"]
    assert oct((midterm / "recipe.json").stat().st_mode & 0o777) == "0o600"
    result = run("generate", "--from", midterm, "--out", tmp_path / "again")
    assert result.exit_code == 0, result.output
    for name in ("quiz.json", "key.json"):
        assert (midterm / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


@pytest.mark.parametrize("edit", [["exclude", "Q2b"], ["replace", "single_choice"], ["points", "Q4", "2"],
                                  ["reword", "Q3a", "--stem", "A clearer question?"]])
def test_an_edit_changes_its_slot_and_leaves_every_other_as_it_was(midterm, tmp_path, edit):
    before, key_before = load(midterm)
    if edit[1] == "single_choice":  # a slot of the type the bank has most of, so a replacement fits
        edit = ["replace", f"Q{next(s['number'] for s in before['slots'] if s['type'] == 'single_choice')}b"]
    slot = int(edit[1][1])
    result = run("quiz", edit[0], midterm, *edit[1:])
    assert result.exit_code == 0, result.output
    after, key_after = load(midterm)
    assert unchanged_slots(before, after) == [n for n in range(1, 9) if n != slot]
    assert after["quiz_id"] == before["quiz_id"] and [v["variant_id"] for v in after["variants"]] == \
        [v["variant_id"] for v in before["variants"]]
    kept = {k["id"]: k for k in key_before["keys"]}
    for k in key_after["keys"]:  # every key not of the edited slot is as it was
        if k["id"] in kept:
            assert k == kept[k["id"]]
    result = run("generate", "--from", midterm, "--out", tmp_path / "rebuilt")
    assert result.exit_code == 0, result.output
    assert "1 edit(s) replayed" in result.output
    for name in ("quiz.json", "key.json"):
        assert (midterm / name).read_bytes() == (tmp_path / "rebuilt" / name).read_bytes()


def test_edits_in_a_row_replay_in_order(midterm, tmp_path):
    choice = next(s["number"] for s in load(midterm)[0]["slots"] if s["type"] == "single_choice")
    held = len(load(midterm)[0]["slots"][1]["question_ids"])
    assert held >= 3
    for edit in (["exclude", "Q2b"], ["replace", f"Q{choice}a"], ["points", "Q5", "3"], ["exclude", "Q2a"]):
        result = run("quiz", edit[0], midterm, *edit[1:])
        assert result.exit_code == 0, result.output
    quiz, _ = load(midterm)
    assert len(quiz["slots"][1]["question_ids"]) == held - 2 and {q["points"] for v in quiz["variants"]
                                                           for q in v["questions"][4:5]} == {3.0}
    assert run("generate", "--from", midterm, "--out", tmp_path / "r").exit_code == 0
    assert (midterm / "quiz.json").read_bytes() == (tmp_path / "r" / "quiz.json").read_bytes()


def test_edit_errors_say_what_to_do(midterm):
    held = len(load(midterm)[0]["slots"][1]["question_ids"])
    result = run("quiz", "exclude", midterm, "Q2")
    assert result.exit_code == 1 and f"Q2 holds {held} questions (Q2a, Q2b" in result.output and "name one" in result.output
    result = run("quiz", "replace", midterm, "Q9")
    assert result.exit_code == 1 and "no question 'Q9'" in result.output
    result = run("quiz", "replace", midterm, "Q1a", "--with", "no-such-item")
    assert result.exit_code == 1 and "no item 'no-such-item'" in result.output
    result = run("quiz", "reword", midterm, "Q1a", "--option", "Nothing like this=x")
    assert result.exit_code == 1 and "no option 'Nothing like this'" in result.output


def test_own_questions_of_every_type_are_read_and_drawn_into_a_set(tmp_path):
    items = read_own_questions(OWN)
    assert sorted(it.question.type for it in items) == sorted(
        ["short_answer", "single_choice", "true_false", "multiple_select", "numeric", "ordering", "matching"])
    assert all(it.id.startswith("own:") and it.template == "own" for it in items)
    match = next(it for it in items if it.question.type == "matching")
    assert match.question.points == 2 and [c.text for c in match.question.choices] == ["week 1", "week 2", "week 3"]
    result = run("generate", "-c", "moscow-format", "-c", "taliban", "--n", "12", "--variants", "2", "--seed", "own",
                 "--own", OWN, "--mix", "single_choice=2,true_false=2,multiple_select=1,short_answer=2,numeric=2,"
                 "ordering=1,matching=2", "--out", tmp_path / "set")
    assert result.exit_code == 0, result.output
    key = json.loads((tmp_path / "set" / "key.json").read_text())
    own_used = {k["item_id"] for k in key["keys"] if k["item_id"].startswith("own:")}
    assert own_used, "own questions are drawn like bank items"
    recipe = json.loads((tmp_path / "set" / "recipe.json").read_text())
    assert {q["question"]["id"] for q in recipe["own_questions"]} == {it.id for it in items}
    bank = run("bank", "-c", "moscow-format", "-c", "taliban")
    ids = {record["id"] for record in json.loads(bank.output)}
    assert not {i for i in ids if i.startswith("own:")} and "seminar" not in bank.output  # never in the public bank
    assert run("generate", "--from", tmp_path / "set", "--out", tmp_path / "again").exit_code == 0
    assert (tmp_path / "set" / "key.json").read_bytes() == (tmp_path / "again" / "key.json").read_bytes()


def test_an_own_question_replaces_a_slot_of_its_type(midterm, tmp_path):
    quiz, _ = load(midterm)
    slot = next(s for s in quiz["slots"] if s["type"] == "single_choice")
    label = f"Q{slot['number']}a"
    result = run("quiz", "replace", midterm, label, "--with", "own:first-round-month", "--own", OWN)
    assert result.exit_code == 0, result.output
    assert "In which month of 2016 did the first trilateral round" in result.output
    recipe = json.loads((midterm / "recipe.json").read_text())
    assert recipe["own_questions"] == []  # none drawn at generation: the edit carries the question whole
    assert recipe["edits"][-1]["item"]["question"]["id"] == "own:first-round-month"
    assert run("quiz", "points", midterm, "Q1", "2").exit_code == 0
    assert run("generate", "--from", midterm, "--out", tmp_path / "again").exit_code == 0
    for name in ("quiz.json", "key.json"):
        assert (midterm / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


def test_own_question_problems_name_file_line_question_and_field(tmp_path):
    bad = tmp_path / "mine.yaml"
    bad.write_text("- id: a\n  type: single_choice\n  chapter: taliban\n  stem: Which?\n  options: [x, y]\n"
                   "  answer: z\n- id: b\n  type: numeric\n  chapter: nowhere\n  stem: How many?\n  answer: many\n"
                   "- id: c\n  type: essay\n  chapter: taliban\n  stem: Discuss.\n")
    with pytest.raises(OwnQuestionsError) as caught:
        read_own_questions(bad, {"taliban", "moscow-format"})
    assert [str(p) for p in caught.value.problems] == [
        f"{bad}:6: question 'a': field 'answer': the text of the right option",
        f"{bad}:9: question 'b': field 'chapter': no chapter 'nowhere' (known: moscow-format, taliban)",
        f"{bad}:11: question 'b': field 'answer': a number",
        f"{bad}:13: question 'c': field 'type': must be one of single_choice, multiple_select, true_false, "
        "short_answer, numeric, ordering, matching"]
    result = run("generate", "-c", "taliban", "--n", "3", "--seed", "x", "--own", bad, "--out", tmp_path / "s")
    assert result.exit_code == 1 and "mine.yaml:6: question 'a': field 'answer'" in result.output
