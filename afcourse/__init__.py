"""afcourse: cited facts on Russia's policy toward Afghanistan, and the quizzes built from them.

Importing the package is cheap: the heavy parts (widgets, plots, Sphinx) load only when used.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load_facts"]


def load_facts(directory=None):
    """Load and validate the fact base (see :func:`afcourse.factbase.load_facts`)."""
    from afcourse.factbase import load_facts as _load

    return _load(directory)
