"""``workbench demo`` and ``workbench gui``: open the desktop application."""

from __future__ import annotations

from contextlib import suppress

from workbench.app.demo import ensure_demo_store, ensure_team_demo
from workbench.cli.common import Context
from workbench.errors import BadInput, NotAvailable
from workbench.paths import default_store_path
from workbench.store import open_store
from workbench.store.offences import stats
from workbench.store.postgres import PasswordNeeded

ORDER = 90


def register(subparsers, parent) -> None:
    p = subparsers.add_parser("demo", parents=[parent], help="open the app on the bundled demo store",
                              description="Open Workbench on the bundled demo store (real police.uk crime "
                                          "for Camden and Islington plus a year of synthetic force records), "
                                          "building it on first run. With --db, build/open the demo store there: a file, or "
                                          "a team store's address (postgresql://...), whose database gets the "
                                          "demo in one transaction when it holds no offences yet.")
    p.add_argument("--headless", action="store_true",
                   help="build the demo store and print what it holds instead of opening a window")
    p.add_argument("--rebuild", action="store_true", help="build the demo store file again from scratch (a team "
                   "store's database is emptied by its administrator)")
    p.set_defaults(handler=_demo, text=_demo_text, help_parser=p)

    p = subparsers.add_parser("gui", parents=[parent], help="open the app",
                              description="Open Workbench on a store (default: your user store): a file, or "
                                          "a team store's address, postgresql://LOGIN@SERVER/DATABASE (the window "
                                          "asks for the password when ~/.pgpass does not hold it).")
    p.set_defaults(handler=_gui, help_parser=p)


def _demo(args, ctx: Context) -> dict:
    from workbench.paths import demo_store_path

    if ctx.db_url:
        return _team_demo(args, ctx)
    path = ctx.db_path if getattr(args, "db", None) else demo_store_path()
    if not args.headless:
        _check_display()
    if args.rebuild and path.exists():
        for suffix in ("", "-wal", "-shm"):
            target = path.with_name(path.name + suffix)
            if target.exists():
                target.unlink()
    if not path.exists():
        ctx.message(f"Building the demo store at {path} (first run; about a minute)…")
    path, built = ensure_demo_store(path, progress=ctx.progress)
    if args.headless:
        with open_store(path) as store:
            return {"store": str(path), "built": built, **stats(store)}
    _open_window(path)
    return {"store": str(path), "built": built}


def _team_demo(args, ctx: Context) -> dict:
    """The demo in a team store: built there (in one transaction) unless it holds offences."""
    assert ctx.db_url is not None
    if args.rebuild:
        raise BadInput("--rebuild empties a demo store file; a team store's database is emptied by its "
                       "administrator (drop and create the database), then `workbench demo` builds it again")
    if not args.headless:
        _check_display()
    url = ctx.db_url
    with open_store(url) as store:
        if not stats(store)["offences"]:
            ctx.message(f"Building the demo into {store.name} (about two minutes)…")
    built = ensure_team_demo(url, progress=ctx.progress)
    if args.headless:
        with open_store(url) as store:
            return {"store": url, "built": built, **stats(store)}
    _open_window(url)
    return {"store": url, "built": built}


def _gui(args, ctx: Context) -> dict:
    if ctx.db_url:
        _check_display()
        with suppress(PasswordNeeded):          # the window asks for it
            open_store(ctx.db_url).close()      # set up/upgrade, with a clear error if it can't
        _open_window(ctx.db_url)
        return {"store": ctx.db_url}
    path = ctx.db_path if getattr(args, "db", None) else default_store_path()
    key = ctx.key()
    open_store(path, key=key).close()          # create/upgrade, with a clear error if it can't
    _open_window(path, key)
    return {"store": str(path)}


def _check_display() -> None:
    """Say in one line, before any work, that no window can open here."""
    from workbench.ui.app import display_problem

    problem = display_problem()
    if problem:
        raise NotAvailable(f"cannot open the window: {problem}. Use `workbench demo --headless` "
                       f"to build and inspect the store without a window")


def _open_window(path, key: str | None = None) -> None:
    _check_display()
    from workbench.ui.app import run_gui

    run_gui(path, key)


def _demo_text(result: dict) -> str:
    if "offences" not in result:
        return f"Closed Workbench ({result['store']})."
    lines = [f"Demo store: {result['store']}" + (" (built now)" if result["built"] else ""),
             f"{result['offences']:,} offences from {result['date_min']} to {result['date_max']}, "
             f"{result['solved']:,} solved, {result['offenders']:,} known offenders",
             f"Boundaries: {result['boundaries'].get('borough', 0)} boroughs, {result['boundaries'].get('ward', 0)} wards",
             "By category:"]
    lines += [f"  {cat:<32} {n:>7,}" for cat, n in result["by_category"].items()]
    return "\n".join(lines)
