"""The small things an instructor tripped over: --version, writing to /dev/null, a publishable self-check page,
calibration counts, and problems from a server database naming it."""

import stat
from importlib.metadata import version

from typer.testing import CliRunner

from afcourse.cli import app
from afcourse.grading.submissions import Labelled, iter_submissions

runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"afcourse {version('afcourse')}"


def test_output_to_a_device_is_written_through():
    result = runner.invoke(app, ["bank", "-c", "taliban", "--out", "/dev/null"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["facts", "export", "--out", "/dev/null"])
    assert result.exit_code == 0, result.output


def test_self_check_page_is_world_readable(tmp_path):
    result = runner.invoke(app, ["quiz-page", "taliban", "--out", str(tmp_path / "page.html")])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "page.html").stat().st_mode) == 0o644


def test_labelled_submissions_name_their_source_not_an_argument_number():
    (record,) = iter_submissions([Labelled({"quiz_id": "q"}, "class.sqlite (server database)", 3)])
    assert record.where == "class.sqlite (server database):3"


def test_calibrate_says_how_many_items_it_measured_and_generate_how_many_it_used(tmp_path):
    import json

    from afcourse.grading.simulate import simulate_class
    from afcourse.quiz.models import KeyFile, QuizFile

    gen = runner.invoke(app, ["generate", "-c", "taliban", "--n", "5", "--variants", "4", "--seed", "c", "--out",
                              str(tmp_path / "set")])
    assert gen.exit_code == 0, gen.output
    quiz = QuizFile.model_validate_json((tmp_path / "set" / "quiz.json").read_text())
    key = KeyFile.model_validate_json((tmp_path / "set" / "key.json").read_text())
    subs, _ = simulate_class(quiz, key, 24)  # 6 students per variant: items of many-item slots stay unmeasured
    (tmp_path / "subs.jsonl").write_text("\n".join(json.dumps(s) for s in subs) + "\n")
    assert runner.invoke(app, ["grade", str(tmp_path / "set"), str(tmp_path / "subs.jsonl"), "--out",
                               str(tmp_path / "g")]).exit_code == 0
    result = runner.invoke(app, ["calibrate", str(tmp_path / "g"), "--out", str(tmp_path / "cal.json")])
    measured = len(json.loads((tmp_path / "cal.json").read_text())["difficulty"])
    seen = len({k.item_id for k in key.keys})
    assert f"measured difficulty of {measured} of the {seen} item(s)" in result.output
    if measured < seen:
        assert f"The other {seen - measured} had fewer than 10 answers" in result.output
    again = runner.invoke(app, ["generate", "-c", "taliban", "--n", "5", "--seed", "d", "--calibration",
                                str(tmp_path / "cal.json"), "--out", str(tmp_path / "set2")])
    assert again.exit_code == 0 and "Calibration: measured difficulty used for" in again.output
    assert f"({measured} measured in" in again.output


def test_generate_help_lists_the_chapter_ids_of_the_fact_base(shipped_base):
    from afcourse.cli import CHAPTER_IDS

    assert list(CHAPTER_IDS) == list(shipped_base.chapters)
    result = runner.invoke(app, ["generate", "--help"], env={"COLUMNS": "200"})
    assert all(chapter in result.output for chapter in CHAPTER_IDS)
