"""With a JupyterHub named in the book's configuration, every chapter page gets a launch button.

Builds a copy of the book reduced to the introduction and one chapter (not executed), with
``launch_buttons.jupyterhub_url`` and ``repository`` set as the configuration's comment
says: the chapter page links to the hub through nbgitpuller (``git-pull``), opening the
chapter in JupyterLab, and its download menu offers the chapter's notebook, built with the
book, whose links point to the book's published address (``html.baseurl``).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import yaml
from conftest import ROOT

HUB = "https://hub.example.edu"
REPO = "https://github.com/example/afcourse"
PUBLISHED = "https://course.example.edu/afcourse"


def test_a_named_hub_gives_a_launch_button_and_the_notebook_links_to_the_published_book(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(ROOT / "book", book, ignore=shutil.ignore_patterns("_build", ".jupyter_cache"))
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    config["launch_buttons"]["jupyterhub_url"] = HUB
    config["repository"] = {"url": REPO, "path_to_book": "book", "branch": "main"}
    config["html"]["baseurl"] = PUBLISHED
    (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: chapters/04-taliban\n",
                                   encoding="utf-8")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(book), "--quiet"], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    page = (book / "_build" / "html" / "chapters" / "04-taliban.html").read_text(encoding="utf-8")

    launches = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page) if h.startswith(HUB)]
    assert launches, "no JupyterHub launch button on the chapter page"
    url = urlparse(launches[0])
    assert url.path == "/hub/user-redirect/git-pull"
    query = parse_qs(url.query)
    assert query["repo"] == [REPO] and query["branch"] == ["main"]
    assert query["urlpath"] == ["lab/tree/afcourse/book/chapters/04-taliban.md"]  # opened in JupyterLab

    download = re.findall(r'href="([^"]+\.ipynb)"', page)
    assert download == ["../_sources/chapters/04-taliban.ipynb"]
    notebook = json.loads((book / "_build" / "html" / "_sources" / "chapters" / "04-taliban.ipynb").read_text())
    markdown = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert f"]({PUBLISHED}/sources.html#aliyev-2020-p29)" in markdown
    assert not any(c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")  # not the executed copy
