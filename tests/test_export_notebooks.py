"""`afcourse export notebooks`: one notebook per rostered student, opening the variant grading expects."""

from __future__ import annotations

import csv
import json
import os
import stat

import nbformat
from conftest import ROOT
from test_export_cases import generated_quiz
from test_quizui_support import find_key_leaks
from typer.testing import CliRunner

from afcourse.cli import app
from afcourse.quiz.roster import class_roster
from afcourse.quiz.sets import write_quiz_set

ROSTER = [("s001", "Ada Lovelace"), ("s002", "Seán O'Brien \"Bob\""), ("s003", "Zhōu Xīn"), ("s004", ""),
          ("s 005/x", "Odd Id"), ("s006", "F"), ("s007", "G")]


def run(*args):
    return CliRunner().invoke(app, ["export", *map(str, args)])


def rostered_set(tmp_path):
    quiz, key = generated_quiz(n=4, variants=3)
    write_quiz_set(quiz, key, tmp_path / "set")
    csv_path = tmp_path / "class.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("id", "name"), *ROSTER])
    return quiz, key, csv_path


def code_cell(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    return notebook, next(c for c in notebook.cells if c.cell_type == "code")


def test_a_notebook_per_student_naming_the_variant_grading_expects(tmp_path, monkeypatch):
    quiz, key, csv_path = rostered_set(tmp_path)
    result = run("notebooks", tmp_path / "set", "--roster", csv_path, "--out", tmp_path / "nb")
    assert result.exit_code == 0, result.output
    assert f"wrote 7 student notebooks into {tmp_path / 'nb'}" in result.output
    names = sorted(p.name for p in (tmp_path / "nb").iterdir())
    assert names == sorted(["quiz.json"] + [f"quiz-{sid.replace(' ', '_').replace('/', '_')}.ipynb"
                                            for sid, _ in ROSTER])
    assert (tmp_path / "nb" / "quiz.json").read_bytes() == (tmp_path / "set" / "quiz.json").read_bytes()
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in (tmp_path / "nb").iterdir())
    expected = {s.id: s.variant_id for s in class_roster(tmp_path / "set", quiz, key, csv_path).students}
    assert sorted(set(expected.values())) == ["v001", "v002", "v003"]

    from afcourse.quizui.display import QuizDisplay

    monkeypatch.chdir(tmp_path / "nb")  # where a student opens the notebook
    for sid, name in ROSTER:
        path = tmp_path / "nb" / f"quiz-{sid.replace(' ', '_').replace('/', '_')}.ipynb"
        text = path.read_text(encoding="utf-8")
        assert find_key_leaks(text, quiz, key) == []
        notebook, cell = code_cell(path)
        assert f"student id `{sid}`" in notebook.cells[0].source
        *setup, call = cell.source.split("\n\n")
        namespace: dict = {}
        exec("\n\n".join(setup), namespace)
        shown = eval(call, namespace)  # the cell's last line, as the kernel shows it
        assert isinstance(shown, QuizDisplay)
        assert shown.controller.bundle.variant.variant_id == expected[sid]
        assert shown.controller.store.student.id == sid and shown.controller.store.student.name == (name or None)


def test_the_notebooks_are_the_same_bytes_each_time_and_force_replaces_the_folder(tmp_path):
    _, _, csv_path = rostered_set(tmp_path)
    assert run("notebooks", tmp_path / "set", "--roster", csv_path, "--out", tmp_path / "nb").exit_code == 0
    first = {p.name: p.read_bytes() for p in (tmp_path / "nb").iterdir()}
    (tmp_path / "nb" / "quiz-stale.ipynb").write_text("{}", encoding="utf-8")
    again = run("notebooks", tmp_path / "set", "--roster", csv_path, "--out", tmp_path / "nb")
    assert again.exit_code == 1 and "already exists; pass --force" in again.output
    assert run("notebooks", tmp_path / "set", "--roster", csv_path, "--out", tmp_path / "nb", "--force").exit_code == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "nb").iterdir()} == first


def test_notebooks_need_a_roster_and_take_no_variant_choice(tmp_path):
    _, _, csv_path = rostered_set(tmp_path)
    result = run("notebooks", tmp_path / "set", "--out", tmp_path / "nb")
    assert result.exit_code == 1
    assert ("error: notebooks are made one per student: give --roster FILE.csv (or make the set with "
            "`afcourse generate --roster`)") in " ".join(result.output.split())
    result = run("notebooks", tmp_path / "set", "--roster", csv_path, "--variant", "v001", "--out", tmp_path / "nb")
    assert result.exit_code == 1
    assert "--variant chooses handout copies" in result.output and "notebooks follow the roster" in result.output
    assert not (tmp_path / "nb").exists()


def test_a_student_notebook_runs_in_a_real_kernel_on_its_variant(tmp_path, monkeypatch):
    from nbclient import NotebookClient

    quiz, key, csv_path = rostered_set(tmp_path)
    assert run("notebooks", tmp_path / "set", "--roster", csv_path, "--out", tmp_path / "nb").exit_code == 0
    expected = {s.id: s.variant_id for s in class_roster(tmp_path / "set", quiz, key, csv_path).students}
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    notebook, _ = code_cell(tmp_path / "nb" / "quiz-s002.ipynb")
    notebook.cells.append(nbformat.v4.new_code_cell("print(_.controller.bundle.variant.variant_id)", id="probe"))
    NotebookClient(notebook, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path / "nb")}}).execute()
    shown, probe = notebook.cells[1].outputs, notebook.cells[2].outputs
    assert [o["output_type"] for o in shown] == ["display_data", "display_data"], shown  # run-this-cell note, quiz
    assert "application/vnd.jupyter.widget-view+json" in shown[1]["data"]
    assert probe[0]["text"].strip() == expected["s002"]
    assert find_key_leaks(json.dumps(nbformat.writes(notebook)), quiz, key) == []
