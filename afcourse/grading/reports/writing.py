"""Write every report file into one output folder, atomically."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from afcourse.common.fileio import OutputExistsError, write_atomic
from afcourse.grading.reports.answers import load_sources
from afcourse.grading.reports.feedback import (
    ItemBlocks,
    feedback_filename,
    feedback_html,
    feedback_markdown,
    html_item,
    md_item,
)
from afcourse.grading.reports.gradebook import (
    distractors_csv,
    gradebook_csv,
    item_analysis_csv,
    problems_csv,
)
from afcourse.grading.outcomes import outcomes, outcomes_csv
from afcourse.grading.reports.page import report_html

MANIFEST = "manifest.json"


def build_outputs(result, *, layout: str = "default", feedback: str = "md", facts_dir=None, show_key: bool = True,
                  plots: bool = True) -> dict[str, str | bytes]:
    """Every output file's relative path and content, without writing anything."""
    files: dict[str, str | bytes] = {
        "gradebook.csv": gradebook_csv(result, layout),
        "item-analysis.csv": item_analysis_csv(result),
        "distractors.csv": distractors_csv(result),
        "problems.csv": problems_csv(result.problems),
        "report.html": report_html(result, plots=plots),
        "results-by-objective.csv": outcomes_csv(outcomes(result)),
    }
    if result.decisions:
        from afcourse.grading.decisions import DECISIONS_FILE, decisions_yaml

        files[DECISIONS_FILE] = decisions_yaml(result.decisions)
    if feedback != "none":
        sources = load_sources(facts_dir)
        render, item = (feedback_markdown, md_item) if feedback == "md" else (feedback_html, html_item)
        blocks = ItemBlocks(result, sources, show_key, item)
        used: set[str] = set()
        for student in result.students:
            name = feedback_filename(student.student_id, used, feedback)
            files[f"feedback/{name}"] = render(student, result, sources, show_key, blocks)
    return files


def write_reports(result, out_dir: str | Path, *, force: bool = False, **options) -> dict[str, Path]:
    """Write every output into ``out_dir``; returns role -> path (``feedback`` is the folder).

    Raises :class:`OutputExistsError` if ``out_dir`` exists, is not empty, and not ``force``.
    """
    out_dir = Path(out_dir)
    files = build_outputs(result, **options)
    files[MANIFEST] = json.dumps({"quiz_id": result.quiz.quiz_id, "students": len(result.students),
                                  "problems": len(result.problems), "files": sorted(files)}, indent=2) + "\n"
    exists = out_dir.exists()
    if exists and (not out_dir.is_dir() or any(out_dir.iterdir())):
        if not force:
            raise OutputExistsError(out_dir)
        if not out_dir.is_dir():
            raise NotADirectoryError(f"{out_dir} exists and is not a folder")
        _update_folder(out_dir, files)
    else:
        _new_folder(out_dir, files)
    roles = {"gradebook": "gradebook.csv", "item_analysis": "item-analysis.csv", "distractors": "distractors.csv",
             "problems": "problems.csv", "report": "report.html", "outcomes": "results-by-objective.csv",
             "manifest": MANIFEST}
    written = {role: out_dir / name for role, name in roles.items()}
    if any(name.startswith("feedback/") for name in files):
        written["feedback"] = out_dir / "feedback"
    return written


def _new_folder(out_dir: Path, files: dict[str, str | bytes]) -> None:
    """Assemble the folder under a temporary name beside ``out_dir``, then rename it into place."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.", suffix=".tmp"))
    try:
        folders: set[Path] = set()
        for name, content in files.items():
            target = staging / name
            if not name.startswith("feedback/"):
                write_atomic(target, content)
                continue
            # one file per student: nobody can see the staging folder until the rename below, which
            # makes the whole set appear at once, so a plain write is as safe here and ~10x cheaper
            # than a temporary file and a rename per student
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                with open(target, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(content)
        if out_dir.exists():  # an empty folder: replace it
            out_dir.rmdir()
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _update_folder(out_dir: Path, files: dict[str, str | bytes]) -> None:
    """Overwrite file by file (each atomically); drop files only a previous run's manifest lists."""
    previous: list[str] = []
    try:
        previous = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        previous = []
    for name, content in files.items():
        if name != MANIFEST:
            write_atomic(out_dir / name, content, force=True)
    root = out_dir.resolve()
    for name in previous:
        if not isinstance(name, str) or name in files:
            continue
        stale = (out_dir / name).resolve()
        if stale.parent.is_relative_to(root) and stale != root and stale.is_file():
            stale.unlink()
    write_atomic(out_dir / MANIFEST, files[MANIFEST], force=True)
