"""The README's commands are the ones CI runs, and every command is documented."""

from pathlib import Path

from workbench.cli import command_paths

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "resources" / "help").glob("*.md")))


def test_first_lines_give_the_install_and_test_commands():
    head = "\n".join(README.splitlines()[:10])
    assert 'pip install -e . && workbench demo' in head
    assert 'pip install -e ".[test]" && pytest' in head


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install -e ".[test]" && pytest' in ci


def test_every_command_is_in_the_guide():
    missing = [" ".join(path) for path, _ in command_paths() if f"workbench {' '.join(path)}" not in GUIDE
               and f"`{' '.join(path)}`" not in GUIDE]
    assert missing == []


def test_the_command_reference_is_current():
    from workbench.cli.reference import reference_file, reference_markdown

    assert reference_file().read_text(encoding="utf-8") == reference_markdown(), (
        "resources/help/commands.md is stale: run `python -m workbench.cli.reference`")


def test_every_command_and_argument_says_what_it_is():
    """No blank line in the reference: each command has a description (or its help) and
    each of its arguments a help text."""
    import argparse

    from workbench.cli.reference import _COMMON

    blank = []
    for path, sub in command_paths():
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction) or set(action.option_strings) & _COMMON:
                continue
            if not action.help:
                blank.append(f"workbench {' '.join(path)}: {'/'.join(action.option_strings) or action.dest}")
    assert blank == [], "add help= to these arguments"
    from workbench.cli.reference import reference_markdown

    text = reference_markdown()
    assert "|  |" not in text and "%%" not in text
    sections = text.split("\n## ")[1:]
    assert all(section.split("\n")[2].strip() != "```" for section in sections), "a command without a description"
