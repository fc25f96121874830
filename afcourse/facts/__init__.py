"""Stage 1, facts: the cited fact base (YAML package data beside this file), its models and validation.

May import: :mod:`afcourse.common`.
"""
