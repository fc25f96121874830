"""Shared fixtures: paths to the project, the seed documents and a scratch fact folder."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "afcourse" / "facts"
SEEDS = ROOT.parent / "shared" / "seeds"
REGISTRIES = ("sources.yaml", "countries.yaml", "chapters.yaml", "people.yaml", "organisations.yaml")


@pytest.fixture
def seeds_dir() -> Path:
    """The seed documents; CI always has them beside the clone, elsewhere the test skips."""
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"seed documents not found at {SEEDS}")
        pytest.skip("seed documents not available")
    return SEEDS


@pytest.fixture
def fact_dir(tmp_path: Path):
    """A folder holding the real registries and entities; returns a function that adds a fact file."""
    for name in REGISTRIES:
        shutil.copy(FACTS / name, tmp_path / name)

    def add(name: str, text: str) -> Path:
        (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path

    return add
