"""The notebook's clock of a timed quiz in JupyterLab: it counts down in the browser while the kernel is busy.

A notebook shows a quiz served with a time limit, then runs a cell that keeps the
kernel's main thread busy (``time.sleep``); the clock in the page must keep moving
meanwhile (a thread of the kernel redraws it, so nothing waits for the busy cell),
and the cell must finish as usual. Screenshot: test-artifacts/serve-notebook-clock.png.
"""

from __future__ import annotations

import re
import time

import nbformat
import pytest
from conftest import ARTIFACTS
from test_browser_jupyterlab_quiz import lab_server, open_and_run
from test_serve_support import Server, make_quiz_dir

BUSY_SECONDS = 12


@pytest.fixture
def served(tmp_path):
    server = Server(make_quiz_dir(tmp_path / "quiz"), "--time-limit", "2").start()
    yield server
    server.stop()


def test_the_clock_counts_down_in_jupyterlab_while_the_kernel_runs_another_cell(browser, served, tmp_path):
    from playwright.sync_api import expect

    home = tmp_path / "lab"
    work = home / "work"
    work.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from afcourse import show_quiz\n"
                                  f"show_quiz('midterm', mode='assessment', server={served.url!r}, "
                                  f"token={served.token('s2')!r})"),
        nbformat.v4.new_code_cell(f"import time\ntime.sleep({BUSY_SECONDS})\nprint('busy cell done')"),
    ], metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                 "language_info": {"name": "python"}})
    nbformat.write(notebook, work / "timed.ipynb")
    with lab_server(home, work) as lab:
        context = browser.new_context(viewport={"width": 1300, "height": 1400})
        page = context.new_page()
        try:
            quiz = open_and_run(page, lab, "timed.ipynb")
            expect(page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")).to_have_count(0)
            clock = quiz.locator(".afq-w-timer-text")
            expect(clock).to_contain_text("Time left: 1:")
            busy = page.locator(".jp-Cell").nth(1).locator(".jp-InputPrompt")
            expect(busy).to_contain_text("[*]")  # the second cell is running: the kernel is busy

            def seconds() -> int:
                minutes, secs = re.search(r"Time left: (\d+):(\d\d)", clock.inner_text()).groups()
                return int(minutes) * 60 + int(secs)

            first = seconds()
            time.sleep(3.5)
            # still busy: the cell has not printed yet. (The kernel's status is no witness here: JupyterLab's
            # control-channel requests, answered by another thread, flip it to 'idle' while the cell sleeps.)
            assert busy.inner_text().strip().startswith("[*]")
            assert "busy cell done" not in page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea").inner_text()
            second = seconds()
            assert first - 5 <= second <= first - 2, (first, second)  # it moved by itself, about as time did
            quiz.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "serve-notebook-clock.png"))
            expect(page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea")).to_contain_text(
                "busy cell done", timeout=60_000)  # the cell was not held up either
        finally:
            context.close()
