"""The `afcourse` command: a thin shell over the library (every command is one call)."""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Optional

import typer

from afcourse.common.fileio import OutputExistsError, write_atomic
from afcourse.serve.cli import serve_commands

app = typer.Typer(help="Facts, quizzes, exports and grading for the afcourse module.", no_args_is_help=True)
facts_app = typer.Typer(help="Inspect and export the fact base.", no_args_is_help=True)
app.add_typer(facts_app, name="facts")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"afcourse {version('afcourse')}")
        except PackageNotFoundError:  # run from a source tree that was never installed
            typer.echo("afcourse (not installed: run from a source tree)")
        raise typer.Exit()


@app.callback()
def _main(show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                            help="Print the installed version and exit.")) -> None:
    """Facts, quizzes, exports and grading for the afcourse module."""


def _student_page() -> str:
    from afcourse.quizui.remote import remote_page  # the browser client that `afcourse serve` hands to students

    return remote_page()


app.add_typer(serve_commands(student_page=_student_page), name="serve")


@lru_cache(maxsize=None)
def _console(stderr: bool = False):
    """Rich's console for standard output (or error), loaded on first use: most commands print a line or two."""
    from rich.console import Console

    return Console(stderr=stderr)


CHAPTER_IDS = ("history", "interests", "moscow-format", "taliban", "us-relations", "after-2021")
"""The chapter ids, for help texts (tests/test_cli_small.py checks them against the fact base)."""

FactsDir = typer.Option(None, "--dir", help="Folder of fact YAML files (default: the facts shipped with the package).")


def _error(message: str) -> None:
    """Print an error for a person to read (plain text: never wrapped mid-path)."""
    typer.echo(f"error: {message}", err=True)


def _load_or_exit(directory: Optional[Path]):
    from afcourse.facts.factbase import FactBaseError, load_facts

    try:
        return load_facts(directory)
    except FactBaseError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        _error(f"{len(exc.problems)} problem(s) in the fact files.")
        raise typer.Exit(1)


@facts_app.command("check")
def facts_check(
    directory: Optional[Path] = FactsDir,
    seeds: Optional[Path] = typer.Option(None, "--seeds", help="Also check citations against the seed documents in this folder."),
) -> None:
    """Validate every fact file and print counts by source, kind and chapter; exit 1 on any problem."""
    base = _load_or_exit(directory)
    from afcourse.facts.factbase import summary

    counts = summary(base)
    for title, key, names in (
        ("Facts citing each source", "source", {s.id: f"{s.id} ({s.author})" for s in base.sources.values()}),
        ("Facts by kind", "kind", {}),
        ("Facts by chapter", "chapter", {c.id: f"{c.number}. {c.short_title}" for c in base.chapters.values()}),
    ):
        from rich.table import Table

        table = Table(title=title, title_justify="left")
        table.add_column(key)
        table.add_column("facts", justify="right")
        order = list(names) if names else sorted(counts[key])
        for name, count in sorted(counts[key].items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)):
            table.add_row(names.get(name, name), str(count))
        _console().print(table)
    contested = sum(1 for f in base if f.contested)
    _console().print(f"{len(base)} valid facts ({contested} contested or attributed) from {len(counts['source'])} sources.")
    if seeds is not None:
        from afcourse.facts.seedcheck import check_against_seeds

        problems = check_against_seeds(base, seeds)
        for problem in problems:
            typer.echo(problem, err=True)
        if problems:
            _error(f"{len(problems)} problem(s) against the seeds.")
            raise typer.Exit(1)
        _console().print(f"All citations agree with the seed documents in {seeds}.")


