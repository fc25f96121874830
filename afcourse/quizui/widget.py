"""The live quiz as ipywidgets: a thin layer over :class:`QuizController`.

Each control forwards its value to the controller, and each button calls one
controller method and shows what it returns; no grading or recording happens here.
Controls are the ordinary ipywidgets inputs (radio buttons, checkboxes, text boxes,
dropdowns, buttons), so they are reachable with the keyboard and carry their labels:
options and checkboxes are labelled by their text, text boxes and dropdowns by a
description, and the ordering buttons say what they move. Ordering uses Up and Down
buttons (no drag and drop).

Text boxes send their value when the student presses Enter or leaves the box (clicking
*Check answer* does that), not on every keystroke: a click is then always graded on the
whole answer, and a graded quiz saves one finished answer rather than every prefix.
A numeric entry the quiz cannot read is refused at once with a message that says why.

An ordering records nothing until an element moves or *Keep this order* is pressed.
*Submit* first asks for confirmation, naming the questions without an answer. A graded
quiz with a time limit (served by ``afcourse serve``) shows the time left and counts it
down live: a background thread of the kernel updates the clock every second (the
kernel stays free for the student's cells), by the server's count (asked again every
5 minutes and at zero, so extra time given meanwhile counts), and says when the time
is up.
Labels wrap instead of being cut short (``widget.css``), and a locked answer stays
fully visible.

Keyboard safety inside JupyterLab comes from a small frontend helper
(:func:`keyboard_helper`, an anywidget whose script is ``assets/widget_helper.js``): it
marks the quiz ``data-lm-suppress-shortcuts`` so that JupyterLab's command-mode keys
(``a``, ``b``, ``d d``, arrows) do nothing inside it, makes each question's options one
radio group (one Tab stop, arrow keys choose), moves the focus to the feedback or the
next control when the pressed button disables itself, makes Enter in a self-check
text box check the answer, and, when the kernel no longer answers (restarted or shut
down), says to run the cell again instead of leaving a quiz that ignores clicks.
"""

from __future__ import annotations

import html
import threading
import time

import ipywidgets as w

from afcourse.quizui.static import asset

from afcourse.bank.models import Question
from afcourse.quiz.answers import NUMBER_HELP
from afcourse.quiz.scoring import PARTIAL_CREDIT
from afcourse.quizui.controller import Feedback, QuizController, QuizStateError

PLACEHOLDER = ""  # the "Choose..." entry of a matching dropdown


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _link(text: str, href: str) -> str:
    return f'<a class="afq-w-link" href="{_e(href)}" target="_blank" rel="noopener">{_e(text)}</a>' if href else _e(text)


def feedback_html(feedback: Feedback | None, message: str = "", note: str = "") -> str:
    """The feedback block under a question (escaped), or a short message (or a note), or nothing."""
    if feedback is None:
        if message:
            return f'<div class="afq-w-message" role="alert">{_e(message)}</div>'
        return f'<div class="afq-w-note afq-w-read" role="status">{_e(note)}</div>' if note else ""
    if feedback.entry:
        return f'<div class="afq-w-message" role="alert">{_e(feedback.verdict)}</div>'
    p = '<p style="margin:0.2em 0">'
    parts = [f'<p class="afq-w-verdict" style="margin:0.2em 0;font-weight:600">{_e(feedback.verdict)}</p>']
    if feedback.practice:
        parts.append(f'<p class="afq-w-practice" style="margin:0.2em 0">{_e(feedback.practice)}</p>')
    parts += [f'<p class="afq-w-why" style="margin:0.2em 0">{_e(text)}</p>' for text in feedback.option_feedback]
    if feedback.hint:
        parts.append(f'<p class="afq-w-hint" style="margin:0.2em 0">{_e(feedback.hint)}'
                     f'{" " + _link("Open the section in the book.", feedback.hint_href) if feedback.hint_href else ""}</p>')
    if feedback.detail:
        parts.append(f'{p}{_e(feedback.detail[:1].upper() + feedback.detail[1:])}.</p>')
    if feedback.explanation:
        parts.append(f'{p}{_e(feedback.explanation)}</p>')
    if feedback.citations:
        label = "Sources" if len(feedback.citations) > 1 else "Source"
        hrefs = feedback.citation_hrefs or ("",) * len(feedback.citations)
        cited = "; ".join(_link(text, href) for text, href in zip(feedback.citations, hrefs))
        parts.append(f'<p style="margin:0.2em 0;font-size:0.9em">{label}: {cited}.</p>')
    return (f'<div class="afq-w-feedback afq-w-{feedback.status}" role="status" tabindex="-1" '
            f'style="padding:0.3em 0.75em;margin:0.3em 0">{"".join(parts)}</div>')


