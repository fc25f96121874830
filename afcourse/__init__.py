"""afcourse: cited facts on Russia's policy toward Afghanistan, and the quizzes built from them.

Importing the package is cheap: the heavy parts (widgets, plots, Sphinx) load only when used.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "grade", "load_facts", "show_quiz"]


def grade(quiz_dir, submissions, out_dir=None, **options):
    """Grade submissions against a quiz folder; write reports to ``out_dir`` if given.

    Returns per-student results, item analysis and problems (see :func:`afcourse.grading.pipeline.grade`).
    """
    from afcourse.grading.pipeline import grade as _grade  # numpy: only when grading

    return _grade(quiz_dir, submissions, out_dir, **options)


def show_quiz(*args, **kwargs):
    """Show a quiz in a notebook (see :func:`afcourse.quizui.display.show_quiz`)."""
    from afcourse.quizui.display import show_quiz as _show  # ipywidgets: only when a quiz is shown

    return _show(*args, **kwargs)


def load_facts(directory=None):
    """Load and validate the fact base (see :func:`afcourse.facts.factbase.load_facts`)."""
    from afcourse.facts.factbase import load_facts as _load

    return _load(directory)
