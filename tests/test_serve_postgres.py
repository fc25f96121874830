"""The same server on PostgreSQL: a real server from Debian's package, started by the test.

initdb and pg_ctl come from /usr/lib/postgresql/*/bin (``make test`` installs the
``postgresql`` package). PostgreSQL refuses to run as root, so as root the cluster
belongs to the ``postgres`` user the package creates and is run with runuser. The
test skips, saying why, where no server can be started (it fails instead under CI).
"""

from __future__ import annotations

import csv
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from afcourse.quizui.remote import remote_controller
from afcourse.serve.storage import Store, StorageError
from test_serve_support import Server, call, free_port, keys_by_id, make_quiz_dir, quiz_set, right_answer


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL cannot start: {reason} (make test installs Debian's postgresql)")
    pytest.skip(f"PostgreSQL cannot start: {reason}")


@pytest.fixture(scope="module")
def postgres_url():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        _unavailable("no /usr/lib/postgresql/*/bin/initdb")
    bin_dir = Path(found[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="afcourse-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _unavailable("running as root and runuser is missing")
        try:
            shutil.chown(folder, "postgres", "postgres")
        except (LookupError, PermissionError) as exc:
            _unavailable(f"no postgres user to own the cluster ({exc})")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=60)

    made = run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "afcourse", "-E", "UTF8", "--no-sync")
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"initdb failed: {made.stderr[-500:]}")
    started = run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "30", "-o",
                  f"-c listen_addresses=127.0.0.1 -p {port} -k {folder}", "start")
    if started.returncode != 0:
        log = (folder / "log").read_text(errors="replace")[-800:] if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"pg_ctl start failed: {started.stderr[-300:]} {log}")
    try:
        yield f"postgresql://afcourse@127.0.0.1:{port}/postgres"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_a_whole_assessment_is_recorded_in_postgresql_and_graded(postgres_url, tmp_path):
    quiz_dir = make_quiz_dir(tmp_path / "final")
    server = Server(quiz_dir, "--db", postgres_url, "--feedback", "after-submit").start()
    keys = keys_by_id()
    try:
        controller = remote_controller(server.url, server.token("s1"), queue_path=tmp_path / "q.jsonl")
        for question in controller.questions:
            controller.answer(question.id, right_answer(keys[question.id].key))
            assert controller.save_error is None
        controller.submit()
        token = server.token("s1")
        assert call(server.url + "api/submit", "POST", {}, token=token).status == 409
        body = {"item_id": controller.questions[0].id, "response": None, "client_id": "pg-after-submit"}
        assert call(server.url + "api/answer", "POST", body, token=token).status == 409
        other = server.token("s2")
        first_item = call(server.url + "api/quiz", token=other).data["questions"][0]["id"]
        body = {"item_id": first_item, "response": None, "client_id": "pg-resent-00"}
        first = call(server.url + "api/answer", "POST", body, token=other)
        again = call(server.url + "api/answer", "POST", body, token=other)
        assert again.data == {**first.data, "duplicate": True}
        feedback = call(server.url + "api/feedback", token=token).data
        assert feedback["points"] == feedback["max_points"]
    finally:
        server.stop()
    exported = tmp_path / "answers.jsonl"
    done = subprocess.run([sys.executable, "-m", "afcourse.cli", "serve", "export", str(quiz_dir), "--db",
                           postgres_url, "--out", str(exported)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert [(s["student"]["id"], s["status"]) for s in lines] == [("s1", "submitted"), ("s2", "in_progress")]
    out = tmp_path / "grades"
    graded = subprocess.run([sys.executable, "-m", "afcourse.cli", "grade", str(quiz_dir), str(exported), "--out",
                             str(out)], capture_output=True, text=True, timeout=120)
    assert graded.returncode == 0, graded.stderr
    rows = {r["student_id"]: r for r in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert float(rows["s1"]["percent"]) == 100.0


def test_a_postgresql_database_of_another_quiz_is_refused(postgres_url):
    Store(postgres_url, quiz_set()[0].quiz_id).close()
    with pytest.raises(StorageError, match="holds answers to quiz"):
        Store(postgres_url, "some-other-quiz")
