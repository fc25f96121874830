"""Stage 3, quiz sets: seeded selections of bank items, the quiz/key/submission files, and scoring.

May import: :mod:`afcourse.common`, :mod:`afcourse.facts`, :mod:`afcourse.bank`.
"""
