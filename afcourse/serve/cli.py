"""The ``afcourse serve`` commands: run the server, print the roster's links, export the answers.

``afcourse serve QUIZDIR ...`` runs the server (the ``run`` command is implied), so
``afcourse serve tokens`` and ``afcourse serve export`` sit beside it. The student page
(the browser client) belongs to quizui, a stage serve may not import: afcourse/cli.py
hands it in through :func:`serve_commands`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Callable, Optional

import typer
from typer.core import TyperGroup

from afcourse.common.fileio import OutputExistsError, write_atomic


class _RunByDefault(TyperGroup):
    """``afcourse serve QUIZDIR`` means ``afcourse serve run QUIZDIR``."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


serve_app = typer.Typer(cls=_RunByDefault, no_args_is_help=True,
                        help="Collect graded answers on a server you run (alone, or as a JupyterHub service).")
_pages: dict[str, Callable[[], str]] = {}


def serve_commands(student_page: Callable[[], str]) -> typer.Typer:
    """The ``serve`` sub-app; ``student_page`` makes the page students open (the quiz client, from quizui)."""
    _pages["student"] = student_page
    return serve_app

QuizDir = typer.Argument(..., metavar="QUIZDIR", help="Folder with quiz.json and key.json (`afcourse generate`).")
Db = typer.Option(None, "--db", help="sqlite:///PATH or postgresql://... (default: QUIZDIR/serve.sqlite).")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _time(text: Optional[str]):
    from afcourse.serve.assessment import AssessmentError, parse_time

    try:
        return parse_time(text)
    except AssessmentError as exc:
        _fail(str(exc))


@serve_app.command("run")
def run_command(
    quiz_dir: Path = QuizDir,
    roster: Optional[Path] = typer.Option(None, "--roster", help="CSV with id,name: only these students may answer."),
    db: Optional[str] = Db,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8765, "--port", min=0, max=65535),
    opens: Optional[str] = typer.Option(None, "--opens", help="ISO time the quiz opens (UTC if no zone)."),
    closes: Optional[str] = typer.Option(None, "--closes", help="ISO time the quiz closes: later answers are refused."),
    feedback: str = typer.Option("never", "--feedback", help="When students see scores: never, after-close, "
                                                            "after-submit."),
    allow_origin: Optional[list[str]] = typer.Option(None, "--allow-origin", help="A site whose pages may call "
                                                     "the server (e.g. the book's https://host), repeatable."),
    hub: bool = typer.Option(False, "--hub", help="Run as a JupyterHub service: students are Hub users."),
    instructor: Optional[list[str]] = typer.Option(None, "--instructor", help="Hub mode: a Hub user who sees the "
                                                   "live count (Hub admins always do), repeatable."),
    rate: float = typer.Option(20.0, "--rate", min=0.1, help="Requests per second allowed per student."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", min=0.1, help="Minutes each student has, "
                                               "counted from when they first open the quiz (extra time: `serve "
                                               "extra-time`, or an extra_minutes column in --roster)."),
    grace: int = typer.Option(20, "--grace", min=0, max=600, help="Seconds after a student's time limit that an "
                              "answer given in time may still arrive (network, proxy, retries)."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Server processes on this port "
                                "(more than 1 needs --db postgresql://...)."),
) -> None:
    """Serve QUIZDIR: each student gets their variant, every answer is recorded and timestamped here."""
    from afcourse.serve.assessment import AssessmentError
    from afcourse.serve.server import ServeOptions, build, run
    from afcourse.quiz.roster import RosterError
    from afcourse.serve.storage import StorageError

    options = ServeOptions(quiz_dir=quiz_dir, db=db, roster=roster, opens=_time(opens), closes=_time(closes),
                           feedback=feedback, allow_origins=tuple(allow_origin or ()), hub=hub,
                           instructors=tuple(instructor or ()), rate=rate,
                           time_limit=round(time_limit * 60) if time_limit else None, grace=grace, workers=workers)
    try:
        options.student_page = _pages["student"]() if "student" in _pages else None
        built = build(options)
    except (AssessmentError, StorageError, RosterError, ValueError, KeyError) as exc:
        _fail(str(exc))
    where = f"http://{host}:{port}/"
    from afcourse.serve.storage import redacted

    typer.echo(f"Serving {built.assessment.quiz.title!r} at {where} (answers in {redacted(built.store.url)}"
               f"{f', {workers} workers' if workers > 1 else ''})")
    if built.instructor_token:
        typer.echo(f"Live count: {where}instructor#token={built.instructor_token}")
        typer.echo("Student links: afcourse serve tokens QUIZDIR --roster FILE --base-url " + where)
    try:
        run(built, host, port, options)
    finally:
        built.store.close()