@facts_app.command("export")
def facts_export(
    directory: Optional[Path] = FactsDir,
    out_file: Optional[Path] = typer.Option(None, "--out", help="Write the JSON here instead of standard output."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Export every fact as a JSON array (id, kind, statement, chapter, citations, contested, ...)."""
    base = _load_or_exit(directory)
    records = [fact.model_dump(mode="json", exclude_none=True) for fact in sorted(base, key=lambda f: f.id)]
    text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if out_file is None:
        typer.echo(text, nl=False)
        return
    _write(out_file, text, force)
    _console(stderr=True).print(f"Wrote {len(records)} facts to {out_file}")


@facts_app.command("objectives")
def facts_objectives(
    chapter: Optional[list[str]] = typer.Option(None, "--chapter", "-c", help="Only this chapter (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (id, chapter, statement, facts, items, levels)."),
) -> None:
    """List the learning objectives with, per objective, the facts that teach it and the items that test it."""
    base = _load_or_exit(None)
    _check_chapters(base, chapter)
    _, bank = _bank_or_exit()
    items: dict[str, list] = {}
    for item in bank:
        items.setdefault(item.answer.objective, []).append(item)
    records = []
    for objective in base.objectives.values():
        if chapter and objective.chapter not in chapter:
            continue
        mine = sorted(items.get(objective.id, []), key=lambda it: it.id)
        records.append({"id": objective.id, "chapter": objective.chapter, "statement": objective.statement,
                        "facts": list(objective.facts), "items": [it.id for it in mine],
                        "understanding_items": sum(1 for it in mine if it.answer.level == "understanding")})
    if as_json:
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    for record in records:
        typer.echo(f"{record['id']} ({record['chapter']})\n  {record['statement']}\n"
                   f"  facts ({len(record['facts'])}): {', '.join(record['facts'])}\n"
                   f"  items: {len(record['items'])}, of which {record['understanding_items']} test understanding")
    typer.echo(f"{len(records)} objective(s).")


def _write(path: Path, text: str, force: bool) -> None:
    try:
        write_atomic(path, text, force=force)
    except OutputExistsError as exc:
        _error(f"{exc}")
        raise typer.Exit(1)


@app.command("bank")
def bank_command(
    chapter: Optional[list[str]] = typer.Option(None, "--chapter", "-c", help="Only this chapter (repeatable)."),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Write the JSON here instead of standard output."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Export the item bank as JSON (id, type, chapter, objective, level, stem, options with feedback, key,
    fact_ids, explanation, citations)."""
    from afcourse.bank.generate import build_bank

    base = _load_or_exit(None)
    _check_chapters(base, chapter)
    records = [_bank_record(item) for item in build_bank(base, chapter)]
    text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if out_file is None:
        typer.echo(text, nl=False)
    else:
        _write(out_file, text, force)
        _console(stderr=True).print(f"Wrote {len(records)} items to {out_file}")


def _bank_record(item) -> dict:
    """One item as the bank JSON gives it; each wrong option carries its ``feedback`` (null on the key and on
    options of families that give none)."""
    q, a = item.question, item.answer
    return {
        "id": q.id, "type": q.type, "chapter": q.chapter, "objective": a.objective, "level": a.level, "stem": q.stem,
        "options": [{**c.model_dump(), "feedback": a.feedback.get(c.id)} for c in q.choices],
        "prompts": [p.model_dump() for p in q.prompts],
        "unit": q.unit, "key": a.key.model_dump(), "explanation": a.explanation, "fact_ids": a.fact_ids,
        "citations": [c.model_dump() for c in a.citations], "template": item.template, "difficulty": item.difficulty,
    }


def _check_chapters(base, chapters: Optional[list[str]]) -> None:
    unknown = [c for c in chapters or [] if c not in base.chapters]
    if unknown:
        _error(f"Unknown chapter(s): {', '.join(unknown)}. Known: {', '.join(base.chapters)}")
        raise typer.Exit(2)


PERSON_REPORT_MIN = 3  # people offered fewer times than this are left out of lint's per-person report


@app.command("lint")
def lint_command() -> None:
    """Build the whole item bank and check every item; exit 1 on any problem."""
    from afcourse.bank.generate import build_bank
    from afcourse.bank.lint import key_positions, lint_items, person_key_rates

    base = _load_or_exit(None)
    items = build_bank(base)
    problems = lint_items(items, base)
    for problem in problems:
        typer.echo(str(problem), err=True)
    templates = {item.id: item.template for item in items}
    levels = {item.template: item.answer.level for item in items}
    failing = Counter(templates.get(p.item_id, p.item_id) for p in problems)
    positions = key_positions(items)
    _console().print("Per family (key at place 1/2/3/4 of the shown options, for single-choice items):")
    for template, n in sorted(Counter(templates.values()).items(), key=lambda kv: (levels[kv[0]], kv[0])):
        places = "/".join(str(k) for k in positions.get(template, []))
        _console().print(f"  {levels[template]:<13} {template:<28} {n:>4} items  {failing[template]:>3} problems  {places}")
    rates = sorted(person_key_rates(items, base).items(), key=lambda kv: (-kv[1][1] / kv[1][0], kv[0]))
    _console().print("Per person or body (choice items offering them; how often they are the key):")
    shown = [(person, offered, keyed) for person, (offered, keyed) in rates if offered >= PERSON_REPORT_MIN]
    for person, offered, keyed in shown:
        _console().print(f"  {base.name_of(person):<28} offered {offered:>3}  key {keyed:>3}  ({keyed / offered:.0%})")
    if not shown:
        _console().print(f"  (nobody is offered in {PERSON_REPORT_MIN} or more choice items)")
    if problems:
        _error(f"{len(problems)} problem(s) in {len(items)} items.")
        raise typer.Exit(1)
    by_type = Counter(item.question.type for item in items)
    _console().print(f"{len(items)} items pass the linter: " + ", ".join(f"{n} {t}" for t, n in sorted(by_type.items())))


@app.command("generate")
def generate_command(
    chapter: Optional[list[str]] = typer.Option(None, "--chapter", "-c", help="Chapter id (repeatable): "
                                                + ", ".join(CHAPTER_IDS) + "; a blueprint names its own."),
    n: Optional[int] = typer.Option(None, "--n", help="Questions per quiz (slots; default 10, or the blueprint's)."),
    blueprint_file: Optional[Path] = typer.Option(None, "--blueprint", help="Build the set to this blueprint "
                                                  "(YAML: chapters, questions, objectives, min_understanding, "
                                                  "max_date_or_number, max_which_source, taught_only)."),
    seed: Optional[str] = typer.Option(None, "--seed", help="Any text or number; with the salt, the same seed gives "
                                       "the same quiz."),
    variants: int = typer.Option(1, "--variants", help="Distinct per-student variants."),
    types: Optional[list[str]] = typer.Option(None, "--type", help="Allow only this item type (repeatable)."),
    mix: Optional[str] = typer.Option(None, "--mix", help="Exact type mix, e.g. single_choice=5,true_false=3,numeric=2."),
    max_difficulty: float = typer.Option(1.0, "--max-difficulty", min=0, max=1),
    min_difficulty: float = typer.Option(0.0, "--min-difficulty", min=0, max=1),
    same_fact: bool = typer.Option(False, "--allow-same-fact", help="Allow two questions on one fact."),
    title: Optional[str] = typer.Option(None, "--title", help="The quiz title students see (default: 'Quiz: <chapters>')."),
    salt: Optional[str] = typer.Option(None, "--salt", help="Secret salt for ids and shuffles (default: random, kept "
                                       "in key.json); pass the key's salt and seed to regenerate a set exactly."),
    roster: Optional[Path] = typer.Option(None, "--roster", help="Class roster CSV (id, name, section, LMS ids): "
                                          "deal the variants out evenly and record it in OUT/roster.json."),
    calibration: Optional[Path] = typer.Option(None, "--calibration", help="Measured difficulties from "
                                               "`afcourse calibrate` to use instead of the estimates."),
    own: Optional[Path] = typer.Option(None, "--own", help="Your own questions (a private YAML file, see the guide): "
                                       "drawn into slots like bank items."),
    from_dir: Optional[Path] = typer.Option(None, "--from", help="Rebuild the set of this folder exactly from its "
                                            "recipe.json (every option and every edit); other options are ignored."),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Folder to write quiz.json and key.json into "
                                           "(with --from: default, that folder)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing quiz set."),
) -> None:
    """Generate a quiz set: DIR/quiz.json (students), DIR/key.json and DIR/recipe.json (instructor); DIR/roster.json
    with --roster. `--from DIR` rebuilds a set from its recipe."""
    from afcourse.quiz.sets import QuizSetError, make_quiz_set, write_quiz_set

    base_chapters, bank = _bank_or_exit()
    if from_dir is not None:
        _rebuild_or_exit(from_dir, out_dir or from_dir, bank, force or out_dir is None)
        return
    blueprint = _read_blueprint_or_exit(blueprint_file, chapter, n) if blueprint_file else None
    if blueprint is not None:
        chapter, n = blueprint.chapters, blueprint.questions
    if not chapter or seed is None or out_dir is None:
        _error("generate needs --chapter (or --blueprint FILE), --seed and --out (or --from DIR to rebuild a set)")
        raise typer.Exit(2)
    n = 10 if n is None else n
    _check_chapter_ids(base_chapters, chapter)
    try:
        own_items = []
        if own is not None:
            from afcourse.quiz.own import read_own_questions

            own_items = read_own_questions(own, set(base_chapters))
        type_mix = _parse_mix(mix) if mix else None
        measured = _read_calibration(calibration) if calibration else None
        students = None
        if roster is not None:
            from afcourse.quiz.roster import read_roster_csv

            students = read_roster_csv(roster)
        title = title or (blueprint.title if blueprint else None) or \
            "Quiz: " + "; ".join(base_chapters[c] for c in sorted(set(chapter)))
        from afcourse.quiz.sets import new_salt

        options = dict(seed=seed, variants=variants, types=types, type_mix=type_mix, max_difficulty=max_difficulty,
                       min_difficulty=min_difficulty, allow_same_fact=same_fact, title=title,
                       salt=salt or new_salt(), calibration=measured)
        if blueprint is not None:
            from afcourse.quiz.sets import blueprint_quiz_set

            quiz, key = blueprint_quiz_set(bank + own_items, _load_or_exit(None), blueprint, **options)
            options["blueprint"] = blueprint.model_dump(mode="json")
        else:
            options.update(chapters=chapter, n=n)
            quiz, key = make_quiz_set(bank + own_items, **options)
        existing = [p for p in (out_dir / "quiz.json", out_dir / "key.json", out_dir / "roster.json") if p.exists()]
        if existing and not force:
            raise OutputExistsError(existing[0])
        quiz_path, key_path = write_quiz_set(quiz, key, out_dir, force=force)
        from afcourse.quiz.recipe import new_recipe, write_recipe

        write_recipe(new_recipe(quiz, options, bank, own_items), out_dir)
        if students is not None:
            from afcourse.quiz.roster import assign_variants, balance, write_roster

            dealt = assign_variants(students, quiz, key)
            roster_path = write_roster(dealt, out_dir, force=True)
            counts = balance(dealt)
            _console().print(f"Wrote {roster_path}: {len(students)} student(s), {min(counts.values())}-"
                      f"{max(counts.values())} per variant.")
        elif (out_dir / "roster.json").exists():
            (out_dir / "roster.json").unlink()  # it named the variants of the set just replaced
    except (QuizSetError, OutputExistsError) as exc:
        _error(f"{exc}")
        raise typer.Exit(1)
    _console().print(f"Wrote {quiz_path} ({variants} variant(s) of {n} questions) and {key_path} (keep it from students).")
    if measured is not None:
        used = sum(1 for k in key.keys if k.item_id in measured)
        typer.echo(f"Calibration: measured difficulty used for {used} of the {len(key.keys)} item(s) in the set "
                   f"({len(measured)} measured in {calibration}); the others keep the estimate.")
    _print_variant_checks(quiz, key, bank + own_items)


def _print_variant_checks(quiz, key, bank) -> None:
    """Both figures of the variant checks (issue 21): giveaways inside a variant, and answers the variants share."""
    from afcourse.quiz.sets import variant_checks

    giveaways, sharing = variant_checks(quiz, key, bank)
    for found in giveaways:
        typer.echo(f"giveaway: {found}", err=True)
    shared = [i + 1 for i, (share, _) in enumerate(sharing) if share > 0.5 and len(quiz.variants) > 1]
    forced = [i for i in shared if sharing[i - 1][1] == 1]
    _console().print(f"Variant checks: {len(giveaways)} giveaway(s) (a question printing another's answer); "
                     f"{len(shared)} of {len(sharing)} slot(s) give one answer to more than half the variants"
                     + (f" ({len(forced)} because the pool has one answer for them)" if shared else "") + ".")


def _read_blueprint_or_exit(path: Path, chapters: Optional[list[str]], n: Optional[int]):
    """The blueprint in ``path``; exit 1 with the problems (file:line: field) when it is not valid, or when
    --chapter or --n contradicts it."""
    from afcourse.quiz.blueprint import BlueprintError, read_blueprint

    try:
        blueprint = read_blueprint(path)
    except BlueprintError as exc:
        _error(f"{exc}")
        raise typer.Exit(1)
    if chapters and sorted(set(chapters)) != sorted(set(blueprint.chapters)):
        _error(f"--chapter {' '.join(chapters)} differs from the blueprint's chapters "
               f"({', '.join(blueprint.chapters)}): give one or the other")
        raise typer.Exit(2)
    if n is not None and n != blueprint.questions:
        _error(f"--n {n} differs from the blueprint's {blueprint.questions} questions: give one or the other")
        raise typer.Exit(2)
    return blueprint


def _rebuild_or_exit(from_dir: Path, out_dir: Path, bank, force: bool) -> None:
    """`generate --from`: the set of ``from_dir`` made again from its recipe, written to ``out_dir``."""
    from afcourse.quiz.recipe import read_recipe, rebuild, write_recipe
    from afcourse.quiz.sets import QuizSetError, write_quiz_set

    try:
        recipe = read_recipe(from_dir)
        quiz, key, notes = rebuild(recipe, bank)
        quiz_path, key_path = write_quiz_set(quiz, key, out_dir, force=force)
        if Path(out_dir).resolve() != Path(from_dir).resolve():
            write_recipe(recipe, out_dir, force=force)
    except (QuizSetError, OutputExistsError) as exc:
        _error(str(exc))
        raise typer.Exit(1)
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    edits = len(recipe.get("edits", []))
    typer.echo(f"Rebuilt {quiz_path} and {key_path} from {Path(from_dir) / 'recipe.json'}"
                     + (f" ({edits} edit(s) replayed)" if edits else "") + ".")


def _bank_or_exit():
    """(chapter id -> title, the whole item bank), from the cache when the facts have not changed."""
    from afcourse.bank.cache import cached_bank

    try:
        return cached_bank()
    except Exception as exc:  # the fact modules load only when the cache misses: import the error then
        from afcourse.facts.factbase import FactBaseError

        if not isinstance(exc, FactBaseError):
            raise
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        _error(f"{len(exc.problems)} problem(s) in the fact files.")
        raise typer.Exit(1)


def _check_chapter_ids(titles: dict[str, str], chapters: Optional[list[str]]) -> None:
    unknown = [c for c in chapters or [] if c not in titles]
    if unknown:
        _error(f"Unknown chapter(s): {', '.join(unknown)}. Known: {', '.join(titles)}")
        raise typer.Exit(2)


def _read_calibration(path: Path) -> dict[str, float]:
    from afcourse.quiz.sets import QuizSetError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): min(1.0, max(0.0, float(v))) for k, v in data["difficulty"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise QuizSetError(f"{path}: not a calibration file from `afcourse calibrate` ({exc})") from None


def _parse_mix(text: str) -> dict[str, int]:
    from afcourse.quiz.sets import QuizSetError

    mix: dict[str, int] = {}
    for part in text.split(","):
        name, _, count = part.partition("=")
        if not count.strip().isdigit():
            raise QuizSetError(f"--mix expects type=count pairs separated by commas, got {part!r}")
        mix[name.strip()] = int(count)
    return mix


@app.command("generate-defaults")
def generate_defaults_command(
    out_dir: Path = typer.Option(Path("quizzes"), "--out", help="Folder to hold one sub-folder per chapter."),
    force: bool = typer.Option(False, "--force", help="Overwrite the existing sets."),
) -> None:
    """Regenerate the committed self-check set of every chapter (OUT/<chapter>/quiz.json and key.json)."""
    from afcourse.quiz.sets import default_quiz_set, write_quiz_set

    from afcourse.quiz.sets import QuizSetError

    chapters, bank = _bank_or_exit()
    base = _load_or_exit(None)
    for chapter_id, chapter_title in chapters.items():
        try:
            quiz, key = default_quiz_set(bank, chapter_id, f"Self-check: {chapter_title}", base)
            write_quiz_set(quiz, key, out_dir / chapter_id, force=force)
        except (OutputExistsError, QuizSetError) as exc:
            _error(f"{exc}")
            raise typer.Exit(1)
        _console().print(f"{out_dir / chapter_id}: {len(quiz.variants[0].questions)} items")


@app.command("schema")
def schema_command(
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Write one .schema.json per file kind into this folder."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing schema files."),
) -> None:
    """JSON Schema for quiz, key, roster and submission files, exported from the models."""
    from afcourse.quiz.models import KeyFile, QuizFile, RosterFile, Submission

    schemas = {name: model.model_json_schema(by_alias=True)
               for name, model in (("quiz", QuizFile), ("key", KeyFile), ("roster", RosterFile),
                                   ("submission", Submission))}
    if out_dir is None:
        typer.echo(json.dumps(schemas, indent=2))
        return
    for name, schema in schemas.items():
        _write(out_dir / f"{name}.schema.json", json.dumps(schema, indent=2) + "\n", force)
    _console(stderr=True).print(f"Wrote {len(schemas)} schemas to {out_dir}")