def _number_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def help_html() -> str:
    """The quiz's help text: how numbers are read and how partial credit works."""
    return (f'<details class="afq-w-help"><summary>How answers are read and scored</summary>'
            f'<p>{_e(NUMBER_HELP)}</p><p>{_e(PARTIAL_CREDIT)}</p></details>')


class QuestionView:
    """The widgets of one question."""

    def __init__(self, quiz: "QuizWidget", question: Question, number: int, total: int):
        self.quiz, self.question, self.qid = quiz, question, question.id
        c = quiz.controller
        value = c.response(self.qid)
        self.inputs: list[w.Widget] = []
        header = w.HTML(f'<div style="font-size:0.85em;opacity:0.75">Question {number} of {total}</div>'
                        f'<div class="afq-w-stem" style="font-weight:600">{_e(question.stem)}</div>')
        kind = question.type
        if kind in ("single_choice", "true_false"):
            self.control = w.RadioButtons(options=[(ch.text, ch.id) for ch in question.choices], value=value,
                                          tooltip=question.stem, layout=w.Layout(width="auto"))
            self.inputs = [self.control]
            self.control.observe(lambda change: self._answer(change["new"]), names="value")
        elif kind == "multiple_select":
            picked = set(value or [])
            self.boxes = [w.Checkbox(value=ch.id in picked, description=ch.text, indent=False,
                                     layout=w.Layout(width="auto")) for ch in question.choices]
            self.control = w.VBox(self.boxes)
            self.inputs = list(self.boxes)
            for box in self.boxes:
                box.observe(lambda change: self._answer(self._picked()), names="value")
        elif kind in ("short_answer", "numeric"):
            unit = f" ({question.unit})" if kind == "numeric" and question.unit else ""
            text = _number_text(value) if kind == "numeric" else (value or "")
            self.control = w.Text(value=text, description=f"Your answer{unit}",
                                  placeholder="a number" if kind == "numeric" else "type your answer",
                                  continuous_update=False, style={"description_width": "initial"},
                                  layout=w.Layout(width="28em"))
            self.inputs = [self.control]
            self.control.observe(lambda change: self._answer(change["new"]), names="value")
        elif kind == "ordering":
            # one row per position; the buttons of a row move whichever element is shown in it, so the
            # focus stays on the button just pressed
            self.texts = {ch.id: ch.text for ch in question.choices}
            self.rows = []
            for position in range(len(question.choices)):
                label = w.HTML(layout=w.Layout(width="auto", flex="1 1 12em", min_width="0"))
                label.add_class("afq-w-order-text")
                up = w.Button(description="Up", icon="arrow-up", layout=w.Layout(width="auto", flex="0 0 auto"))
                down = w.Button(description="Down", icon="arrow-down", layout=w.Layout(width="auto", flex="0 0 auto"))
                up.on_click(lambda _b, i=position: self._move(i, -1))
                down.on_click(lambda _b, i=position: self._move(i, +1))
                row = w.HBox([label, up, down], layout=w.Layout(align_items="center", padding="0.1em 0.4em",
                                                                margin="0.1em 0", width="100%", flex_flow="row wrap"))
                row.add_class("afq-w-order-row")
                self.rows.append((row, label, up, down))
                self.inputs += [up, down]
            self.keep_button = w.Button(description="Keep this order", tooltip="Record the order shown as your answer",
                                        layout=w.Layout(width="auto"))
            self.keep_button.on_click(lambda _b: self._keep_order())
            self.order_note = w.HTML()
            self.inputs.append(self.keep_button)
            self.control = w.VBox([row for row, *_ in self.rows] + [w.HBox([self.keep_button, self.order_note],
                                                                        layout=w.Layout(align_items="center"))])
            self._layout_order(refresh=False)
        elif kind == "matching":
            options = [("Choose\u2026", PLACEHOLDER)] + [(ch.text, ch.id) for ch in question.choices]
            pairs = value or {}
            self.dropdowns = {}
            label_width = f"{min(24, max(6, 0.6 * max(len(p.text) for p in question.prompts))):.1f}em"
            for prompt in question.prompts:
                dropdown = w.Dropdown(options=options, value=pairs.get(prompt.id, PLACEHOLDER), description=prompt.text,
                                      style={"description_width": label_width}, layout=w.Layout(width="40em"))
                dropdown.observe(lambda change: self._answer(self._pairs()), names="value")
                self.dropdowns[prompt.id] = dropdown
            self.control = w.VBox(list(self.dropdowns.values()))
            self.inputs = list(self.dropdowns.values())
        else:  # pragma: no cover
            raise ValueError(f"unknown question type {kind!r}")
        self.feedback = w.HTML()
        self.feedback.add_class("afq-w-feedback-box")
        children = [header, self.control]
        if c.mode == "self-check":
            self.check_button = w.Button(description="Check answer", button_style="primary",
                                         tooltip=f"Check your answer to question {number}")
            self.retry_button = w.Button(description="Try again", tooltip=f"Answer question {number} again")
            self.show_button = w.Button(description="Show answer", tooltip=f"Show the answer to question {number}")
            self.check_button.on_click(lambda _b: self.check())
            self.retry_button.on_click(lambda _b: self.try_again())
            self.show_button.on_click(lambda _b: self.show_answer())
            children += [w.HBox([self.check_button, self.retry_button, self.show_button],
                                layout=w.Layout(flex_flow="row wrap")), self.feedback]
        else:
            children.append(self.feedback)
        self.box = w.VBox(children, layout=w.Layout(padding="0.5em 0", margin="0.2em 0"))
        self.box.add_class("afq-w-question")
        self.box.add_class(f"afq-w-q{number}")
        self.box.add_class(f"afq-w-{kind.replace('_', '-')}")
        if self.qid in c.results:
            self.feedback.value = feedback_html(c.results[self.qid])
        self.refresh()

    # ---- reading the controls ---------------------------------------------------------------
    def _picked(self) -> list[str]:
        return [ch.id for ch, box in zip(self.question.choices, self.boxes) if box.value]

    def _pairs(self) -> dict[str, str]:
        return {pid: d.value for pid, d in self.dropdowns.items() if d.value != PLACEHOLDER}

    # ---- actions ----------------------------------------------------------------------------
    def _answer(self, value) -> None:
        if self.quiz.updating:
            return
        try:
            self.quiz.controller.answer(self.qid, value, frontend=True)
        except (QuizStateError, ValueError) as exc:
            self.feedback.value = feedback_html(None, str(exc))
            return
        self.feedback.value = feedback_html(None, note=self.quiz.controller.entry_note(self.qid, value))
        self.quiz.refresh_summary()
        if self.quiz.controller.mode == "self-check" and self.quiz.controller.late_check(self.qid):
            self.check()  # the click came before the entry: check what was typed

    def _move(self, position: int, step: int) -> None:
        order = self.quiz.controller.shown_order(self.qid)
        target = position + step
        if not 0 <= target < len(order):
            return
        order[position], order[target] = order[target], order[position]
        self._answer(order)
        self._layout_order()

    def _keep_order(self) -> None:
        self._answer(self.quiz.controller.shown_order(self.qid))
        self._layout_order()

    def _layout_order(self, refresh: bool = True) -> None:
        c = self.quiz.controller
        for position, (cid, (_row, label, up, down)) in enumerate(zip(c.shown_order(self.qid), self.rows), start=1):
            text = self.texts[cid]
            label.value = f'<span><b>{position}.</b> {_e(text)}</span>'
            up.tooltip, down.tooltip = f"Move up: {text}", f"Move down: {text}"
        recorded = c.response(self.qid) is not None
        if c.submitted and not recorded:
            note = ('<span class="afq-w-note afq-w-unanswered">Unanswered: this order was never set (no element '
                    'moved, Keep this order not pressed), so it scores 0.</span>')
        elif recorded:
            note = '<span class="afq-w-note">Order recorded.</span>'
        else:
            note = '<span class="afq-w-note">No answer yet: move an element, or press Keep this order.</span>'
        self.order_note.value = note
        if refresh:
            self.refresh()

    def check(self) -> Feedback:
        return self._show(self.quiz.controller.check(self.qid))

    def try_again(self) -> None:
        self.quiz.controller.try_again(self.qid)
        self._show(None)

    def show_answer(self) -> Feedback:
        return self._show(self.quiz.controller.show_answer(self.qid))

    def _show(self, feedback: Feedback | None) -> Feedback | None:
        """Put ``feedback`` (None: none) under the question and bring the controls and summary up to date."""
        self.feedback.value = feedback_html(feedback) if feedback else ""
        self.refresh()
        self.quiz.refresh_summary()
        return feedback

    def clear(self) -> None:
        """Show the question unanswered (after Start again)."""
        kind = self.question.type
        if kind in ("single_choice", "true_false"):
            self.control.value = None
        elif kind == "multiple_select":
            for box in self.boxes:
                box.value = False
        elif kind in ("short_answer", "numeric"):
            self.control.value = ""
        elif kind == "matching":
            for dropdown in self.dropdowns.values():
                dropdown.value = PLACEHOLDER
        if kind == "ordering":
            self._layout_order(refresh=False)
        self.feedback.value = ""
        self.refresh()

    def refresh(self) -> None:
        """Enable or disable the controls for the question's state."""
        c = self.quiz.controller
        locked = c.is_locked(self.qid)
        for control in self.inputs:
            control.disabled = locked
        self.box.remove_class("afq-w-locked")
        if locked:
            self.box.add_class("afq-w-locked")
        if self.question.type == "ordering":
            self._layout_order(refresh=False)  # the note follows the state (unanswered after Submit)
            if not locked:
                self.rows[0][2].disabled = True  # nothing above the first row
                self.rows[-1][3].disabled = True  # nothing below the last
            unanswered = c.submitted and c.response(self.qid) is None
            self.keep_button.layout.display = "none" if locked or c.mode == "self-check" else None
            self.order_note.layout.display = None if unanswered or not (locked or c.mode == "self-check") else "none"
            self.box.remove_class("afq-w-unanswered-order")
            if unanswered:
                self.box.add_class("afq-w-unanswered-order")
        if c.mode == "self-check":
            revealed = c.is_revealed(self.qid)
            self.check_button.disabled = locked
            self.retry_button.disabled = not locked or revealed or c.submitted
            self.show_button.disabled = revealed


