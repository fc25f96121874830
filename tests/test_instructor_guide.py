"""The instructor guide: its example outputs are files git ignores, and its midterm walkthrough runs as written."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

GUIDE = ROOT / "book" / "instructor-guide.md"
WALKTHROUGH = "## A midterm, step by step"


def guide_outputs() -> set[str]:
    """Every ``--out`` target and roster file the guide's shell commands name."""
    blocks = re.findall(r"```bash\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return {path for block in blocks for path in re.findall(r"--(?:out|roster) (\S+)", block)}


def test_every_output_the_guide_writes_is_ignored_by_git():
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse"], capture_output=True).returncode:
        pytest.skip("not a git checkout")
    outputs = guide_outputs()
    assert {"private/midterm", "midterm-moodle.xml", "notebooks/midterm", "grades/midterm", "roster.csv",
            "paper", "canvas-export.csv", "grades/midterm-regrade"} <= outputs
    tracked = [p for p in outputs
               if subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", p]).returncode != 0]
    assert tracked == [], f"git would commit these guide outputs: {tracked}"


def walkthrough_blocks() -> list[tuple[str, str]]:
    """(language, code) of every bash and python block of the walkthrough, in order."""
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index(WALKTHROUGH)
    end = text.index("\n## ", start + len(WALKTHROUGH))
    return re.findall(r"```(bash|python)\n(.*?)```", text[start:end], re.S)


def test_the_midterm_walkthrough_runs_as_written(tmp_path):
    afcourse = Path(sys.executable).parent / "afcourse"
    blocks = walkthrough_blocks()
    assert len(blocks) >= 10 and {lang for lang, _ in blocks} == {"bash", "python"}
    ran = []
    for lang, code in blocks:
        if lang == "bash":
            command = ["bash", "-euo", "pipefail", "-c", code]
        else:
            command = [sys.executable, "-c", code]
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                              env={"AFCOURSE": str(afcourse), "PATH": f"{afcourse.parent}:/usr/bin:/bin",
                                   "HOME": str(tmp_path)})
        assert done.returncode == 0, f"{code}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        ran.append(done.stdout)
    output = "\n".join(ran)
    assert "the same set" in output                                    # rebuilt from the recipe, byte for byte
    assert "removed Q5c" in output and "added Q8b: In which month of 2016" in output
    assert (tmp_path / "paper" / "paper.html").exists()
    paper = (tmp_path / "grades" / "midterm-paper" / "gradebook.csv").read_text()
    assert paper.count("\n") == 7                                      # six students and the header
    decisions = (tmp_path / "grades" / "midterm-regrade" / "decisions.yaml").read_text()
    assert "action: drop" in decisions and "action: accept" in decisions and "action: override" in decisions
    final = tmp_path / "grades" / "midterm-final"
    assert (final / "gradebook.csv").read_text() == (tmp_path / "grades" / "midterm-regrade" / "gradebook.csv").read_text()
    report = (final / "report.html").read_text()
    assert "What to reteach" in report and "Decisions applied" in report
    assert "no submission" in (tmp_path / "grades" / "midterm" / "gradebook.csv").read_text()
