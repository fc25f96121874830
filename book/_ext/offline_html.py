"""Keep every built page free of references to other hosts.

Jupyter Book always loads sphinx-thebe, which writes the address of its JavaScript
bundle on a public CDN into an inline script on every page. This book has no
launch buttons, so thebe is never started; the line is dropped from each page so
that the HTML names no other host at all.
"""


def _drop_remote_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    kept = []
    for script in scripts:
        body = getattr(script, "attributes", {}).get("body", "") or ""
        src = str(script)
        if "://" in body or src.startswith(("http://", "https://", "//")):
            continue
        kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", _drop_remote_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
