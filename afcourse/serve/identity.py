"""Who a request comes from: a roster token (standalone) or the JupyterHub user (as a Hub service).

Standalone, the token travels in the ``Authorization: Bearer`` header, never in a
cookie, so a page on another site cannot make the student's browser send it (no
CSRF). As a Hub service, the identity is the Hub's: a notebook sends a Hub API token
in the same header, and a browser logs in through the Hub's OAuth
(:class:`jupyterhub.services.auth.HubOAuth`); the resulting cookie is HttpOnly and
SameSite=Strict, and writes are also checked for their Origin by the app.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from afcourse.serve.tokens import check_token, is_instructor


@dataclass(frozen=True)
class Person:
    student_id: str
    name: str | None = None
    instructor: bool = False

    @property
    def key(self) -> str:
        """The rate limit's key."""
        return "instructor" if self.instructor else f"s:{self.student_id}"


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer ...`` (or ``token ...``) header."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() in ("bearer", "token") else None


class Identity:
    """How the app learns who is asking."""

    async def identify(self, request: Request) -> Person | None:
        raise NotImplementedError

    async def login_redirect(self, request: Request) -> Response | None:
        """Where to send a browser that must log in first (None: show the page)."""
        return None

    def routes(self) -> list[Route]:
        return []


class TokenIdentity(Identity):
    """Roster tokens made by ``afcourse serve tokens`` (see :mod:`afcourse.serve.tokens`)."""

    CACHE = 100_000
    """Tokens already checked, kept so that each request is not another HMAC (only valid ones: they are
    made with the secret, so a stranger cannot fill the cache)."""

    def __init__(self, secret: bytes, quiz_id: str):
        self.secret, self.quiz_id = secret, quiz_id
        self._known: dict[str, Person] = {}

    async def identify(self, request: Request) -> Person | None:
        token = bearer(request)
        if token is None:
            return None
        person = self._known.get(token)
        if person is None:
            if is_instructor(self.secret, self.quiz_id, token):
                person = Person("instructor", instructor=True)
            else:
                student_id = check_token(self.secret, self.quiz_id, token)
                if not student_id:
                    return None
                person = Person(student_id)
            if len(self._known) < self.CACHE:
                self._known[token] = person
        return person


class HubIdentity(Identity):
    """The JupyterHub user, through the Hub's OAuth; Hub admins and ``instructors`` see the live count."""

    def __init__(self, auth, instructors: frozenset[str] = frozenset()):
        self.auth, self.instructors = auth, instructors
        self.cookie = f"afcourse-{auth.oauth_client_id}"
        self.state_cookie = self.cookie + "-state"

    async def identify(self, request: Request) -> Person | None:
        token = bearer(request) or request.cookies.get(self.cookie)
        if not token:
            return None
        model = await self.auth.user_for_token(token, sync=False)
        if not model or model.get("kind", "user") != "user" or not self.auth.check_scopes(self.auth.access_scopes,
                                                                                         model):
            return None
        name = model["name"]
        return Person(name, name=name, instructor=bool(model.get("admin")) or name in self.instructors)

    async def login_redirect(self, request: Request) -> Response | None:
        if await self.identify(request) is not None:
            return None
        state = self.auth.generate_state(next_url=str(request.url.path))
        query = urlencode({"client_id": self.auth.oauth_client_id, "redirect_uri": self.auth.oauth_redirect_uri,
                           "response_type": "code", "state": state})
        response = RedirectResponse(f"{self.auth.oauth_authorization_url}?{query}", status_code=302)
        response.set_cookie(self.state_cookie, state, httponly=True, samesite="lax", path=self.auth.base_url,
                            max_age=600)
        return response

    def routes(self) -> list[Route]:
        async def callback(request: Request):
            code, state = request.query_params.get("code"), request.query_params.get("state")
            expected = request.cookies.get(self.state_cookie)
            if not code or not state or not expected or not secrets.compare_digest(state, expected):
                return Response("OAuth state mismatch: open the quiz again from its link", status_code=400)
            token = await self.auth.token_for_code(code, sync=False)
            response = RedirectResponse(self.auth.get_next_url(state), status_code=302)
            self.auth.clear_oauth_state(state)
            response.delete_cookie(self.state_cookie, path=self.auth.base_url)
            response.set_cookie(self.cookie, token, httponly=True, samesite="strict", path=self.auth.base_url,
                                secure=request.url.scheme == "https")
            return response

        return [Route("/oauth_callback", callback, methods=["GET"])]
