"""Measured difficulty: from graded classes' item analyses to a calibration file that generate reads.

``afcourse calibrate GRADES_DIR...`` reads each folder's ``item-analysis.csv`` and, for every
bank item answered by at least :data:`~afcourse.grading.analysis.FEW_ANSWERS` students over all
the folders, records its measured difficulty: one minus its facility, weighted by the number of
students in each class. ``afcourse generate --calibration FILE`` then uses these figures instead
of the generator's estimate for the items they cover.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from afcourse.common.fileio import write_atomic
from afcourse.grading.analysis import FEW_ANSWERS
from afcourse.grading.results import GradingError

CALIBRATION_SCHEMA = "afcourse.calibration/1"


def measured_difficulty(grade_dirs: list[str | Path]) -> tuple[dict[str, float], dict[str, int]]:
    """(bank item -> measured difficulty, bank item -> students) over the item analyses in ``grade_dirs``."""
    weighted: dict[str, float] = {}
    counts: dict[str, int] = {}
    for folder in map(Path, grade_dirs):
        path = folder / "item-analysis.csv"
        try:
            rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
        except OSError as exc:
            raise GradingError(f"{path}: cannot read it ({exc.strerror or exc}); give folders written by "
                               "`afcourse grade`") from None
        if rows and not {"bank_item", "n", "facility"} <= rows[0].keys():
            raise GradingError(f"{path}: not an item analysis of `afcourse grade` (no bank_item, n, facility)")
        for row in rows:
            if not row["bank_item"] or not row["facility"]:
                continue
            n = int(row["n"])
            weighted[row["bank_item"]] = weighted.get(row["bank_item"], 0.0) + n * (1.0 - float(row["facility"]))
            counts[row["bank_item"]] = counts.get(row["bank_item"], 0) + n
    kept = {item: round(weighted[item] / n, 4) for item, n in counts.items() if n >= FEW_ANSWERS}
    return kept, {item: counts[item] for item in kept}


def items_seen(grade_dirs: list[str | Path]) -> int:
    """How many distinct bank items the item analyses in ``grade_dirs`` hold (measured or not)."""
    seen: set[str] = set()
    for folder in map(Path, grade_dirs):
        try:
            rows = csv.DictReader((folder / "item-analysis.csv").read_text(encoding="utf-8").splitlines())
            seen.update(row["bank_item"] for row in rows if row.get("bank_item"))
        except (OSError, KeyError):
            continue
    return len(seen)


def write_calibration(grade_dirs: list[str | Path], out: str | Path, *, force: bool = False) -> dict[str, float]:
    """Write the calibration file ``out`` from ``grade_dirs``; return the difficulties written."""
    difficulty, students = measured_difficulty(grade_dirs)
    data = {"schema": CALIBRATION_SCHEMA, "from": [str(d) for d in grade_dirs], "min_students": FEW_ANSWERS,
            "difficulty": dict(sorted(difficulty.items())), "students": dict(sorted(students.items()))}
    write_atomic(out, json.dumps(data, indent=2, ensure_ascii=False) + "\n", force=force)
    return difficulty
