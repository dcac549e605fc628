"""Services are the apps' doors for writes: they say what they take and give.

No public function or method of a ``services`` package names ``Any`` in its signature (a value
handed over without a type is ``object`` or ``FieldValues``, checked before use), and mypy checks
every ``services`` module and every ``queries.py`` as strictly as the engines.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STRICT = {
    "disallow_untyped_defs",
    "disallow_incomplete_defs",
    "disallow_untyped_calls",
    "disallow_any_generics",
    "disallow_subclassing_any",
    "disallow_untyped_decorators",
    "warn_return_any",
    "no_implicit_reexport",
    "strict_equality",
}


def _names_any(annotation: ast.expr | None) -> bool:
    """Whether an annotation names ``Any`` (``Any``, ``typing.Any``, or inside a quoted one)."""
    if annotation is None:
        return False
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name) and node.id == "Any":
            return True
        if isinstance(node, ast.Attribute) and node.attr == "Any":
            return True
        quoted = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if quoted and _names_any(ast.parse(str(node.value), mode="eval").body):
            return True
    return False


def _public_callables(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if not node.name.startswith("_"):
                found.append((node.name, node))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and (
                    not item.name.startswith("_") or item.name == "__init__"
                ):
                    found.append((f"{node.name}.{item.name}", item))
    return found


def signatures_naming_any(root: Path) -> list[str]:
    """``path:line name (parameters)`` for every public service signature that names Any."""
    bad: list[str] = []
    modules = sorted(root.glob("*/services/*.py")) + sorted(root.glob("*/services.py"))
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, fn in _public_callables(tree):
            a = fn.args
            params = a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]
            where = [p.arg for p in params if _names_any(p.annotation)]
            where += ["return"] if _names_any(fn.returns) else []
            if where:
                bad.append(f"{path.relative_to(root)}:{fn.lineno} {name} ({', '.join(where)})")
    return bad


def test_it_finds_services_to_check() -> None:
    assert len(list(ROOT.glob("*/services/*.py"))) >= 40


def test_no_service_signature_names_any() -> None:
    assert signatures_naming_any(ROOT) == []


def test_it_tells_a_signature_naming_any(tmp_path: Path) -> None:
    folder = tmp_path / "app" / "services"
    folder.mkdir(parents=True)
    (folder / "things.py").write_text(
        "from typing import Any\n"
        "def thing_save(*, data: dict[str, Any], by: 'User') -> None: ...\n"
        "def _helper(x: Any) -> Any: ...\n"
        "class Importer:\n"
        "    def parse_row(self, values: dict[str, str]) -> 'dict[str, Any]': ...\n",
        encoding="utf-8",
    )
    assert signatures_naming_any(tmp_path) == [
        "app/services/things.py:2 thing_save (data)",
        "app/services/things.py:5 Importer.parse_row (return)",
    ]


def test_mypy_checks_services_and_queries_strictly() -> None:
    config = tomllib.loads((ROOT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    overrides = config["tool"]["mypy"]["overrides"]
    wanted = {"yiqiao.*.services", "yiqiao.*.services.*", "yiqiao.*.queries"}
    strict = [o for o in overrides if wanted <= set(o["module"])]
    assert strict, "no mypy override names the services and queries modules"
    assert all(strict[0].get(flag) is True for flag in STRICT)
