"""The chapter figures say what the facts say (they are drawn from the fact base at build time)."""

import importlib.util
from pathlib import Path

from afcourse import load_facts

EXT = Path(__file__).resolve().parent.parent / "book" / "_ext" / "chapterfigures.py"


def chapterfigures():
    spec = importlib.util.spec_from_file_location("chapterfigures", EXT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_attendance_grid_names_every_source_that_lists_a_disputed_state():
    """Iran at the 14 April 2017 talks is named by GlobalSecurity.org and Gurganus, Iraq by Aliyev alone.

    The figure once marked Iran "only Gurganus": the last version naming a state overwrote the others.
    """
    figures, base = chapterfigures(), load_facts()
    april = next(event for event, _ in figures._meetings(base) if str(event.date) == "2017-04-14")
    disputed = figures._disputed_states(base, april)
    assert sorted(disputed["iran"]) == ["globalsecurity-2021", "gurganus-2018"]
    assert disputed["iraq"] == ["aliyev-2020"]
