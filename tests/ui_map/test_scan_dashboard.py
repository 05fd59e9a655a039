"""The Scan dashboard: opens on the last scan, runs a scan in the background, groups the
alerts by kind, selects an alert's offences, manages saved searches."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from map_store import X0, Y0, write_offences
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from workbench.app.state import SavedSearchState, ScanState
from workbench.store.scan import list_searches, save_search
from workbench.ui.views import scan_view


def run(view, qtbot):
    """Press Run scan and wait for the scan."""
    qtbot.mouseClick(view.run_button, Qt.LeftButton)
    job = view.job
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


def test_since_a_date_scans_the_offences_committed_since_then(qtbot, map_session):
    """Ticking Since and choosing a date writes the scan's state; the scan reports the
    offences committed since that date (not those added since a last scan)."""
    view = scan_view.create_view(map_session)
    qtbot.addWidget(view)
    view.show()
    assert view.state == ScanState() and not view.since.isEnabled()
    qtbot.mouseClick(view.use_since, Qt.LeftButton)
    assert view.state.use_since and view.since.isEnabled()
    view.since.setDate(QDate(2025, 3, 21))
    assert view.state.since == date(2025, 3, 21) and view.state.since_bound() == "2025-03-21T00:00:00"
    run(view, qtbot)
    # the grid's offence i (0-99) is on day 1 + i % 28 of March: days 21-28 hold 3 x 8 of them
    assert view.report["basis"] == "since" and view.report["since"].startswith("2025-03-21")
    assert view.report["new_offences"] == 24 and "24 new offences committed since 2025-03-21" in view.status.text()


def test_one_source_of_scan_defaults():
    """``workbench scan`` with no options, the scan's parts and the Scan view's state agree."""
    import inspect

    from workbench.cli import build_parser
    from workbench.scan.alerts import near_repeat_alerts
    from workbench.scan.newhotspots import new_hotspots
    from workbench.scan.scanner import period_trends
    from workbench.scan.trends import emerging_trends

    def defaults(function):
        return {n: p.default for n, p in inspect.signature(function).parameters.items()}

    args = build_parser().parse_args(["scan"])
    state = ScanState()
    options = state.scan_options()
    assert args.since is None and state.since_bound() is None
    for name, value in options.items():
        assert getattr(args, name) == value, name
    for function in (period_trends, emerging_trends):
        assert (defaults(function)["alpha"], defaults(function)["min_count"]) == (state.alpha, state.min_count)
    assert (defaults(near_repeat_alerts)["permutations"], defaults(near_repeat_alerts)["seed"]) == \
        (state.permutations, state.seed)
    assert defaults(new_hotspots)["method"] == state.hotspot_method


def test_new_search_saves_what_the_dialog_says(qtbot, map_session, monkeypatch):
    """New search… opens the dialog on the saved-search state's defaults; what the analyst
    fills in is saved (only the fields given) and listed."""
    view = scan_view.create_view(map_session)
    qtbot.addWidget(view)
    seen = []

    def fill_in(dialog):
        seen.append(replace(dialog.state))
        dialog.name.setText("East robbery")
        dialog.category.setCurrentIndex(dialog.category.findData("robbery"))
        dialog.borough.setText(" East ")
        dialog.subscribe.click()                                    # untick: do not report in scans
        dialog.buttons.button(QDialogButtonBox.Save).click()
        return dialog.result()

    monkeypatch.setattr(scan_view.SearchDialog, "exec", fill_in)
    qtbot.mouseClick(view.new_search_button, Qt.LeftButton)
    assert seen == [SavedSearchState()]
    [search] = list_searches(map_session.store, owner=view.user)
    assert (search.name, search.kind, search.filter, search.subscribed) == \
        ("East robbery", "offences", {"categories": ["robbery"], "boroughs": ["East"]}, False)
    assert view.searches.rowCount() == 1 and view.searches.item(0, 1).text() == "East robbery"


def test_a_saved_search_of_intelligence_keeps_only_text_and_borough():
    state = SavedSearchState(name="vans", kind="intel", category="robbery", borough="East", text=" red van ")
    assert state.spec() == {"text": "red van", "borough": "East"}


def test_one_source_of_saved_search_defaults():
    """``search save NAME`` and the New search dialog's state: offences, subscribed, no filter."""
    from workbench.cli import build_parser

    args = build_parser().parse_args(["search", "save", "any"])
    state = SavedSearchState(name="any")
    assert (args.kind, not args.no_subscribe) == (state.kind, state.subscribed)
    assert (args.category, args.borough, args.search_text) == (None, None, None) and state.spec() == {}
