"""The store watcher: other people's changes (another analyst, another Workbench on the
same file) reach the session's views as events with a one-line note; the session's own
changes do not."""

from __future__ import annotations

import pytest

from workbench.app.session import Session
from workbench.app.watcher import StoreWatcher
from workbench.errors import StoreError
from workbench.ingest.offences_csv import import_offences
from workbench.linkage.decisions import DecideLink
from workbench.store import open_store
from workbench.store.offences import find_by_ref

CSV = ("offence_ref,category,committed_from,easting,northing,borough\n"
       + "".join(f"R{i},burglary-residential,2025-03-0{1 + i}T12:00,{530000 + 100 * i},180000,Camden\n"
                 for i in range(4)))


@pytest.fixture
def session(new_store, tmp_path):
    csv = tmp_path / "o.csv"
    csv.write_text(CSV)
    session = Session(new_store("team"))
    import_offences(session.store, [csv])
    yield session
    session.close()


def _heard(session) -> list:
    heard: list = []
    session.changed.connect(heard.append)
    return heard


def test_another_analysts_link_decision_is_heard_with_who_did_it(session, act_as):
    watcher = StoreWatcher(session)
    heard = _heard(session)
    assert watcher.poll() is None and heard == []          # nothing changed: one tiny query, no events
    act_as("jsmith")
    with open_store(session.location) as other:             # another analyst's Workbench
        a, b = find_by_ref(other, "R0"), find_by_ref(other, "R1")
        DecideLink(a, b, "confirmed", why="same car").do(other)
    act_as("test.analyst")
    assert watcher.poll() == "jsmith confirmed a link"
    assert [c.kind for c in heard] == ["links"]
    assert heard[0].detail == {"remote": True, "users": ["jsmith"]}
    assert watcher.poll() is None and len(heard) == 1       # told once


def test_own_changes_are_not_news_but_another_process_of_the_same_user_is(session, tmp_path):
    watcher = StoreWatcher(session)
    heard = _heard(session)
    a, b = find_by_ref(session.store, "R0"), find_by_ref(session.store, "R1")
    session.run(DecideLink(a, b, "confirmed"))              # this window's own decision
    worker = session.open_worker_store()                     # and its background job's import
    csv = tmp_path / "more.csv"
    csv.write_text(CSV.replace("R", "S"))
    import_offences(worker, [csv])
    worker.close()
    heard.clear()
    assert watcher.poll() is None and heard == []
    with open_store(session.location) as other:             # the same login in another Workbench
        DecideLink(a, b, "rejected").do(other)
    assert watcher.poll() == "test.analyst rejected a link"
    assert [c.kind for c in heard] == ["links"]


def test_an_import_and_several_changes_are_summed_up(session, tmp_path, act_as):
    watcher = StoreWatcher(session)
    heard = _heard(session)
    csv = tmp_path / "more.csv"
    csv.write_text(CSV.replace("R", "T"))
    act_as("akhan")
    with open_store(session.location) as other:
        a, b = find_by_ref(other, "R0"), find_by_ref(other, "R2")
        DecideLink(a, b, "rejected").do(other)
    act_as("jsmith")
    with open_store(session.location) as other:
        import_offences(other, [csv])
    assert watcher.poll() == "jsmith imported 4 offences (and 1 more change by akhan, jsmith)"
    assert [c.kind for c in heard] == ["links", "offences"]


def test_a_lost_connection_is_one_clear_line(session):
    watcher = StoreWatcher(session)
    session.store._conn.close()                              # the server went away
    with pytest.raises(StoreError, match="cannot look for other people's changes to"):
        watcher.poll()
