"""Production code never imports the demo package (synthetic data must not feed real figures).

The top-level command line is the one exception: it registers the ``zhili demo`` command group and
lets ``zhili init --demo-cases`` seed demonstration cases.
"""

from __future__ import annotations

import ast
from pathlib import Path

import zhili

SOURCE = Path(zhili.__file__).resolve().parent
DEMO = SOURCE / "demo"
ALLOWED = {
    ("cli.py", "zhili.demo.cli"),  # app.add_typer(demo_app, name="demo")
    ("cli.py", "zhili.demo.seed"),  # zhili init --demo-cases
}


def _imported_modules(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            if node.module == "zhili":  # from zhili import demo
                found.update(f"zhili.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("zhili.")
        ):
            found.add(node.value.split(":")[0])  # importlib.import_module("zhili.…"), "module:attr"
    return found


def demo_imports() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(SOURCE.rglob("*.py")):
        if path.is_relative_to(DEMO):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for module in _imported_modules(tree):
            if module == "zhili.demo" or module.startswith("zhili.demo."):
                found.add((path.relative_to(SOURCE).as_posix(), module))
    return found


def test_production_never_imports_the_demo_package() -> None:
    assert demo_imports() == ALLOWED


def test_the_scan_sees_imports_of_every_shape() -> None:
    source = (
        "import zhili.demo.geography\n"
        "from zhili.demo import profile\n"
        "from zhili import demo\n"
        "def f():\n"
        "    from zhili.demo.seed import seed_demo_cases\n"
        "    importlib.import_module('zhili.demo.tables')\n"
    )
    modules = {m for m in _imported_modules(ast.parse(source)) if m.startswith("zhili.demo")}
    assert modules == {
        "zhili.demo.geography",
        "zhili.demo",
        "zhili.demo.seed",
        "zhili.demo.tables",
    }
