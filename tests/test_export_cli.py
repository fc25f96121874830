"""`afcourse export` as an instructor runs it: a quiz folder in, files out, clear errors."""

import zipfile

import pytest
from lxml import etree
from typer.testing import CliRunner

from afcourse.cli import app
from afcourse.quiz.sets import write_quiz_set
from test_export_cases import generated_quiz

runner = CliRunner()


@pytest.fixture
def quiz_dir(tmp_path):
    quiz, key = generated_quiz(n=4, variants=3, same_points=True)
    write_quiz_set(quiz, key, tmp_path / "quiz")
    return tmp_path / "quiz"


def run(*args):
    return runner.invoke(app, ["export", *map(str, args)])


def test_lms_export_writes_one_file_and_says_it_holds_the_key(quiz_dir, tmp_path):
    for fmt, name in (("moodle", "bank.xml"), ("qti", "canvas.zip"), ("gift", "bank.gift.txt")):
        result = run(fmt, quiz_dir, "--out", tmp_path / name)
        assert result.exit_code == 0, result.output
        assert "holds the answer key" in result.output and (tmp_path / name).exists()
    assert etree.parse(str(tmp_path / "bank.xml")).getroot().tag == "quiz"
    assert "imsmanifest.xml" in zipfile.ZipFile(tmp_path / "canvas.zip").namelist()


def test_existing_output_is_kept_unless_forced(quiz_dir, tmp_path):
    target = tmp_path / "bank.xml"
    assert run("moodle", quiz_dir, "--out", target).exit_code == 0
    first = target.read_bytes()
    target.write_text("mine")
    again = run("moodle", quiz_dir, "--out", target)
    assert again.exit_code == 1 and "--force" in again.output and target.read_text() == "mine"
    assert run("moodle", quiz_dir, "--out", target, "--force").exit_code == 0
    assert target.read_bytes() == first


def test_handouts_go_into_a_folder_one_copy_per_variant(quiz_dir, tmp_path):
    result = run("html", quiz_dir, "--out", tmp_path / "print")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "print").iterdir()) == [
        "answer-key.html", "student-v001.html", "student-v002.html", "student-v003.html"]
    result = run("markdown", quiz_dir, "--out", tmp_path / "md", "--variant", "v003")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "md").iterdir()) == ["answer-key.md", "student-v003.md"]


def test_student_copies_alone_when_the_key_is_not_there(quiz_dir, tmp_path):
    (quiz_dir / "key.json").unlink()
    result = run("html", quiz_dir, "--out", tmp_path / "print")
    assert result.exit_code == 0 and "no answer key" in result.output
    assert not (tmp_path / "print" / "answer-key.html").exists()
    refused = run("qti", quiz_dir, "--out", tmp_path / "q.zip")
    assert refused.exit_code == 1 and "no key.json" in refused.output and not (tmp_path / "q.zip").exists()


@pytest.mark.parametrize("args, message", [
    (("pdf",), "unknown export format 'pdf'"),
    (("moodle", "--variant", "v001"), "--variant"),
    (("html", "--variant", "v404"), "no variant 'v404'"),
])
def test_bad_requests_get_a_clear_message(quiz_dir, tmp_path, args, message):
    fmt, *rest = args
    result = run(fmt, quiz_dir, "--out", tmp_path / "out", *rest)
    assert result.exit_code == 1 and message in result.output
    assert not (tmp_path / "out").exists()


def test_a_folder_without_a_quiz_or_with_a_broken_one_is_named(tmp_path):
    result = run("moodle", tmp_path, "--out", tmp_path / "x.xml")
    assert result.exit_code == 1 and "holds no quiz.json" in result.output
    (tmp_path / "quiz.json").write_text("{not json")
    result = run("moodle", tmp_path, "--out", tmp_path / "x.xml")
    assert result.exit_code == 1 and f"{tmp_path / 'quiz.json'}: not valid JSON (truncated or damaged?)" in result.output


