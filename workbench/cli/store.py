"""``workbench store``: the store itself: ``encrypt`` a store file at rest (SQLCipher),
``copy`` a whole store between a file and a team store (either way), ``grants``: the
PostgreSQL roles a DBA grants on a team store."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from urllib.parse import urlsplit

from workbench.cli.common import Context, add_group
from workbench.domain.audit import AuditAction
from workbench.errors import BadInput, NotFound
from workbench.store import encryption, open_store
from workbench.store.copy import copy_store
from workbench.store.grants import GroupRoles, grant_statements, valid_name
from workbench.store.postgres import is_url

ORDER = 87


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "store", "the store itself: encrypt a file at rest, copy to or from a team store",
                      parent)
    p = group.add_parser("encrypt", parents=[parent], help="encrypt the store with a passphrase (SQLCipher)",
                         description="Rewrite the store file encrypted (SQLCipher, AES-256) with a passphrase read "
                                     "from --key-file FILE (its first line) or typed twice at a prompt; never "
                                     "given on the command line. From then on every command needs --key-file "
                                     "or the passphrase, and plain SQLite tools cannot read the file. A team store "
                                     "(postgresql://...) is refused: its server protects it.")
    p.set_defaults(handler=_encrypt)
    p = group.add_parser("copy", parents=[parent], help="copy a whole store into a new, empty one (file or server)",
                         description="Copy every table of a store, ids and audit chain included, into a new, "
                                     "empty store: a store file onto the team server (postgresql://USER@HOST/DB, "
                                     "whose database the DBA made) or the team store into a file for an offline "
                                     "laptop. One transaction on the target; the row counts of every table and "
                                     "the audit chain are checked before it commits, and the copy is audited in "
                                     "both stores.")
    p.add_argument("--from", dest="source", required=True, metavar="STORE",
                   help="the store to copy: a file (--key-file unlocks it if encrypted) or a postgresql:// address")
    p.add_argument("--to", dest="target", required=True, metavar="STORE",
                   help="the new store: a file that does not exist yet, or an empty team store database")
    p.set_defaults(handler=_copy, text=_copy_text)
    p = group.add_parser("grants", parents=[parent], help="print the GRANT statements for a team store's logins",
                         description="Print the SQL a database administrator runs (as a superuser, connected to "
                                     "the team store's database) to make three group roles: a reader (reads "
                                     "every table and view: QGIS, auditors), an analyst (reads and writes, may "
                                     "only add to the audit log, cannot change the schema or the roles table) "
                                     "and an admin (an analyst who may change the roles table, for the logins "
                                     "that hold Workbench's admin role). The database and the owner (who makes "
                                     "the tables) come from --db postgresql://OWNER@HOST/DATABASE; nothing is "
                                     "run. Then give each person a login in one group: CREATE ROLE jsmith "
                                     "LOGIN IN ROLE workbench_analyst.")
    for kind, name in zip(("reader", "analyst", "admin"), GroupRoles().names()):
        p.add_argument(f"--{kind}", default=name, metavar="ROLE", help=f"the {kind}s' group role (default {name})")
    p.set_defaults(handler=_grants, text=_grants_text)


def _encrypt(args, ctx: Context) -> dict:
    if ctx.db_url:
        raise BadInput("store encrypt encrypts a store file; a team store on a PostgreSQL server is protected "
                       "by the server (logins, TLS, disk encryption), not by a passphrase")
    path = ctx.db_path
    if not path.exists():
        raise NotFound(f"there is no store at {path}")
    if encryption.is_encrypted(path):
        raise BadInput(f"{path} is already encrypted (or is not a Workbench store)")
    key = encryption.read_key_file(ctx.key_file) if ctx.key_file else _new_passphrase()
    open_store(path).close()                      # a Workbench store, upgraded, before it is rewritten
    encryption.encrypt(path, key)
    with open_store(path, key=key) as store:
        store.audit(AuditAction.STORE_ENCRYPT, "store", path.name, {"cipher": "SQLCipher (AES-256)"})
    return {"store": str(path), "encrypted": True}


def _copy(args, ctx: Context) -> dict:
    if args.source == args.target:
        raise BadInput("--from and --to name the same store")
    if not is_url(args.target) and Path(args.target).exists():
        raise BadInput(f"{args.target} already exists: copy into a new file (or an empty team store database)")
    if not is_url(args.source) and not Path(args.source).exists():
        raise NotFound(f"there is no store at {args.source}")
    key = None if is_url(args.source) else ctx.key(Path(args.source))
    with open_store(args.source, key=key, must_exist=True) as source:
        try:
            with open_store(args.target) as target:
                return copy_store(source, target, progress=ctx.progress)
        except BaseException:
            _remove_new_file(args.target)
            raise


def _grants(args, ctx: Context) -> dict:
    if not ctx.db_url:
        raise BadInput("store grants is for a team store: give --db postgresql://OWNER@HOST/DATABASE "
                       "(the owner who makes its tables)")
    parts = urlsplit(ctx.db_url)
    owner, database = parts.username or "", parts.path.lstrip("/")
    for name in (owner, database, args.reader, args.analyst, args.admin):
        if not valid_name(name):
            raise BadInput(f"{name!r} is not a plain role name (lower-case letters, digits and _)")
    groups = GroupRoles(args.reader, args.analyst, args.admin)
    return {"database": database, "owner": owner, "statements": grant_statements(database, owner, groups)}


def _grants_text(result: dict) -> str:
    head = (f"-- Group roles for the team store {result['database']} (tables made by {result['owner']}): "
            f"run as a superuser connected to {result['database']}")
    return "\n".join([head, *(f"{s};" for s in result["statements"])])


def _remove_new_file(target: str) -> None:
    """A copy that failed leaves no half-made store file behind (the file was new)."""
    if not is_url(target):
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)


def _copy_text(result: dict) -> str:
    lines = [f"Copied {result['rows']:,} rows from {result['from']} to {result['to']}: every table's count "
             f"matches, and the audit chain ({result['audit_entries']:,} entries) verifies on the copy."]
    lines += [f"  {table:<24} {n:>10,}" for table, n in result["tables"].items() if n]
    return "\n".join(lines)


def _new_passphrase() -> str:
    if not sys.stdin.isatty():
        raise BadInput("no terminal to ask for a passphrase: give --key-file FILE")
    first = getpass.getpass("New passphrase (at least 8 characters): ")
    if len(first) < 8:
        raise BadInput("the passphrase must have at least 8 characters")
    if getpass.getpass("The same passphrase again: ") != first:
        raise BadInput("the two passphrases differ; nothing was changed")
    return first
