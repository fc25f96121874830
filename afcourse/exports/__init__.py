"""Exports of a quiz set (quiz.json + key.json) to LMS formats, printable handouts and student notebooks.

=========  =====================================================  ===============
format     what it writes                                          holds the key?
=========  =====================================================  ===============
moodle     Moodle XML question bank (one file)                     yes: instructor
qti        IMS QTI 1.2 zip as Canvas imports it (one file)         yes: instructor
gift       Moodle GIFT text (one file)                             yes: instructor
html       a student copy per variant (or per rostered student)    key file only
           + one answer key (folder)
markdown   the same as Markdown                                    key file only
notebooks  a Jupyter notebook per rostered student, opening their  no
           variant, and quiz.json (folder)
paper      one printable file for the class (every student's     no
           copy and QR-coded answer sheet) + answers.csv (folder)
=========  =====================================================  ===============

LMS files necessarily carry the key (the LMS grades with it): they are for the instructor's
import only, and are written readable by their owner only (0600), as is the answer key; student
copies (0644) carry no answer, explanation, citation or item id. Every export keeps the quiz's
slots (a category or question group per slot) and is deterministic (same quiz set, same bytes);
LMS questions carry stable names and ids derived from the bank item and its content.

The Moodle and QTI modules import lxml and the HTML handouts Jinja2 (both installed
with afcourse); each format module is loaded only when its format is asked for. GIFT and
Markdown need neither.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from afcourse.exports.common import ExportError, safe_name, source_labels
from afcourse.common.fileio import OutputExistsError, write_atomic
from afcourse.quiz.models import KeyFile, QuizFile

__all__ = ["FORMATS", "ExportError", "ExportResult", "export_quiz", "export_quiz_dir", "render",
           "shipped_source_labels", "source_labels"]

#: format -> (file suffix or None for a folder, one-line description)
FORMATS: dict[str, tuple[str | None, str]] = {
    "moodle": (".xml", "Moodle XML question bank (instructor file: holds the key)"),
    "qti": (".zip", "IMS QTI 1.2 package for Canvas (instructor file: holds the key)"),
    "gift": (".gift.txt", "Moodle GIFT text (instructor file: holds the key)"),
    "html": (None, "printable HTML handouts: a student copy per variant (no key) and an answer key"),
    "markdown": (None, "printable Markdown handouts: a student copy per variant (no key) and an answer key"),
    "notebooks": (None, "a Jupyter notebook per rostered student, opening their variant, and quiz.json (no key)"),
    "paper": (None, "one printable file for the class, each copy with an answer sheet, and answers.csv to fill"),
}
HANDOUTS = ("html", "markdown")
PER_STUDENT = (*HANDOUTS, "notebooks", "paper")
"""The formats that take a roster: a copy per student."""


@dataclass
class ExportResult:
    """What an export wrote (path -> what it is), and anything the user should know about it."""

    paths: list[Path]
    notes: list[str] = field(default_factory=list)
    what: dict[Path, str] = field(default_factory=dict)


STUDENT_MODE, INSTRUCTOR_MODE = 0o644, 0o600
_OWN_FILES = {"html": re.compile(r"^(student-.+|answer-key)\.html$"),
              "markdown": re.compile(r"^(student-.+|answer-key)\.md$"),
              "notebooks": re.compile(r"^(quiz-.+\.ipynb|quiz\.json)$"),
              "paper": re.compile(r"^(paper\.html|answers\.csv)$")}
"""The files an export folder of each format may hold (``--force`` replaces only such a folder)."""


def render(fmt: str, quiz: QuizFile, key: KeyFile | None, sources: Mapping[str, str] | None = None,
           variants: Iterable[str] | None = None, roster=None) -> dict[str, str | bytes]:
    """The export in memory: file name -> content (one entry for LMS formats, several for handouts)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    if not quiz.variants or not any(v.questions for v in quiz.variants):
        raise ExportError(f"quiz {quiz.quiz_id!r} has no questions")
    if variants is not None and fmt not in HANDOUTS:
        raise ExportError("--variant chooses handout copies; LMS exports hold every item of the quiz (the LMS "
                          "assigns the questions) and notebooks follow the roster")
    if roster is not None and fmt not in PER_STUDENT:
        raise ExportError("--roster labels handout copies and notebooks; LMS exports always hold every item of the "
                          "quiz (and the LMS assigns the questions)")
    try:
        if fmt in HANDOUTS:
            from afcourse.exports import handout

            return handout.render(fmt, quiz, key, sources, variants, roster)
        if fmt == "notebooks":
            from afcourse.exports import notebooks

            return notebooks.render(quiz, roster)
        if fmt == "paper":
            from afcourse.exports import paper

            return paper.render(quiz, roster)
        if fmt == "moodle":
            from afcourse.exports import moodle as module
        elif fmt == "qti":
            from afcourse.exports import qti as module
        else:
            from afcourse.exports import gift as module
        return {safe_name(quiz.quiz_id) + FORMATS[fmt][0]: module.render(quiz, key, sources)}
    except ModuleNotFoundError as exc:
        if exc.name not in ("lxml", "jinja2"):
            raise
        raise ExportError(f"the {fmt} export needs {exc.name}: reinstall afcourse (pip install afcourse)") from exc


