"""The Scan dashboard: opens on the last scan, runs a scan in the background, groups the
alerts by kind, selects an alert's offences, manages saved searches."""

from __future__ import annotations

from map_store import X0, Y0, write_offences
from PySide6.QtCore import Qt

from workbench.store.scan import list_searches, save_search
from workbench.ui.views import scan_view


def run(view, qtbot):
    job = view.run_scan()
    qtbot.waitUntil(lambda: not job.running, timeout=30000)
    assert job.error is None


def alert_items(view, kind_title):
    tree = view.alerts
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        if top.text(0).startswith(kind_title):
            return [top.child(j) for j in range(top.childCount())]
    raise AssertionError(kind_title)


def test_dashboard_runs_a_scan_and_shows_alerts(qtbot, map_session):
    assert scan_view.TITLE == "Scan" and scan_view.ORDER == 0
    save_search(map_session.store, "West burglary", "offences",
                {"categories": ["burglary"], "boroughs": ["West"]}, owner="test.analyst")
    view = scan_view.create_view(map_session)
    qtbot.addWidget(view)
    assert "No scan yet" in view.status.text()
    run(view, qtbot)
    assert view.new_count.text() != "–"
    searches = alert_items(view, "Saved searches")
    assert len(searches) == 1 and "West burglary" in searches[0].text(0)
    alert = searches[0].data(0, scan_view.ALERT_ROLE)
    assert len(alert.offence_ids) == 50             # the burglaries of the grid fall in West

    got = []
    map_session.selection_changed.connect(got.append)
    assert view.show_alert_offences(searches[0]) == alert.offence_ids
    assert got[-1].origin == "scan" and sorted(got[-1].ids) == sorted(alert.offence_ids)

    write_offences(map_session.store, [{"ref": "M/NEW", "category": "rape", "committed_from": "2025-03-28T22:00",
                                        "easting": X0 + 120, "northing": Y0 + 130}], source="later")
    run(view, qtbot)
    sexual = alert_items(view, "New sexual offences")
    assert len(sexual) == 1 and "Rape M/NEW" in sexual[0].text(0)
    assert alert_items(view, "Saved searches") == []          # nothing new in the search
    view.alerts.setCurrentItem(sexual[0])
    assert "Rape M/NEW" in view.detail.toPlainText()


def test_dashboard_reopens_on_the_last_scan_and_toggles_subscriptions(qtbot, map_session):
    first = scan_view.create_view(map_session)
    qtbot.addWidget(first)
    run(first, qtbot)
    again = scan_view.create_view(map_session)
    qtbot.addWidget(again)
    assert again.status.text().startswith("<b>Last scan</b>")
    assert again.new_count.text() == first.new_count.text()

    save_search(map_session.store, "East", "offences", {"boroughs": ["East"]}, owner="test.analyst")
    again.refresh_searches()
    box = again.searches.item(0, 0)
    assert box.checkState() == Qt.Checked
    box.setCheckState(Qt.Unchecked)
    assert list_searches(map_session.store)[0].subscribed is False


def test_a_sexual_offence_alert_counts_its_candidates_apart_and_gives_their_reasons():
    from workbench.domain.alerts import Alert

    reasons = {"summary": "2 days apart, entry method identical"}
    candidates = [{"offence": f"C/{i}", "id": 10 + i, "score": 0.9 - i / 10, "category": "rape",
                   "reasons": reasons} for i in range(5)]
    alert = Alert("sexual_offence", "Rape M/1 on 1 Mar 2025", [1, 10, 11, 12, 13, 14], None,
                  {"offence": "M/1", "category": "rape", "candidates": candidates})
    assert scan_view.offence_count_text(alert) == "1 + 5 candidates"
    assert "2 days apart, entry method identical" in scan_view.alert_html(alert)
    alone = Alert("sexual_offence", "Rape M/2", [2], None, {"offence": "M/2"})
    assert scan_view.offence_count_text(alone) == "1"