@serve_app.command("tokens")
def tokens_command(
    quiz_dir: Path = QuizDir,
    roster: Path = typer.Option(..., "--roster", help="CSV with id,name."),
    base_url: str = typer.Option("http://127.0.0.1:8765/", "--base-url", help="The server's address as students "
                                                                            "reach it."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the CSV here (default: standard output)."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out."),
) -> None:
    """One secret link per roster entry (id,name,token,link), and the instructor's live-count link."""
    from afcourse.serve.assessment import AssessmentError, load_quiz_dir
    from afcourse.quiz.roster import RosterError, read_roster_csv
    from afcourse.serve.tokens import instructor_token, load_secret, make_token

    try:
        quiz, _ = load_quiz_dir(quiz_dir)
        students = read_roster_csv(roster)
        secret = load_secret(quiz_dir)
    except (AssessmentError, RosterError, ValueError) as exc:
        _fail(str(exc))
    base = base_url if base_url.endswith("/") else base_url + "/"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "name", "token", "link"])
    for student in students:
        token = make_token(secret, quiz.quiz_id, student["id"])
        writer.writerow([student["id"], student["name"], token, f"{base}#token={token}"])
    if out is None:
        typer.echo(buffer.getvalue(), nl=False)
    else:
        try:
            write_atomic(out, buffer.getvalue(), force=force)
        except OutputExistsError as exc:
            _fail(str(exc))
        typer.echo(f"Wrote {len(students)} student links to {out}: give each student only their own.", err=True)
    typer.echo(f"Instructor's live count: {base}instructor#token={instructor_token(secret, quiz.quiz_id)}", err=True)


@serve_app.command("extra-time")
def extra_time_command(
    quiz_dir: Path = QuizDir,
    student: str = typer.Argument(..., help="The student's id (as on the roster, or their Hub user name)."),
    minutes: float = typer.Argument(..., min=0, help="Minutes added to this student's time limit (0 removes them)."),
    db: Optional[str] = Db,
) -> None:
    """Give one student extra time on a timed quiz; a running server applies it at once."""
    from afcourse.serve.assessment import AssessmentError, load_quiz_dir
    from afcourse.serve.storage import Store, StorageError, default_url

    try:
        quiz, _ = load_quiz_dir(quiz_dir)
        store = Store(db or default_url(quiz_dir), quiz.quiz_id)
    except (AssessmentError, StorageError) as exc:
        _fail(str(exc))
    try:
        store.set_extra_time(student, round(minutes * 60))
        row = store.student(student)
    except StorageError as exc:
        _fail(str(exc))
    finally:
        store.close()
    state = ("has not opened the quiz yet" if row is None else "has submitted already: extra time changes nothing"
             if row.submitted_at else f"started at {row.started_at}")
    typer.echo(f"{student}: {minutes:g} extra minute(s) ({state})")


@serve_app.command("export")
def export_command(
    quiz_dir: Path = QuizDir,
    db: Optional[str] = Db,
    out: Path = typer.Option(..., "--out", help="The JSON Lines file to write (one submission a line)."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out."),
) -> None:
    """Write every student's answers as afcourse.submission/1 JSON Lines, for `afcourse grade`."""
    from afcourse.serve.assessment import AssessmentError, load_quiz_dir
    from afcourse.serve.storage import Store, StorageError, default_url

    try:
        quiz, _ = load_quiz_dir(quiz_dir)
        store = Store(db or default_url(quiz_dir), quiz.quiz_id, create=False)
    except (AssessmentError, StorageError) as exc:
        _fail(str(exc))
    try:
        lines = [json.dumps(s, ensure_ascii=False) for s in store.submissions()]
    finally:
        store.close()
    try:
        write_atomic(out, "".join(line + "\n" for line in lines), force=force)
    except OutputExistsError as exc:
        _fail(str(exc))
    typer.echo(f"Wrote {len(lines)} submission(s) to {out}")
