"""Helpers every stage may use: atomic file writes, the normal form of text, readable validation errors.

Nothing here imports another part of afcourse.
"""
