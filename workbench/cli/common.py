"""What every command shares: options, the store context, output and error handling."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errorlog import error_message
from workbench.errors import BadInput, NotFound
from workbench.ingest.timeparse import period_bounds
from workbench.paths import default_store_path
from workbench.store import Store, open_store
from workbench.store.encryption import is_encrypted, read_key_file
from workbench.store.postgres import PasswordNeeded, display_name, is_url


def parent_parser() -> argparse.ArgumentParser:
    """Options every command accepts after its name (``--json``, ``--db``)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print one JSON object on stdout (messages go to stderr)")
    parent.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="the store to use: a file (import and generate create it) or a team store's "
                             "address, postgresql://USER@HOST/DATABASE (password from ~/.pgpass or asked for)")
    parent.add_argument("--key-file", metavar="FILE", default=argparse.SUPPRESS,
                        help="the passphrase of an encrypted store, on the first line of FILE "
                             "(without it you are asked for the passphrase)")
    return parent


def add_force(parser: argparse.ArgumentParser) -> None:
    """``--force``: an export may replace an existing file (never the store, never a link)."""
    parser.add_argument("--force", action="store_true",
                        help="replace an existing output file (never the store, never through a link)")


def add_group(subparsers, name: str, help_text: str, parent) -> argparse._SubParsersAction:
    """A command with sub-commands (``import``, ``link``...); returns its subparsers."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text, parents=[parent])
    parser.set_defaults(help_parser=parser)
    return parser.add_subparsers(dest=f"{name}_command", metavar="SUBCOMMAND")


@dataclass
class Context:
    """What a handler gets besides its arguments."""

    db_path: Path
    json: bool
    creates_store: bool = False
    db_url: str | None = None
    key_file: str | None = None
    _store: Store | None = field(default=None, repr=False)
    _told_waiting: bool = field(default=False, repr=False)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        """The context of a parsed command line. Commands that bring data in (``import``,
        ``generate``) set ``creates_store``; every other command reads an existing store."""
        db = getattr(args, "db", None)
        return cls(Path(db) if db else default_store_path(), bool(getattr(args, "json", False)),
                   bool(getattr(args, "creates_store", False)), db if db and "://" in db else None,
                   getattr(args, "key_file", None))

    @property
    def location(self) -> str:
        """The store file, or the team store's address."""
        return self.db_url or str(self.db_path)

    def store(self) -> Store:
        """The store, opened (and upgraded) on first use; created only by commands that
        bring data in, so a mistyped ``--db`` never leaves an empty store behind."""
        if self._store is None:
            if self.db_url:
                self._store = self._open_team_store()
            else:
                if not self.creates_store and not self.db_path.exists():
                    raise NotFound(f"there is no store at {self.db_path}: import data into it first "
                                   f"(workbench --db {self.db_path} import ...), or check the path")
                self._store = open_store(self.db_path, key=self.key())
            self._store.on_wait = self._waiting
        return self._store

    def _open_team_store(self) -> Store:
        """A PostgreSQL store: the password from the password file, else asked for when
        someone is at the terminal; a database Workbench has not set up is "no store"
        for reading commands, as a missing file is."""
        assert self.db_url is not None
        if not is_url(self.db_url):
            raise BadInput(f"--db {self.db_url}: a team store's address starts postgresql://")
        try:
            return open_store(self.db_url, must_exist=not self.creates_store)
        except PasswordNeeded:
            if not sys.stdin.isatty():
                raise
        password = getpass.getpass(f"Password for {display_name(self.db_url)}: ")
        return open_store(self.db_url, must_exist=not self.creates_store, password=password)

    def _waiting(self, fraction: float, message: str) -> None:
        """A write waits for another writer: say who, once, then show the wait."""
        if not self._told_waiting:
            self.message(message)
            self._told_waiting = True
        self.progress(fraction, "waiting for the store")

    def key(self, path: Path | None = None) -> str | None:
        """The passphrase of an encrypted store (``--db``'s, or the file ``path``): from
        ``--key-file``, else asked for when the store is encrypted and someone is at the
        terminal (never from the command line)."""
        if path is None and self.db_url:
            return None
        path = path or self.db_path
        if self.key_file:
            return read_key_file(self.key_file)
        if is_encrypted(path) and sys.stdin.isatty():
            return getpass.getpass(f"Passphrase for {path.name}: ")
        return None

    def progress(self, fraction: float, message: str) -> None:
        """Progress on stderr, only when a person is watching a terminal."""
        if sys.stderr.isatty():
            bar = "#" * int(fraction * 30)
            sys.stderr.write(f"\r[{bar:<30}] {fraction * 100:5.1f}% {message[:60]:<60}")
            if fraction >= 1.0:
                sys.stderr.write("\n")
            sys.stderr.flush()

    def message(self, text: str) -> None:
        """A message for people (stderr, never mixed with JSON)."""
        print(text, file=sys.stderr)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def period(text: str | None, *, end: bool = False) -> str | None:
    """A ``--from``/``--to`` value as a filter bound (months cover the whole month)."""
    return period_bounds(text, end=end) if text else None


