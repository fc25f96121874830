"""afcourse serve over real HTTP: a whole assessment from the notebook client, and every refusal.

Each test starts the server as its own process on a free 127.0.0.1 port, with the quiz
folder, roster and database in a scratch folder.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from afcourse.quizui.controller import QuizStateError
from afcourse.quizui.recording import RecordingError
from afcourse.quizui.remote import remote_controller
from afcourse.serve.tokens import make_token
from test_serve_support import ROSTER, Server, call, keys_by_id, make_quiz_dir, quiz_set, right_answer


@pytest.fixture
def quiz_dir(tmp_path):
    return make_quiz_dir(tmp_path / "midterm")


@pytest.fixture
def server(quiz_dir):
    running = Server(quiz_dir, "--roster", str(quiz_dir / "roster.csv"), "--feedback", "after-submit").start()
    yield running
    running.stop()


def answer(server, token, item_id, response, client_id):
    return call(server.url + "api/answer", "POST", {"item_id": item_id, "response": response, "client_id": client_id},
                token=token)


def afcourse(*args):
    return subprocess.run([sys.executable, "-m", "afcourse.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def all_strings(data) -> tuple[set[str], set[str]]:
    """Every field name and every string value anywhere in ``data``."""
    names, values = set(), set()
    if isinstance(data, dict):
        names |= set(data)
        children = data.values()
    elif isinstance(data, list):
        children = data
    else:
        return names, {data} if isinstance(data, str) else set()
    for child in children:
        more_names, more_values = all_strings(child)
        names |= more_names
        values |= more_values
    return names, values


def test_a_whole_assessment_from_the_notebook_client_is_graded_by_afcourse_grade(server, quiz_dir, tmp_path):
    keys = keys_by_id()
    controller = remote_controller(server.url, server.token("s1"), queue_path=tmp_path / "queue.jsonl")
    quiz, _ = quiz_set()
    assert controller.variant_id in {v.variant_id for v in quiz.variants}
    expected = next(v for v in quiz.variants if v.variant_id == controller.variant_id)
    assert [q.id for q in controller.questions] == [q.id for q in expected.questions]
    for question in controller.questions:
        controller.answer(question.id, right_answer(keys[question.id].key))
        assert controller.save_error is None
    assert "Saved to http://127.0.0.1" in controller.status_text()
    controller.submit()
    assert controller.submitted
    with pytest.raises(QuizStateError):
        controller.answer(controller.questions[0].id, None)
    # shown again (a new kernel): the server's answers come back, read-only
    again = remote_controller(server.url, server.token("s1"), queue_path=tmp_path / "queue.jsonl")
    assert again.submitted and again.responses == controller.responses
    # feedback after submit is the scoring module's: full marks
    feedback = call(server.url + "api/feedback", token=server.token("s1"))
    assert feedback.status == 200
    assert feedback.data["points"] == feedback.data["max_points"] == sum(q.points for q in controller.questions)
    # the instructor grades the server's database with the ordinary command
    out = tmp_path / "grades"
    done = afcourse("grade", quiz_dir, quiz_dir / "serve.sqlite", "--out", out)
    assert done.returncode == 0, done.stderr
    rows = {r["student_id"]: r for r in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert float(rows["s1"]["percent"]) == 100.0
    # an export reads back the same
    exported = tmp_path / "answers.jsonl"
    assert afcourse("serve", "export", quiz_dir, "--out", exported).returncode == 0
    line = json.loads(exported.read_text(encoding="utf-8").splitlines()[0])
    assert line["student"] == {"id": "s1", "name": "Ada <b>Lovelace</b>"} and line["status"] == "submitted"
    assert line["responses"] == {k: v for k, v in controller.responses.items()}


def test_the_quiz_a_student_receives_holds_no_key(server):
    reply = call(server.url + "api/quiz", token=server.token("s2"))
    assert reply.status == 200
    quiz, key = quiz_set()
    names, values = all_strings(reply.data)
    assert not names & {"explanation", "correct", "accepted", "pairs", "order", "seed", "key", "citations", "value"}
    assert not values & {k.explanation for k in key.keys}
    assert key.seed not in json.dumps(reply.data)


def test_a_second_submit_is_refused_and_answers_after_submit_too(server):
    token = server.token("s2")
    quiz = call(server.url + "api/quiz", token=token).data
    item = quiz["questions"][0]
    assert answer(server, token, item["id"], None, "aaaaaaaa-1").status == 200
    assert call(server.url + "api/submit", "POST", {}, token=token).status == 200
    second = call(server.url + "api/submit", "POST", {}, token=token)
    assert second.status == 409 and "final" in second.data["error"]
    late = answer(server, token, item["id"], None, "aaaaaaaa-2")
    assert late.status == 409 and "submitted" in late.data["error"]


def test_a_closed_quiz_refuses_answers(quiz_dir):
    closed = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    opened = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    running = Server(quiz_dir, "--opens", opened, "--closes", closed, "--feedback", "after-close").start()
    try:
        token = running.token("s1")
        quiz = call(running.url + "api/quiz", token=token)
        assert quiz.status == 200 and quiz.data["state"] == "closed" and quiz.data["feedback_released"]
        refused = answer(running, token, quiz.data["questions"][0]["id"], None, "bbbbbbbb-1")
        assert refused.status == 403 and "closed" in refused.data["error"]
        assert call(running.url + "api/submit", "POST", {}, token=token).status == 403
    finally:
        running.stop()
    not_yet = Server(quiz_dir, "--opens", (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()).start()
    try:
        reply = call(not_yet.url + "api/quiz", token=not_yet.token("s1"))
        assert reply.status == 403 and "opens" in reply.data["error"]
    finally:
        not_yet.stop()


def test_tampered_foreign_and_missing_tokens_are_refused(server):
    good = server.token("s1")
    encoded, tag = good.split(".")
    flipped = tag[:-1] + ("A" if tag[-1] != "A" else "B")
    foreign = make_token(b"another-secret-of-another-server-0123456789", quiz_set()[0].quiz_id, "s1")
    other_quiz = make_token(open(server.quiz_dir / "serve-secret", "rb").read().strip(), "another-quiz", "s1")
    for token in (f"{encoded}.{flipped}", foreign, other_quiz, "s1", "", good + "x", "czI." + tag):
        reply = call(server.url + "api/quiz", token=token)
        assert reply.status == 401, token
        assert call(server.url + "api/answer", "POST", {"item_id": "x", "response": None, "client_id": "cccccccc"},
                    token=token).status == 401
    assert call(server.url + "api/quiz").status == 401
    # a valid token of someone not on the roster
    assert call(server.url + "api/quiz", token=server.token("stranger")).status == 403


def test_no_request_reaches_another_students_answers(server):
    s1, s2 = server.token("s1"), server.token("s2")
    quiz1 = call(server.url + "api/quiz", token=s1).data
    item = next(q for q in quiz1["questions"] if q["type"] == "short_answer")
    assert answer(server, s1, item["id"], "s1's secret answer", "dddddddd-1").status == 200
    for path in ("api/quiz", "api/quiz?student=s1", "api/quiz?student_id=s1", "api/feedback?student=s1"):
        reply = call(server.url + path, token=s2, headers={"X-Student": "s1"})
        assert "s1's secret answer" not in json.dumps(reply.data)
        if reply.status == 200:
            assert reply.data["student"]["id"] == "s2"
    smuggled = call(server.url + "api/answer", "POST", {"item_id": item["id"], "response": "x", "client_id": "eeeeeeee",
                                                         "student": "s1"}, token=s2)
    assert smuggled.status == 400 and "unknown field" in smuggled.data["error"]
    # the live count is the instructor's; it gives counts, never answers
    assert call(server.url + "api/status", token=s1).status == 403
    status = call(server.url + "api/status", token=server.instructor())
    assert status.status == 200 and status.data["roster"] == len(ROSTER) and status.data["started"] == 2
    assert "s1's secret answer" not in json.dumps(status.data)
    # and the instructor's token does not answer the quiz
    assert call(server.url + "api/quiz", token=server.instructor()).status == 403
    # feedback is not released before submit
    assert call(server.url + "api/feedback", token=s1).status == 403


def test_every_input_is_checked_with_a_clear_error(server):
    token = server.token("s3")
    quiz = call(server.url + "api/quiz", token=token).data
    by_type = {q["type"]: q for q in quiz["questions"]}
    bad = [({"item_id": by_type["single_choice"]["id"], "response": "no-such-option", "client_id": "ffffffff-1"}, 422),
           ({"item_id": by_type["multiple_select"]["id"], "response": "not a list", "client_id": "ffffffff-2"}, 422),
           ({"item_id": by_type["ordering"]["id"], "response": ["x"], "client_id": "ffffffff-3"}, 422),
           ({"item_id": by_type["matching"]["id"], "response": {"p": "q"}, "client_id": "ffffffff-4"}, 422),
           ({"item_id": by_type["short_answer"]["id"], "response": "x" * 3000, "client_id": "ffffffff-5"}, 422),
           ({"item_id": by_type["numeric"]["id"], "response": True, "client_id": "ffffffff-6"}, 422),
           ({"item_id": "q-not-in-your-quiz", "response": None, "client_id": "ffffffff-7"}, 422),
           ({"item_id": by_type["numeric"]["id"], "response": 1989, "client_id": "short"}, 400),
           ({"item_id": by_type["numeric"]["id"], "client_id": "ffffffff-8"}, 400)]
    for body, status in bad:
        reply = call(server.url + "api/answer", "POST", body, token=token)
        assert reply.status == status, (body, reply)
        assert reply.data["error"]
    assert call(server.url + "api/answer", "POST", raw=b"{not json", token=token).status == 400
    assert call(server.url + "api/answer", "POST", raw=b"[1, 2]", token=token).status == 400
    form = call(server.url + "api/answer", "POST", raw=b"item_id=x", token=token,
                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status == 415
    huge = call(server.url + "api/answer", "POST", raw=b'{"a": "' + b"x" * 40000 + b'"}', token=token)
    assert huge.status == 413
    # a number answers a numeric question, and resending the same client id stores it once
    first = answer(server, token, by_type["numeric"]["id"], 1989, "ffffffff-9")
    again = answer(server, token, by_type["numeric"]["id"], 1989, "ffffffff-9")
    assert first.status == again.status == 200 and again.data["duplicate"] and again.data["seq"] == first.data["seq"]
    with sqlite3.connect(server.quiz_dir / "serve.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM answers WHERE student_id = 's3'").fetchone()[0] == 1


def test_a_write_from_another_site_is_refused_and_cors_is_only_for_allowed_origins(quiz_dir):
    running = Server(quiz_dir, "--allow-origin", "https://book.example").start()
    try:
        token = running.token("s1")
        quiz = call(running.url + "api/quiz", token=token).data
        body = {"item_id": quiz["questions"][0]["id"], "response": None, "client_id": "gggggggg-1"}
        evil = call(running.url + "api/answer", "POST", body, token=token, headers={"Origin": "https://evil.example"})
        assert evil.status == 403
        ok = call(running.url + "api/answer", "POST", body, token=token, headers={"Origin": "https://book.example"})
        assert ok.status == 200 and ok.headers.get("access-control-allow-origin") == "https://book.example"
        preflight = call(running.url + "api/answer", "OPTIONS", headers={"Origin": "https://evil.example"})
        assert preflight.status == 403
    finally:
        running.stop()


def test_each_token_has_a_rate_limit(quiz_dir):
    running = Server(quiz_dir, "--rate", "1").start()
    try:
        token = running.token("s1")
        statuses = [call(running.url + "api/quiz", token=token).status for _ in range(15)]
        assert statuses[0] == 200 and statuses[-1] == 429
        assert call(running.url + "api/quiz", token=running.token("s2")).status == 200  # others are not slowed
    finally:
        running.stop()


def test_answers_given_offline_are_queued_and_sent_when_the_server_is_back(server, tmp_path):
    queue = tmp_path / "queue.jsonl"
    controller = remote_controller(server.url, server.token("s2"), queue_path=queue, retry_seconds=0.3)
    questions = [q for q in controller.questions if q.type in ("single_choice", "true_false")]
    controller.answer(questions[0].id, questions[0].choices[0].id)
    assert controller.save_error is None
    server.kill()
    controller.answer(questions[1].id, questions[1].choices[1].id)
    assert controller.save_error and "kept on this computer" in controller.save_error
    assert "Not saved" in controller.status_text()
    assert json.loads(queue.read_text().splitlines()[-1])["item_id"] == questions[1].id
    with pytest.raises(RecordingError):
        controller.submit()  # submitting needs the server
    server.start()
    deadline = time.monotonic() + 10
    while queue.exists() and time.monotonic() < deadline:  # resent in the background, without a new answer
        time.sleep(0.1)
    assert not queue.exists() and controller.save_error is None and "Saved to" in controller.status_text()
    controller.answer(questions[0].id, questions[0].choices[1].id)
    with sqlite3.connect(server.quiz_dir / "serve.sqlite") as db:
        logged = db.execute("SELECT item_id, response FROM answers WHERE student_id = 's2' ORDER BY seq").fetchall()
    assert [row[0] for row in logged[-3:]] == [questions[0].id, questions[1].id, questions[0].id]
    assert json.loads(logged[-2][1]) == questions[1].choices[1].id


def test_tokens_command_prints_one_link_per_student_and_refuses_a_bad_roster(quiz_dir, tmp_path):
    out = tmp_path / "links.csv"
    done = afcourse("serve", "tokens", quiz_dir, "--roster", quiz_dir / "roster.csv", "--base-url",
                    "https://quiz.example/", "--out", out)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == [sid for sid, _ in ROSTER]
    assert all(r["link"] == f"https://quiz.example/#token={r['token']}" for r in rows)
    assert len({r["token"] for r in rows}) == len(rows)
    assert "instructor#token=i." in done.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\ns1,A\ns1,B\n", encoding="utf-8")
    refused = afcourse("serve", "tokens", quiz_dir, "--roster", bad)
    assert refused.returncode == 1 and "bad.csv:3: student 's1' is listed twice (first on line 2)" in refused.stderr
    wrong_db = afcourse("serve", "export", quiz_dir, "--db", "mysql://x", "--out", tmp_path / "x.jsonl")
    assert wrong_db.returncode == 1 and "unknown database URL" in wrong_db.stderr


def test_the_notebook_widget_saves_to_the_server_and_submits(server, tmp_path, monkeypatch):
    from afcourse import show_quiz

    monkeypatch.chdir(tmp_path)  # the queue file's folder
    keys = keys_by_id()
    display = show_quiz("midterm", mode="assessment", server=server.url, token=server.token("s3"))
    from afcourse.quizui.display import run_note_html

    assert f"Your answers are saved on {server.url} and come back." in run_note_html(display.controller)
    quiz_widget = display.widget()
    for item_id, view in quiz_widget.views.items():
        right = right_answer(keys[item_id].key)
        kind = view.question.type
        if kind in ("single_choice", "true_false"):
            view.control.value = right
        elif kind == "multiple_select":
            for box, choice in zip(view.boxes, view.question.choices):
                box.value = choice.id in right
        elif kind in ("short_answer", "numeric"):
            view.control.value = str(int(right) if kind == "numeric" else right)
        elif kind == "matching":
            for pid, cid in right.items():
                view.dropdowns[pid].value = cid
    assert "Saved to http://127.0.0.1" in quiz_widget.summary.value
    quiz_widget.submit_button.click()  # the ordering is left untouched: Submit asks first, naming it
    assert quiz_widget.confirm.layout.display is None and "no answer" in quiz_widget.confirm_text.value
    quiz_widget.confirm_button.click()
    assert "Submitted" in quiz_widget.summary.value
    exported = tmp_path / "answers.jsonl"
    assert afcourse("serve", "export", server.quiz_dir, "--out", exported).returncode == 0
    saved = json.loads(exported.read_text(encoding="utf-8").splitlines()[0])
    assert saved["student"]["id"] == "s3" and saved["status"] == "submitted"
    assert saved["responses"] == {k: v for k, v in display.controller.responses.items() if v is not None}


def test_a_database_failure_is_a_storage_error_and_the_answer_is_not_acknowledged(tmp_path):
    from afcourse.serve.storage import Store, StorageError

    store = Store(f"sqlite:///{tmp_path / 'a.sqlite'}", "quiz-a")
    store.start("s1", None, "v001")
    assert store.record("s1", "q1", "x", "client-0001").duplicate is False
    store._conn.execute("DROP TABLE answers")  # the database is damaged under the server
    with pytest.raises(StorageError):
        store.record("s1", "q1", "y", "client-0002")
    store.close()
    with pytest.raises(StorageError, match="holds answers to quiz 'quiz-a'"):
        Store(f"sqlite:///{tmp_path / 'a.sqlite'}", "quiz-b")


def test_a_rostered_student_gets_the_variant_the_roster_assigned(tmp_path):
    """`generate --roster` records each student's variant in roster.json; the server hands out that one."""
    from afcourse.quiz.models import RosterEntry, RosterFile
    from afcourse.quiz.roster import write_roster
    from afcourse.serve.assessment import AssessmentError
    from afcourse.serve.server import ServeOptions, build

    quiz, _ = quiz_set()
    folder = make_quiz_dir(tmp_path / "midterm")
    by_hash = build(ServeOptions(quiz_dir=folder, db=f"sqlite:///{tmp_path / 'a.sqlite'}"))
    by_hash.store.close()
    hashed = {sid: by_hash.assessment.variant_for(sid).variant_id for sid, _ in ROSTER}
    others = {sid: next(v.variant_id for v in quiz.variants if v.variant_id != hashed[sid]) for sid in hashed}
    write_roster(RosterFile(quiz_id=quiz.quiz_id, students=[RosterEntry(id=sid, variant_id=vid)
                                                            for sid, vid in others.items()]), folder)
    built = build(ServeOptions(quiz_dir=folder, db=f"sqlite:///{tmp_path / 'b.sqlite'}"))
    built.store.close()
    assert {sid: built.assessment.variant_for(sid).variant_id for sid in others} == others
    assert built.assessment.variant_for("not-on-roster").variant_id in {v.variant_id for v in quiz.variants}
    (folder / "roster.json").write_text('{"schema": "afcourse.roster/1", "quiz_id": "another", "students": []}')
    with pytest.raises(AssessmentError, match="belongs to quiz 'another'"):
        build(ServeOptions(quiz_dir=folder, db=f"sqlite:///{tmp_path / 'c.sqlite'}"))
