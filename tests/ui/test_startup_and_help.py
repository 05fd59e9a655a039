"""The window opens before its views are built, builds each on first use, and the Help
menu opens the user guide that ships in resources/help."""

import re

import pytest

from workbench.app.session import Session
from workbench.paths import resource_path
from workbench.ui.help_browser import HelpBrowser
from workbench.ui.main_window import MainWindow
from workbench.ui.views import view_entries


@pytest.fixture
def window(qtbot, tmp_path):
    session = Session(tmp_path / "s.sqlite")
    win = MainWindow(session)
    qtbot.addWidget(win)
    yield win
    session.close()


def test_views_are_found_without_importing_them():
    titles = [entry.title for entry in view_entries()]
    assert titles[:3] == ["Scan", "Offences", "Map"]
    assert {"Series", "Intelligence", "Network", "Tasking"} <= set(titles)


def test_window_opens_with_stand_ins_and_builds_a_view_when_asked(window, qtbot):
    assert dict.keys(window.views) == set()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == list(window.entries)
    offences = window.views["Offences"]
    index = list(window.entries).index("Offences")
    assert window.tabs.widget(index) is offences
    assert window.views["Offences"] is offences


def test_showing_a_tab_builds_its_view(window, qtbot):
    window.show()
    index = list(window.entries).index("Tasking")
    window.tabs.setCurrentIndex(index)
    qtbot.waitUntil(lambda: "Tasking" in dict.keys(window.views))
    assert window.tabs.currentIndex() == index
    assert window.tabs.currentWidget() is window.views["Tasking"]


def test_help_menu_opens_the_user_guide(window, qtbot):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    guide = next(a for a in help_menu.actions() if a.text() == "&User guide")
    guide.trigger()
    browser = window.findChild(HelpBrowser)
    assert browser is not None
    assert "Workbench user guide" in browser.browser.toPlainText()
    browser.open_chapter("importing.md")
    assert "Importing data" in browser.browser.toPlainText()


def test_every_chapter_is_listed_in_the_contents_and_every_link_works():
    help_dir = resource_path("help")
    index = (help_dir / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([\w-]+\.md)\)", index))
    chapters = {p.name for p in help_dir.glob("*.md")} - {"index.md"}
    assert chapters - linked == set(), "add these chapters to resources/help/index.md"
    assert {name for name in linked if not (help_dir / name).is_file()} == set()
