"""One display object for every frontend: the widget where a kernel runs, static HTML elsewhere.

:class:`QuizDisplay` answers Jupyter's ``_repr_mimebundle_`` with two views of the
same quiz: ``application/vnd.jupyter.widget-view+json`` (the live ipywidgets quiz,
graded by the kernel) and ``text/html`` (the self-contained static quiz). Live
frontends (JupyterLab, Notebook 7, VS Code) show the widget. The book's HTML builder
is told to prefer text/html (``nb_mime_priority_overrides`` in book/_config.yml), so
the built page carries the static quiz and loads no widget manager.

A graded (assessment) quiz has no key anywhere: its text/html is a notice that the
quiz runs only in a live notebook.

Shown in a notebook, the quiz comes as two outputs: first a one-line note that says to run
the cell (:func:`run_note_html`), then the quiz. The note's own stylesheet hides it while
a live quiz follows it, and hides the widget manager's "model not found" line in its place
when the notebook is reopened without the kernel that made the quiz, so a reopened
notebook says "run this cell" instead of showing a widget error. The book hides the note.
"""

from __future__ import annotations

from pathlib import Path

from afcourse.quiz.models import KeyFile, Student, submission_file_name
from afcourse.quizui.controller import QuizController
from afcourse.quizui.loading import QuizLoadError, QuizSpec, load_assessment, load_self_check
from afcourse.quizui.recording import RecordingError, SelfCheckStore, SubmissionStore, self_check_file_name

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class QuizDisplay:
    """A quiz ready to display; ``controller`` holds its state, ``widget()`` builds the live view once."""

    def __init__(self, controller: QuizController):
        self.controller = controller
        self._widget = None
        self._html: str | None = None

    def widget(self):
        """The ipywidgets view (built on first use; every display of this object shows the same one)."""
        if self._widget is None:
            from afcourse.quizui.widget import QuizWidget

            self._widget = QuizWidget(self.controller)
        return self._widget

    def html(self) -> str:
        """The static view: the self-check quiz as HTML+CSS+JS, or the graded quiz's notice."""
        if self._html is None:
            from afcourse.quizui.static import assessment_notice_html, static_html

            bundle = self.controller.bundle
            self._html = static_html(bundle) if self.controller.mode == "self-check" else assessment_notice_html(bundle)
        return self._html

    def __repr__(self) -> str:
        c = self.controller
        return f"<{c.bundle.quiz.title}: {len(c.questions)} questions, {c.mode}>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"text/plain": repr(self), "text/html": self.html()}
        try:
            root = self.widget().root
        except ImportError:  # no ipywidgets: the static quiz still shows
            return data
        data[WIDGET_VIEW] = {"version_major": 2, "version_minor": 0, "model_id": root.model_id}
        return data

    def _ipython_display_(self) -> None:
        """In a notebook: the run-this-cell note, then the quiz (see the module's docstring)."""
        from IPython.display import display

        display({"text/html": run_note_html(self.controller)}, raw=True)
        display(self._repr_mimebundle_(), raw=True)

    def display(self) -> None:
        """Show the quiz in the current notebook cell (for code that does not end with the object)."""
        from IPython.display import display

        display(self)


RUN_NOTE_CSS = (
    ".afq-run-note{display:none}"
    ".jp-OutputArea-child:has(.afq-run-note):not(:has(+ .jp-OutputArea-child .afq-widget)) .afq-run-note"
    "{display:block;border:1px solid currentColor;border-radius:4px;padding:0.4em 0.75em;font-weight:600}"
    ".jp-OutputArea-child:has(.afq-run-note) + .jp-OutputArea-child:not(:has(.afq-widget)){display:none}"
)


def run_note_html(controller: QuizController) -> str:
    """The note shown where the live quiz is missing (a reopened notebook, no kernel yet)."""
    import html

    c = controller
    server = getattr(c.store, "server", None)  # a quiz served by `afcourse serve` (RemoteStore)
    kept = (f" Your answers are kept in {c.keeper.path.name} and come back." if c.keeper else
            f" Your answers are saved on {server} and come back." if server else
            f" Your saved answers in {c.store.path.name} come back." if c.store and hasattr(c.store, "path") else "")
    return (f'<style>{RUN_NOTE_CSS}</style><div class="afq-run-note" role="note">'
            f'{html.escape(c.bundle.quiz.title)}: this quiz runs with the notebook\'s kernel. Run this cell '
            f'(Shift+Enter, or Run All) to use it.{html.escape(kept)}</div>')


