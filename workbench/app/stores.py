"""Which store the app opens: a typed location checked, a trial connection, and the last
few stores opened (File > Open Store… lists them).

A location is a store file or a team store's ``postgresql://login@server/database``
address; an address never holds a password (:func:`workbench.store.postgres.check_url`),
so the list of recent stores, kept in the user's folder, never holds one either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from workbench.errors import BadInput, Cancelled, NotFound
from workbench.paths import user_data_dir
from workbench.store import open_store
from workbench.store.encryption import is_encrypted
from workbench.store.postgres import check_url, is_url

#: How many stores File > Open Store… remembers.
RECENT = 6
#: Where they are remembered, in the user's folder.
RECENT_FILE = "recent-stores.json"
#: What the Open Store dialog and its messages call a team store's address.
ADDRESS_FORM = "postgresql://login@server/database"


def checked_location(text: str) -> str:
    """``text`` as a store location: an existing store file (absolute path) or a team
    store's address; a clear :class:`~workbench.errors.UserError` otherwise."""
    text = text.strip()
    if not text:
        raise BadInput(f"give a store file, or a team store's address ({ADDRESS_FORM})")
    if "://" in text:
        if not is_url(text):
            raise BadInput(f"{text} is not a team store's address: it starts postgresql:// ({ADDRESS_FORM})")
        return check_url(text)
    path = Path(text).expanduser()
    if path.is_dir():
        raise BadInput(f"{path} is a folder: choose a store file in it")
    if not path.exists():
        raise NotFound(f"there is no store at {path}: check the path, or import data into a new store "
                       f"(workbench --db {path} import ...)")
    return str(path.resolve())


def is_encrypted_file(location: str) -> bool:
    """True for a store file encrypted at rest (it opens with its passphrase only)."""
    return not is_url(location) and is_encrypted(Path(location))


def secret_option(location: str, secret: str | None) -> dict[str, str | None]:
    """What a typed secret is to :func:`~workbench.store.open_store` and the session: a team
    store's password, or an encrypted file's passphrase."""
    return {"password": secret} if is_url(location) else {"key": secret}


def try_open(location: str, secret: str | None = None, cancelled: Callable[[], bool] = lambda: False) -> None:
    """Open the store at ``location`` once and close it: connects, checks it is a Workbench
    store and brings its schema up to date (so the window then opens at once); ``secret``
    is the typed password or passphrase (:func:`secret_option`). Raises
    :class:`~workbench.store.postgres.PasswordNeeded` when the server wants a password
    the password file does not hold, another UserError for anything else wrong, and
    :class:`~workbench.errors.Cancelled` when ``cancelled()`` turned true meanwhile."""
    options = secret_option(location, secret)
    open_store(location, must_exist=True, key=options.get("key"), password=options.get("password")).close()
    if cancelled():
        raise Cancelled("opening the store was cancelled")


def recent_stores() -> list[str]:
    """The stores opened last, newest first (an unreadable list is an empty one)."""
    try:
        found = json.loads((user_data_dir() / RECENT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [s for s in found if isinstance(s, str)][:RECENT] if isinstance(found, list) else []


def remember_store(location: str) -> list[str]:
    """Put ``location`` first in the recent stores and return the list."""
    stores = [location, *(s for s in recent_stores() if s != location)][:RECENT]
    folder = user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RECENT_FILE).write_text(json.dumps(stores, indent=1), encoding="utf-8")
    return stores
