"""The bank's families moved out of one 953-line generate.py into afcourse/bank/families/ without changing an item.

The generator as it was before the split (read from git) builds the bank of the shipped facts,
and every item it made is still made, field for field, by the families. What later work
changed on purpose is left out of the comparison: the objective, level and per-option feedback
an item now carries.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BEFORE_SPLIT = "188a02a"
ADDED_SINCE = {"objective", "level", "feedback"}


def generator_before_split(tmp_path: Path):
    try:
        text = subprocess.run(["git", "show", f"{BEFORE_SPLIT}:afcourse/bank/generate.py"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"git history with commit {BEFORE_SPLIT} not available")
    path = tmp_path / "generate_before_split.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("generate_before_split", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def comparable(item) -> dict:
    data = item.model_dump(mode="json")
    data["answer"] = {k: v for k, v in data["answer"].items() if k not in ADDED_SINCE}
    return data


def test_the_split_families_make_the_same_items(tmp_path, shipped_base, shipped_bank):
    old = generator_before_split(tmp_path)
    before = {item.id: comparable(item) for item in old.build_bank(shipped_base)}
    assert len(before) > 500
    after = {item_id: comparable(shipped_bank[item_id]) for item_id in before if item_id in shipped_bank}
    assert sorted(after) == sorted(before), f"items no longer made: {sorted(set(before) - set(after))[:10]}"
    changed = [item_id for item_id in before if before[item_id] != after[item_id]]
    assert changed == []
