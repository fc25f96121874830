"""The book builds offline with zero Sphinx warnings."""

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_book_builds_without_warnings(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(ROOT / "book", book, ignore=shutil.ignore_patterns("_build"))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(book), "--warningiserror", "--quiet"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (book / "_build" / "html" / "index.html").exists()
