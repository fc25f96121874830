"""Benchmark: the interactive quiz (loading, both views, autosave, the page's JavaScript grading).

    PYTHONPATH=. python bench/bench_quizui.py [--repeat 5] [--chapter history]

Times, medians of ``--repeat`` runs:

- ``show_quiz(chapter)``: reading the committed quiz set, its key and the source names;
- the static view (HTML + CSS + JSON + JS) and its size, per quiz and gzipped;
- building the ipywidgets view (no frontend attached);
- one graded answer in assessment mode: clean the value, save the whole submission
  atomically (write a temporary file, fsync-free rename), averaged over 200 answers;
- the page's JavaScript: 10,000 ``score`` calls over the seven item types in headless
  Chromium (skipped when /usr/bin/chromium is absent).
"""

from __future__ import annotations

import argparse
import gzip
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

CHROMIUM = Path("/usr/bin/chromium")


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.1f} ms median ({min(values) * 1000:.1f} ms min)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chapter", default="history")
    args = parser.parse_args()

    from afcourse.quizui.display import show_quiz
    from afcourse.quizui.static import static_html

    rows = []
    display = show_quiz(args.chapter)
    n = len(display.controller.questions)
    rows.append((f"show_quiz('{args.chapter}') ({n} items, committed set)",
                 ms(timed(lambda: show_quiz(args.chapter), args.repeat))))
    html = static_html(display.controller.bundle)
    rows.append(("static view: render", ms(timed(lambda: static_html(display.controller.bundle), args.repeat))))
    rows.append(("static view: size", f"{len(html.encode()) / 1024:.1f} KiB ({len(gzip.compress(html.encode())) / 1024:.1f} KiB gzipped)"))
    rows.append(("widget view: build", ms(timed(lambda: show_quiz(args.chapter).widget(), args.repeat))))

    quiz_dir = ROOT / "quizzes" / args.chapter
    with tempfile.TemporaryDirectory() as tmp:
        answers = 200
        graded = show_quiz(quiz_dir, mode="assessment", student_id="bench", save_to=Path(tmp) / "s.json").controller
        targets = [q for q in graded.questions if q.type in ("single_choice", "true_false")] or graded.questions[:1]

        def answer_many():
            for i in range(answers):
                q = targets[i % len(targets)]
                graded.answer(q.id, q.choices[i % len(q.choices)].id)

        per_answer = [t / answers for t in timed(answer_many, args.repeat)]
        rows.append(("assessment: one answer incl. atomic save of the submission", ms(per_answer)))

    if CHROMIUM.exists():
        rows.append(("page JavaScript: 10,000 score() calls in Chromium", js_scoring(args.repeat)))

    print(f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{__import__('os').cpu_count()} cores")
    print("| what | result |\n|---|---|")
    for what, result in rows:
        print(f"| {what} | {result} |")


def js_scoring(repeat: int) -> str:
    from playwright.sync_api import sync_playwright
    from conftest import CHROMIUM_ARGS
    from test_quizui_support import PLAN, load_test_quiz

    from afcourse.quizui.static import asset

    quiz, key = load_test_quiz()
    keys = {k.id: k.key.model_dump(mode="json") for k in key.keys}
    cases = [[q.model_dump(mode="json"), keys[q.id], step.response]
             for q, step in zip(quiz.variants[0].questions, PLAN)]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_content("<!doctype html><html><body></body></html>")
        page.add_script_tag(content=asset("quiz.js"))
        times = page.evaluate("""([cases, rules, repeat]) => {
            const out = [];
            for (let r = 0; r < repeat; r++) {
                const start = performance.now();
                for (let i = 0; i < 10000; i++) { const c = cases[i % cases.length]; window.afcourseQuiz.score(c[0], c[1], c[2], rules); }
                out.push(performance.now() - start);
            }
            return out;
        }""", [cases, quiz.scoring.model_dump(mode="json"), repeat])
        browser.close()
    return ms([t / 1000 for t in times])


if __name__ == "__main__":
    main()
