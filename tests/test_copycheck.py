"""No sentence of the seed documents is copied into the project (facts, book, generated quizzes)."""

import subprocess
import sys

from conftest import ROOT

import pytest


def test_copycheck_finds_no_copied_runs(seeds_dir):
    tool = seeds_dir.parent / "tools" / "copycheck.py"
    if not tool.exists():
        pytest.skip("copycheck.py not available")
    result = subprocess.run([sys.executable, str(tool), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
