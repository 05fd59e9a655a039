"""``workbench store encrypt``: encrypt a store at rest (SQLCipher)."""

from __future__ import annotations

import getpass
import sys

from workbench.cli.common import Context, add_group
from workbench.domain.audit import AuditAction
from workbench.errors import BadInput, NotFound
from workbench.store import encryption, open_store

ORDER = 87


def register(subparsers, parent) -> None:
    group = add_group(subparsers, "store", "the store file itself: encrypt it at rest", parent)
    p = group.add_parser("encrypt", parents=[parent], help="encrypt the store with a passphrase (SQLCipher)",
                         description="Rewrite the store encrypted (SQLCipher, AES-256) with a passphrase read "
                                     "from --key-file FILE (its first line) or typed twice at a prompt; never "
                                     "given on the command line. From then on every command needs --key-file "
                                     "or the passphrase, and plain SQLite tools cannot read the file.")
    p.set_defaults(handler=_encrypt)


def _encrypt(args, ctx: Context) -> dict:
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


def _new_passphrase() -> str:
    if not sys.stdin.isatty():
        raise BadInput("no terminal to ask for a passphrase: give --key-file FILE")
    first = getpass.getpass("New passphrase (at least 8 characters): ")
    if len(first) < 8:
        raise BadInput("the passphrase must have at least 8 characters")
    if getpass.getpass("The same passphrase again: ") != first:
        raise BadInput("the two passphrases differ; nothing was changed")
    return first
