"""Putting a server together: the quiz folder, the database, the identity, the pages; then uvicorn.

Standalone, students are the roster's and hold tokens; with ``hub=True`` (inside a
JupyterHub service, whose environment names the Hub) they are the Hub's users and the
app is mounted under the service's URL prefix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

from afcourse.quiz.roster import RosterError, read_roster_csv
from afcourse.quiz.roster import read_roster as read_class_roster
from afcourse.serve.app import RateLimit, ServerSettings, create_app
from afcourse.serve.assessment import Assessment, AssessmentError, load_quiz_dir
from afcourse.serve.identity import HubIdentity, TokenIdentity
from afcourse.serve.storage import Store, default_url
from afcourse.serve.tokens import instructor_token, load_secret


@dataclass
class ServeOptions:
    """Every setting of ``afcourse serve``; the defaults are the command's."""

    quiz_dir: Path
    db: str | None = None
    roster: Path | None = None
    opens: datetime | None = None
    closes: datetime | None = None
    feedback: str = "never"
    allow_origins: tuple[str, ...] = ()
    hub: bool = False
    instructors: tuple[str, ...] = ()
    rate: float = 20.0
    student_page: str | None = None


@dataclass
class Built:
    app: object
    store: Store
    assessment: Assessment
    instructor_token: str | None


def instructor_page() -> str:
    """The live count page (it asks the instructor for their token and polls /api/status)."""
    return (resources.files("afcourse.serve") / "assets" / "instructor.html").read_text(encoding="utf-8")


def build(options: ServeOptions) -> Built:
    """The app for ``options``, with its open store (close it when done)."""
    quiz, key = load_quiz_dir(options.quiz_dir)
    try:
        recorded = read_class_roster(options.quiz_dir, quiz)
    except RosterError as exc:
        raise AssessmentError(str(exc)) from None
    assigned = {s.id: s.variant_id for s in recorded.students} if recorded else {}
    assessment = Assessment(quiz, key, opens=options.opens, closes=options.closes, feedback_policy=options.feedback,
                            assigned=assigned)
    roster = {s["id"]: s["name"] or None for s in read_roster_csv(options.roster)} if options.roster else None
    settings = ServerSettings(roster=roster, allow_origins=frozenset(options.allow_origins),
                              rate=RateLimit(rate=options.rate, burst=max(3 * options.rate, 10)),
                              student_page=options.student_page, instructor_page=instructor_page())
    store = Store(options.db or default_url(options.quiz_dir), quiz.quiz_id)
    if options.hub:
        from jupyterhub.services.auth import HubOAuth

        auth = HubOAuth(api_token=os.environ["JUPYTERHUB_API_TOKEN"], cache_max_age=60)
        app = create_app(assessment, store, HubIdentity(auth, frozenset(options.instructors)), settings)
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/").rstrip("/")
        if prefix:
            from starlette.applications import Starlette
            from starlette.routing import Mount

            app = Starlette(routes=[Mount(prefix, app=app)])
        return Built(app, store, assessment, None)
    secret = load_secret(options.quiz_dir)
    app = create_app(assessment, store, TokenIdentity(secret, quiz.quiz_id), settings)
    return Built(app, store, assessment, instructor_token(secret, quiz.quiz_id))


def run(built: Built, host: str, port: int) -> None:
    """Serve until interrupted (uvicorn, one process)."""
    import uvicorn

    uvicorn.run(built.app, host=host, port=port, log_level="warning", timeout_keep_alive=30)
