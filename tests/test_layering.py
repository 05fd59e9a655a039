"""The core never imports Qt: everything outside workbench/ui must import with PySide6
blocked, so analysis, storage and ingest run from the CLI and tests without a display."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"


def core_modules() -> list[str]:
    names = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        if "ui" in rel.parts or rel.name == "__main__":
            continue
        names.append(".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts))
    return sorted(names)


def test_core_imports_without_qt():
    script = (
        "import sys, importlib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):\n"
        "            raise ImportError('Qt is blocked in the core: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_no_pyside_import_statement_outside_ui():
    offenders = [str(p) for p in PACKAGE.rglob("*.py")
                 if "ui" not in p.relative_to(PACKAGE).parts and "PySide6" in p.read_text()]
    assert offenders == []


def test_import_contracts_are_kept():
    """The layers, feature and no-Qt contracts in pyproject.toml (``lint-imports``)."""
    pytest.importorskip("importlinter")
    result = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                             "sys.exit(lint_imports_command())", "--no-cache"],
                            capture_output=True, text=True, cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_top_level_module_has_a_layer():
    """A new package must be placed in the layers contract, or it would go unchecked."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["id"] == "layers")["layers"]
    declared = {name.strip() for layer in layers for name in layer.replace("|", ":").split(":")}
    found = {f"workbench.{p.stem if p.is_file() else p.name}" for p in PACKAGE.iterdir()
             if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert found - declared == set()


def test_only_the_store_runs_sql():
    """The connection is private to workbench/store: no other module reaches it, opens
    its own, or runs SQL through pandas; views and commands call store functions."""
    import re

    pattern = re.compile(r"\.conn\b|\._conn\b|\._db\b|\._rows\(|\._value\(|sqlite3\.connect|read_sql|\bimport sqlite3\b")
    offenders = [f"{p.relative_to(PACKAGE.parent)}:{n}: {line.strip()}"
                 for p in PACKAGE.rglob("*.py") if "store" not in p.relative_to(PACKAGE).parts[:1]
                 for n, line in enumerate(p.read_text().splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def test_ruff_finds_nothing():
    """The lint rules in pyproject.toml (``ruff check``; CI also runs mypy)."""
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run([ruff, "check", "workbench", "tests", "--output-format", "concise"],
                            capture_output=True, text=True, cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout[-3000:]
