"""The layout: rooms without import cycles, no reaching into another module's private
names, and an API reference that lists exactly the ``minzheng`` namespace."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import minzheng

SRC = Path(minzheng.__file__).parent
ROOT = SRC.parents[1]


def _module(path: Path) -> str:
    parts = ["minzheng", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[str, list[str]]]:
    """Every ``minzheng`` module ``path`` imports (at the top or inside a function, but
    not under ``TYPE_CHECKING``), with the names it takes from it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("minzheng"):
            yield node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("minzheng"):
                    yield alias.name, []


MODULES = {_module(p): p for p in SRC.rglob("*.py")}


def _graph() -> dict[str, set[str]]:
    """Module → the modules importing it runs (a module's packages included)."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for target, names in _imports(path):
            found = {target} | {f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES}
            for t in found:
                parts = t.split(".")
                graph[module] |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
        graph[module] -= {module}
        graph[module] = {
            t for t in graph[module] if t in MODULES and not module.startswith(t + ".")
        }
    return graph


def test_no_import_cycles() -> None:
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" → ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_no_module_takes_another_modules_private_names() -> None:
    taken = [
        f"{module} takes {name} from {target}"
        for module, path in MODULES.items()
        for target, names in _imports(path)
        for name in names
        if name.startswith("_")
        and not name.startswith("__")
        and not target.startswith(module)
        and not module.startswith(target + ".")  # a package's own private module
    ]
    assert taken == []


def test_the_api_reference_lists_exactly_the_namespace() -> None:
    text = (ROOT / "docs" / "reference" / "api.rst").read_text(encoding="utf-8")
    section = text[: text.index("The rooms\n")]
    listed = re.findall(r":(?:class|func|data):`~minzheng\.[\w.]*\.(\w+)`", section)
    assert sorted(listed) == sorted(set(minzheng.__all__) - {"__version__"})
    assert len(listed) == len(set(listed))