@app.command("export")
def export_command(
    fmt: str = typer.Argument(..., metavar="FORMAT", help="moodle, qti or gift (LMS imports: they hold the answer "
                              "key, for the instructor only); html or markdown (printable handouts); notebooks (a "
                              "Jupyter notebook per rostered student); paper (one printable file for the class with "
                              "an answer sheet per student, and answers.csv for `grade --paper`)."),
    quiz_dir: Path = typer.Argument(..., metavar="QUIZDIR", help="Folder with quiz.json and key.json (`afcourse generate`)."),
    out_path: Path = typer.Option(..., "--out", help="moodle/qti/gift: the file to write; html/markdown: a folder."),
    variant: Optional[list[str]] = typer.Option(None, "--variant", help="Handouts: only this variant id (repeatable; "
                                                "default: one student copy per variant in the quiz)."),
    roster: Optional[Path] = typer.Option(None, "--roster", help="Handouts, paper and notebooks: a copy per student of this "
                                          "roster CSV, labelled with name and id (default: the roster recorded by "
                                          "generate)."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file; for handouts, replace the folder whole."),
) -> None:
    """Export a quiz set: Moodle XML, QTI 1.2 zip (Canvas), GIFT, or printable HTML/Markdown handouts.

    moodle, qti and gift files hold the answer key, as every LMS import does: for the instructor only.

    html and markdown write one student copy per variant, or per student of the roster (no answers),
    and an answer-key file. notebooks writes quiz.json and one notebook per rostered student that
    opens the quiz on that student's variant (no answers).

    Every export keeps the quiz's slots: Moodle and GIFT a category per slot, QTI a question group that
    picks one per slot. LMS questions get stable names and ids (same bank item, same question).
    """
    from afcourse.exports import ExportError, export_quiz_dir

    try:
        result = export_quiz_dir(fmt, quiz_dir, out_path, variants=variant, roster_csv=roster, force=force)
    except (ExportError, OutputExistsError) as exc:
        _error(str(exc))
        raise typer.Exit(1)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    plural = {"student copy": "student copies", "student notebook": "student notebooks"}
    copies = Counter(what for what in result.what.values() if what in plural)
    for path in result.paths:
        if result.what.get(path) not in plural or sum(copies.values()) <= 5:
            typer.echo(f"wrote {path}: {result.what.get(path, fmt)}")
    for what, count in copies.items():
        if sum(copies.values()) > 5:
            typer.echo(f"wrote {count} {plural[what]} into {out_path}")
    if fmt in ("moodle", "qti", "gift"):
        typer.echo("This file holds the answer key: import it into your LMS, do not give it to students.")


@app.command("grade")
def grade_command(
    quiz_dir: Path = typer.Argument(..., help="Quiz folder holding quiz.json and key.json."),
    submissions: Optional[list[Path]] = typer.Argument(None, help="Submission files (.json), JSON Lines (.jsonl) or "
                                                      "folders (none with --paper alone)."),
    out_dir: Path = typer.Option(..., "--out", help="Folder to write the gradebook, feedback and reports into."),
    layout: str = typer.Option("default", "--layout", help="Gradebook columns: default, canvas or moodle."),
    feedback: str = typer.Option("md", "--feedback", help="Per-student feedback files: md, html or none."),
    hide_key: bool = typer.Option(False, "--hide-key", help="Leave the right answer, and the explanations that "
                                  "state it, out of student feedback."),
    roster: Optional[Path] = typer.Option(None, "--roster", help="Class roster CSV (id, name, section, LMS ids) or "
                                          "a Canvas/Moodle export: absentees listed, LMS id columns filled (default: "
                                          "the recorded roster)."),
    drop: Optional[list[str]] = typer.Option(None, "--drop", metavar="Q", help="Drop a question (Q3: the slot; Q3b: "
                                             "one of its questions): it counts for nobody (repeatable)."),
    credit: Optional[list[str]] = typer.Option(None, "--credit", metavar="Q", help="Full marks on this question for "
                                               "everyone who had it (repeatable)."),
    accept: Optional[list[str]] = typer.Option(None, "--accept", metavar="Q=ANSWER", help="Also accept this answer: "
                                               "an option letter or text, a text, a number (repeatable)."),
    override: Optional[list[str]] = typer.Option(None, "--override", metavar="STUDENT:Q=POINTS",
                                                 help="Set one student's points on one question (repeatable)."),
    decisions_file: Optional[Path] = typer.Option(None, "--decisions", help="Apply the decisions of this file "
                                                  "(the decisions.yaml an earlier grade wrote), before the options."),
    deadline: Optional[str] = typer.Option(None, "--deadline", help="Flag submissions saved after this time "
                                           "(2026-12-07T10:00; UTC unless a zone such as +01:00 is given)."),
    late_penalty: float = typer.Option(0.0, "--late-penalty", metavar="PERCENT", help="With --deadline: take this "
                                       "percentage of the mark off per started day late."),
    paper: Optional[Path] = typer.Option(None, "--paper", help="Grade paper answer sheets typed into this CSV (id, "
                                         "variant, Q1, Q2...: letters or values as written)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing output folder."),
) -> None:
    """Grade submissions: OUT/gradebook.csv, feedback/, item-analysis.csv, problems.csv, report.html.

    Bad input (broken JSON, other quiz, unknown variant or item, duplicates, missing answers, unsubmitted
    work) is listed in problems.csv and the report; the rest is graded. Exit 1 when nothing could be graded.
    Decisions (--drop, --credit, --accept, --override) are listed in the report and written to
    OUT/decisions.yaml, which --decisions applies again.
    """
    from afcourse.grading.results import GradingError

    try:
        from afcourse.grading.pipeline import grade
    except ModuleNotFoundError as exc:
        if exc.name != "numpy":
            raise
        _error("grading needs numpy, which student installs leave out: pip install 'afcourse[grading]'")
        raise typer.Exit(1)
    try:
        from afcourse.grading.decisions import parse_option, read_decisions
        from afcourse.grading.policy import parse_deadline

        decisions = read_decisions(decisions_file) if decisions_file else []
        for action, values in (("drop", drop), ("credit", credit), ("accept", accept), ("override", override)):
            decisions += [parse_option(action, v) for v in values or []]
        when = parse_deadline(deadline) if deadline else None
        inputs = list(submissions or [])
        if not inputs and paper is None:
            raise GradingError("nothing to grade: give submission files or folders, or --paper ANSWERS.csv")
        from afcourse.serve.export import expand_databases  # a server's SQLite database reads as its submissions

        inputs = expand_databases(quiz_dir, inputs)
        if paper is not None:
            from afcourse.grading.paper import read_paper_answers

            inputs += read_paper_answers(paper, quiz_dir)
        result = grade(quiz_dir, inputs, out_dir, force=force, layout=layout,
                       feedback=feedback, show_key=not hide_key, roster=roster, decisions=decisions,
                       deadline=when, late_penalty=late_penalty)
    except (GradingError, OutputExistsError, ValueError, RuntimeError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1)
    for problem in result.problems[:20]:
        typer.echo(f"problem: {problem}", err=True)
    if len(result.problems) > 20:
        typer.echo(f"... and {len(result.problems) - 20} more in {out_dir / 'problems.csv'}", err=True)
    summary = result.summary
    if not result.students:
        typer.echo("No submission could be graded, so nothing was written (the problems are listed above).", err=True)
        raise typer.Exit(1)
    from afcourse.grading.analysis import FEW_ANSWERS

    flagged = sum(1 for item in result.items if item.flags)
    unjudged = sum(1 for item in result.items if item.n < FEW_ANSWERS)
    typer.echo(f"Graded {len(result.students)} student(s): mean {summary.mean:.1f}%, median {summary.median:.1f}%; "
               f"{flagged} of {len(result.items)} item(s) flagged; {len(result.problems)} input problem(s).")
    if unjudged:
        typer.echo(f"{unjudged} item(s) had fewer than {FEW_ANSWERS} answers each: too few to judge.")
    if result.missing:
        typer.echo(f"{len(result.missing)} student(s) on the roster handed nothing in: listed in gradebook.csv "
                   "with no score and the flag 'no submission'.")
    for decision in result.decisions:
        typer.echo(f"decision: {decision.describe()}")
    typer.echo(f"Wrote {out_dir}/: gradebook.csv, item-analysis.csv, results-by-objective.csv, problems.csv, "
               "report.html"
               + (", decisions.yaml" if result.decisions else "")
               + ("" if feedback == "none" else f", feedback/ ({feedback})"))


quiz_app = typer.Typer(help="Look at a quiz set and change one question, leaving every other as it was.",
                       no_args_is_help=True)
app.add_typer(quiz_app, name="quiz")
QuizDir = typer.Argument(..., metavar="QUIZDIR", help="The quiz folder (quiz.json, key.json, recipe.json).")
QuestionLabel = typer.Argument(..., metavar="Q", help="The question as students saw it: Q3, or Q3b for one of a "
                               "slot's interchangeable questions (`afcourse quiz show` lists them).")


def _edit_or_exit(quiz_dir: Path, edit: dict, own: Optional[Path] = None) -> None:
    """Apply one edit to the set in ``quiz_dir``, write it, and record the edit in its recipe."""
    from afcourse.bank.models import Item
    from afcourse.quiz.edit import apply_edit
    from afcourse.quiz.recipe import own_items, read_recipe, write_recipe
    from afcourse.quiz.sets import QuizSetError, read_quiz_set, write_quiz_set

    try:
        quiz, key = read_quiz_set(quiz_dir)
        if key is None:
            raise QuizSetError(f"{quiz_dir / 'key.json'} not found: editing a set needs its key")
        recipe = read_recipe(quiz_dir)
        _, bank = _bank_or_exit()
        extra = own_items(recipe) + [Item.model_validate(e["item"]) for e in recipe.get("edits", []) if "item" in e]
        if own is not None:
            from afcourse.quiz.own import read_own_questions

            known = {it.id for it in extra}
            extra += [it for it in read_own_questions(own) if it.id not in known]
        pool = {it.id: it for it in bank + extra}
        if edit.get("with") in pool and edit["with"] not in {it.id for it in bank}:
            edit = {**edit, "item": pool[edit["with"]].model_dump(mode="json")}  # the recipe keeps your question
        before = quiz.labels()
        new_quiz, new_key = apply_edit(quiz, key, edit, pool)
        write_quiz_set(new_quiz, new_key, quiz_dir, force=True)
        recipe["edits"] = recipe.get("edits", []) + [edit]
        write_recipe(recipe, quiz_dir)
    except (QuizSetError, OutputExistsError) as exc:
        _error(str(exc))
        raise typer.Exit(1)
    old_ids, new_ids = set(before), set(new_quiz.labels())
    gone, added = sorted(old_ids - new_ids), sorted(new_ids - old_ids)
    questions = {q.id: q for v in [*quiz.variants, *new_quiz.variants] for q in v.questions}
    for qid in gone:
        typer.echo(f"removed {before[qid]}: {questions[qid].stem}")
    for qid in added:
        typer.echo(f"added {new_quiz.labels()[qid]}: {questions[qid].stem}")
    if not gone and not added:
        typer.echo(f"changed {edit['question']}")
    typer.echo(f"Wrote {quiz_dir / 'quiz.json'} and key.json; every other question is as it was. The edit is "
               "recorded in recipe.json (`afcourse generate --from` replays it).")


@quiz_app.command("show")
def quiz_show_command(quiz_dir: Path = QuizDir) -> None:
    """List the questions of a set: label, type, points, bank item, stem (instructor view: reads key.json)."""
    from afcourse.quiz.sets import QuizSetError, read_quiz_set

    try:
        quiz, key = read_quiz_set(quiz_dir)
    except QuizSetError as exc:
        _error(str(exc))
        raise typer.Exit(1)
    items = {k.id: k.item_id for k in key.keys} if key else {}
    questions = {q.id: q for v in quiz.variants for q in v.questions}
    used = {q.id: sum(1 for v in quiz.variants if v.questions[quiz.slot_of()[q.id] - 1].id == q.id)
            for q in questions.values()}
    labels = quiz.labels()
    for slot in quiz.slots:
        for qid in slot.question_ids:
            q = questions[qid]
            typer.echo(f"{labels[qid]:<6} {q.type:<16} {q.points:g} pt  {used[qid]:>3} variant(s)  "
                       f"{items.get(qid) or '?':<40} {q.stem}")


@quiz_app.command("exclude")
def quiz_exclude_command(quiz_dir: Path = QuizDir, question: str = QuestionLabel) -> None:
    """Take one question out: its variants get another of its slot (the last of a slot is replaced)."""
    _edit_or_exit(quiz_dir, {"action": "exclude", "question": question})


@quiz_app.command("replace")
def quiz_replace_command(
    quiz_dir: Path = QuizDir, question: str = QuestionLabel,
    with_item: Optional[str] = typer.Option(None, "--with", help="The bank item id to put in (`afcourse bank` lists "
                                            "them; own:<id> for your own). Default: the nearest in difficulty that "
                                            "fits."),
    own: Optional[Path] = typer.Option(None, "--own", help="Your own questions' YAML file, for --with own:<id>."),
) -> None:
    """Put another item in one question's place, in every variant that had it."""
    edit = {"action": "replace", "question": question}
    if with_item:
        edit["with"] = with_item
    _edit_or_exit(quiz_dir, edit, own)


@quiz_app.command("points")
def quiz_points_command(quiz_dir: Path = QuizDir, question: str = QuestionLabel,
                        points: float = typer.Argument(..., help="Points for every question of that slot.")) -> None:
    """Set the points of one slot (every question of it: an LMS draw needs them equal)."""
    _edit_or_exit(quiz_dir, {"action": "points", "question": question, "points": points})


@quiz_app.command("reword")
def quiz_reword_command(
    quiz_dir: Path = QuizDir, question: str = QuestionLabel,
    stem: Optional[str] = typer.Option(None, "--stem", help="The question's new wording."),
    option: Optional[list[str]] = typer.Option(None, "--option", metavar="OLD=NEW", help="New words for an option "
                                               "(repeatable); the key is unchanged."),
) -> None:
    """New words for one question or its options (the key stays: check it still fits)."""
    options = {}
    for text in option or []:
        old, sep, new = text.partition("=")
        if not sep or not old.strip() or not new.strip():
            _error(f"--option expects 'OLD TEXT=NEW TEXT', got {text!r}")
            raise typer.Exit(2)
        options[old.strip()] = new.strip()
    edit = {"action": "reword", "question": question}
    if stem:
        edit["stem"] = stem
    if options:
        edit["options"] = options
    _edit_or_exit(quiz_dir, edit)


@app.command("calibrate")
def calibrate_command(
    grade_dirs: list[Path] = typer.Argument(..., metavar="GRADES_DIR...", help="Folders written by `afcourse grade`."),
    out_file: Path = typer.Option(Path("calibration.json"), "--out", help="The calibration file to write."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out if it exists."),
) -> None:
    """Measured difficulty of every item answered by 10+ students, for `afcourse generate --calibration`."""
    from afcourse.grading.calibration import write_calibration
    from afcourse.grading.results import GradingError

    try:
        difficulty = write_calibration(grade_dirs, out_file, force=force)
    except (GradingError, OutputExistsError) as exc:
        _error(str(exc))
        raise typer.Exit(1)
    from afcourse.grading.analysis import FEW_ANSWERS
    from afcourse.grading.calibration import items_seen

    seen = items_seen(grade_dirs)
    typer.echo(f"Wrote {out_file}: measured difficulty of {len(difficulty)} of the {seen} item(s) these classes "
               "answered.")
    if seen > len(difficulty):
        typer.echo(f"The other {seen - len(difficulty)} had fewer than {FEW_ANSWERS} answers over these classes and "
                   "keep their estimate: more classes, or fewer variants per class, measure more of them.")


@app.command("quiz-page")
def quiz_page_command(
    quiz: str = typer.Argument(..., help="A chapter id (its committed self-check set) or a quiz folder with key.json."),
    out: Path = typer.Option(..., "--out", help="The HTML file to write."),
    variant: Optional[str] = typer.Option(None, "--variant", help="Variant id (default: the first)."),
    force: bool = typer.Option(False, "--force", help="Overwrite OUT."),
    self_check: bool = typer.Option(False, "--self-check",
                                    help="Write the page even though the set is not marked self-check (the page "
                                         "shows every answer)."),
) -> None:
    """Write a self-check quiz as one self-contained HTML page (feedback in the browser; no server, no network).

    The page holds the answers, so only sets marked self-check (the chapter sets) are
    written unless --self-check is given.
    """
    from afcourse.quizui.loading import QuizLoadError
    from afcourse.quizui.static import write_page

    try:
        path = write_page(quiz, out, force=force, variant=variant, self_check=self_check)
    except (QuizLoadError, OutputExistsError) as exc:
        _error(str(exc))
        raise typer.Exit(1)
    typer.echo(f"Wrote {path}")


if __name__ == "__main__":  # pragma: no cover
    app()
