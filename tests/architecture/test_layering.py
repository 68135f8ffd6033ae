"""The layering rule (core and indicators import no app; apps meet only in the registries) is
checked by import-linter with contracts generated from INSTALLED_APPS (scripts/lint_imports.py)."""

import ast
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from core.discovery import project_apps

BASE_DIR = Path(settings.BASE_DIR)


def test_import_contracts_are_kept_for_every_installed_app():
    result = subprocess.run(
        [sys.executable, "scripts/lint_imports.py"], cwd=BASE_DIR, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_the_contracts_name_every_project_app():
    sys.path.insert(0, str(BASE_DIR / "scripts"))
    from lint_imports import contracts_ini

    ini = contracts_ini()
    for config in project_apps():
        assert f"\n    {config.name}" in ini, config.name


def _string_literals(tree: ast.AST):
    """Every string constant of a module except docstrings (which may name apps, as comments do)."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def test_core_names_no_app_in_its_code_or_templates():
    labels = {config.label for config in project_apps()}
    offenders = []
    for path in (BASE_DIR / "core").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _string_literals(tree):
            words = {w for part in node.value.replace(":", ".").split(".") for w in part.split("/")}
            if words & labels:
                offenders.append(f"{path.relative_to(BASE_DIR)}:{node.lineno} {node.value!r}")
    for path in [*(BASE_DIR / "core" / "templates").rglob("*.html"), BASE_DIR / "templates" / "base.html"]:
        text = path.read_text(encoding="utf-8")
        for label in labels:
            for needle in (f"perms.{label}.", f"'{label}:", f'"{label}:', f"{label}/"):
                if needle in text:
                    offenders.append(f"{path.relative_to(BASE_DIR)} {needle}")
    assert offenders == []
