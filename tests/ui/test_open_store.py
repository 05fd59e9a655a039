"""File > Open Store…: a store file or a team store's address; the password asked for
only when the server wants one the password file does not hold, never shown or kept;
a bad location is one line in the dialog; the store opens in place of the current one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from workbench.app.session import Session
from workbench.app.stores import recent_stores
from workbench.store import open_store
from workbench.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path):
    open_store(tmp_path / "other.sqlite").close()
    session = Session(tmp_path / "mine.sqlite")
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    yield win
    session.close()
    for opened in list(MainWindow.opened):
        opened.close()


def click_open(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Open), Qt.LeftButton)


def opened_window(qtbot) -> MainWindow:
    qtbot.waitUntil(lambda: bool(MainWindow.opened), timeout=10000)
    return MainWindow.opened[-1]


def test_a_store_file_opens_in_place_of_the_current_one_and_is_remembered(window, qtbot, tmp_path):
    dialog = window.open_store()
    assert not dialog.password.isVisible()                      # no password for a file
    qtbot.keyClicks(dialog.location, str(tmp_path / "other.sqlite"))
    click_open(qtbot, dialog)
    new = opened_window(qtbot)
    assert new.windowTitle() == "Workbench — other.sqlite"
    assert "Store: <b>other.sqlite</b>" in new.store_label.text()
    assert not window.isVisible() and not dialog.isVisible()
    assert recent_stores() == [str(tmp_path / "other.sqlite")]
    again = new.open_store()                                    # the last stores used are offered
    assert [again.recent.item(i).text() for i in range(again.recent.count())] == [str(tmp_path / "other.sqlite")]
    again.recent.setCurrentRow(0)
    assert again.location.text() == str(tmp_path / "other.sqlite")
    again.close()


@pytest.mark.parametrize(("typed", "said"), [
    ("", "give a store file, or a team store's address (postgresql://login@server/database)"),
    ("nowhere.sqlite", "there is no store at nowhere.sqlite: check the path"),
    ("mysql://me@server/camden", "mysql://me@server/camden is not a team store's address: it starts postgresql://"),
    ("postgresql://me:secret@server/camden", "a store address must not contain a password"),
    ("postgresql://me@server/", "postgresql://me@server/ names no database"),
])
def test_a_bad_location_is_one_line_in_the_dialog(window, qtbot, typed, said):
    dialog = window.open_store()
    dialog.location.setText(typed)
    click_open(qtbot, dialog)
    assert dialog.message.text().startswith(said) and "Traceback" not in dialog.message.text()
    assert dialog.isVisible() and not MainWindow.opened


def test_an_unreachable_server_is_said_without_freezing(window, qtbot):
    dialog = window.open_store()
    dialog.location.setText("postgresql://jsmith@127.0.0.1:9/camden")       # nothing listens on port 9
    click_open(qtbot, dialog)
    assert dialog.job is not None                                           # connecting in the background
    qtbot.waitUntil(lambda: not dialog.job.running, timeout=15000)
    assert dialog.message.text().startswith("cannot open the team store camden on 127.0.0.1: ")
    assert dialog.isVisible() and not MainWindow.opened and window.isVisible()


def test_the_password_is_asked_only_when_the_server_wants_it(window, qtbot, pg_server, tmp_path, monkeypatch):
    from pgauth import PasswordProxy

    proxy = PasswordProxy(pg_server.url, "s3cret")
    database = pg_server.new_database()
    address = proxy.address(database)
    dialog = window.open_store()
    dialog.location.setText(database)               # a database no one has made a store in
    click_open(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.job.running, timeout=10000)
    assert dialog.message.text().startswith("there is no Workbench store in the database")
    dialog.close()
    open_store(database).close()
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    dialog = window.open_store()
    dialog.location.setText(address)
    click_open(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.password.isVisible(), timeout=10000)
    assert dialog.message.text().endswith(" on 127.0.0.1 needs the password of postgres: type it here (it is not "
                                          "kept), or put it in your PostgreSQL password file (~/.pgpass)")
    assert dialog.password.echoMode() == QLineEdit.Password
    qtbot.keyClicks(dialog.password, "wrong")
    click_open(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.message.text() == "the password was not accepted: type it again", timeout=10000)
    assert dialog.password.text() == ""             # cleared, asked again
    qtbot.keyClicks(dialog.password, "s3cret")
    click_open(qtbot, dialog)
    new = opened_window(qtbot)
    assert new.windowTitle().endswith("(signed in as postgres)")
    assert "Team store: <b>" in new.store_label.text()
    assert recent_stores() == [address]
    from workbench.app.stores import RECENT_FILE
    from workbench.paths import user_data_dir
    assert "s3cret" not in (user_data_dir() / RECENT_FILE).read_text()   # never kept
    worker = new.session.open_worker_store()        # background jobs connect with it too
    worker.close()

    pgpass = tmp_path / "pgpass"                     # with the password in the password file: no question
    pgpass.write_text(f"127.0.0.1:{proxy.port}:*:postgres:s3cret\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    asked = proxy.asked
    dialog = new.open_store()
    dialog.recent.setCurrentRow(0)
    click_open(qtbot, dialog)
    qtbot.waitUntil(lambda: len(MainWindow.opened) == 1 and MainWindow.opened[0] is not new, timeout=10000)
    assert not dialog.password.isVisible() and proxy.asked > asked
    proxy.close()


def test_the_app_started_on_a_team_store_asks_for_the_password_first(qtbot, pg_server, tmp_path, monkeypatch):
    """``workbench gui --db postgresql://...`` with no password in the password file: the
    Open Store dialog asks before the window opens; cancelling it opens nothing."""
    from pgauth import PasswordProxy
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from workbench.ui.app import _first_session

    proxy = PasswordProxy(pg_server.url, "s3cret")
    database = pg_server.new_database()
    open_store(database).close()
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    seen = []

    def answer(password: str | None) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, lambda: answer(password))
            return
        seen.append((dialog.location.text(), dialog.password.isVisible(), dialog.message.text()))
        if password is None:
            dialog.reject()
        else:
            dialog.password.setText(password)
            dialog.open_store()

    QTimer.singleShot(50, lambda: answer("s3cret"))
    session = _first_session(proxy.address(database), None)
    assert session is not None and session.store.login == "postgres"
    assert seen[0][:2] == (proxy.address(database), True) and "needs the password of postgres: type it here" in seen[0][2]
    session.close()
    QTimer.singleShot(50, lambda: answer(None))
    assert _first_session(proxy.address(database), None) is None
    proxy.close()


@pytest.mark.parametrize(("address", "said"), [
    ("postgresql://me:secret@server/camden", "a store address must not contain a password"),
    ("postgresql://me@127.0.0.1:9/camden", "cannot open the team store camden on 127.0.0.1: "),
])
def test_gui_on_a_bad_team_store_address_says_so_in_one_line(capsys, address, said):
    from workbench.cli import main

    assert main(["gui", "--db", address]) == 1
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_the_demo_on_a_team_store_address_is_never_built_as_a_file(capsys, tmp_path, monkeypatch):
    """The demo goes into the team store (tests/cli/test_demo_command.py), never into a
    file named after the address; a server that cannot be reached is one line."""
    from workbench.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--headless", "--db", "postgresql://me@127.0.0.1:9/camden"]) == 1
    err = capsys.readouterr().err
    assert "cannot open the team store camden on 127.0.0.1" in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []                       # no "postgresql:" folder left behind


def test_open_store_is_ctrl_o_in_the_file_menu(window):
    file_menu = window.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text() == "&Open Store…")
    assert action.shortcut().toString() == "Ctrl+O"


def test_an_encrypted_store_file_asks_for_its_passphrase(window, qtbot, tmp_path):
    from workbench.store.encryption import encrypt

    encrypted = tmp_path / "secret.sqlite"
    open_store(encrypted).close()
    encrypt(encrypted, "correct horse battery")
    dialog = window.open_store()
    dialog.location.setText(str(encrypted))
    click_open(qtbot, dialog)
    assert dialog.password.isVisible() and dialog.password_label.text() == "Passphrase:"
    assert dialog.message.text() == "secret.sqlite is encrypted: type its passphrase (it is not kept)"
    qtbot.keyClicks(dialog.password, "wrong")
    click_open(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.job.running, timeout=10000)
    assert "could not be opened with that key" in dialog.message.text() and dialog.password.text() == ""
    qtbot.keyClicks(dialog.password, "correct horse battery")
    click_open(qtbot, dialog)
    new = opened_window(qtbot)
    assert new.windowTitle() == "Workbench — secret.sqlite"
    worker = new.session.open_worker_store()          # background jobs open it with the passphrase too
    worker.close()
