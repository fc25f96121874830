"""report.html and HTML feedback in a real browser: offline, plots shown, student scripts inert."""

from afcourse.grading.pipeline import grade
from afcourse.quiz.sets import write_quiz_set
from test_grading_kit import scoring_quiz

EVIL = "<script>alert('pwned')</script><img src=x onerror=alert(2)>"


def test_report_and_feedback_render_without_running_student_text(browser, tmp_path):
    quiz, key = scoring_quiz()
    write_quiz_set(quiz, key, tmp_path / "quiz")
    subs = [{"quiz_id": quiz.quiz_id, "variant_id": "v001", "student": {"id": f"s{i}", "name": EVIL},
             "responses": {"sc": ["y0", "y1", "y2", "y3"][i % 4], "sa": EVIL if i == 0 else "Zamir Kabulov",
                           "tf": "true" if i % 3 else "false"}} for i in range(12)]
    subs.append({**subs[0], "quiz_id": EVIL})
    grade(tmp_path / "quiz", subs, tmp_path / "out", feedback="html")
    page = browser.new_page()
    events = []
    page.on("dialog", lambda d: (events.append(f"dialog {d.message}"), d.dismiss()))
    page.on("requestfailed", lambda r: events.append(f"failed {r.url}"))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else events.append(f"fetch {r.url}"))
    page.on("pageerror", lambda e: events.append(f"error {e}"))
    try:
        page.goto((tmp_path / "out" / "report.html").as_uri())
        widths = page.eval_on_selector_all(".plots svg", "svgs => svgs.map(s => s.getBoundingClientRect().width)")
        assert len(widths) == 2 and min(widths) > 300
        dot = page.locator(".plots svg a").first  # each dot of the scatter plot leads to its item
        label = dot.get_attribute("href")
        dot.locator("circle").click()
        assert page.evaluate("location.hash") == label
        assert page.locator(f"[id='{label[1:]}']").count() == 1
        assert page.locator("h1").inner_text() == "Grading report: Scoring rules <check> & co"
        assert EVIL in page.locator("table.problems").first.inner_text()  # shown as text, not run
        assert page.locator("table.items tbody tr").count() == 8
        page.goto((tmp_path / "out" / "feedback" / "s0.html").as_uri())
        assert EVIL in page.locator("h1").inner_text()
        assert page.locator("section.item").count() == 8
        assert page.locator("img, svg").count() == 0
    finally:
        page.close()
    assert events == []
