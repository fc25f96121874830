"""Grading: read submissions, score them, analyse the items, and write the reports.

The stage runs one way: :mod:`.submissions` reads what students handed in,
:mod:`.grader` scores it with :func:`afcourse.quiz.scoring.score`, :mod:`.analysis`
measures the items, and :mod:`.reports` writes gradebook, feedback and report;
:func:`afcourse.grading.pipeline.grade` (the public ``afcourse.grade``) calls them in
that order. The shared records (:class:`~.results.Problem`,
:class:`~.results.StudentResult`, :class:`~.results.GradeResult`) live in
:mod:`.results`.

Input: files holding one submission (``.json``), a JSON array of them, JSON Lines
(``.jsonl``/``.ndjson``, one per line), folders of such files (searched recursively),
or :class:`~afcourse.quiz.models.Submission` objects and plain dicts.

Nothing is dropped silently. Each of these becomes a :class:`Problem` and the rest is
graded:

========================  ==========  ==============================================
kind                      action      what happened
========================  ==========  ==============================================
``unreadable``            skipped     a file or folder could not be read
``malformed``             skipped     bad or truncated JSON, not a submission, or a
                                      field the submission schema rejects
``wrong_quiz``            skipped     the submission is for another quiz
``unknown_variant``       skipped     its variant id is not in the quiz
``duplicate``             superseded  the student handed in again; the one with the
                                      latest ``saved_at`` is kept (when every copy
                                      has one), else the later in input order
``unknown_item``          graded      responses to items not in the variant are
                                      ignored (the rest is graded)
``missing_answer``        graded      an item without an answer scores 0
``invalid_answer``        graded      an answer of the wrong shape (unknown option,
                                      not a number...) scores 0
``in_progress``           graded      the student had not pressed "submit": graded,
                                      flagged in the gradebook
``ignored_file``          ignored     a file in a submissions folder that is not
                                      ``.json``/``.jsonl``/``.ndjson``
``no_submissions``        none        nothing could be graded
========================  ==========  ==============================================
"""
