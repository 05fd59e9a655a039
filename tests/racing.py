"""Two analysts at once, for real: separate processes that each open the store, read
what they are about to change, wait until every one has read it, then write.

``race(location, read, write, {"jsmith": arg, ...})`` runs ``read(store, arg)`` in one
process per analyst (acting as that login), lets them all pass a barrier once every read
is done, then calls ``write(store, arg, seen)`` with what each read. It returns, per
analyst, ``("saved", None)`` or ``("conflict", message)``. ``read`` and ``write`` must be
module-level functions (the processes are spawned, not forked: a forked database
connection is shared, not separate).
"""

from __future__ import annotations

import multiprocessing


def _analyst(location, user, read, write, argument, barrier, results) -> None:
    from workbench import identity
    from workbench.errors import Conflict
    from workbench.store import open_store

    identity._os_login = lambda: user              # as tests/conftest.py's act_as does
    identity.use_database_login = lambda name: None
    try:
        with open_store(location) as store:
            seen = read(store, argument)
            barrier.wait(timeout=120)
            try:
                write(store, argument, seen)
                results.put((user, "saved", None))
            except Conflict as exc:
                results.put((user, "conflict", str(exc)))
    except Exception as exc:                    # reported to the test, not lost in the child
        results.put((user, "error", f"{type(exc).__name__}: {exc}"))


def race(location: str, read, write, analysts: dict) -> dict[str, tuple[str, str | None]]:
    """Run one process per analyst (see the module's docstring); their outcomes by login."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(analysts))
    results = context.Queue()
    processes = [context.Process(target=_analyst, args=(location, user, read, write, argument, barrier, results))
                 for user, argument in analysts.items()]
    for process in processes:
        process.start()
    outcomes = {}
    for _ in processes:
        user, outcome, message = results.get(timeout=300)
        outcomes[user] = (outcome, message)
    for process in processes:
        process.join(timeout=60)
    return outcomes