def show_quiz(quiz: QuizSpec, key: KeyFile | None = None, *, mode: str = "self-check", student_id: str | None = None,
              name: str | None = None, save_to: str | Path | None = None, variant: str | int | None = None,
              quizzes_dir: str | Path | None = None, facts_dir: str | Path | None = None,
              server: str | None = None, token: str | None = None, keep: bool = True) -> QuizDisplay:
    """A quiz to show in a notebook: put the call last in a cell, or call ``.display()`` on the result.

    ``quiz`` is a chapter id (its committed self-check set in ``quizzes/<chapter>/``, or
    the default set made on the fly when that folder is absent), a quiz folder or
    ``quiz.json`` path, or a :class:`QuizFile` (with its :class:`KeyFile` as ``key`` for
    self-check).

    ``mode="self-check"`` (default) grades each answer on request and shows the
    explanation and its sources. It keeps its state (answers, checks, first-attempt
    points) in ``afcourse-selfcheck-<quiz>.json`` in the working folder, beside the
    notebook (``save_to`` names another file; ``keep=False`` keeps nothing), and
    restores it when shown again, after a kernel restart too. ``mode="assessment"`` reads quiz.json only (never the
    key), saves every answer to ``save_to`` (default
    ``submission-<quiz>-<student>.json`` in the working folder) as an
    ``afcourse.submission/1`` file, restores the saved answers when shown again, and
    has a Submit button; submitted answers are final.

    ``server=URL`` (an ``afcourse serve`` server; ``token`` from the student's link) takes
    the questions from the server and saves every answer there instead (see
    :mod:`afcourse.quizui.remote`); without a token it gives the browser client, for a static page.
    """
    if server is not None:
        from afcourse.quizui.remote import RemotePage, remote_controller

        if not token:
            return RemotePage(server)
        shown = QuizDisplay(remote_controller(server, token))
        shown.controller.store.on_sent.append(lambda: shown._widget and shown._widget.refresh_summary())
        return shown
    if mode == "self-check":
        if student_id:
            raise ValueError("student_id is for mode='assessment'; a self-check quiz records nothing for grading")
        bundle = load_self_check(quiz, key, variant=variant, quizzes_dir=quizzes_dir, facts_dir=facts_dir)
        keeper = None
        if keep:
            path = Path(save_to) if save_to is not None else Path(self_check_file_name(bundle.quiz.quiz_id))
            keeper = SelfCheckStore(path, bundle.quiz.quiz_id)
        return QuizDisplay(QuizController(bundle, mode="self-check", keeper=keeper))
    if mode != "assessment":
        raise ValueError(f"mode must be 'self-check' or 'assessment', not {mode!r}")
    if key is not None:
        raise ValueError("a graded quiz is built from quiz.json only: do not pass its key")
    if not student_id or not str(student_id).strip():
        raise ValueError("mode='assessment' needs student_id=... so that the answers can be recorded")
    student = Student(id=str(student_id).strip(), name=name)
    bundle = load_assessment(quiz, variant=variant, student_id=student.id, quizzes_dir=quizzes_dir, facts_dir=facts_dir)
    path = Path(save_to) if save_to is not None else Path(submission_file_name(bundle.quiz.quiz_id, student.id))
    store = SubmissionStore(path, bundle.quiz.quiz_id, student)
    saved = store.load()
    if saved is not None and saved.variant_id != bundle.variant.variant_id:
        bundle = load_assessment(quiz, variant=saved.variant_id, quizzes_dir=quizzes_dir, facts_dir=facts_dir)
    return QuizDisplay(QuizController(bundle, mode="assessment", store=store))


__all__ = ["QuizDisplay", "show_quiz", "QuizLoadError", "RecordingError"]
