"""`afcourse facts check` and `afcourse facts export` as a user runs them."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from afcourse import load_facts
from afcourse.cli import app

runner = CliRunner()


def test_check_fails_with_every_problem_listed(fact_dir):
    folder = fact_dir("bad.yaml", """facts:
  - id: x
    kind: event
    chapter: nowhere
    name: a thing
    date: 2016-14
    statement: A thing happened.
    citations: [{source: aliyev-2020, paragraph: 1}]
""")
    result = runner.invoke(app, ["facts", "check", "--dir", str(folder)])
    assert result.exit_code == 1
    assert "bad.yaml:6: fact 'x': field 'date': '2016-14' is not a valid date (month 14 does not exist)" in result.output
    assert "bad.yaml:4: fact 'x': field 'chapter': unknown chapter 'nowhere'" in result.output


def test_check_counts_a_valid_folder(fact_dir):
    folder = fact_dir("ok.yaml", """facts:
  - id: x
    kind: quantity
    chapter: interests
    measure: the CSTO's rapid reaction forces
    value: 18000
    unit: servicemen
    approximate: true
    statement: The CSTO's rapid reaction forces number some 18,000 servicemen.
    citations: [{source: aliyev-2020, paragraph: 12}]
""")
    result = runner.invoke(app, ["facts", "check", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    base = load_facts(folder)
    contested = sum(1 for f in base if f.contested)
    assert f"{len(base)} valid facts ({contested} contested or attributed) from 4 sources." in result.output
    assert base.facts["x"].value == 18000


def test_export_writes_json_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "facts.json"
    result = runner.invoke(app, ["facts", "export", "--out", str(target)])
    assert result.exit_code == 0, result.output
    records = json.loads(target.read_text())
    assert records, "the shipped fact base is empty"
    for record in records:
        assert {"id", "kind", "statement", "chapter", "citations", "contested"} <= record.keys()
        assert all({"source", "paragraph"} == set(c) for c in record["citations"])
    target.write_text("keep me")
    again = runner.invoke(app, ["facts", "export", "--out", str(target)])
    assert again.exit_code == 1
    assert "already exists; pass --force" in again.output
    assert target.read_text() == "keep me"
    forced = runner.invoke(app, ["facts", "export", "--out", str(target), "--force"])
    assert forced.exit_code == 0 and json.loads(target.read_text()) == records


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "afcourse.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "facts" in result.stdout


def test_import_stays_light():
    code = ("import sys, afcourse; afcourse.load_facts(); "
            "heavy = [m for m in ('ipywidgets', 'matplotlib', 'sphinx', 'typer', 'rich', 'nbformat') if m in sys.modules]; "
            "print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
