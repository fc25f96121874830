"""Find the quiz to show: a chapter id, a quiz folder, a quiz.json file, or model objects.

Self-check quizzes come with their key (``quiz.json`` + ``key.json``); graded
(assessment) quizzes are read from ``quiz.json`` alone: :func:`load_assessment`
never opens ``key.json``, so no key is ever in the kernel of a student's notebook.

Citations name their source by author and title; the names come from the
``sources.yaml`` registry (the package's own, unless another fact folder is given),
and the chapter a question belongs to is named from ``chapters.yaml`` (self-check
feedback points the student to it).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union

from afcourse.facts.citations import short_author
from afcourse.quiz.models import KeyFile, QuizFile, Variant

QuizSpec = Union[str, Path, QuizFile]
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class QuizLoadError(ValueError):
    """The quiz asked for cannot be found or read; the message says what to do."""


@dataclass(frozen=True)
class SourceName:
    """How a citation names its source."""

    author: str
    title: str
    year: str = ""

    @property
    def short(self) -> str:
        """The book's in-text form, ``Aliyev 2020``."""
        return f"{short_author(self.author)} {self.year}".strip()


@dataclass(frozen=True)
class ChapterName:
    """How feedback names a chapter: ``chapter 3, Moscow format``."""

    number: int
    short_title: str

    def __str__(self) -> str:
        return f"chapter {self.number}, {self.short_title}"


@dataclass
class QuizBundle:
    """A quiz ready to show: the quiz file, its key (None in assessment mode), one variant, source names."""

    quiz: QuizFile
    key: KeyFile | None
    variant: Variant
    sources: dict[str, SourceName] = field(default_factory=dict)
    origin: str = ""
    chapters: dict[str, ChapterName] = field(default_factory=dict)


def repo_quizzes_dir() -> Path:
    """``quizzes/`` beside the package in a source checkout (absent in an installed wheel)."""
    return Path(__file__).resolve().parent.parent.parent / "quizzes"


def source_names(facts_dir: str | Path | None = None) -> dict[str, SourceName]:
    """Author and title of every source in ``<facts_dir>/sources.yaml`` (the package's by default).

    Only the registry is read, not the facts, so a quiz still shows while a fact file
    is being edited. A missing or unreadable registry gives an empty mapping: the
    citation then shows the source id, which is still a usable reference.
    """
    import yaml

    from afcourse.facts.factbase import default_directory

    path = Path(facts_dir or default_directory()) / "sources.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    names = {}
    for entry in data.get("sources") or []:
        if isinstance(entry, dict) and entry.get("id"):
            names[str(entry["id"])] = SourceName(str(entry.get("author") or entry["id"]), str(entry.get("title") or ""),
                                                 str(entry.get("date") or "")[:4])
    return names


def chapter_names(facts_dir: str | Path | None = None) -> dict[str, ChapterName]:
    """Number and short title of every chapter in ``<facts_dir>/chapters.yaml``; empty if unreadable."""
    import yaml

    from afcourse.facts.factbase import default_directory

    path = Path(facts_dir or default_directory()) / "chapters.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    return {str(c["id"]): ChapterName(int(c["number"]), str(c.get("short_title") or c.get("title") or c["id"]))
            for c in data.get("chapters") or [] if isinstance(c, dict) and c.get("id") and c.get("number")}


def _quiz_path(spec: str | Path) -> Path | None:
    """The quiz.json a path-like spec points to, or None if it is not a path to a quiz."""
    path = Path(spec).expanduser()
    if path.is_dir() and (path / "quiz.json").is_file():
        return path / "quiz.json"
    if path.is_file() and path.suffix == ".json":
        return path
    return None


def _read_quiz(path: Path) -> QuizFile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QuizLoadError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return QuizFile.model_validate_json(text)
    except ValueError as exc:
        raise QuizLoadError(f"{path} is not a valid quiz file: {exc}") from None


def _read_key(path: Path, quiz: QuizFile) -> KeyFile | None:
    if not path.is_file():
        return None
    try:
        key = KeyFile.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QuizLoadError(f"{path} is not a valid key file: {exc}") from None
    if key.quiz_id != quiz.quiz_id:
        raise QuizLoadError(f"{path} belongs to quiz {key.quiz_id!r}, not {quiz.quiz_id!r}")
    return key


def _is_path_spec(spec: str | Path) -> bool:
    return isinstance(spec, Path) or not SLUG.match(str(spec)) or _quiz_path(spec) is not None


