"""The ``workbench`` command line: every capability as a command with ``--json`` output.

Every module in this package that defines ``register(subparsers, parent)`` is a
command module (found by :func:`command_modules`, ordered by its ``ORDER`` number).
``register`` adds commands with ``set_defaults(handler=..., text=...)``. A handler takes
``(args, ctx)`` and returns a JSON-able dict; ``text`` (optional) turns that dict into
lines for people. Errors become one line on stderr (and ``{"error": ...}`` with
``--json``) and a non-zero exit; no traceback reaches the user.

Start-up is fast because only the module of the command that runs is imported:
:data:`COMMANDS` names, for each top-level command, the module that registers it and its
one-line help (what ``workbench --help`` lists without importing anything).
``tests/cli/test_cli_startup.py`` checks that this table matches what the modules
register, so a new command module also adds its line here. A command missing from the
table still works: the full parser is built for it.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from workbench import __version__

#: Top-level command -> (command module in this package, one-line help), in help order.
COMMANDS: dict[str, tuple[str, str]] = {
    "import": ("importing", "import offences, intelligence, police.uk files, nominals, missing-person episodes, "
                            "boundaries or a street map"),
    "stats": ("stats", "counts of what the store holds"),
    "generate": ("generate", "generate synthetic demo data with planted series"),
    "link": ("link", "linked-offence analysis: suggest links, find series, train, evaluate"),
    "series": ("link", "manage confirmed series: create, add, remove, merge, split, name"),
    "hotspots": ("hotspots", "find hotspots (KDE or Gi*) and evaluate them"),
    "nearrepeat": ("nearrepeat", "near-repeat (Knox) table of distance x time bands"),
    "streets": ("streets", "find a street by name; build street labels from police.uk"),
    "scan": ("scan", "what is new since your last scan"),
    "search": ("scan", "saved searches of offences or intelligence"),
    "intel": ("intel", "search, show and export intelligence reports"),
    "person": ("intel", "a person's page and subject profile"),
    "people": ("people", "nominals, repeat victims, repeat missing people and nominals as suspects"),
    "network": ("intel", "link chart: expand, paths, measures, communities, export"),
    "settings": ("strategy", "the store's settings (borough, force, marking, TTCG cycle...)"),
    "priorities": ("strategy", "the control strategy: priorities and intelligence requirements"),
    "assessment": ("assessment", "tactical and strategic assessments (QA like a PATP)"),
    "products": ("assessment", "the products register: PATPs and assessments"),
    "insight": ("insight", "performance and insight: which taskings worked, by tactic"),
    "results": ("tasking", "results analysis of an accepted tasking"),
    "pack": ("tasking", "tasking pack of one PATP (PDF and Word)"),
    "pack-meeting": ("tasking", "tasking pack of a TTCG meeting"),
    "patp": ("tasking", "Proactive Assessment and Tasking Proformas (PATPs)"),
    "meeting": ("tasking", "TTCG meetings: agenda, decisions, actions"),
    "returns": ("tasking", "returns to and from the central intelligence bureau"),
    "audit": ("audit", "the tamper-evident audit log: verify and list"),
    "roles": ("roles", "users' roles in this store: grant, revoke, list"),
    "store": ("store", "the store itself: encrypt a file at rest, copy to or from a team store"),
    "demo": ("app", "open the app on the bundled demo store"),
    "gui": ("app", "open the app"),
}

_DESCRIPTION = "Workbench: offline intelligence analysis for Borough Intelligence Units."
_EPILOG = ("Add --json after a command's name for machine-readable output. "
           "The user guide (Help > User guide, or resources/help) documents every command.")


def command_modules() -> list:
    """Every command module of this package, in ``ORDER`` (then name) order."""
    from workbench.discovery import modules_with

    return modules_with(__name__, "register")


def _top_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description=_DESCRIPTION, epilog=_EPILOG)
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument("--db", metavar="PATH", help="the store to use: a file (import and generate create it) "
                        "or a team store's address, postgresql://USER@HOST/DATABASE; default: your user store")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--key-file", metavar="FILE", help="the passphrase of an encrypted store, on the "
                        "first line of FILE (without it you are asked for the passphrase)")
    return parser


def _parser_with(modules: list) -> argparse.ArgumentParser:
    from workbench.cli.common import parent_parser

    parser = _top_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    parent = parent_parser()
    for module in modules:
        module.register(subparsers, parent)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The full parser, every command module imported (the reference and its tests use it)."""
    return _parser_with(command_modules())


def _summary_parser() -> argparse.ArgumentParser:
    """The parser ``workbench --help`` shows: every command listed, no module imported."""
    parser = _top_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        subparsers.add_parser(name, help=help_text)
    return parser


def _command_word(argv: list[str]) -> str | None:
    """The first word of ``argv`` that is not a global option (or its value)."""
    words = iter(argv)
    for word in words:
        if word in ("--db", "--key-file"):
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def parser_for(argv: list[str]) -> argparse.ArgumentParser:
    """The smallest parser that can parse ``argv``: the module of its command only, the
    summary for ``--help``/``--version``/no command, the full parser otherwise."""
    word = _command_word(argv)
    if word in COMMANDS:
        module = importlib.import_module(f"{__name__}.{COMMANDS[word][0]}")
        return _parser_with([module])
    if word is None:
        return _summary_parser()
    return build_parser()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workbench`` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = parser_for(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        target = getattr(args, "help_parser", None) or _summary_parser()
        target.print_help(sys.stderr)
        return 2
    from workbench.cli.common import Context, run_handler

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
