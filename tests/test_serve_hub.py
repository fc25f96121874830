"""afcourse serve as a JupyterHub service: the students are the Hub's users, never a typed name.

A real JupyterHub (from PyPI) with configurable-http-proxy (from npm, node_modules/.bin)
and the DummyAuthenticator runs on 127.0.0.1; the service is registered with the
command the instructor guide gives. Two users answer as themselves from the notebook
client with Hub tokens, and one of them also logs in with a browser through the Hub's
OAuth. Skips, saying why, where the Hub cannot start (fails instead under CI).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from afcourse.quizui.remote import remote_controller
from conftest import ROOT
from test_serve_support import call, free_port, make_quiz_dir

PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"JupyterHub cannot start: {reason}")
    pytest.skip(f"JupyterHub cannot start: {reason}")


def hub_config(folder: Path, quiz_dir: Path, ports: dict, admin_token: str) -> str:
    """The test's jupyterhub_config.py: the guide's service snippet plus local ports and a test admin."""
    return f"""
import sys
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {ports['hub']}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports['api']}
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports['proxy_api']}"
c.JupyterHub.db_url = "sqlite:///{folder / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = "{folder / 'cookie_secret'}"
c.JupyterHub.pid_file = "{folder / 'jupyterhub.pid'}"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {{"alice", "bob"}}
c.Authenticator.admin_users = {{"prof"}}

# --- the afcourse service, as in the instructor guide ---
c.JupyterHub.services = [
    {{
        "name": "afcourse",
        "url": "http://127.0.0.1:{ports['service']}",
        "command": [sys.executable, "-m", "afcourse.cli", "serve", {str(quiz_dir)!r}, "--hub",
                    "--port", "{ports['service']}", "--feedback", "after-submit"],
        "oauth_no_confirm": True,
    }},
    {{"name": "test-admin", "api_token": {admin_token!r}}},
]
c.JupyterHub.load_roles = [
    {{"name": "user", "scopes": ["self", "access:services!service=afcourse"]}},
    {{"name": "test-admin", "scopes": ["admin:users", "tokens"], "services": ["test-admin"]}},
]
"""


def hub_api(base: str, path: str, token: str, method: str = "GET", body=None):
    request = urllib.request.Request(base + "hub/api/" + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read() or b"{}")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not PROXY.exists():
        _unavailable(f"configurable-http-proxy not found at {PROXY} (make node installs it)")
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        _unavailable("jupyterhub is not installed (pip install -e '.[test]')")
    folder = tmp_path_factory.mktemp("hub")
    quiz_dir = make_quiz_dir(folder / "quiz")
    ports = {name: free_port() for name in ("hub", "api", "proxy_api", "service")}
    admin_token = secrets.token_hex(16)
    config = folder / "jupyterhub_config.py"
    config.write_text(hub_config(folder, quiz_dir, ports, admin_token), encoding="utf-8")
    log = open(folder / "hub.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=folder, stdout=log,
                               stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{ports['hub']}/"
    deadline = time.monotonic() + 60
    ready = False
    while time.monotonic() < deadline and process.poll() is None:
        if _service_answers(base):
            ready = True
            break
        time.sleep(0.3)
    if not ready:
        process.terminate()
        process.wait(20)
        _unavailable("the Hub or its service did not come up in 60 s: "
                     + (folder / "hub.log").read_text(errors="replace")[-1500:])
    try:  # the Hub makes the allowed and admin users at start
        yield {"base": base, "admin": admin_token, "quiz_dir": quiz_dir, "folder": folder}
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _service_answers(base: str) -> bool:
    """Whether the proxy routes to the service and the service asks for a login (401)."""
    try:
        return call(base + "services/afcourse/api/quiz", timeout=2).status == 401
    except (urllib.error.URLError, OSError):
        return False


def user_token(hub, name: str) -> str:
    return hub_api(hub["base"], f"users/{name}/tokens", hub["admin"], "POST",
                   {"scopes": ["access:services!service=afcourse"], "note": "afcourse test"})["token"]


def test_two_hub_users_answer_as_themselves_through_the_proxy(hub, tmp_path):
    service = hub["base"] + "services/afcourse/"
    answered = {}
    for name in ("alice", "bob"):
        controller = remote_controller(service, user_token(hub, name), queue_path=tmp_path / f"{name}.jsonl")
        assert controller.store.student.id == name
        first = next(q for q in controller.questions if q.type in ("single_choice", "true_false"))
        controller.answer(first.id, first.choices[0].id)
        assert controller.save_error is None, controller.save_error
        answered[name] = (first.id, first.choices[0].id)
    alice = remote_controller(service, user_token(hub, "alice"), queue_path=tmp_path / "alice2.jsonl")
    assert alice.responses[answered["alice"][0]] == answered["alice"][1]
    alice.submit()
    # a token the Hub did not issue, and a user token without the service's scope, are refused
    assert call(service + "api/quiz", token="not-a-hub-token").status == 401
    narrow = hub_api(hub["base"], "users/bob/tokens", hub["admin"], "POST", {"scopes": ["read:users:name!user=bob"]})
    assert call(service + "api/quiz", token=narrow["token"]).status == 401
    # the live count is for Hub admins; students are refused
    assert call(service + "api/status", token=user_token(hub, "bob")).status == 403
    status = call(service + "api/status", token=user_token(hub, "prof"))
    assert status.status == 200 and (status.data["started"], status.data["submitted"]) == (2, 1)
    # graded the usual way, under the Hub names
    export = tmp_path / "hub.jsonl"
    done = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", "export", str(hub["quiz_dir"]), "--out",
                           str(export)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert {r["student"]["id"]: r["status"] for r in rows} == {"alice": "submitted", "bob": "in_progress"}


def test_a_browser_logs_in_through_the_hubs_oauth_and_answers_as_that_user(hub, browser):
    page = browser.new_page()
    try:
        page.goto(hub["base"] + "hub/login")
        page.fill("#username_input", "bob")
        page.fill("#password_input", "anything")
        page.click("#login_submit")
        page.wait_for_url("**/hub/**")
        page.goto(hub["base"] + "services/afcourse/")
        page.wait_for_selector(".afq-remote-student")
        assert page.text_content(".afq-remote-student") == "Answering as bob"
        radio = page.locator('fieldset[data-type="true_false"] input[type=radio]').first
        radio.check()
        page.wait_for_selector('.afq-remote-status[data-state="saved"]')
        cookies = {c["name"]: c for c in page.context.cookies()}
        ours = next(c for name, c in cookies.items() if name.startswith("afcourse-"))
        assert ours["httpOnly"] and ours["sameSite"] == "Strict"
    finally:
        page.close()
