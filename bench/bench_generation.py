"""Benchmark: build the whole item bank, and generate 500 per-student variants of a 20-item quiz.

Run: .venv/bin/python bench/bench_generation.py
Target (issue 3): 500 variants of a 20-item quiz in under 2 s on the 2-core reference machine.
"""

from __future__ import annotations

import statistics
import time

from afcourse import load_facts
from afcourse.bank.generate import build_bank
from afcourse.quiz.sets import dump, make_quiz_set


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    base = load_facts()
    bank_times = timed(lambda: build_bank(base), repeat=5)
    bank = build_bank(base)
    chapters = ["taliban", "us-relations"]
    variant_times = timed(lambda: dump(make_quiz_set(bank, chapters=chapters, n=20, seed="bench", salt="bench", variants=500)[0]),
                          repeat=3)
    print(f"facts: {len(base)}, bank items: {len(bank)}")
    print(f"build whole bank: median {statistics.median(bank_times):.2f} s (min {min(bank_times):.2f}, 5 runs)")
    print(f"500 variants x 20 items ({'+'.join(chapters)}), incl. JSON: median "
          f"{statistics.median(variant_times):.2f} s (min {min(variant_times):.2f}, 3 runs)")


if __name__ == "__main__":
    main()
