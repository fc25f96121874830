"""The quiz commands as an instructor runs them, and the committed sets' freshness."""

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from afcourse.cli import app
from afcourse.quiz.models import KeyFile, QuizFile, Submission

ROOT = Path(__file__).resolve().parent.parent
from afcourse import load_facts

runner = CliRunner()


def test_bank_command_exports_required_fields(tmp_path):
    out = tmp_path / "bank.json"
    result = runner.invoke(app, ["bank", "--chapter", "taliban", "--out", str(out)])
    assert result.exit_code == 0, result.output
    items = json.loads(out.read_text())
    assert items and all(i["chapter"] == "taliban" for i in items)
    for item in items:
        assert {"id", "type", "stem", "options", "key", "fact_ids", "explanation", "citations", "chapter",
                "objective", "level"} <= item.keys()
    objectives = {o.id for o in load_facts().objectives_of("taliban")}
    why = next(i for i in items if i["template"] == "why-choice")
    assert why["level"] == "understanding" and why["objective"] in objectives
    wrong = [o for o in why["options"] if o["id"] != why["key"]["correct"]]
    assert len(wrong) == 3 and all(o["feedback"] and o["feedback"].endswith((".", "?")) for o in wrong)
    assert next(o for o in why["options"] if o["id"] == why["key"]["correct"])["feedback"] is None
    recall = [i for i in items if i["level"] == "recall"]
    assert recall and {i["objective"] for i in recall} <= objectives | {None}
    assert any(i["objective"] for i in recall)  # a recall item names the objective that lists its fact


def test_unknown_chapter_is_named():
    result = runner.invoke(app, ["bank", "--chapter", "narnia"])
    assert result.exit_code == 2 and "Unknown chapter(s): narnia" in result.output


def test_generate_writes_two_files_and_refuses_overwrite(tmp_path):
    args = ["generate", "--chapter", "history", "--n", "5", "--seed", "42", "--variants", "3", "--salt", "pepper",
            "--out", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    quiz = QuizFile.model_validate_json((tmp_path / "quiz.json").read_text())
    key = KeyFile.model_validate_json((tmp_path / "key.json").read_text())
    assert len(quiz.variants) == 3 and quiz.quiz_id == key.quiz_id
    first = (tmp_path / "quiz.json").read_bytes()
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert (tmp_path / "quiz.json").read_bytes() == first


def test_generate_explains_an_impossible_request(tmp_path, shipped_bank):
    have = sum(1 for i in shipped_bank.values() if i.question.chapter == "history" and i.question.type == "matching")
    asked = have + 3
    result = runner.invoke(app, ["generate", "-c", "history", "--n", str(asked), "--seed", "1", "--mix",
                                 f"matching={asked}", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert (f"error: --mix asks for {asked} matching questions; the bank has {have} matching items for history"
            in result.output)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_lint_passes_on_the_shipped_bank():
    result = runner.invoke(app, ["lint"])
    assert result.exit_code == 0, result.output
    assert "items pass the linter" in result.output


def test_schema_export(tmp_path):
    assert runner.invoke(app, ["schema", "--out", str(tmp_path)]).exit_code == 0
    schemas = {p.name: json.loads(p.read_text()) for p in tmp_path.iterdir()}
    assert set(schemas) == {"quiz.schema.json", "key.schema.json", "roster.schema.json", "submission.schema.json"}
    assert schemas["submission.schema.json"] == Submission.model_json_schema(by_alias=True)
    quiz = schemas["quiz.schema.json"]
    assert quiz["properties"]["schema"]["const"] == "afcourse.quiz/2" and "slots" in quiz["properties"]
    assert "salt" in schemas["key.schema.json"]["properties"]


def test_committed_quiz_sets_are_up_to_date(tmp_path):
    result = runner.invoke(app, ["generate-defaults", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    fresh = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.json"))
    committed = sorted(p.relative_to(ROOT / "quizzes") for p in (ROOT / "quizzes").rglob("*.json"))
    assert fresh == committed
    stale = [str(p) for p in fresh if (tmp_path / p).read_bytes() != (ROOT / "quizzes" / p).read_bytes()]
    assert not stale, f"regenerate with `afcourse generate-defaults --force`: {stale}"


def test_generate_names_the_type_that_ran_out_and_the_contradictory_filters(tmp_path):
    out = str(tmp_path / "set")
    result = runner.invoke(app, ["generate", "-c", "history", "--n", "7", "--seed", "1", "--mix", "numeric=7",
                                 "--out", out])
    assert result.exit_code == 1
    said = re.search(r"error: only (\d) of the 7 numeric question\(s\) asked for fit into one quiz \(from (\d+) matching "
                     r"items for history, once no fact, answer or giveaway may repeat between questions\); allow several "
                     r"items per fact \(--allow-same-fact\) or ask for fewer questions", " ".join(result.output.split()))
    assert said and int(said.group(1)) < 7 <= int(said.group(2)), result.output
    result = runner.invoke(app, ["generate", "-c", "history", "--n", "3", "--seed", "1", "--min-difficulty", "0.8",
                                 "--max-difficulty", "0.2", "--out", out])
    assert result.exit_code == 1 and "--min-difficulty 0.8 is above --max-difficulty 0.2" in result.output
    result = runner.invoke(app, ["generate", "-c", "history", "--n", "3", "--seed", "1", "--type", "true_false",
                                 "--mix", "true_false=2,numeric=1", "--out", out])
    assert result.exit_code == 1 and "--mix asks for numeric, which --type does not allow" in result.output
    assert not (tmp_path / "set").exists()


def test_generate_titles_a_graded_set_as_asked_and_never_self_check(tmp_path):
    base = ["generate", "-c", "history", "--n", "3", "--seed", "1"]
    assert runner.invoke(app, [*base, "--out", str(tmp_path / "a")]).exit_code == 0
    title = QuizFile.model_validate_json((tmp_path / "a" / "quiz.json").read_text()).title
    assert title.startswith("Quiz: ") and "Self-check" not in title
    assert runner.invoke(app, [*base, "--title", "Midterm <1>", "--out", str(tmp_path / "b")]).exit_code == 0
    assert QuizFile.model_validate_json((tmp_path / "b" / "quiz.json").read_text()).title == "Midterm <1>"
