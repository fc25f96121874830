"""The instructor guide's example outputs are files git ignores, should anyone follow it inside the repository."""

import re
import subprocess

import pytest
from conftest import ROOT

GUIDE = ROOT / "book" / "instructor-guide.md"


def guide_outputs() -> set[str]:
    """Every ``--out`` target and roster file the guide's shell commands name."""
    blocks = re.findall(r"```bash\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return {path for block in blocks for path in re.findall(r"--(?:out|roster) (\S+)", block)}


def test_every_output_the_guide_writes_is_ignored_by_git():
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse"], capture_output=True).returncode:
        pytest.skip("not a git checkout")
    outputs = guide_outputs()
    assert {"private/midterm", "midterm-moodle.xml", "notebooks/midterm", "grades/midterm", "roster.csv"} <= outputs
    tracked = [p for p in outputs
               if subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", p]).returncode != 0]
    assert tracked == [], f"git would commit these guide outputs: {tracked}"
