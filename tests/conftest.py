"""Shared fixtures: paths to the project, the seed documents and a scratch fact folder."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The suite never reads a bank cached by earlier runs or other checkouts (commands it starts inherit this).
os.environ["AFCOURSE_CACHE_DIR"] = tempfile.mkdtemp(prefix="afcourse-test-cache-")
FACTS = ROOT / "afcourse" / "facts"
SEEDS = ROOT.parent / "shared" / "seeds"
REGISTRIES = ("sources.yaml", "countries.yaml", "chapters.yaml", "people.yaml", "organisations.yaml")


@pytest.fixture
def seeds_dir() -> Path:
    """The seed documents; CI always has them beside the clone, elsewhere the test skips."""
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"seed documents not found at {SEEDS}")
        pytest.skip("seed documents not available")
    return SEEDS


@pytest.fixture
def fact_dir(tmp_path: Path):
    """A folder holding the real registries and entities; returns a function that adds a fact file."""
    for name in REGISTRIES:
        shutil.copy(FACTS / name, tmp_path / name)

    def add(name: str, text: str) -> Path:
        (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path

    return add


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def shipped_base():
    """The fact base shipped with the package, loaded once per session."""
    from afcourse import load_facts

    return load_facts()


@pytest.fixture(scope="session")
def shipped_bank(shipped_base) -> dict:
    """Every item the shipped facts give, by id, built once per session (items are frozen)."""
    from afcourse.bank.generate import build_bank

    return {item.id: item for item in build_bank(shipped_base)}


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """The book, copied to a scratch folder and built once per session with warnings as errors."""
    book = tmp_path_factory.mktemp("book") / "book"
    shutil.copytree(ROOT / "book", book, ignore=shutil.ignore_patterns("_build", ".jupyter_cache"))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(book), "--warningiserror", "--quiet"],
                            capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return book / "_build" / "html"


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; CI must have it, elsewhere the test skips."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (make test installs it with apt-get)")
        pytest.skip("chromium not installed")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script (from npm, installed by ``make test``), to inject into a page with Playwright."""
    if not AXE_JS.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed (make test installs it with npm ci)")
        pytest.skip("axe-core not installed: run `make node`")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, axe_source: str, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page as it is now; the violations of the given impacts, each with its nodes."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts]
