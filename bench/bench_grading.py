"""Benchmark: grade 100,000 synthetic submissions of 20 items from a JSON Lines file.

    PYTHONPATH=. python bench/bench_grading.py [--students 100000] [--items 20] [--profile]

Pinned to one core (sched_setaffinity) with numpy's threads limited to one. The
submissions come from a Rasch-model class (afcourse.grading.simulate.simulate_class) over a
hand-made item bank of every item type, with 2% of answers left blank, and are written
once to a JSON Lines file (cached under /tmp between runs; writing it is not timed).
Each phase is timed end to end from that file:

  parse      read the file and parse every line (orjson), nothing else
  grade      parse + check + score every response (afcourse.grading.pipeline.grade_submissions,
             no item analysis): the grading throughput
  analyse    grade + item analysis
  reports    afcourse.grade(...) with --out: grade, analyse, and write gradebook, item
             analysis, problems and report.html (plots included); no feedback files
  feedback   the same plus one Markdown feedback file per student

With --otter PYTHON (an interpreter that has otter-grader and ipykernel installed, e.g. a
separate venv), the same run also grades a sample of the same class with otter-grader's
Python API (otter.api.grade_submission, no Docker): each student's answers become a
notebook holding one cell ``answers = {...}``, each item one OK-format doctest (exact match
against the key), packed by ``otter generate``. Otter executes every notebook in a fresh
kernel, so a sample of --otter-sample notebooks is graded and the rate extrapolated.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from afcourse.grading.simulate import simulate_class  # noqa: E402
from afcourse.grading.submissions import _loads  # noqa: E402
from afcourse.grading.pipeline import grade, grade_submissions
from afcourse.quiz.sets import make_quiz_set, write_quiz_set  # noqa: E402
from test_grading_kit import synthetic_bank  # noqa: E402


# A fixed share of each item type, so that the workload stays the same when the generator changes.
TYPE_SHARES = {"single_choice": 6, "true_false": 4, "multiple_select": 2, "short_answer": 2, "numeric": 2,
               "ordering": 2, "matching": 2}


def type_mix(items: int) -> dict[str, int]:
    """Item counts by type in the proportions of TYPE_SHARES, adding up to ``items``."""
    total = sum(TYPE_SHARES.values())
    mix = {kind: items * share // total for kind, share in TYPE_SHARES.items()}
    mix["single_choice"] += items - sum(mix.values())
    return {kind: count for kind, count in mix.items() if count}


def make_data(students: int, items: int, work: Path) -> tuple[Path, Path]:
    quiz_dir = work / "quiz"
    bank = synthetic_bank(max(40, 2 * items))
    quiz, key = make_quiz_set(bank, chapters=["synthetic"], n=items, seed="bench", salt="bench", variants=4,
                              type_mix=type_mix(items))
    data = work / f"class-{quiz.quiz_id}-{students}.jsonl"  # a new quiz id (generator change) makes a new class
    write_quiz_set(quiz, key, quiz_dir, force=True)
    if not data.exists():
        subs, _ = simulate_class(quiz, key, students, seed=7, omit=0.02)
        with open(data.with_suffix(".part"), "w", encoding="utf-8") as handle:
            for sub in subs:
                handle.write(json.dumps(sub, separators=(",", ":")) + "\n")
        data.with_suffix(".part").replace(data)
    return quiz_dir, data


OTTER_GRADE = r"""
import json, sys, time
from otter.api import grade_submission
paths, ag = json.loads(sys.argv[1]), sys.argv[2]
start_wall, start_cpu = time.perf_counter(), time.process_time()
totals = [grade_submission(p, ag, quiet=True).total for p in paths]
print(json.dumps({"wall": time.perf_counter() - start_wall, "totals": totals}))
"""


def _otter_test(item_id: str, key) -> str:
    """An OK-format doctest giving the point when the answer matches the key exactly."""
    kind = key.kind
    got = f"answers.get({item_id!r})"
    if kind == "choice":
        check = f"{got} == {key.correct!r}"
    elif kind == "multi":
        check = f"sorted({got} or []) == {sorted(key.correct)!r}"
    elif kind == "text":
        check = f"str({got} or '').strip().lower() in {[a.lower() for a in key.accepted]!r}"
    elif kind == "numeric":
        check = f"abs(float(str({got}).replace(',', '')) - {key.value!r}) <= {key.tolerance!r}"
    elif kind == "order":
        check = f"{got} == {key.order!r}"
    else:
        check = f"{got} == {key.pairs!r}"
    return check


def run_otter(python: str, quiz_dir: Path, data: Path, sample: int, work: Path) -> dict:
    """Grade ``sample`` submissions of variant v001 with otter-grader; return timing and totals."""
    import nbformat

    from afcourse.quiz.sets import read_quiz_set

    quiz, key = read_quiz_set(quiz_dir)
    keys = {k.id: k.key for k in key.keys}
    variant = quiz.variants[0]
    root = work / "otter"
    shutil.rmtree(root, ignore_errors=True)
    (root / "tests").mkdir(parents=True)
    for i, question in enumerate(variant.questions, 1):
        case = {"code": f">>> bool({_otter_test(question.id, keys[question.id])})\nTrue", "hidden": False,
                "locked": False}
        test = {"name": f"q{i}", "points": 1, "suites": [{"cases": [case], "scored": True, "setup": "",
                                                          "teardown": "", "type": "doctest"}]}
        (root / "tests" / f"q{i}.py").write_text(f"OK_FORMAT = True\ntest = {test!r}\n", encoding="utf-8")
    otter = Path(python).with_name("otter")
    subprocess.run([str(otter), "generate", "--no-config", "--no-requirements", "--no-environment"], cwd=root,
                   check=True, capture_output=True)
    chosen = []
    with open(data, "rb") as handle:
        for line in handle:
            sub = json.loads(line)
            if sub["variant_id"] == variant.variant_id:
                chosen.append(sub)
            if len(chosen) == sample:
                break
    paths = []
    for sub in chosen:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(f"answers = {sub['responses']!r}")]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = root / f"{sub['student']['id']}.ipynb"
        nbformat.write(nb, str(path))
        paths.append(str(path))
    done = subprocess.run([python, "-c", OTTER_GRADE, json.dumps(paths), str(root / "autograder.zip")], cwd=root,
                          check=True, capture_output=True, text=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    # cross-check: otter's points are our count of fully right items
    ours = grade_submissions(quiz, key, chosen, analyse=False)
    right = {s.student_id: sum(1 for x in s.scores if x.status == "correct") for s in ours.students}
    report["agree"] = sum(1 for sub, total in zip(chosen, report["totals"]) if right[sub["student"]["id"]] == total)
    report["n"] = len(chosen)
    return report


def timed(label: str, fn, n: int, repeat: int) -> tuple[float, float]:
    """Best wall time and best CPU time of ``repeat`` runs (CPU time is what one core spent on it,
    which stays honest when other work shares the machine)."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(f"{label:<9} wall {best_wall:7.3f} s {n / best_wall:>9,.0f}/s   cpu {best_cpu:7.3f} s "
          f"{n / best_cpu:>9,.0f}/s", flush=True)
    return best_wall, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3, help="runs per phase; the best is reported")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "afcourse-bench-grading")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the grade phase")
    parser.add_argument("--skip-feedback", action="store_true")
    parser.add_argument("--otter", help="python of an environment with otter-grader: grade a sample with it too")
    parser.add_argument("--otter-sample", type=int, default=20)
    parser.add_argument("--no-orjson", action="store_true", help="parse with the standard json module instead")
    args = parser.parse_args()
    if args.no_orjson:
        import afcourse.grading.submissions as grading

        grading._loads, grading._JSONError = json.loads, (json.JSONDecodeError, ValueError)
        globals()["_loads"] = json.loads
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    args.work.mkdir(parents=True, exist_ok=True)
    quiz_dir, data = make_data(args.students, args.items, args.work)
    size = data.stat().st_size
    print(f"{args.students:,} submissions of {args.items} items, {size / 1e6:.1f} MB JSON Lines, "
          f"python {sys.version.split()[0]}, pinned to 1 core; load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    from afcourse.quiz.sets import read_quiz_set

    quiz, key = read_quiz_set(quiz_dir)
    n = args.students

    def parse():
        for line in data.read_bytes().split(b"\n"):
            if line:
                _loads(line)

    def grade_only():
        result = grade_submissions(quiz, key, data, analyse=False)
        assert len(result.students) == n, (len(result.students), result.problems[:3])

    def analyse():
        grade_submissions(quiz, key, data)

    out = args.work / "out"

    def reports(feedback="none"):
        shutil.rmtree(out, ignore_errors=True)
        grade(quiz_dir, data, out, feedback=feedback)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        grade_only()
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(15)
        print(stream.getvalue())
    timed("parse", parse, n, args.repeat)
    timed("grade", grade_only, n, args.repeat)
    timed("analyse", analyse, n, args.repeat)
    timed("reports", reports, n, max(1, args.repeat - 1))
    if not args.skip_feedback:
        timed("feedback", lambda: reports("md"), n, 1)
    shutil.rmtree(out, ignore_errors=True)
    if args.otter:
        otter = run_otter(args.otter, quiz_dir, data, args.otter_sample, args.work)
        rate = otter["n"] / otter["wall"]
        print(f"otter     wall {otter['wall']:7.3f} s for {otter['n']} notebooks: {rate:,.2f} submissions/s, "
              f"{n / rate / 3600:,.1f} h for the {n:,}; scores agree with ours on {otter['agree']}/{otter['n']}",
              flush=True)


if __name__ == "__main__":
    main()
