"""The floor knows no domain: core imports no app above it, the demo app imports no domain."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# every app of the project except the floor itself (an app is a package with an apps.py)
DOMAIN = {p.parent.name for p in ROOT.glob("*/apps.py")} - {"core"}


def imported_apps(folder: Path) -> dict[str, set[str]]:
    """yiqiao.<app> packages imported by the non-test modules of a folder, per module."""
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if parts[0] == "yiqiao" and len(parts) > 1:
                    found.setdefault(str(path.relative_to(ROOT)), set()).add(parts[1])
    return found


def test_it_keeps_core_free_of_domain_apps() -> None:
    leaks = {m: apps & DOMAIN for m, apps in imported_apps(ROOT / "core").items() if apps & DOMAIN}
    assert leaks == {}


def test_it_keeps_the_demo_registry_free_of_domain_apps() -> None:
    leaks = {
        m: apps & (DOMAIN - {"demo"})
        for m, apps in imported_apps(ROOT / "demo").items()
        if apps & (DOMAIN - {"demo"})
    }
    assert leaks == {}


def module_imports() -> dict[str, set[str]]:
    """yiqiao modules imported when each module is loaded (top-level statements only: imports
    inside functions and under TYPE_CHECKING run later or never)."""
    modules: dict[str, Path] = {}
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    found.add(target)
        graph[name] = found
    return graph


def test_it_has_no_import_circle() -> None:
    """No two modules import each other, directly or around a loop (a package importing its
    own submodules is not a loop)."""
    graph = module_imports()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            members = []
            while True:
                member = stack.pop()
                members.append(member)
                if member == node:
                    break
            if len(members) > 1:
                circles.append(sorted(members))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []
