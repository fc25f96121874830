"""A graded (assessment) quiz puts no key value in any file a student gets.

The assessment notebook is executed by a real kernel (nbclient) beside a quiz folder
that even holds key.json; the executed .ipynb (outputs and stored widget state) and
its HTML export (nbconvert) are searched for every key value: correct choice ids,
accepted answers, the numeric answer, orders, pairs, explanations and citations.
The same search over the self-check notebook finds the key, which shows that the
search can see it where it is.
"""

from __future__ import annotations

import json
import os

import nbformat
import pytest
from conftest import ROOT
from test_quizui_support import NOTEBOOKS, copy_quiz, find_key_leaks, load_test_quiz

from afcourse.quiz.models import Submission


def execute(notebook_name: str, folder, monkeypatch) -> tuple[str, str]:
    """Run a test notebook in ``folder``; return the executed notebook's text and its HTML export."""
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    nb = nbformat.read(NOTEBOOKS / notebook_name, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    text = nbformat.writes(nb)
    (folder / f"executed-{notebook_name}").write_text(text, encoding="utf-8")
    html, _ = HTMLExporter().from_notebook_node(nb)
    (folder / f"executed-{notebook_name}.html").write_text(html, encoding="utf-8")
    return text, html


def test_executed_assessment_notebook_and_its_html_hold_no_key(tmp_path, monkeypatch):
    copy_quiz(tmp_path, "quiz-student", with_key=True)  # key.json beside quiz.json, and still never read
    quiz, key = load_test_quiz()
    text, html = execute("assessment.ipynb", tmp_path, monkeypatch)
    outputs = json.loads(text)["cells"][1]["outputs"]
    # the run-this-cell note (hidden while the live quiz follows it), then the quiz
    assert [o["output_type"] for o in outputs] == ["display_data", "display_data"], outputs
    assert "afq-run-note" in "".join(outputs[0]["data"]["text/html"])
    data = outputs[1]["data"]
    assert {"text/html", "application/vnd.jupyter.widget-view+json"} <= set(data)
    assert "graded quiz of 8 questions" in "".join(data["text/html"])
    assert "widgets" in json.loads(text)["metadata"]  # the stored widget state is searched too
    assert find_key_leaks(text, quiz, key) == []
    assert find_key_leaks(html, quiz, key) == []
    saved = Submission.model_validate_json((tmp_path / "submission.json").read_text(encoding="utf-8"))
    assert saved.status == "in_progress" and saved.student.id == "s-042"
    assert find_key_leaks((tmp_path / "submission.json").read_text(encoding="utf-8"), quiz, key) == []


def test_the_search_finds_the_key_in_a_self_check_notebook(tmp_path, monkeypatch):
    copy_quiz(tmp_path, "quiz-allkinds", with_key=True)
    quiz, key = load_test_quiz()
    text, _html = execute("selfcheck.ipynb", tmp_path, monkeypatch)  # (nbconvert's HTML shows the widget view)
    leaks = find_key_leaks(text, quiz, key)
    for kind in ("explanation of", "order of", "pairs of", "accepted answer of", "numeric answer of", "citation of"):
        assert any(label.startswith(kind) for label in leaks), kind


@pytest.mark.parametrize("name", ["assessment.ipynb", "selfcheck.ipynb"])
def test_test_notebooks_are_valid(name):
    nbformat.validate(nbformat.read(NOTEBOOKS / name, as_version=4))