# ---------------------------------------------------------------- files (issue 12)

import stat  # noqa: E402

from test_export_cases import nasty_quiz  # noqa: E402


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_qti_refuses_a_name_that_is_not_a_zip(quiz_dir, tmp_path):
    result = run("qti", quiz_dir, "--out", tmp_path / "x.xml")
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'x.xml'}: a QTI package is a zip file; name it with .zip (e.g. {tmp_path / 'x.zip'})" \
        in result.output
    assert not (tmp_path / "x.xml").exists()
    result = run("qti", quiz_dir, "--out", tmp_path / "x.zip")
    assert result.exit_code == 0 and f"wrote {tmp_path / 'x.zip'}: IMS QTI 1.2 package for Canvas" in result.output


def test_force_replaces_a_handout_folder_whole(tmp_path):
    quiz, key = generated_quiz(n=4, variants=3)
    write_quiz_set(quiz, key, tmp_path / "three")
    quiz, key = generated_quiz(n=4, variants=2, seed="other")
    write_quiz_set(quiz, key, tmp_path / "two")
    assert run("html", tmp_path / "three", "--out", tmp_path / "handout").exit_code == 0
    assert (tmp_path / "handout" / "student-v003.html").exists()
    result = run("html", tmp_path / "two", "--out", tmp_path / "handout")
    assert result.exit_code == 1 and "already exists; pass --force" in result.output
    assert run("html", tmp_path / "two", "--out", tmp_path / "handout", "--force").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "handout").iterdir()) == [
        "answer-key.html", "student-v001.html", "student-v002.html"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_force_never_deletes_a_folder_of_other_files(quiz_dir, tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "lecture.txt").write_text("mine")
    result = run("html", quiz_dir, "--out", tmp_path / "notes", "--force")
    assert result.exit_code == 1
    assert (f"error: {tmp_path / 'notes'} holds files this export did not write (lecture.txt); --force replaces "
            "an export folder whole, so choose a folder of its own") in result.output
    assert (tmp_path / "notes" / "lecture.txt").read_text() == "mine"


def test_student_files_are_world_readable_and_keys_are_not(quiz_dir, tmp_path):
    assert (mode(quiz_dir / "quiz.json"), mode(quiz_dir / "key.json")) == (0o644, 0o600)
    assert run("html", quiz_dir, "--out", tmp_path / "h").exit_code == 0
    assert mode(tmp_path / "h" / "student-v001.html") == 0o644 and mode(tmp_path / "h" / "answer-key.html") == 0o600
    for fmt, name in (("moodle", "m.xml"), ("qti", "c.zip"), ("gift", "g.gift.txt")):
        assert run(fmt, quiz_dir, "--out", tmp_path / name).exit_code == 0
        assert mode(tmp_path / name) == 0o600, fmt


def test_a_truncated_key_is_named(quiz_dir, tmp_path):
    text = (quiz_dir / "key.json").read_text()
    (quiz_dir / "key.json").write_text(text[: len(text) // 2])
    result = run("moodle", quiz_dir, "--out", tmp_path / "m.xml")
    assert result.exit_code == 1
    assert f"error: {quiz_dir / 'key.json'}: not valid JSON (truncated or damaged?)" in result.output
    assert not (tmp_path / "m.xml").exists()


def test_a_handout_numbers_questions_by_slot_and_carries_the_quiz_id(tmp_path):
    quiz, key = nasty_quiz()
    write_quiz_set(quiz, key, tmp_path / "q")
    assert run("markdown", tmp_path / "q", "--out", tmp_path / "h").exit_code == 0
    text = (tmp_path / "h" / "student-v002.md").read_text()
    assert "quiz nasty\\+quiz" in text or "quiz nasty+quiz" in text
    for slot, question in zip(quiz.slots, quiz.variants[1].questions):
        assert f"**{slot.number}\\.** " + question.stem.split()[0] in text