def run_handler(args: argparse.Namespace, ctx: Context) -> int:
    """Run a command's handler and print its result; map errors to exit codes."""
    handler: Callable[[argparse.Namespace, Context], dict] = args.handler
    text: Callable[[dict], str] | None = getattr(args, "text", None)
    try:
        resolve_area_options(args, ctx)
        result = handler(args, ctx)
    except KeyboardInterrupt:
        return _fail(ctx, "interrupted: nothing was changed")
    except Exception as exc:  # a UserError's message, or "internal error, logged to ..."
        return _fail(ctx, error_message(exc))
    finally:
        ctx.close()
    try:
        if ctx.json:
            print(json.dumps(result, default=_json_default, ensure_ascii=False))
        else:
            print(text(result) if text else format_plain(result))
        sys.stdout.flush()
    except BrokenPipeError:        # the reader (e.g. `| head`) stopped reading: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def resolve_area_options(args: argparse.Namespace, ctx: Context) -> None:
    """``--borough`` and ``--ward`` values, for every command that takes them, replaced
    by the store's spelling (``camden`` -> ``Camden``); an unknown name is a one-line
    error with a suggestion and the loaded names (:func:`workbench.store.boundaries.resolve_areas`)."""
    from workbench.store.boundaries import resolve_areas

    for option in ("borough", "ward"):
        value = getattr(args, option, None)
        if not value:
            continue
        names = resolve_areas(ctx.store(), [value] if isinstance(value, str) else value, option)
        setattr(args, option, names[0] if isinstance(value, str) else names)


def _fail(ctx: Context, message: str) -> int:
    message = " ".join(message.split())
    print(f"workbench: error: {message}", file=sys.stderr)
    if ctx.json:
        print(json.dumps({"error": message}))
    return 1


def _json_default(value: Any):
    if hasattr(value, "item"):          # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):        # numpy arrays
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def format_plain(result: dict, indent: int = 0) -> str:
    """A readable rendering of a result dict for people (nested keys indented), for
    commands without a text form of their own: never a Python ``None``, dict or list.

    >>> print(format_plain({"series": [{"id": "C-1", "offences": ["A", "B"], "risk": None}],
    ...                     "by_category": {"burglary": 2}, "score": 0.81234, "done": True}))
    series: 1
      - id C-1, offences A, B, risk –
    by category:
      burglary: 2
    score: 0.8123
    done: yes
    """
    lines = []
    pad = "  " * indent
    for key, value in result.items():
        label = str(key).replace("_", " ")
        if isinstance(value, dict):
            lines.append(f"{pad}{label}:")
            lines.append(format_plain(value, indent + 1) if value else f"{pad}  (none)")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{pad}{label}: {len(value)}")
            for item in value[:50]:
                lines.append(pad + "  - " + ", ".join(f"{str(k).replace('_', ' ')} {_scalar(v)}"
                                                      for k, v in item.items()))
            if len(value) > 50:
                lines.append(f"{pad}  ... and {len(value) - 50} more (use --json for all)")
        else:
            lines.append(f"{pad}{label}: {_scalar(value)}")
    return "\n".join(lines)


def _scalar(value: Any) -> str:
    """One value on one line, in words: ``–`` for nothing, ``yes``/``no``, lists joined
    with commas, nested mappings as ``key: value`` pairs, numbers to four figures."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "; ".join(f"{str(k).replace('_', ' ')}: {_scalar(v)}" for k, v in value.items()) or "–"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_scalar(v) for v in value]
        return (" | " if any(isinstance(v, (dict, list, tuple)) for v in value) else ", ").join(items) or "none"
    return str(value)
