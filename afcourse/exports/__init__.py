"""Exports of a quiz set (quiz.json + key.json) to LMS formats and printable handouts.

=========  =====================================================  ===============
format     what it writes                                          holds the key?
=========  =====================================================  ===============
moodle     Moodle XML question bank (one file)                     yes: instructor
qti        IMS QTI 1.2 zip as Canvas imports it (one file)         yes: instructor
gift       Moodle GIFT text (one file)                             yes: instructor
html       one student copy per variant + one answer key (folder)  key file only
markdown   the same as Markdown                                    key file only
=========  =====================================================  ===============

LMS files necessarily carry the key (the LMS grades with it): they are for the instructor's
import only. Student copies of the handouts carry no answer, explanation, citation or item id.
Every export is deterministic (same quiz set, same bytes) and carries the afcourse item ids
(Moodle question name and idnumber, QTI item ident, GIFT title; the answer key's tables) so
grades can be matched back to items.

The Moodle and QTI modules import lxml and the HTML handouts Jinja2 (both installed
with afcourse); each format module is loaded only when its format is asked for. GIFT and
Markdown need neither.
"""

from __future__ import annotations

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
}


@dataclass
class ExportResult:
    """What an export wrote, and anything the user should know about it."""

    paths: list[Path]
    notes: list[str] = field(default_factory=list)


def render(fmt: str, quiz: QuizFile, key: KeyFile | None, sources: Mapping[str, str] | None = None,
           variants: Iterable[str] | None = None) -> dict[str, str | bytes]:
    """The export in memory: file name -> content (one entry for LMS formats, several for handouts)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    if not quiz.variants or not any(v.questions for v in quiz.variants):
        raise ExportError(f"quiz {quiz.quiz_id!r} has no questions")
    if variants is not None and fmt not in ("html", "markdown"):
        raise ExportError("--variant selects handout copies; LMS exports always hold every item of the quiz")
    try:
        if fmt in ("html", "markdown"):
            from afcourse.exports import handout

            return handout.render(fmt, quiz, key, sources, variants)
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
                force: bool = False) -> ExportResult:
    """Export ``quiz`` as ``fmt`` to ``out`` and return what was written.

    LMS formats write one file: ``out`` itself, or a file named after the quiz if ``out`` is an
    existing folder. Handouts write into the folder ``out``: ``student-<variant>.<ext>`` for each
    variant (or those in ``variants``) and ``answer-key.<ext>`` when the key is there.
    Nothing is written if any target exists and ``force`` is false (:class:`OutputExistsError`).
    """
    files = render(fmt, quiz, key, sources, None if variants is None else list(variants))
    out = Path(out)
    notes = []
    if FORMATS[fmt][0] is None:
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out} is a file; handouts are written into a folder")
        targets = {out / name: data for name, data in files.items()}
        if key is None:
            notes.append("no key.json beside quiz.json: wrote the student copies only, no answer key")
    else:
        (name, data), = files.items()
        targets = {(out / name if out.is_dir() else out): data}
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise OutputExistsError(existing[0])
    for path, data in targets.items():
        write_atomic(path, data, force=force)
    return ExportResult(list(targets), notes)


def shipped_source_labels() -> tuple[dict[str, str] | None, str | None]:
    """Source names from the fact base shipped with the package, or (None, why) if it does not load."""
    from afcourse.facts.factbase import FactBaseError, load_facts

    try:
        return source_labels(load_facts(None)), None
    except (FactBaseError, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, f"the shipped fact base did not load ({first}); citations name source ids only"


def export_quiz_dir(fmt: str, quiz_dir: str | Path, out: str | Path, *,
                    sources: Mapping[str, str] | None | str = "shipped", **options) -> ExportResult:
    """Read ``quiz_dir/quiz.json`` (and ``key.json`` if present) and export it (see :func:`export_quiz`).

    ``sources="shipped"`` names the sources in citations from the package's fact base (source ids
    if it does not load); pass a mapping of your own, or None for ids.
    """
    from afcourse.quiz.sets import QuizSetError, read_quiz_set

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    quiz_dir = Path(quiz_dir)
    try:
        quiz, key = read_quiz_set(quiz_dir)
    except QuizSetError as exc:
        raise ExportError(str(exc)) from None
    note = None
    if sources == "shipped":
        sources, note = shipped_source_labels()
    result = export_quiz(fmt, quiz, key, out, sources=sources, **options)
    if note:
        result.notes.append(note)
    return result