class QuizWidget:
    """The whole quiz: title, questions, and the score (self-check) or the save status and Submit (assessment)."""

    def __init__(self, controller: QuizController):
        self.controller = controller
        self.updating = False
        c = controller
        questions = c.questions
        title = w.HTML(f'<style>{asset("widget.css")}</style>'
                       f'<div class="afq-w-title" style="font-weight:600;font-size:1.15em">{_e(c.bundle.quiz.title)}</div>'
                       f'{help_html()}')
        self.views = {q.id: QuestionView(self, q, i, len(questions)) for i, q in enumerate(questions, start=1)}
        self.summary = w.HTML()
        self.summary.add_class("afq-w-summary")
        footer: list[w.Widget] = [self.summary]
        self.restored = w.HTML()
        self.restored.add_class("afq-w-restored")
        if c.mode == "assessment":
            who = c.store.student.name or c.store.student.id
            intro = w.HTML(f'<div style="font-size:0.9em">Graded quiz for <b>{_e(who)}</b>. Every answer is saved '
                           'as you go; nothing is graded here. Press <b>Submit</b> when you are done: submitted '
                           'answers are final.</div>')
            self.submit_button = w.Button(description="Submit", button_style="success", icon="check",
                                          tooltip="Submit your answers (they cannot be changed afterwards)")
            self.submit_button.on_click(lambda _b: self.ask_to_submit())
            self.confirm_text = w.HTML()
            self.confirm_button = w.Button(description="Submit now", button_style="success",
                                           tooltip="Submit your answers as they stand (final)")
            self.cancel_button = w.Button(description="Go back", tooltip="Do not submit yet")
            self.confirm_button.on_click(lambda _b: self.submit())
            self.cancel_button.on_click(lambda _b: self.cancel_submit())
            self.confirm = w.VBox([self.confirm_text, w.HBox([self.confirm_button, self.cancel_button])],
                                  layout=w.Layout(display="none", padding="0.4em 0.75em", margin="0.4em 0"))
            self.confirm.add_class("afq-w-confirm")
            footer = [self.submit_button, self.summary]
            self.timer = w.HTML()
            self.timer.add_class("afq-w-timer")
            head = [title, intro, self.timer]
        else:
            head = [title, self.restored]
            self.reset_button = w.Button(description="Start again", tooltip="Clear every answer and the score")
            self.reset_button.on_click(lambda _b: self.start_again())
            footer.append(self.reset_button)
        tail = [w.HBox(footer, layout=w.Layout(align_items="center", flex_flow="row wrap"))]
        if c.mode == "assessment":
            tail.append(self.confirm)
        helper = keyboard_helper(c)
        self.root = w.VBox(head + [v.box for v in self.views.values()] + tail + ([helper] if helper else []),
                           layout=w.Layout(padding="0.5em 1em", max_width="52em"))
        self.root.add_class("afq-widget")
        self.refresh_summary()
        if c.mode == "assessment":
            self.start_clock()

    CLOCK_SECONDS = 1.0
    """How often the clock of a timed quiz is redrawn."""
    SYNC_SECONDS = 300.0
    """How often the clock asks the server for the time left again (and always at zero): extra time counts."""

    def seconds_left(self) -> float | None:
        """Seconds until the student's time limit (or the closing time) by the server's count; None: no clock."""
        left = getattr(self.controller.store, "seconds_left", lambda: None)()
        return None if left is None or left > 86400 else left  # a day away: no clock, as on the page

    def start_clock(self) -> None:
        """Show the time left and keep it counting down in a background thread, until submitted or up."""
        if self.show_time():
            threading.Thread(target=self._run_clock, name="afcourse-quiz-clock", daemon=True).start()

    def _run_clock(self) -> None:
        synced = time.monotonic()
        while self.timer.comm is not None:  # a closed widget stops its clock
            time.sleep(self.CLOCK_SECONDS)
            left = self.seconds_left()
            if left is not None and (left <= 0 or time.monotonic() - synced > self.SYNC_SECONDS):
                self.controller.store.refresh_time()
                synced = time.monotonic()
            if not self.show_time():
                return

    def show_time(self) -> bool:
        """Redraw the clock; False once there is nothing more to count (no limit, submitted, time up)."""
        left = self.seconds_left()
        if left is None or self.controller.submitted:
            self.timer.value = ""
            return False
        self.timer.value = time_left_html(left)
        return left > 0

    def start_again(self) -> None:
        """Clear every answer, result and the score (self-check)."""
        self.controller.start_again()
        self.updating = True
        try:
            for view in self.views.values():
                view.clear()
        finally:
            self.updating = False
        self.refresh_summary()

    def refresh_summary(self) -> None:
        c = self.controller
        if c.mode == "self-check":
            error = f'<div class="afq-w-status afq-w-error" role="alert">{_e(c.save_error)}</div>' if c.save_error else ""
            self.summary.value = (f'<div class="afq-w-score" role="status" style="font-weight:600">{_e(c.score_text())}'
                                  f'</div>{error}')
            self.restored.value = f'<div class="afq-w-note afq-w-restored-text">{_e(c.restored)}</div>' if c.restored else ""
            return
        state = "afq-w-error" if c.save_error else "afq-w-done" if c.submitted else ""
        self.summary.value = (f'<div class="afq-w-status {state}" role="status" style="margin-left:0.75em">'
                              f'{_e(c.status_text())}</div>')
        self.submit_button.disabled = c.submitted
        self.submit_button.description = "Submitted" if c.submitted else "Submit"

    def ask_to_submit(self) -> None:
        """Show the confirmation, naming the questions without an answer."""
        self.confirm_text.value = f'<p class="afq-w-confirm-text" role="alert">{_e(self.controller.submit_prompt())}</p>'
        self.confirm_button.description = "Submit anyway" if self.controller.unanswered() else "Submit now"
        self.confirm.layout.display = None
        self.submit_button.disabled = True

    def cancel_submit(self) -> None:
        self.confirm.layout.display = "none"
        self.submit_button.disabled = self.controller.submitted

    def submit(self) -> None:
        self.confirm.layout.display = "none"
        try:
            self.controller.submit()
        except Exception:  # the controller has recorded the reason for the status line
            pass
        for view in self.views.values():
            view.refresh()
        self.refresh_summary()
        self.show_time()  # submitted: the clock goes


