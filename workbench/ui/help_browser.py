"""The user guide in the app: the Markdown chapters of ``resources/help`` in a browser
window with contents, back/forward and links between chapters, all offline."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout

from workbench.paths import resource_path


class HelpBrowser(QDialog):
    """A non-modal window showing one chapter of the guide at a time."""

    def __init__(self, parent=None, chapter: str = "index.md"):
        super().__init__(parent)
        self.setWindowTitle("Workbench user guide")
        self.resize(900, 760)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setSearchPaths([str(resource_path("help"))])
        buttons = QHBoxLayout()
        for label, slot in (("Contents", self.show_contents), ("Back", self.browser.backward),
                            ("Forward", self.browser.forward)):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.browser, 1)
        self.open_chapter(chapter)

    def open_chapter(self, chapter: str) -> None:
        """Show ``chapter`` (a file name in resources/help, e.g. ``security.md``)."""
        self.browser.setSource(QUrl.fromLocalFile(str(resource_path("help", chapter))))

    def show_contents(self) -> None:
        self.open_chapter("index.md")
