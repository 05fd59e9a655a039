"""The ``workbench`` command line: every capability as a command with ``--json`` output.

Every module in this package that defines ``register(subparsers, parent)`` is a
command module (found by :func:`command_modules`, ordered by its ``ORDER`` number, so a
new capability adds a module and touches nothing else). ``register`` adds commands with
``set_defaults(handler=..., text=...)``. A handler takes ``(args, ctx)`` and returns a
JSON-able dict; ``text`` (optional) turns that dict into lines for people. Errors
become one line on stderr (and ``{"error": ...}`` with ``--json``) and a non-zero exit;
no traceback reaches the user (it goes to the log file named in the message).
"""

from __future__ import annotations

import argparse
import sys

from workbench import __version__
from workbench.cli.common import Context, parent_parser, run_handler
from workbench.discovery import modules_with


def command_modules() -> list:
    """The command modules of this package, in ``ORDER`` (then name) order."""
    return modules_with(__name__, "register")


def build_parser() -> argparse.ArgumentParser:
    """The full parser (also used by the test that every command is documented)."""
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Workbench: offline intelligence analysis for Borough Intelligence Units.",
        epilog="Add --json after a command's name for machine-readable output. "
               "The user guide (resources/help) documents every command.")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument("--db", metavar="PATH", help="the store to use (created if missing); "
                        "default: your user store")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    parent = parent_parser()
    for module in command_modules():
        module.register(subparsers, parent)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workbench`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        target = getattr(args, "help_parser", None) or parser
        target.print_help(sys.stderr)
        return 2
    return run_handler(args, Context.from_args(args))


def command_paths(parser: argparse.ArgumentParser | None = None, prefix: tuple = ()) -> list:
    """Every command and sub-command as ``(path, parser)``, e.g. ``(("import", "offences"), p)``;
    used to document and test the whole command line."""
    parser = parser or build_parser()
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((prefix + (name,), sub))
                found += command_paths(sub, prefix + (name,))
    return found
