"""Sphinx extension for the book: keep executed widget state out of the built pages.

When myst-nb executes a chapter, the kernel creates the live quiz widget too, and the
executed notebook records every widget model's state; myst-nb then writes that state
into the page as a ``<script type="application/vnd.jupyter.widget-state+json">`` of
about 180 kB. The book shows the quiz's static HTML (the text/html view is preferred
over the widget view, and no widget manager is loaded: ``nb_ipywidgets_js: {}``), so
nothing reads that state: this extension drops it from every page.

Enable it in book/_config.yml::

    sphinx:
      extra_extensions:
        - afcourse.quizui.sphinxext
"""

from __future__ import annotations

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _drop_widget_state(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if getattr(s, "attributes", {}).get("type") != WIDGET_STATE]


def setup(app):
    app.connect("html-page-context", _drop_widget_state, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
