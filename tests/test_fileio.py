"""Atomic writes never clobber without being asked and never leave half files."""

import pytest

from afcourse.common.fileio import OutputExistsError, write_atomic


def test_write_then_refuse_then_force(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    write_atomic(target, "one")
    with pytest.raises(OutputExistsError):
        write_atomic(target, "two")
    assert target.read_text() == "one"
    write_atomic(target, b"three", force=True)
    assert target.read_bytes() == b"three"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


def test_failed_write_keeps_old_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(TypeError):
        write_atomic(target, 12345, force=True)  # not text: the write fails midway
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
