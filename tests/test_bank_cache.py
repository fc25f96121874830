"""The on-disk bank cache: the same bank as a fresh build, a new entry for any change, safe when shared."""

import shutil
import subprocess
import sys
from pathlib import Path

from afcourse import load_facts
from afcourse.bank import cache
from afcourse.bank.generate import build_bank

PACKAGE = Path(cache.__file__).resolve().parent.parent


def test_the_cached_bank_is_the_built_bank_and_is_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("AFCOURSE_CACHE_DIR", str(tmp_path))
    chapters, items = cache.cached_bank()
    assert items == build_bank(load_facts()) and set(chapters) == set(load_facts().chapters)
    (entry,) = tmp_path.glob("bank-*.pickle")
    assert entry.name == f"bank-{cache.fingerprint()}.pickle"
    assert cache.cached_bank() == (chapters, items)
    entry.write_bytes(b"not a pickle")  # a damaged entry is rebuilt, not trusted
    assert cache.cached_bank() == (chapters, items) and entry.read_bytes() != b"not a pickle"


def test_any_change_to_a_fact_file_or_the_generator_changes_the_key(tmp_path, monkeypatch):
    copy = tmp_path / "afcourse"
    shutil.copytree(PACKAGE / "facts", copy / "facts")
    shutil.copytree(PACKAGE / "bank", copy / "bank")
    monkeypatch.setattr(cache, "PACKAGE", copy)
    before = cache.fingerprint()
    fact_file = next((copy / "facts").glob("ch*.yaml"))
    fact_file.write_text(fact_file.read_text() + "\n# an edit\n")
    after_fact = cache.fingerprint()
    (copy / "facts" / "understanding").mkdir(exist_ok=True)
    new_file = copy / "facts" / "understanding" / "ch9-test.yaml"
    new_file.write_text("objectives: []\n")
    after_new_understanding = cache.fingerprint()
    new_file.write_text("objectives: []\n# an edit\n")
    after_understanding = cache.fingerprint()
    (copy / "bank" / "generate.py").write_text((copy / "bank" / "generate.py").read_text() + "\n")
    after_code = cache.fingerprint()
    family = copy / "bank" / "families" / "events.py"  # the item families live in a sub-package of bank/
    family.write_text(family.read_text() + "\n")
    fingerprints = {before, after_fact, after_new_understanding, after_understanding, after_code, cache.fingerprint()}
    assert len(fingerprints) == 6


def test_commands_sharing_a_cold_cache_at_once_all_succeed(tmp_path):
    code = "from afcourse.bank.cache import cached_bank; print(len(cached_bank()[1]))"
    env = {"AFCOURSE_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(3)]
    counts = {run.communicate(timeout=120)[0].strip() for run in runs}
    assert all(run.returncode == 0 for run in runs) and len(counts) == 1
    assert [p.name for p in tmp_path.iterdir()] == [f"bank-{cache.fingerprint()}.pickle"]  # no temporary left
