"""What grading writes: gradebook layouts, feedback, item analysis, problems, report.html; and escaping."""

import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner

from afcourse.cli import app
from afcourse.grading.pipeline import grade
from afcourse.quiz.sets import write_quiz_set
from afcourse.grading.reports.answers import answer_text
from afcourse.grading.reports.text import csv_text, md
from afcourse.grading.reports.feedback import feedback_filename
from test_grading_kit import scoring_quiz, write_jsonl

EVIL = "<script>alert('x')</script>"
RIGHT = {"sc": "y0", "tf": "true", "ms": ["m0", "m1", "m2"], "sa": "Zamir Kabulov", "nu": 1989,
         "od": ["o0", "o2", "o3", "o1"], "ma": {"p0": "r0", "p1": "r1", "p2": "r2"}, "sa2": "Taliban"}
SOURCES = """sources:
  - id: aliyev-2020
    author: Nurlan Aliyev
    title: How Russia Views <Afghanistan> Today
    date: 2020
  - id: krivosheev-2021
    author: Kirill Krivosheev
    title: Why Russia Is Hedging Its Bets in Afghanistan
    date: 2021-03-16
"""


def sub(student, name=None, variant="v001", **responses):
    return {"quiz_id": "rules-quiz", "variant_id": variant, "student": {"id": student, "name": name},
            "responses": {**RIGHT, **responses}}


@pytest.fixture
def setup(tmp_path):
    quiz, key = scoring_quiz()
    write_quiz_set(quiz, key, tmp_path / "quiz")
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    subs = [
        sub("s1", "Ann Lee"),
        sub("s2", EVIL, variant="v002", sc="y2", sa=EVIL, ms=["m0", "m3"]),
        sub("s3", "=HYPERLINK(\"http://x\")", sa="-2+3", nu="1,988"),
        {**sub("s4", "Dup"), "saved_at": "2025-01-01T10:00:00Z"},
        {**sub("s4", "Dup", tf="false"), "saved_at": "2025-01-01T09:00:00Z"},
        {**sub("s5", EVIL), "quiz_id": EVIL},
    ]
    path = write_jsonl(tmp_path / "subs.jsonl", subs, tail='{"quiz_id": "rules-quiz", "student": {"id": "s6"')
    return tmp_path, path, facts


def run(setup, plots=False, **options):
    root, path, facts = setup
    return grade(root / "quiz", path, root / "out", facts_dir=facts, plots=plots, **options), root / "out"


