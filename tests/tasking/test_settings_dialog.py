"""The Settings dialog: saves checked settings (undoable), refuses a marking above the
accreditation level in the dialog, and manages the control strategy."""

import pytest

pytest.importorskip("PySide6")

from handmade import make_borough

from workbench.app.session import Session
from workbench.store import open_store


@pytest.fixture
def session(new_store):
    db = new_store("s")
    with open_store(db) as store:
        make_borough(store)
    s = Session(db)
    yield s
    s.close()


def test_settings_dialog_saves_refuses_and_undoes(qtbot, session):
    from workbench.ui.tasking.settings_dialog import SettingsDialog

    dialog = SettingsDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.fields["ttcg_cycle_days"].currentText() == "fortnightly"
    dialog.fields["ttcg_cycle_days"].setCurrentText("weekly")
    dialog.fields["borough"].setText("Testborough")
    assert dialog.save() and dialog.message.text() == "2 setting(s) saved."
    assert session.store.setting("ttcg_cycle_days") == "7" and session.store.setting("borough") == "Testborough"
    dialog.fields["security_marking"].setCurrentText("SECRET")
    assert not dialog.save()
    assert "accreditation level" in dialog.message.text()
    assert session.store.setting("security_marking") == "OFFICIAL-SENSITIVE"
    session.commands.undo()                       # the borough, then the cycle
    session.commands.undo()
    assert session.store.setting("ttcg_cycle_days") == "14"
    assert dialog.fields["ttcg_cycle_days"].currentText() == "fortnightly"   # the dialog follows the undo
    dialog.grab().save("/tmp/settings_dialog.png")


def test_control_strategy_tab(qtbot, session):
    from workbench.ui.tasking.settings_dialog import SettingsDialog

    dialog = SettingsDialog(session)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(1)
    dialog.show()
    assert dialog.priorities.rowCount() == 3
    assert not dialog.add_priority("Knife crime", [], "Insp Patel")
    assert "categories" in dialog.message.text()
    assert dialog.add_priority("Robbery", ["robbery"], "Insp Patel")
    assert dialog.priorities.rowCount() == 4 and dialog.priorities.item(3, 0).text() == "Robbery"
    assert dialog.add_requirement(3, "Where are stolen phones sold?")
    assert dialog.priorities.item(3, 3).text() == "Where are stolen phones sold?"
    assert dialog.retire_priority(1)              # Vehicle crime
    assert [dialog.priorities.item(r, 0).text() for r in range(3)] == ["Burglary", "Serious sexual offences",
                                                                       "Robbery"]
    dialog.resize(900, 420)
    dialog.grab().save("/tmp/settings_strategy.png")
