"""The command reference of the user guide, generated from the argument parsers.

``python -m workbench.cli.reference`` rewrites ``resources/help/commands.md``; a test
fails when the file is stale, so the reference always says what ``--help`` says.
"""

from __future__ import annotations

import argparse
import sys

from workbench.paths import resource_path

PREAMBLE = """\
# Command reference

Every capability of the desktop app is also a `workbench` command. This page is
generated from the commands themselves (`python -m workbench.cli.reference`), so it says
exactly what `workbench COMMAND --help` says.

Options every command takes, before or after its name: `--db PATH` (the store; without
it, your user store) and `--json` (one JSON object on stdout; messages and progress go to
stderr). A command that fails exits with status 1 and one line on stderr (with `--json`,
also `{"error": "..."}` on stdout); no traceback is ever shown (details go to
`workbench-errors.log` in the user folder). A mistyped command or option prints the usage
and exits with status 2. Dates are ISO dates (`2025-03-01`) or months (`2025-03`, the
whole month). An option shown as `--category C` may be given several times.
"""

_COMMON = {"-h", "--help", "--json", "--db"}
_WIDTH = 96


def _formatter(parser: argparse.ArgumentParser) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(parser.prog, width=_WIDTH)


def _help_of(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    """An action's help with argparse's ``%(default)s``-style expansion applied."""
    if not action.help or action.help == argparse.SUPPRESS:
        return ""
    return " ".join(_formatter(parser)._expand_help(action).split())


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = _formatter(parser)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups, prefix="")
    return formatter.format_help().strip()


def _option_name(action: argparse.Action) -> str:
    if not action.option_strings:
        return action.metavar or action.dest
    name = ", ".join(action.option_strings)
    if action.nargs == 0:
        return name
    metavar = action.metavar or action.dest.upper()
    return f"{name} {' '.join(metavar) if isinstance(metavar, tuple) else metavar}"


def _section(path: tuple, parser: argparse.ArgumentParser, summary: str) -> list[str]:
    lines = [f"## `workbench {' '.join(path)}`", ""]
    text = " ".join((parser.description or summary or "").split())
    if text:
        lines += [text, ""]
    lines += ["```", _usage(parser), "```", ""]
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                rows.append((f"`{choice.dest}`", _help_of(parser, choice)))
        elif not set(action.option_strings) & _COMMON:
            rows.append((f"`{_option_name(action)}`", _help_of(parser, action)))
    if rows:
        lines += ["| argument | meaning |", "|---|---|"]
        lines += [f"| {name} | {meaning.replace('|', '&#124;')} |" for name, meaning in rows]
        lines.append("")
    return lines


def reference_markdown() -> str:
    """The whole command reference as Markdown."""
    from workbench.cli import build_parser, command_paths

    parser = build_parser()
    paths = command_paths(parser)
    summaries = {(): ""}
    for path, sub in [((), parser)] + paths:
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                summaries.update({path + (c.dest,): _help_of(sub, c) for c in action._choices_actions})
    lines = [PREAMBLE]
    for path, sub in paths:
        lines += _section(path, sub, summaries.get(path, ""))
    return "\n".join(lines).rstrip() + "\n"


def reference_file():
    """Where the generated reference lives in the user guide."""
    return resource_path("help", "commands.md")


if __name__ == "__main__":
    reference_file().write_text(reference_markdown(), encoding="utf-8")
    print(f"wrote {reference_file()}", file=sys.stderr)
