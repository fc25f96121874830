"""Collecting graded answers on a server the instructor runs (``afcourse serve``).

assessment (the quiz, key and rules) -> storage (SQLite or PostgreSQL) -> identity
(roster tokens or JupyterHub) -> app (the Starlette endpoints) -> server (assembly,
uvicorn) -> cli (the ``afcourse serve`` commands). ``export`` turns the database into
the submissions ``afcourse grade`` reads.
"""
