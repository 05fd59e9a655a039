"""The command line starts fast: ``--help`` and ``--version`` import no heavy library,
and each command imports only its own module (through ``workbench.cli.COMMANDS``)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from workbench import cli

HEAVY = ("numpy", "pandas", "geopandas", "scipy", "matplotlib", "reportlab", "docx",
         "PySide6", "sklearn", "shapely", "pyproj", "networkx", "sqlite_utils")


def _modules_loaded_by(*argv: str) -> set[str]:
    """Top-level packages imported by ``workbench ARGV`` in a fresh interpreter."""
    return {name.split(".")[0] for name in _full_names_loaded_by(*argv)}


def _full_names_loaded_by(*argv: str) -> set[str]:
    """Every module imported by ``workbench ARGV`` in a fresh interpreter."""
    code = ("import json, sys\n"
            "from workbench.cli import main\n"
            "try:\n"
            f"    main({list(argv)!r})\n"
            "except SystemExit:\n"
            "    pass\n"
            "sys.__stderr__.write('\\nMODULES ' + json.dumps(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    return set(json.loads(done.stderr.rsplit("MODULES ", 1)[1]))


@pytest.mark.parametrize("argv", [["--help"], ["--version"], []])
def test_help_and_version_import_no_heavy_library(argv):
    loaded = _modules_loaded_by(*argv)
    assert sorted(loaded & set(HEAVY)) == []


def test_a_command_imports_only_its_own_command_module():
    loaded_cli = {m for m in _full_names_loaded_by("stats", "--help") if m.startswith("workbench.cli.")}
    assert loaded_cli <= {"workbench.cli.stats", "workbench.cli.common"}


def test_the_command_table_lists_what_each_module_registers():
    """A new command module (or command) must add its line to workbench.cli.COMMANDS."""
    registered = {}
    for module in cli.command_modules():
        parser = cli._parser_with([module])
        for path, _sub in cli.command_paths(parser):
            if len(path) == 1:
                registered[path[0]] = module.__name__.rsplit(".", 1)[1]
    table = {name: module for name, (module, _) in cli.COMMANDS.items()}
    assert table == registered, "update workbench.cli.COMMANDS to match the command modules"
