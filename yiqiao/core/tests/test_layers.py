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


# A broad handler (bare, Exception, BaseException) either raises again or stands at a boundary
# that records the failure where someone sees it; each such place is named here with its record.
RECORDING_BOUNDARIES = {
    ("policies/services/screening.py", "screening_run_execute"): "the run: FAILED and its error",
    ("core/management/commands/worker.py", "beat"): "the worker's log; the beat is retried",
}
BROAD = {"Exception", "BaseException"}


def _is_broad(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type
    if kinds is None:
        return True
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return any(isinstance(n, ast.Name) and n.id in BROAD for n in names)


def broad_handlers_that_swallow(root: Path) -> list[str]:
    """``module function:line`` of each broad ``except`` whose body never raises again and which
    is not a recording boundary."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        module = str(path.relative_to(root))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for handler in ast.walk(tree):
            if not isinstance(handler, ast.ExceptHandler) or not _is_broad(handler):
                continue
            if any(isinstance(n, ast.Raise) for s in handler.body for n in ast.walk(s)):
                continue
            around = [f for f in functions if f.lineno <= handler.lineno <= (f.end_lineno or 0)]
            name = max(around, key=lambda f: f.lineno).name if around else "<module>"
            if (module, name) not in RECORDING_BOUNDARIES:
                found.append(f"{module} {name}:{handler.lineno}")
    return found


def test_it_hides_no_failure_behind_a_broad_except() -> None:
    assert broad_handlers_that_swallow(ROOT) == []


def test_it_tells_a_broad_except_that_swallows(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "things.py").write_text(
        "def quiet():\n"
        "    try:\n        work()\n    except Exception:\n        pass\n"
        "def loud():\n"
        "    try:\n        work()\n    except (ValueError, BaseException):\n        log()\n        raise\n"
        "def narrow():\n"
        "    try:\n        work()\n    except ValueError:\n        pass\n",
        encoding="utf-8",
    )
    assert broad_handlers_that_swallow(tmp_path) == ["app/things.py quiet:4"]
