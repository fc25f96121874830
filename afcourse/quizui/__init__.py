"""Interactive quizzes: live ipywidgets in notebooks, self-contained HTML in the static book.

``afcourse.show_quiz(...)`` returns one display object for both (see :mod:`afcourse.quizui.display`).
The modules split the work: :mod:`.loading` finds the quiz, :mod:`.controller` holds the
state and grades with :func:`afcourse.quiz.scoring.score`, :mod:`.recording` writes the
submission file, :mod:`.widget` is the thin ipywidgets layer and :mod:`.static` the page
version (``assets/quiz.js`` and ``assets/quiz.css``). Nothing heavy is imported here.
"""
