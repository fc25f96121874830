"""`afcourse facts objectives`: every objective with its facts and the items that test it."""

import json

from typer.testing import CliRunner

from afcourse.cli import app

runner = CliRunner()


def test_objectives_json_lists_facts_and_the_items_of_each_objective(shipped_base, shipped_bank):
    result = runner.invoke(app, ["facts", "objectives", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [r["id"] for r in records] == list(shipped_base.objectives)
    for record in records:
        objective = shipped_base.objectives[record["id"]]
        assert record["chapter"] == objective.chapter and record["statement"] == objective.statement
        assert record["facts"] == list(objective.facts) and all(f in shipped_base.facts for f in record["facts"])
        mine = sorted(i for i, item in shipped_bank.items() if item.answer.objective == record["id"])
        assert record["items"] == mine
        assert record["understanding_items"] == sum(shipped_bank[i].answer.level == "understanding" for i in mine)
    text = runner.invoke(app, ["facts", "objectives", "-c", "taliban"]).output
    assert "taliban-why-engage (taliban)" in text and "history-" not in text
    assert runner.invoke(app, ["facts", "objectives", "-c", "nowhere"]).exit_code == 2
