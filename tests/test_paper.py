"""The paper flow end to end: print every student's copy and answer sheet, type the sheets into a CSV, grade it."""

import csv
import io
import json
import shutil
import subprocess

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from afcourse.bank.models import ChoiceKey, MatchKey, MultiKey, NumericKey, OrderKey, TextKey
from afcourse.cli import app
from afcourse.exports.handout import letter
from afcourse.grading.paper import paper_response
from afcourse.quiz.models import KeyFile, QuizFile, RosterFile
from afcourse.quiz.scoring import score

runner = CliRunner()
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                  "--no-pdf-header-footer"]


def written(q, key) -> str:
    """What a student who knows the answer writes on the sheet for question q."""
    letters = {c.id: letter(i) for i, c in enumerate(q.choices)}
    if isinstance(key, ChoiceKey):
        return "T" if q.type == "true_false" and letters[key.correct] == letter(
            [c.text for c in q.choices].index("True")) else ("F" if q.type == "true_false" else letters[key.correct])
    if isinstance(key, MultiKey):
        return ",".join(letters[c] for c in key.correct)
    if isinstance(key, TextKey):
        return key.accepted[0]
    if isinstance(key, NumericKey):
        return str(int(key.value)) if float(key.value).is_integer() else str(key.value)
    if isinstance(key, OrderKey):
        return " ".join(str(key.order.index(c.id) + 1) for c in q.choices)
    if isinstance(key, MatchKey):
        return " ".join(letters[key.pairs[p.id]] for p in q.prompts)
    raise AssertionError(key)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    root = tmp_path_factory.mktemp("paper")
    (root / "roster.csv").write_text('id;name;section\ns2300199;"Smith, John";A\ns2300200;Ada Okafor;B\n'
                                     "s2300201;Lev Tolstoy;A\ns2300202;Absent Student;B\n", encoding="cp1252")
    result = runner.invoke(app, ["generate", "-c", "moscow-format", "-c", "taliban", "--n", "10", "--variants", "3",
                                 "--seed", "paper", "--salt", "paper salt", "--mix", "single_choice=3,true_false=2,multiple_select=1,"
                                 "short_answer=1,numeric=1,ordering=1,matching=1",
                                 "--roster", str(root / "roster.csv"), "--out", str(root / "set")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", "paper", str(root / "set"), "--out", str(root / "paper")])
    assert result.exit_code == 0, result.output
    return root


def test_one_file_holds_every_students_copy_and_answer_sheet(printed):
    page = lxml_html.fromstring((printed / "paper" / "paper.html").read_text())
    roster = RosterFile.model_validate_json((printed / "set" / "roster.json").read_text())
    sheets = page.xpath("//section[@class='sheet']")
    assert [(s.get("data-student"), s.get("data-variant")) for s in sheets] == [
        (e.id, e.variant_id) for e in roster.students]
    assert len(page.xpath("//section[@class='copy']")) == 4
    for sheet in sheets:
        assert sheet.xpath(".//*[@class='qr']/*[local-name()='svg']") and len(sheet.xpath(".//tr")) == 10
    text = (printed / "paper" / "paper.html").read_text()
    assert "key.json" not in text and '"correct"' not in text
    rows = list(csv.reader(io.StringIO((printed / "paper" / "answers.csv").read_text())))
    assert rows[0] == ["id", "variant", "name"] + [f"Q{i}" for i in range(1, 11)]
    assert [r[:3] for r in rows[1:]] == [[e.id, e.variant_id, e.name] for e in roster.students]


def test_printed_by_chromium_each_sheet_names_and_encodes_its_student(printed, tmp_path):
    from pypdf import PdfReader

    pdf = tmp_path / "paper.pdf"
    subprocess.run(["/usr/bin/chromium", *CHROMIUM_FLAGS, f"--print-to-pdf={pdf}",
                    (printed / "paper" / "paper.html").as_uri()], check=True, capture_output=True, timeout=120)
    pages = [p.extract_text() for p in PdfReader(str(pdf)).pages]
    sheets = [i for i, text in enumerate(pages) if "Answer sheet:" in text]
    assert len(sheets) == 4
    assert all("Variant" in pages[i + 1] for i in sheets[:-1])  # the next student's copy starts on a new page
    roster = RosterFile.model_validate_json((printed / "set" / "roster.json").read_text())
    for i, entry in zip(sheets, roster.students):
        assert entry.id in pages[i] and entry.variant_id in pages[i]
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):  # read the QR codes back off the printed pages
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "p")], check=True, timeout=120)
        for i, entry in zip(sheets, roster.students):
            image = sorted(tmp_path.glob("p-*.png"))[i]
            out = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                                 capture_output=True, text=True, timeout=60).stdout.strip()
            quiz_id = json.loads((printed / "set" / "quiz.json").read_text())["quiz_id"]
            assert json.loads(out) == {"quiz": quiz_id, "variant": entry.variant_id, "student": entry.id}


def test_filled_answers_are_graded_like_any_submission(printed, tmp_path):
    quiz = QuizFile.model_validate_json((printed / "set" / "quiz.json").read_text())
    key = KeyFile.model_validate_json((printed / "set" / "key.json").read_text())
    keys = {k.id: k.key for k in key.keys}
    variants = {v.variant_id: v for v in quiz.variants}
    rows = list(csv.reader(io.StringIO((printed / "paper" / "answers.csv").read_text())))
    filled = [rows[0]]
    for number, row in enumerate(rows[1:4]):  # the fourth student's sheet never came back
        questions = variants[row[1]].questions
        answers = [written(q, keys[q.id]) for q in questions]
        if number == 1:
            answers[0] = ""                     # Q1 left blank
        if number == 2:                         # a letter its first single-choice question does not have
            answers[next(i for i, q in enumerate(questions) if q.type == "single_choice")] = "z"
        filled.append(row[:3] + answers)
    with open(tmp_path / "answers.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(filled)
    result = runner.invoke(app, ["grade", str(printed / "set"), "--paper", str(tmp_path / "answers.csv"),
                                 "--out", str(tmp_path / "grades")])
    assert result.exit_code == 0, result.output
    book = {r["student_id"]: r for r in csv.DictReader(io.StringIO((tmp_path / "grades" / "gradebook.csv").read_text()))}
    assert book["s2300199"]["percent"] == "100"
    assert float(book["s2300200"]["percent"]) == 90 and "1 unanswered" in book["s2300200"]["flags"]
    assert float(book["s2300201"]["percent"]) == 90 and "invalid" in book["s2300201"]["flags"]
    assert book["s2300202"]["status"] == "missing"
    problems = (tmp_path / "grades" / "problems.csv").read_text()
    assert "answers.csv,4,s2300201" in problems and "unknown choice id" in problems and ": z" in problems.lower()


def test_paper_marks_read_as_the_copy_letters_them(printed):
    quiz = QuizFile.model_validate_json((printed / "set" / "quiz.json").read_text())
    key = KeyFile.model_validate_json((printed / "set" / "key.json").read_text())
    keys = {k.id: k.key for k in key.keys}
    for variant in quiz.variants:
        for q in variant.questions:
            right = written(q, keys[q.id])
            forms = [right, right.lower()]
            if q.type in ("multiple_select", "matching"):
                forms.append(right.replace(",", "").replace(" ", ""))
            if q.type == "ordering":  # the letters first to last instead of each one's position
                forms.append("".join(letter([c.id for c in q.choices].index(c)) for c in keys[q.id].order))
            for form in forms:
                assert score(q, keys[q.id], paper_response(q, form), quiz.scoring).status == "correct", (q.type, form)