def time_left_html(seconds: float) -> str:
    """The clock of a timed quiz: ``Time left: 4:05`` (hours when over one), a warning in the last minute."""
    left = max(0, round(seconds))
    if left == 0:
        return ('<div class="afq-w-timer-text" role="timer" data-state="up" style="font-weight:600;color:#9b1c1c">'
                "Time is up: your answers are submitted as they stood at the limit; a change now is not "
                "saved.</div>")
    h, m, s = left // 3600, left // 60 % 60, left % 60
    clock = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
    low = left <= 60
    note = " \u2014 your answers are submitted when it runs out" if low else ""
    colour = ";color:#9b1c1c" if low else ""
    return (f'<div class="afq-w-timer-text" role="timer" data-state="{"low" if low else ""}" '
            f'style="font-weight:600{colour}">Time left: {clock}{note}</div>')


def keyboard_helper(controller: QuizController):
    """The quiz's frontend helper (see the module's docstring), or None when anywidget is not installed."""
    try:
        import anywidget
        import traitlets
    except ImportError:  # the quiz still works; JupyterLab's shortcuts are then live inside it
        return None

    class KeyboardHelper(anywidget.AnyWidget):
        _esm = asset("widget_helper.js")
        keep_file = traitlets.Unicode("").tag(sync=True)

    keeper = getattr(controller, "keeper", None)
    helper = KeyboardHelper(keep_file=keeper.path.name if keeper else "")
    helper.on_msg(lambda widget, content, buffers: widget.send({"pong": content.get("ping")})
                  if isinstance(content, dict) and "ping" in content else None)
    helper.add_class("afq-w-helper")
    return helper
