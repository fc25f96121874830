"""Benchmark: export a 40-item quiz with 100 variants to every format, and text2qti beside QTI.

    PYTHONPATH=. python bench/bench_exports.py [--repeat 3] [--variants 100] [--n 40]

The quiz comes from the shipped fact base (all chapters, seed "bench"). Each format is timed end
to end through :func:`afcourse.exports.export_quiz` (render + atomic writes into a fresh folder),
best and median of ``--repeat`` runs.

text2qti (a peer tool: plain text -> QTI 1.2 zip for Canvas) gets the same item pool written in
its plain-text format. It has no matching or ordering questions, so those items are left out of
its file, as are items whose stem repeats another's (text2qti refuses duplicate question text);
afcourse's QTI export is timed again on exactly that subset for a like-for-like figure.
text2qti is timed in-process (``Quiz`` + ``QTI.save``, no config file) and as its command
(one process, with HOME pointed at a scratch folder so it leaves no config file behind).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from afcourse.exports import export_quiz, source_labels
from afcourse.exports.common import num, pool
from afcourse.facts.factbase import load_facts
from afcourse.bank.generate import build_bank
from afcourse.quiz.models import KeyFile, QuizFile
from afcourse.quiz.sets import make_quiz_set

FORMATS = ("moodle", "qti", "gift", "html", "markdown")
T2Q_TYPES = {"single_choice", "true_false", "multiple_select", "numeric", "short_answer"}


def timed(fn, repeat: int) -> tuple[float, float, object]:
    runs, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return min(runs), statistics.median(runs), result


def make_quiz(n: int, variants: int):
    base = load_facts()
    bank = build_bank(base)
    quiz, key = make_quiz_set(bank, chapters=list(base.chapters), n=n, seed="bench", salt="bench", variants=variants,
                              title="Benchmark quiz")
    return quiz, key, source_labels(base)


def text2qti_can_take(quiz: QuizFile, key: KeyFile) -> list:
    """The items text2qti can express: its question types, and no stem twice (it refuses duplicates)."""
    stems: set[str] = set()
    keep = []
    for entry in pool(quiz, key):
        stem = " ".join(entry.question.stem.split())
        if entry.question.type in T2Q_TYPES and stem not in stems:
            stems.add(stem)
            keep.append(entry)
    return keep


def subset(quiz: QuizFile, key: KeyFile) -> tuple[QuizFile, KeyFile]:
    """The quiz holding only what text2qti can take (one variant holding each such item once)."""
    keep = [e.question for e in text2qti_can_take(quiz, key)]
    variant = quiz.variants[0].model_copy(update={"questions": keep})
    ids = {q.id for q in keep}
    return (quiz.model_copy(update={"variants": [variant]}),
            key.model_copy(update={"keys": [k for k in key.keys if k.id in ids]}))


_T2Q_MD = re.compile(r"([\\`*_{}\[\]()>#+\-.!])")


def _t2q(text: str) -> str:
    """One line of text for text2qti (Python-Markdown): whitespace folded, markup characters escaped."""
    return _T2Q_MD.sub(r"\\\1", " ".join(text.split()))


def text2qti_source(quiz: QuizFile, key: KeyFile) -> tuple[str, int]:
    """The quiz's item pool in text2qti's plain-text format; returns (text, items left out)."""
    lines = [f"Quiz title: {' '.join(quiz.title.split())}", "Quiz description: afcourse benchmark", ""]
    taken = text2qti_can_take(quiz, key)
    skipped = len(pool(quiz, key)) - len(taken)
    for entry in taken:
        q, k = entry.question, entry.answer.key
        lines += [f"Title: {q.id}", f"Points: {num(q.points)}", f"1.  {_t2q(q.stem)}",
                  f"... {_t2q(entry.answer.explanation)}"]
        if q.type in ("single_choice", "true_false"):
            lines += [f"{'*' if c.id == k.correct else ''}{chr(97 + i)}) {_t2q(c.text)}"
                      for i, c in enumerate(q.choices)]
        elif q.type == "multiple_select":
            lines += [f"[{'*' if c.id in k.correct else ' '}] {_t2q(c.text)}" for c in q.choices]
        elif q.type == "numeric":
            lines.append(f"=   {num(k.value)}" + (f" +- {num(k.tolerance)}" if k.tolerance else ""))
        else:
            lines += [f"*   {_t2q(a)}" for a in k.accepted if a.strip()]
        lines.append("")
    return "\n".join(lines), skipped


def bench_text2qti(source: str, repeat: int, scratch: Path) -> dict:
    from text2qti.config import Config
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz

    out = scratch / "t2q.zip"

    def in_process():
        QTI(Quiz(source, config=Config(), source_name="bench.txt")).save(out)
        return out.stat().st_size

    best, median, size = timed(in_process, repeat)
    source_file = scratch / "bench.txt"
    source_file.write_text(source, encoding="utf-8")
    exe = shutil.which("text2qti", path=str(Path(sys.executable).parent)) or shutil.which("text2qti")
    env = {**os.environ, "HOME": str(scratch)}

    def command():
        subprocess.run([exe, str(source_file)], cwd=scratch, env=env, check=True, capture_output=True)
        return (scratch / "bench.zip").stat().st_size

    cli_best, cli_median, _ = timed(command, repeat) if exe else (float("nan"), float("nan"), None)
    return {"best": best, "median": median, "size": size, "cli_best": cli_best, "cli_median": cli_median}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variants", type=int, default=100)
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()

    start = time.perf_counter()
    quiz, key, sources = make_quiz(args.n, args.variants)
    made = time.perf_counter() - start
    items = len(pool(quiz, key))
    print(f"# afcourse exports: {args.n} items x {args.variants} variants ({items} distinct items), "
          f"repeat {args.repeat}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"quiz set made in {made:.2f} s (facts + bank + selection)\n")
    print("| export | files | total size | best (s) | median (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for fmt in FORMATS:
            counter = iter(range(10**6))

            def run(fmt=fmt, counter=counter):
                out = scratch / f"{fmt}-{next(counter)}"
                suffix = {"moodle": ".xml", "qti": ".zip", "gift": ".gift.txt"}.get(fmt)
                target = out if suffix is None else out / f"quiz{suffix}"
                return export_quiz(fmt, quiz, key, target, sources=sources).paths

            best, median, paths = timed(run, args.repeat)
            size = sum(p.stat().st_size for p in paths)
            print(f"| afcourse {fmt} | {len(paths)} | {size / 1024:.0f} KiB | {best:.3f} | {median:.3f} |")

        sub_quiz, sub_key = subset(quiz, key)
        sub_items = len(sub_quiz.variants[0].questions)
        counter = iter(range(10**6))
        best, median, paths = timed(lambda: export_quiz("qti", sub_quiz, sub_key, scratch / f"sub-{next(counter)}.zip",
                                                         sources=sources).paths, args.repeat)  # noqa: B023
        print(f"| afcourse qti, the {sub_items} items text2qti can express | 1 | "
              f"{paths[0].stat().st_size / 1024:.0f} KiB | {best:.3f} | {median:.3f} |")
        try:
            source, skipped = text2qti_source(quiz, key)
            t2q = bench_text2qti(source, args.repeat, scratch)
        except ImportError:
            print("| text2qti | - | - | not installed (pip install text2qti) | |")
            return
        print(f"| text2qti in-process, same {items - skipped} items | 1 | {t2q['size'] / 1024:.0f} KiB | "
              f"{t2q['best']:.3f} | {t2q['median']:.3f} |")
        print(f"| text2qti command (one process per run) | 1 | | {t2q['cli_best']:.3f} | {t2q['cli_median']:.3f} |")
        kinds = sum(1 for e in pool(quiz, key) if e.question.type not in T2Q_TYPES)
        print(f"\ntext2qti's file leaves out {skipped} of the {items} items: {kinds} matching/ordering (no such "
              f"types in text2qti) and {skipped - kinds} whose stem repeats another item's (text2qti refuses "
              "duplicate question text).")


if __name__ == "__main__":
    main()
