"""The People view lists nominals by flag, repeat victims and repeat missing people, and
draws a missing person's timeline and map."""

import pytest

pytest.importorskip("PySide6")

from people_handmade import X0, Y0, episode, load, nominal, offence

from workbench.app.session import Session
from workbench.store import open_store


@pytest.fixture
def session(new_store):
    location = new_store()
    store = open_store(location)
    load(store, [offence(f"V{i}", "violence-with-injury", f"2025-02-1{i}T22:00", victim_ref="VR-1") for i in range(3)]
         + [offence("B1", "burglary-residential", "2025-02-01T10:00", offenders=["N2"])],
         [nominal("N1", flags=("rso", "mappa-2"), review_date="2020-01-01", conditions="curfew 22:00-06:00",
                  curfew_from="22:00", curfew_to="06:00"),
          nominal("N2", flags=("iom",))],
         [episode(f"M{i}", "C1", f"2025-02-{10 + 5 * i}T20:00", found=f"2025-02-{11 + 5 * i}T08:00",
                  seen=(X0 + 50 * i, Y0), found_at_xy=(X0 + 900, Y0 + 400 + 30 * i), risk="high" if i else "medium")
          for i in range(3)])
    store.close()
    s = Session(location)
    yield s
    s.close()


def test_people_view_lists_and_draws(qtbot, session):
    from workbench.ui.views import people_view

    view = people_view.create_view(session)
    qtbot.addWidget(view)
    view.resize(1300, 760)
    view.show()
    qtbot.waitUntil(lambda: view.nominals.rowCount() == 2, timeout=10000)
    names = {view.nominals.item(r, 0).text(): r for r in range(2)}
    n1 = names["N1"]
    assert view.nominals.item(n1, 3).text() == "2"                      # MAPPA level
    assert view.nominals.item(n1, 5).foreground().color().name() == "#c0392b"   # overdue review
    assert view.nominals.item(names["N2"], 6).text().startswith("offence 2025-02-01")
    view.nominals.selectRow(n1)
    assert "MAPPA" in view.page.toPlainText() and "overdue" in view.page.toPlainText()
    assert view.victims.rowCount() == 1 and view.victims.item(0, 0).text() == "VR-1"
    assert view.missing.rowCount() == 1 and view.missing.item(0, 0).text() == "C1"
    view.tabs.setCurrentIndex(2)
    view.missing.selectRow(0)
    assert len(view.timeline.episodes) == 3 and len(view.map.episodes) == 3
    image = view.grab().toImage()
    assert image.width() > 0
    # the map draws something other than its background where a found point is
    colours = {view.map.grab().toImage().pixelColor(x, y).name()
               for x in range(0, view.map.width(), 7) for y in range(0, view.map.height(), 7)}
    assert "#c0392b" in colours or len(colours) > 3


def test_choosing_a_flag_filters_the_nominals(qtbot, session):
    from workbench.ui.views import people_view

    view = people_view.create_view(session)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.nominals.rowCount() == 2, timeout=10000)
    view.flag.setCurrentIndex(view.flag.findData("iom"))
    qtbot.waitUntil(lambda: view.nominals.rowCount() == 1, timeout=10000)
    assert view.nominals.item(0, 0).text() == "N2" and view.state.flags() == ["iom"]


def test_one_source_of_people_defaults():
    """The people commands, the overview functions and the People view's state agree."""
    import inspect

    from workbench.app.state import PeopleState
    from workbench.cli import build_parser
    from workbench.people.overview import repeat_missing, repeat_victims

    state = PeopleState()
    parser = build_parser()
    victims, missing = parser.parse_args(["people", "victims"]), parser.parse_args(["people", "missing"])
    assert parser.parse_args(["people", "nominals"]).flag is None and state.flags() is None
    victim_defaults = inspect.signature(repeat_victims).parameters
    missing_defaults = inspect.signature(repeat_missing).parameters
    assert (victims.minimum, victims.days) == (victim_defaults["min_offences"].default, victim_defaults["days"].default) \
        == (state.victim_offences, state.victim_days)
    assert (missing.minimum, missing.days) == (missing_defaults["min_episodes"].default, missing_defaults["days"].default) \
        == (state.missing_episodes, state.missing_days)


def test_the_suspects_panel_names_nominals(qtbot, store):
    from people_handmade import X0 as x0

    from workbench.store.offences import find_by_ref
    from workbench.ui.linkage.suspects_panel import SuspectsPanel

    load(store, [offence("S1", "sexual-assault", "2025-03-05T23:00", suspect={"sex": "M", "height_cm": "180"}),
                 offence("H1", "exposure", "2024-06-01T12:00", x=x0 - 2000, offenders=["N2"])],
         [nominal("N1", born="1985-06-01", offending="sexual-assault"), nominal("N2", x=x0 + 1500, flags=("iom",))])
    panel = SuspectsPanel()
    qtbot.addWidget(panel)
    panel.show_offence(store, find_by_ref(store, "S1"))
    assert "Nominals near by who fit" in panel.heading.text() and "N1 (rso" in panel.heading.text()
    assert panel.table.item(0, 0).text() == "N2 (iom)"
    assert "Nominal</b> (iom)" in panel.reasons.toHtml() or "Nominal" in panel.reasons.toPlainText()
