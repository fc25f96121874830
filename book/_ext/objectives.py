"""The ``objectives`` directive: a chapter's learning objectives, rendered from the fact base.

``````
```{objectives} taliban
```
``````

renders the "Learning objectives" box of chapter ``taliban``: its objectives' statements, in the
order of the chapter's understanding file (``afcourse/facts/understanding/``), read through
:mod:`afcourse.facts` only. The objectives are data (the quizzes' blueprints test every one of
them), so the page and the quizzes never disagree. The page is rebuilt when that data changes,
and an unknown chapter or a chapter with no objectives fails the build.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

INTRO = "After working through this chapter you should be able to:"


@lru_cache(maxsize=1)
def _base():
    from afcourse.facts.factbase import load_facts

    return load_facts()


class ObjectivesDirective(SphinxDirective):
    """``{objectives} <chapter id>``: the chapter's learning objectives as a tip box."""

    required_arguments = 1
    has_content = False

    def run(self):
        from afcourse.facts.factbase import UNDERSTANDING, default_directory

        chapter = self.arguments[0]
        base = _base()
        folder = Path(default_directory()) / UNDERSTANDING
        for path in [folder, *sorted(folder.glob("*.yaml"))]:
            self.env.note_dependency(str(path))
        if chapter not in base.chapters:
            raise self.error(f"objectives: unknown chapter {chapter!r} (known: {', '.join(base.chapters)})")
        objectives = base.objectives_of(chapter)
        if not objectives:
            raise self.error(f"objectives: chapter {chapter!r} has no objectives in {folder}")
        box = nodes.admonition(classes=["tip", "af-objectives"])
        box += nodes.title(text="Learning objectives")
        box += nodes.paragraph(text=INTRO)
        items = nodes.bullet_list()
        for objective in objectives:
            entry = nodes.list_item(ids=[f"objective-{objective.id}"])
            entry += nodes.paragraph(text=objective.statement)
            items += entry
        box += items
        return [box]


def setup(app):
    app.add_directive("objectives", ObjectivesDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
