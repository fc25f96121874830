"""Benchmark: the `afcourse` command as an instructor runs it, timed as a whole process (start-up included).

    .venv/bin/python bench/bench_cli.py [--baseline CHECKOUT] [--repeat 7]

Each command runs as ``python -m afcourse.cli ...`` with ``PYTHONPATH`` set to a checkout, so
an earlier checkout (``--baseline``, e.g. ``git worktree add /tmp/base <commit>``) runs with the
same interpreter and libraries. Every checkout first makes its own quiz set (two chapters,
15 questions, 30 variants) and a simulated class of 40 (``afcourse.grading.simulate``), since
the file formats differ between versions. Then, for each command, the checkouts run in turn
(A B A B ...) so a drift of the machine's speed hits both alike; the median wall and CPU time of each
and the median of the pairwise CPU ratios are printed. The bank cache is warm (one unmeasured
run first), as it is for an instructor's second command.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def checkout_env(checkout: Path) -> dict[str, str]:
    """The environment a command runs in: the checkout first on the path, and bytecode cached as an
    installed package has it (pip compiles it at install; PYTHONDONTWRITEBYTECODE would recompile
    every module of the checkout on every run)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPATH": str(checkout)}


def run(checkout: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one whole ``afcourse`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # run outside any checkout: `python -m` puts the working folder first on sys.path
    done = subprocess.run([sys.executable, "-m", "afcourse.cli", *args], env=checkout_env(checkout),
                          capture_output=True, text=True, cwd=tempfile.gettempdir())
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{checkout}: afcourse {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return elapsed, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def median(times: list[tuple[float, float]], which: int) -> float:
    """The median wall (``which=0``) or CPU (``which=1``) seconds of a command's runs."""
    return statistics.median(t[which] for t in times)


def prepare(checkout: Path, work: Path) -> None:
    work.mkdir(parents=True)
    run(checkout, ["generate", *CHAPTERS, "--n", "15", "--seed", "bench", "--variants", "30", "--out", str(work / "set")])
    subprocess.run([sys.executable, "-c", SIMULATE, str(work)], env=checkout_env(checkout), check=True,
                   cwd=tempfile.gettempdir())


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
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
            for name, checkout in checkouts.items():  # one unmeasured run each: warm caches
                run(checkout, commands(works[name])[command])
            for _ in range(options.repeat):
                for name, checkout in checkouts.items():
                    times[name].append(run(checkout, commands(works[name])[command]))
            results[command] = times
            line = f"{command:22s} " + "  ".join(
                f"{name} wall {median(t, 0):.3f} s cpu {median(t, 1):.3f} s" for name, t in times.items())
            if "baseline" in times:
                ratios = [a[1] / b[1] for a, b in zip(times["this"], times["baseline"])]
                line += f"  cpu ratio {statistics.median(ratios):.2f}"
            print(line, flush=True)
        print(json.dumps({c: {n: {"wall": round(median(t, 0), 4), "cpu": round(median(t, 1), 4)} for n, t in r.items()}
                          for c, r in results.items()}))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