def read_csv(path):
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_output_folder_contents(setup):
    result, out = run(setup)
    assert sorted(p.name for p in out.iterdir()) == ["distractors.csv", "feedback", "gradebook.csv",
                                                     "item-analysis.csv", "manifest.json", "problems.csv",
                                                     "report.html", "results-by-objective.csv"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["students"] == 4 and "feedback/s1.md" in manifest["files"]
    assert result.files["report"] == out / "report.html"
    assert not list(out.parent.glob(".out.*"))  # no staging folder left behind


def test_default_gradebook_has_points_per_item(setup):
    result, out = run(setup)
    rows = read_csv(out / "gradebook.csv")
    header = rows[0]
    assert header[:9] == ["student_id", "name", "section", "variant", "status", "score", "max", "percent", "flags"]
    assert header[9:] == [f"Q{i} {q}" for i, q in enumerate(["sc", "tf", "ms", "sa", "nu", "od", "ma", "sa2"], 1)]
    by_id = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    assert list(by_id) == ["s1", "s2", "s3", "s4"]
    assert by_id["s1"]["score"] == "8" and by_id["s1"]["percent"] == "100"
    s2 = by_id["s2"]
    assert s2["name"] == EVIL and s2["variant"] == "v002"
    assert (s2["Q1 sc"], s2["Q3 ms"], s2["Q4 sa"], s2["score"], s2["percent"]) == ("0", "0", "0", "5", "62.5")  # ms: 1 right, 1 wrong
    assert by_id["s3"]["name"].startswith("'=HYPERLINK")  # a spreadsheet must not run it
    assert by_id["s3"]["Q5 nu"] == "0" and by_id["s4"]["flags"] == "2 submissions, latest kept"
    assert by_id["s4"]["Q2 tf"] == "1"  # the copy saved at 10:00 counts


def test_canvas_and_moodle_layouts(setup):
    _, out = run(setup, layout="canvas")
    rows = read_csv(out / "gradebook.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Scoring rules <check> & co",
                       "Notes"]
    assert rows[1] == ["Points Possible", "", "", "", "", "8", ""]
    assert rows[2] == ["Ann Lee", "", "s1", "", "", "8", ""]
    root, path, facts = setup
    grade(root / "quiz", path, root / "moodle", layout="moodle", feedback="none")
    rows = read_csv(root / "moodle" / "gradebook.csv")
    assert rows[0] == ["ID number", "Full name", "Scoring rules <check> & co", "Feedback"]
    assert rows[1:3] == [["s1", "Ann Lee", "8", ""], ["s2", EVIL, "5", ""]]


def test_feedback_shows_option_text_result_explanation_and_citation(setup):
    _, out = run(setup)
    text = (out / "feedback" / "s2.md").read_text(encoding="utf-8")
    sections = text.split("\n## ")
    single = next(s for s in sections if "Which year" in s)
    assert sections[1] is single  # questions are numbered by slot: the single-choice item is question 1
    assert single.startswith("1. Which year")
    assert "- Your answer: 2018" in single and "y2" not in single
    assert "✘ Wrong: 0 of 1 point(s)" in single and "- Right answer: 2016" in single
    assert "Why sc is so." in single
    assert "Source: Nurlan Aliyev, *How Russia Views &lt;Afghanistan&gt; Today* (2020, \u00b612)" in single
    multi = next(s for s in sections if "Which of these" in s)
    # 1 of 3 right options chosen and 1 wrong, of 5: 2 of the 5 options judged right
    assert "- Your answer: Russia; Brazil" in multi and "Wrong: 0 of 1 point(s)" in multi
    name = next(s for s in sections if "Who is Russia" in s)
    assert "Kirill Krivosheev, *Why Russia Is Hedging Its Bets in Afghanistan* (2021, \u00b65)" in name
    right = (out / "feedback" / "s1.md").read_text(encoding="utf-8")
    assert right.count("✔ Right") == 8 and "Right answer" not in right
    assert "Your answer: Lavrov → foreign minister; Kabulov → special envoy; Putin → president" in right
    assert "Your answer: Soviet withdrawal → US invasion → Doha deal → Taliban take Kabul" in right


def test_markdown_feedback_escapes_student_text(setup):
    _, out = run(setup)
    text = (out / "feedback" / "s2.md").read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert('x')&lt;/script&gt;" in text
    assert md("*bold* [link](x) # not a heading") == r"\*bold\* \[link\](x) # not a heading"
    assert md("# heading") == r"\# heading" and md("1. item") == r"1\. item"


def test_html_feedback_escapes_student_text(setup):
    _, out = run(setup, feedback="html")
    page = (out / "feedback" / "s2.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert page.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") == 2  # the name and the answer
    assert "<cite>How Russia Views &lt;Afghanistan&gt; Today</cite>" in page


def test_hide_key_leaves_out_the_right_answer(setup):
    _, out = run(setup, show_key=False)
    text = (out / "feedback" / "s2.md").read_text(encoding="utf-8")
    assert "Right answer" not in text
    assert "Why sc is so." not in text and "Source: Nurlan Aliyev" in text  # explanations state the key


def test_report_escapes_everything_and_embeds_two_plots(setup):
    result, out = run(setup, plots=True)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page  # the other-quiz id and the short answer appear, escaped
    assert "Scoring rules &lt;check&gt; &amp; co" in page
    plots = re.findall(r'<figure><svg xmlns="http://www.w3.org/2000/svg" [^>]*role="img"[^>]*><title>([^<]+)</title>',
                       page)
    assert plots == [f"Score distribution ({result.summary.n} students)", "Items: facility against discrimination"]
    offline = page.replace("http://x", "").replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http" not in offline  # nothing to fetch: the page works offline
    for item in result.items:
        assert f'id="{item.label}"' in page


def test_problems_csv_lists_every_problem(setup):
    result, out = run(setup)
    rows = read_csv(out / "problems.csv")
    assert rows[0] == ["kind", "action", "source", "line", "student_id", "item_ids", "message"]
    assert sorted((r[0], r[1], r[3]) for r in rows[1:]) == sorted([
        ("duplicate", "superseded", "5"), ("wrong_quiz", "skipped", "6"), ("malformed", "skipped", "7")])
    assert len(rows) - 1 == len(result.problems)


def test_item_analysis_and_distractor_files(setup):
    result, out = run(setup)
    rows = read_csv(out / "item-analysis.csv")
    header = rows[0]
    assert {"facility", "point_biserial", "corrected_item_total", "upper_lower_27", "flags", "options"} <= set(header)
    sc = dict(zip(header, rows[1]))
    assert sc["item_id"] == "sc" and sc["n"] == "4" and sc["facility"] == "0.75"
    assert sc["options"] == "2016 [key]: 3; 2017: 0; 2018: 1; 2019: 0"
    assert sc["flags"] == ""  # four answers are too few to judge an item (the round trip checks the flags)
    assert (sc["label"], sc["slot"], sc["state"]) == ("Q1", "1", "too_few")
    assert "answered by fewer than 10 students" in (out / "report.html").read_text(encoding="utf-8")
    distractors = read_csv(out / "distractors.csv")
    assert ["1", "sc", "y2", "2018", "no", "1", "0.25"] in distractors
    sa = dict(zip(header, rows[4]))
    assert sa["frequent_wrong_answers"] == "'-2+3: 1; <script>alert('x')</script>: 1"  # as typed, made inert


def test_feedback_file_names_are_safe(tmp_path):
    used = set()
    names = [feedback_filename(s, used, "md") for s in ["s1", "../../etc/passwd", "S1", "con", ".hidden", "a b"]]
    assert names[0] == "s1.md"
    assert all("/" not in n and not n.startswith(".") for n in names)
    assert len({n.lower() for n in names}) == len(names)


def test_answer_text_names_unknown_options():
    quiz, _ = scoring_quiz()
    q = {q.id: q for q in quiz.variants[0].questions}
    assert answer_text(q["sc"], "y9") == "(unknown option y9)"
    assert answer_text(q["nu"], 1989.0) == "1989 (year)"
    assert answer_text(q["ms"], None) == "(no answer)"
    assert csv_text("@SUM(A1)") == "'@SUM(A1)" and csv_text("Ann") == "Ann"


def test_cli_grade(setup):
    root, path, facts = setup
    runner = CliRunner()
    args = ["grade", str(root / "quiz"), str(path), "--out", str(root / "cli"), "--layout", "canvas"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Graded 4 student(s)" in result.output and "3 input problem(s)" in result.output
    assert "problem:" in result.output and "[wrong_quiz, skipped]" in result.output
    assert (root / "cli" / "gradebook.csv").read_text().startswith("Student,ID,SIS User ID")
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "--force" in again.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    bad = runner.invoke(app, ["grade", str(root / "quiz"), str(path), "--out", str(root / "x"), "--layout", "bb"])
    assert bad.exit_code == 1 and "unknown gradebook layout 'bb'" in bad.output
    empty = root / "nothing.jsonl"
    empty.write_text("{broken\n", encoding="utf-8")
    none = runner.invoke(app, ["grade", str(root / "quiz"), str(empty), "--out", str(root / "none")])
    assert none.exit_code == 1
    assert "No submission could be graded, so nothing was written (the problems are listed above)." in none.output
    assert not (root / "none").exists()
    typo = runner.invoke(app, ["grade", str(root / "quiz"), str(root / "submisions"), "--out", str(root / "typo")])
    assert typo.exit_code == 1 and f"problem: {root / 'submisions'}: no such file or folder" in typo.output
    assert not (root / "typo").exists()
