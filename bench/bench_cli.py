"""Benchmark: the `afcourse` command as an instructor runs it, timed as a whole process (start-up included).

    .venv/bin/python bench/bench_cli.py [--baseline CHECKOUT] [--repeat 7]

Each command runs as ``python -m afcourse.cli ...`` with ``PYTHONPATH`` set to a checkout, so
an earlier checkout (``--baseline``, e.g. ``git worktree add /tmp/base <commit>``) runs with the
same interpreter and libraries. Every checkout first makes its own quiz set (two chapters,
15 questions, 30 variants) and a simulated class of 40 (``afcourse.grading.simulate``), since
the file formats differ between versions. Then, for each command, the checkouts run in turn
(A B A B ...) so a drift of the machine's speed hits both alike; the median wall time of each
and the median of the pairwise ratios are printed. The bank cache is warm (one unmeasured
run first), as it is for an instructor's second command.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ["-c", "moscow-format", "-c", "taliban"]

SIMULATE = """
import json, sys
from pathlib import Path
from afcourse.grading.simulate import simulate_class
from afcourse.quiz.models import KeyFile, QuizFile
folder = Path(sys.argv[1])
quiz = QuizFile.model_validate_json((folder / "set" / "quiz.json").read_text())
key = KeyFile.model_validate_json((folder / "set" / "key.json").read_text())
subs, _ = simulate_class(quiz, key, 40, seed=1)
(folder / "subs").mkdir()
for i, sub in enumerate(subs):
    (folder / "subs" / f"{i:03d}.json").write_text(json.dumps(sub))
"""


def commands(work: Path) -> dict[str, list[str]]:
    """Name -> arguments of each timed command (outputs go to fresh names under ``work``)."""
    qs = str(work / "set")
    return {
        "--help": ["--help"],
        "generate 30 variants": ["generate", *CHAPTERS, "--n", "15", "--seed", "bench", "--variants", "30",
                                 "--out", str(work / "gen"), "--force"],
        "export moodle": ["export", "moodle", qs, "--out", str(work / "m.xml"), "--force"],
        "export qti": ["export", "qti", qs, "--out", str(work / "c.zip"), "--force"],
        "export gift": ["export", "gift", qs, "--out", str(work / "g.gift.txt"), "--force"],
        "export html": ["export", "html", qs, "--out", str(work / "handouts"), "--force"],
        "grade 40 students": ["grade", qs, str(work / "subs"), "--out", str(work / "grades"), "--force"],
    }


def run(checkout: Path, args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    start = time.perf_counter()
    # run outside any checkout: `python -m` puts the working folder first on sys.path
    done = subprocess.run([sys.executable, "-m", "afcourse.cli", *args], env=env, capture_output=True, text=True,
                          cwd=tempfile.gettempdir())
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{checkout}: afcourse {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return elapsed


def prepare(checkout: Path, work: Path) -> None:
    work.mkdir(parents=True)
    run(checkout, ["generate", *CHAPTERS, "--n", "15", "--seed", "bench", "--variants", "30", "--out", str(work / "set")])
    subprocess.run([sys.executable, "-c", SIMULATE, str(work)], env={**os.environ, "PYTHONPATH": str(checkout)},
                   check=True, cwd=tempfile.gettempdir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="an earlier checkout of afcourse to compare with")
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    checkouts = {"this": ROOT} | ({"baseline": options.baseline.resolve()} if options.baseline else {})
    scratch = Path(tempfile.mkdtemp(prefix="afcourse-bench-cli-"))
    try:
        works = {name: scratch / name for name in checkouts}
        for name, checkout in checkouts.items():
            prepare(checkout, works[name])
        names = list(commands(scratch))
        results = {}
        for command in names:
            times: dict[str, list[float]] = {name: [] for name in checkouts}
            for name, checkout in checkouts.items():  # one unmeasured run each: warm caches
                run(checkout, commands(works[name])[command])
            for _ in range(options.repeat):
                for name, checkout in checkouts.items():
                    times[name].append(run(checkout, commands(works[name])[command]))
            results[command] = times
            line = f"{command:22s} " + "  ".join(f"{name} {statistics.median(t):.3f} s" for name, t in times.items())
            if "baseline" in times:
                ratios = [a / b for a, b in zip(times["this"], times["baseline"])]
                line += f"  ratio {statistics.median(ratios):.2f}"
            print(line, flush=True)
        print(json.dumps({c: {n: round(statistics.median(t), 4) for n, t in r.items()} for c, r in results.items()}))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
