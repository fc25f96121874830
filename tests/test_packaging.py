"""The package as students get it: the wheel installs into a clean virtual environment and runs a notebook quiz.

Builds the wheel from this tree (pip's own build, hatchling from the package index or pip's cache),
installs it with its dependencies into a fresh venv (nothing of this project's .venv), and in that
venv opens a graded quiz, answers it, submits it, and grades the file with the installed command.
"""

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

STUDENT = """
import json, sys
from afcourse import show_quiz
c = show_quiz("quiz.json", mode="assessment", student_id="s2300199", name="Ada", save_to="answer.json").controller
for q in c.questions:
    if q.type in ("single_choice", "true_false"):
        c.answer(q.id, q.choices[0].id)
    elif q.type == "ordering":
        c.confirm_order(q.id)
c.submit()
print(json.load(open("answer.json"))["status"])
"""


@pytest.fixture(scope="module")
def clean_venv(tmp_path_factory):
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(root / "dist"), str(ROOT)],
                   check=True, timeout=600)
    (wheel,) = (root / "dist").glob("afcourse-*.whl")
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(root / "venv")
    python = root / "venv" / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=900)
    return root, python, wheel


def test_the_wheel_holds_the_package_data_and_runs_a_notebook_quiz(clean_venv, tmp_path):
    root, python, wheel = clean_venv
    afcourse = python.parent / "afcourse"
    where = subprocess.run([str(python), "-c", "import afcourse, sys; print(afcourse.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert str(root / "venv") in where and str(ROOT) not in where  # the installed copy, not this tree
    made = subprocess.run([str(afcourse), "generate", "-c", "taliban", "--n", "5", "--seed", "w", "--type",
                           "single_choice", "--type", "true_false", "--out", "set"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert made.returncode == 0, made.stderr  # the facts came with the wheel
    (tmp_path / "quiz.json").write_text((tmp_path / "set" / "quiz.json").read_text())
    run = subprocess.run([str(python), "-c", STUDENT], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "submitted"
    assert json.loads((tmp_path / "answer.json").read_text())["content_hash"]
    grade = [str(afcourse), "grade", "set", "answer.json", "--out", "grades"]
    student_install = subprocess.run(grade, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert student_install.returncode == 1  # a student's install leaves grading's numpy out, and says so
    assert "grading needs numpy" in student_install.stderr and "afcourse[grading]" in student_install.stderr
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"{wheel}[grading]"], check=True, timeout=900)
    graded = subprocess.run(grade, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert graded.returncode == 0, graded.stderr
    assert "Graded 1 student(s)" in graded.stdout and (tmp_path / "grades" / "report.html").exists()
    version = subprocess.run([str(afcourse), "--version"], capture_output=True, text=True, timeout=120)
    assert version.stdout.startswith("afcourse ")
