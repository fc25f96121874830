"""Blueprints: instructors' YAML files validated with located errors; sets keep their blueprint in every variant."""

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from afcourse.cli import app
from afcourse.quiz.blueprint import (Blueprint, BlueprintError, blueprint_problems, default_blueprint, family_of,
                                     is_date_or_number, is_which_source, read_blueprint)
from afcourse.quiz.sets import QuizSetError, blueprint_quiz_set, make_quiz_set
from afcourse.quiz.taught import taught_items

runner = CliRunner()


def test_a_blueprint_file_reads_and_its_errors_name_field_and_line(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("chapters: taliban\nquestions: 8\nobjectives:\n  taliban-why-engage: 2\nmin_understanding: 3\n"
                    "max_date_or_number: 1\nmax_which_source: 0\n")
    blueprint = read_blueprint(good)
    assert blueprint.chapters == ["taliban"] and blueprint.objectives == {"taliban-why-engage": 2}
    assert blueprint.max_which_source == 0 and blueprint.taught_only
    bad = tmp_path / "bad.yaml"
    bad.write_text("chapters: [taliban]\nquestions: 10\nmin_understanding: lots\nmax_dates: 2\n")
    with pytest.raises(BlueprintError) as err:
        read_blueprint(bad)
    text = str(err.value)
    assert f"{bad}:3: field 'min_understanding': Input should be a valid integer" in text
    assert f"{bad}:4: field 'max_dates': unknown field (known: chapters, questions," in text
    bad.write_text("chapters: [taliban]\nquestions: 5\nmin_understanding: 6\n")
    with pytest.raises(BlueprintError, match="min_understanding add up to 6, more than the 5 questions"):
        read_blueprint(bad)
    bad.write_text("chapters: [taliban\n")
    with pytest.raises(BlueprintError, match=r"bad.yaml:2: not valid YAML"):
        read_blueprint(bad)


def test_kinds_of_items(shipped_bank):
    by_template = {}
    for item in shipped_bank.values():
        by_template.setdefault(item.template, item)
    assert is_date_or_number(by_template["event-year-choice"]) and is_date_or_number(by_template["quantity-numeric"])
    assert is_date_or_number(by_template["event-month-choice"])
    assert not is_date_or_number(by_template["statement-speaker-choice"])
    assert is_which_source(by_template["statement-source-choice"])
    assert is_which_source(by_template["disagreement-source-choice"])
    assert not is_which_source(by_template["person-role-choice"])


def _with_objectives(bank, base, chapter):
    """The chapter's taught items, each given one of the chapter's objectives and every third 'understanding'
    (a fixture: the real families set these themselves)."""
    objectives = [o.id for o in base.objectives_of(chapter)]
    items = sorted((it for it in bank.values() if it.question.chapter == chapter), key=lambda it: it.id)
    made = []
    for i, it in enumerate(items):
        answer = it.answer.model_copy(update={"objective": objectives[i % len(objectives)],
                                              "level": "understanding" if i % 3 == 0 else "recall"})
        made.append(it.model_copy(update={"answer": answer}))
    return made


@pytest.mark.parametrize("salt", ["a", "b", "c"])
def test_a_set_built_to_a_blueprint_keeps_it_in_every_variant(shipped_bank, shipped_base, salt):
    bank = _with_objectives(shipped_bank, shipped_base, "taliban")
    blueprint = default_blueprint("taliban")
    quiz, key = blueprint_quiz_set(bank, shipped_base, blueprint, seed=1, variants=6, salt=salt)
    assert key.blueprint == blueprint.model_dump(mode="json")
    by_id = {it.id: it for it in bank}
    keys = {k.id: k for k in key.keys}
    taught = taught_items(bank)
    for variant in quiz.variants:
        items = [by_id[keys[q.id].item_id] for q in variant.questions]
        assert len(items) == 10
        assert blueprint_problems(blueprint, shipped_base, items, bank) == []
        assert {it.id for it in items} <= taught
        assert {it.answer.objective for it in items} >= {o.id for o in shipped_base.objectives_of("taliban")}
        forms = Counter(map(family_of, items))
        assert max(forms.values()) <= blueprint.max_per_family == 2, forms  # not four evidence questions in ten
    evidence = next(it for it in bank if family_of(it) == "evidence")
    assert "3 evidence form question(s); at most 2 asked for" in blueprint_problems(
        blueprint, shipped_base, [evidence] * 3, bank)


def test_an_impossible_blueprint_fails_alike_for_every_salt(shipped_bank, shipped_base):
    bank = _with_objectives(shipped_bank, shipped_base, "taliban")
    blueprint = Blueprint(chapters=["taliban"], questions=10, min_understanding=10)
    messages = set()
    for salt in "abcd":
        with pytest.raises(QuizSetError) as err:
            blueprint_quiz_set(bank, shipped_base, blueprint, seed=1, salt=salt)
        messages.add(str(err.value))
    assert len(messages) == 1
    assert "of the 10 understanding question(s) asked for fit into one quiz" in messages.pop()
    with pytest.raises(QuizSetError, match="'taliban-nope' is no objective of taliban"):
        blueprint_quiz_set(bank, shipped_base, Blueprint(chapters=["taliban"], objectives={"taliban-nope": 1}), seed=1)


def test_generate_with_a_blueprint_records_it_and_refuses_a_contradicting_n(tmp_path):
    path = tmp_path / "bp.yaml"
    path.write_text("chapters: [interests]\nquestions: 6\nobjectives: {}\nmin_understanding: 0\n"
                    "max_date_or_number: 1\nmax_which_source: 0\n")
    out = tmp_path / "set"
    result = runner.invoke(app, ["generate", "--blueprint", str(path), "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    key = json.loads((out / "key.json").read_text())
    assert key["blueprint"]["max_which_source"] == 0 and key["blueprint"]["questions"] == 6
    assert "Variant checks: 0 giveaway(s)" in " ".join(result.output.split())
    result = runner.invoke(app, ["generate", "--blueprint", str(path), "--n", "7", "--seed", "1",
                                 "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "--n 7 differs from the blueprint's 6 questions" in result.output
    path.write_text("chapters: [interests]\nquestions: six\n")
    result = runner.invoke(app, ["generate", "--blueprint", str(path), "--seed", "1", "--out", str(tmp_path / "y")])
    assert result.exit_code == 1 and f"{path}:2: field 'questions'" in " ".join(result.output.split())