def pick_variant(quiz: QuizFile, variant: str | int | None = None, student_id: str | None = None) -> Variant:
    """The variant to show.

    ``variant`` may be a variant id (``"v002"``) or a 1-based number. Without it, a
    one-variant quiz shows its variant; a many-variant quiz gives each student id a
    fixed variant (a SHA-256 of the quiz id and student id picks it), and the first
    variant to an anonymous self-check reader.
    """
    if variant is not None:
        for index, candidate in enumerate(quiz.variants, start=1):
            if candidate.variant_id == str(variant) or (isinstance(variant, int) and index == variant):
                return candidate
        known = ", ".join(v.variant_id for v in quiz.variants)
        raise QuizLoadError(f"quiz {quiz.quiz_id!r} has no variant {variant!r} (it has: {known})")
    if len(quiz.variants) == 1 or not student_id:
        return quiz.variants[0]
    digest = hashlib.sha256(f"{quiz.quiz_id}|{student_id}".encode()).hexdigest()
    return quiz.variants[int(digest, 16) % len(quiz.variants)]


def load_self_check(spec: QuizSpec, key: KeyFile | None = None, *, variant: str | int | None = None,
                    quizzes_dir: str | Path | None = None, facts_dir: str | Path | None = None) -> QuizBundle:
    """Resolve ``spec`` (chapter id, quiz folder, quiz.json, or QuizFile with ``key``) to a quiz with its key."""
    sources = source_names(facts_dir)
    if isinstance(spec, QuizFile):
        if key is None:
            raise QuizLoadError("a self-check quiz given as a QuizFile needs its KeyFile too: show_quiz(quiz, key)")
        if key.quiz_id != spec.quiz_id:
            raise QuizLoadError(f"the key belongs to quiz {key.quiz_id!r}, not {spec.quiz_id!r}")
        return QuizBundle(spec, key, pick_variant(spec, variant), sources, origin="objects",
                          chapters=chapter_names(facts_dir))
    if key is not None:
        raise QuizLoadError("pass a KeyFile only together with a QuizFile object")
    if _is_path_spec(spec):
        path = _quiz_path(spec)
        if path is None:
            raise QuizLoadError(f"no quiz at {spec}: give a folder holding quiz.json (and key.json), or a quiz.json file")
        quiz = _read_quiz(path)
        found = _read_key(path.with_name("key.json"), quiz)
        if found is None:
            raise QuizLoadError(f"{path.parent} has no key.json, so it cannot be a self-check quiz; "
                                "for a graded quiz use mode='assessment'")
        return QuizBundle(quiz, found, pick_variant(quiz, variant), sources, origin=str(path.parent),
                          chapters=chapter_names(facts_dir))
    chapter = str(spec)
    folder = Path(quizzes_dir) if quizzes_dir is not None else repo_quizzes_dir()
    if (folder / chapter / "quiz.json").is_file():
        return load_self_check(folder / chapter, variant=variant, facts_dir=facts_dir)
    quiz, generated = _generate_default(chapter, facts_dir)
    return QuizBundle(quiz, generated, pick_variant(quiz, variant), sources, origin=f"generated for chapter {chapter}",
                      chapters=chapter_names(facts_dir))


def _generate_default(chapter: str, facts_dir: str | Path | None) -> tuple[QuizFile, KeyFile]:
    """The chapter's default self-check set, made from the facts (as ``afcourse generate-defaults`` does)."""
    from afcourse.facts.factbase import FactBaseError, load_facts
    from afcourse.bank.generate import build_bank
    from afcourse.quiz.sets import QuizSetError, default_quiz_set

    try:
        base = load_facts(facts_dir)
    except FactBaseError as exc:
        raise QuizLoadError(f"no committed quiz for chapter {chapter!r}, and the facts to make one do not load:\n{exc}") from None
    if chapter not in base.chapters:
        raise QuizLoadError(f"unknown chapter {chapter!r} (known: {', '.join(base.chapters)}); "
                            "or give the path of a quiz folder")
    try:
        return default_quiz_set(build_bank(base), chapter, f"Self-check: {base.chapters[chapter].title}", base)
    except QuizSetError as exc:
        raise QuizLoadError(f"cannot make a quiz for chapter {chapter!r}: {exc}") from None


def load_assessment(spec: QuizSpec, *, variant: str | int | None = None, student_id: str | None = None,
                    quizzes_dir: str | Path | None = None, facts_dir: str | Path | None = None) -> QuizBundle:
    """Resolve ``spec`` to a graded quiz, reading quiz.json only (key.json is never opened)."""
    sources = source_names(facts_dir)
    if isinstance(spec, QuizFile):
        return QuizBundle(spec, None, pick_variant(spec, variant, student_id), sources, origin="objects")
    path = _quiz_path(spec) if _is_path_spec(spec) else None
    if path is None and not _is_path_spec(spec):
        folder = Path(quizzes_dir) if quizzes_dir is not None else repo_quizzes_dir()
        path = _quiz_path(folder / str(spec))
    if path is None:
        raise QuizLoadError(f"no quiz.json at {spec}: a graded quiz is shown from a quiz folder or quiz.json file")
    quiz = _read_quiz(path)
    return QuizBundle(quiz, None, pick_variant(quiz, variant, student_id), sources, origin=str(path.parent))
