"""Nothing leaves Workbench around the release gate.

Every function in the package that writes a file (``open(..., "w")``, ``savefig``,
``write_text``, ``to_file``, ``save(path)``...) must take a ``Released`` value, so it can
only write what the gate released; the few that write something else are listed here
with the reason. A new exporter that writes raw rows fails this test. Only the gate
itself makes a ``Released`` value.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "workbench"

#: Calls that write files (with at least one argument).
WRITE_CALLS = {"savefig", "write_text", "write_bytes", "to_file", "to_csv", "to_excel", "to_parquet", "to_json",
               "write_graphml", "write_gml", "write_gexf", "write_shp", "multiBuild", "save", "dump", "copyfile",
               "copy2", "copytree"}

#: Functions that write without a Released value, and why that is safe.
NOT_EXPORTS = {
    "workbench/errorlog.py:log_unexpected_error": "the error log in the user's own folder",
    "workbench/app/stores.py:remember_store": "the stores opened last (file paths and server addresses, never a "
                                              "password) in the user's own folder",
    "workbench/synth/generate.py:write": "synthetic test data from the generator, no store content",
    "workbench/reports/figures.py:problem_map": "a figure in a pack's private temporary folder",
    "workbench/reports/figures.py:_save_counts_chart": "the monthly and weekly count charts, figures in a "
                                                       "pack's private temporary folder",
    "workbench/tasking/results.py:chart": "a preview or pack figure in a private temporary folder",
    "workbench/ui/views/map_view.py:marked_png": "PNG bytes into an in-memory buffer, written by the map export",
    "workbench/ui/tasking/products_panel.py:work": "the insight chart previewed on screen from a private temporary "
                                                   "folder (exports go through export_insight_chart)",
}


def _own_nodes(fn: ast.AST):
    """The nodes of ``fn``'s body, not those of functions defined inside it (each is
    checked on its own)."""
    todo = list(ast.iter_child_nodes(fn))
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        yield node
        todo.extend(ast.iter_child_nodes(node))


def _writes(fn: ast.AST) -> list[str]:
    found = []
    for call in _own_nodes(fn):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        if isinstance(func, ast.Name) and func.id == "open":
            mode = call.args[1] if len(call.args) > 1 else next(
                (k.value for k in call.keywords if k.arg == "mode"), None)
            if isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+"):
                found.append(f"open(..., {mode.value!r}) at line {call.lineno}")
        elif isinstance(func, ast.Attribute) and func.attr in WRITE_CALLS and (call.args or call.keywords):
            found.append(f".{func.attr}() at line {call.lineno}")
        elif isinstance(func, ast.Attribute) and func.attr == "open" and call.args and isinstance(
                call.args[-1], ast.Constant) and "w" in str(call.args[-1].value):
            found.append(f".open(..., 'w') at line {call.lineno}")
    return found


def _takes_released(fn: ast.FunctionDef) -> bool:
    args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
    return any(a.annotation is not None and "Released" in ast.unparse(a.annotation) for a in args)


def file_writers() -> dict[str, list[str]]:
    """``module:function`` -> its write calls, for every function that writes a file."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "store" in path.relative_to(PACKAGE).parts:     # the store writes SQLite, not exports
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                calls = _writes(fn)
                if calls and not _takes_released(fn):
                    found[f"{path.relative_to(PACKAGE.parent).as_posix()}:{fn.name}"] = calls
    return found


def test_every_file_writer_takes_released_content():
    bypass = {name: calls for name, calls in file_writers().items() if name not in NOT_EXPORTS}
    assert bypass == {}, ("these functions write files without a Released value: make them take one "
                          "(workbench.release) or, if they are not exports, list them in NOT_EXPORTS with why")


def test_the_allowed_list_is_not_stale():
    assert set(NOT_EXPORTS) <= set(file_writers())


@pytest.mark.parametrize("snippet", [
    "def export(rows, path):\n    open(path, 'w').write('x')\n",
    "def export(fig, path):\n    fig.savefig(path)\n",
    "def export(frame, path):\n    frame.to_csv(path)\n",
    "def export(graph, path):\n    nx.write_graphml(graph, path)\n",
])
def test_the_check_catches_a_raw_exporter(snippet):
    fn = ast.parse(snippet).body[0]
    assert _writes(fn) and not _takes_released(fn)


def test_only_the_gate_constructs_released_values():
    makers = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "gate.py" and path.parent.name == "release":
            continue
        text = path.read_text(encoding="utf-8")
        if "_GATE" in text or "Released(" in text or "Released.__new__" in text:
            makers.append(str(path))
    assert makers == []
