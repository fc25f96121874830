"""Stage 2, item bank: every question the facts support, its truth checks and the linter.

May import: :mod:`afcourse.common`, :mod:`afcourse.facts`.
"""