def export_quiz(fmt: str, quiz: QuizFile, key: KeyFile | None, out: str | Path, *,
                sources: Mapping[str, str] | None = None, variants: Iterable[str] | None = None,
                roster=None, force: bool = False) -> ExportResult:
    """Export ``quiz`` as ``fmt`` to ``out`` and return what was written.

    LMS formats write one file: ``out`` itself, or a file named after the quiz if ``out`` is an
    existing folder (a QTI package must be named ``.zip``). Handouts fill the folder ``out``:
    ``student-<variant>.<ext>`` for each variant (or those in ``variants``; with a ``roster``,
    ``student-<student id>`` for each student) and ``answer-key.<ext>`` when the key is there;
    with ``force`` the folder is replaced whole, so no copy of an earlier run stays beside the
    new ones. Nothing is written if a target exists and ``force`` is false (:class:`OutputExistsError`).
    """
    out = Path(out)
    if fmt == "qti" and not out.is_dir() and out.suffix.lower() != ".zip":
        raise ExportError(f"{out}: a QTI package is a zip file; name it with .zip (e.g. {out.with_suffix('.zip')})")
    files = render(fmt, quiz, key, sources, None if variants is None else list(variants), roster)
    notes = []
    if FORMATS[fmt][0] is None:
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out} is a file; {fmt} exports are written into a folder")
        if key is None and fmt in HANDOUTS:
            notes.append("no key.json beside quiz.json: wrote the student copies only, no answer key")
        what = {out / name: ("answer key (instructor only)" if name.startswith(KEY_STEM) else
                             "the quiz (student-facing, no key)" if name == "quiz.json" else
                             "every copy and answer sheet, to print" if name == "paper.html" else
                             "the answers to type in, for `afcourse grade --paper`" if name == "answers.csv" else
                             "student notebook" if name.endswith(".ipynb") else "student copy")
                for name in files}
        _write_folder(out, files, force, _OWN_FILES[fmt])
        return ExportResult(list(what), notes, what)
    (name, data), = files.items()
    path = out / name if out.is_dir() else out
    if path.exists() and not force:
        raise OutputExistsError(path)
    write_atomic(path, data, force=force, mode=INSTRUCTOR_MODE)
    from afcourse.exports.common import rule_note

    note = rule_note(quiz, fmt)
    if note:
        notes.append(note)
    return ExportResult([path], notes, {path: FORMATS[fmt][1]})


KEY_STEM = "answer-key"


def _write_folder(out: Path, files: dict[str, str | bytes], force: bool, own: re.Pattern) -> None:
    """Write the files into a new folder and put it in place of ``out`` (whole, with ``force``, if
    it holds only files whose names ``own`` matches)."""
    if out.exists() and any(out.iterdir()):
        if not force:
            existing = next((out / n for n in files if (out / n).exists()), out)
            raise OutputExistsError(existing)
        strangers = sorted(p.name for p in out.iterdir() if not own.match(p.name))
        if strangers:
            raise ExportError(f"{out} holds files this export did not write ({', '.join(strangers[:3])}"
                              f"{'...' if len(strangers) > 3 else ''}); --force replaces an export folder whole, "
                              "so choose a folder of its own")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    try:
        for name, data in files.items():
            mode = INSTRUCTOR_MODE if name.startswith(KEY_STEM) else STUDENT_MODE
            write_atomic(staging / name, data, mode=mode)
        os.chmod(staging, 0o755)
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".old"))
            os.replace(out, old / "previous")
        os.replace(staging, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def shipped_source_labels() -> tuple[dict[str, str] | None, str | None]:
    """Source names from the fact base shipped with the package, or (None, why) if it does not load."""
    from afcourse.bank.cache import cached_source_labels

    try:
        return cached_source_labels(), None
    except Exception as exc:  # the fact modules load only when the cache misses: import the error then
        from afcourse.facts.factbase import FactBaseError

        if not isinstance(exc, (FactBaseError, OSError)):
            raise
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, f"the shipped fact base did not load ({first}); citations name source ids only"


def export_quiz_dir(fmt: str, quiz_dir: str | Path, out: str | Path, *,
                    sources: Mapping[str, str] | None | str = "shipped", roster_csv: str | Path | None = None,
                    **options) -> ExportResult:
    """Read ``quiz_dir/quiz.json`` (and ``key.json`` if present) and export it (see :func:`export_quiz`).

    ``sources="shipped"`` names the sources in citations from the package's fact base (source ids
    if it does not load); pass a mapping of your own, or None for ids. Handouts are labelled per
    student from the roster recorded in ``quiz_dir/roster.json`` (``afcourse generate --roster``),
    updated from ``roster_csv`` when given.
    """
    from afcourse.quiz.sets import QuizSetError, read_quiz_set

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    quiz_dir = Path(quiz_dir)
    from afcourse.quiz.roster import class_roster

    try:
        quiz, key = read_quiz_set(quiz_dir)
        roster = class_roster(quiz_dir, quiz, key, roster_csv) if fmt in PER_STUDENT else None
    except QuizSetError as exc:
        raise ExportError(str(exc)) from None
    if roster_csv is not None and fmt not in PER_STUDENT:
        raise ExportError("--roster labels handout copies and notebooks; an LMS assigns questions to its own students")
    options["roster"] = roster
    note = None
    if sources == "shipped":
        sources, note = shipped_source_labels()
    result = export_quiz(fmt, quiz, key, out, sources=sources, **options)
    if note:
        result.notes.append(note)
    return result
