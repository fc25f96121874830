"""The package's stages import only themselves and the stages before them, with no cycle.

The rule is ARCHITECTURE.md's table: common < facts < bank < quiz, then quizui, exports
and grading side by side, each using only the stages before quiz and quiz itself; the
package's own ``__init__`` and the CLI may use anything. The static check reads
every import statement, function-level ones included, so a lazy import cannot hide a
cycle; the dynamic check imports each stage alone in a fresh interpreter and looks at
what it pulled in.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "afcourse"
BASE = ("common", "facts", "bank", "quiz")
ALLOWED = {"common": set(), "facts": {"common"}, "bank": {"common", "facts"}, "quiz": {"common", "facts", "bank"},
           "quizui": set(BASE), "exports": set(BASE), "grading": set(BASE), "serve": set(BASE) | {"grading"}}
STAGES = list(ALLOWED)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def resolve(module: str, node: ast.AST) -> list[str]:
    """The afcourse modules one import statement loads (a package, or a module of it)."""
    found = []
    if isinstance(node, ast.Import):
        found = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
            base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            found.append(candidate if candidate in MODULES else base)
    return [name for name in found if name in MODULES]


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        graph[module] = {target for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                         for target in resolve(module, node) if target != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None (ancestor packages are not edges)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, targets in graph.items():
        for target in targets:
            if target == "afcourse" or module.startswith(target + "."):
                continue  # a package's own __init__ is loaded anyway
            own, other = stage_of(module), stage_of(target)
            if own is not None and own != other and other not in ALLOWED[own]:
                bad.append(f"{module} imports {target}")
    return sorted(bad)


def test_every_stage_is_a_package_of_its_own():
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "cli.py"})
    assert not loose, f"modules outside any stage: {loose}"


def test_no_module_imports_a_stage_it_may_not():
    assert layer_violations(import_graph()) == []


def test_the_import_graph_has_no_cycle():
    assert find_cycle(import_graph()) is None


def test_the_checks_catch_a_cycle_and_a_backward_import():
    """The two checks are real: a made-up graph with both defects fails both."""
    graph = import_graph()
    graph["afcourse.grading.grader"] = graph["afcourse.grading.grader"] | {"afcourse.grading.pipeline"}
    graph["afcourse.bank.lint"] = graph["afcourse.bank.lint"] | {"afcourse.grading.results"}
    graph["afcourse.exports.moodle"] = graph["afcourse.exports.moodle"] | {"afcourse.quizui.static"}
    assert find_cycle(graph) is not None
    assert layer_violations(graph) == ["afcourse.bank.lint imports afcourse.grading.results",
                                       "afcourse.exports.moodle imports afcourse.quizui.static"]


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_imports_alone_without_loading_a_later_stage(stage):
    modules = sorted(m for m in MODULES if stage_of(m) == stage)
    code = ("import importlib, json, sys\n"
            f"for name in {modules!r}:\n    importlib.import_module(name)\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('afcourse'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent,
                          check=True)
    loaded = json.loads(done.stdout)
    assert [m for m in loaded if m != "afcourse" and stage_of(m) not in ALLOWED[stage] | {stage}] == []
