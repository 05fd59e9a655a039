"""The Settings dialog (File > Settings…): the store's settings on one tab, the control
strategy (priorities and intelligence requirements) on the other.

Every change runs an undoable command through the session, so Edit > Undo reverses
it, and a refused value (a marking above the accreditation level, a cycle that is not
weekly or fortnightly) is shown in the dialog without closing it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.errors import UserError
from workbench.events import Changed
from workbench.store import strategy as db
from workbench.tasking.settings import (
    CLASSIFICATIONS,
    SETTINGS,
    WEEKDAYS,
    SetSetting,
    current_settings,
    role_holders,
)
from workbench.tasking.strategy import AddPriority, AddRequirement, RetirePriority
from workbench.ui.tasking.meetings_panel import _fill, _sentence, plain_table

CHOICES = {"security_marking": CLASSIFICATIONS, "accreditation_level": CLASSIFICATIONS,
           "ttcg_cycle_days": ("weekly", "fortnightly"), "ttcg_weekday": WEEKDAYS}
CYCLE_NAMES = {"7": "weekly", "14": "fortnightly"}


class SettingsDialog(QDialog):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Settings")
        self.resize(760, 520)
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        tabs = QTabWidget()
        tabs.addTab(self._settings_tab(), "Settings")
        tabs.addTab(self._strategy_tab(), "Control strategy")
        self.tabs = tabs
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("settingsMessage")
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Close)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(tabs)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        session.changed.connect(self._changed)
        self.load()

    # -- settings -------------------------------------------------------------------
    def _settings_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        for key, setting in SETTINGS.items():
            if key in CHOICES:
                widget = QComboBox()
                widget.setEditable(key == "security_marking")     # descriptors, e.g. OFFICIAL-SENSITIVE PERSONAL
                widget.addItems(list(CHOICES[key]))
            else:
                widget = QLineEdit()
            widget.setObjectName(key)
            widget.setToolTip(setting.help)
            self.fields[key] = widget
            form.addRow(setting.label + ":", widget)
        self.qa_note = QLabel()
        self.qa_note.setWordWrap(True)
        form.addRow("", self.qa_note)
        return page

    def load(self) -> None:
        values = current_settings(self.session.store)
        for key, widget in self.fields.items():
            value = CYCLE_NAMES.get(values[key], values[key]) if key == "ttcg_cycle_days" else values[key]
            if isinstance(widget, QComboBox):
                widget.setCurrentText(value)
            else:
                widget.setText(value)
        roles = role_holders(self.session.store)
        qa = ", ".join(roles.get("higher-analyst", [])) or "nobody yet"
        self.qa_note.setText(f"<b>QA roles.</b> PATPs and assessments are approved by holders of the "
                             f"<b>higher-analyst</b> role, never by their author: {qa}. Admins "
                             f"({', '.join(roles.get('admin', [])) or 'none'}) grant roles with "
                             f"<code>workbench roles grant USER ROLE</code>.")
        self._fill_priorities()

    def values(self) -> dict[str, str]:
        return {k: (w.currentText() if isinstance(w, QComboBox) else w.text()) for k, w in self.fields.items()}

    def save(self) -> bool:
        """Store every changed setting (each an undoable command); False, with the reason shown, if one is refused."""
        stored = current_settings(self.session.store)
        # The accreditation level first, so raising both it and the marking is accepted.
        order = sorted(self.values().items(), key=lambda kv: kv[0] != "accreditation_level")
        changed = 0
        for key, value in order:
            shown = CYCLE_NAMES.get(stored[key], stored[key]) if key == "ttcg_cycle_days" else stored[key]
            if value.strip() == shown:
                continue
            try:
                self.session.run(SetSetting(key, value))
            except UserError as exc:
                self.message.setText(f"{SETTINGS[key].label}: {_sentence(str(exc))}")
                return False
            changed += 1
        self.message.setText(f"{changed} setting(s) saved." if changed else "No changes.")
        return True

    # -- control strategy -----------------------------------------------------------
    def _strategy_tab(self) -> QWidget:
        page = QWidget()
        self.priorities = plain_table(["Priority", "Categories", "Owner", "Intelligence requirements"])
        add = QPushButton("Add priority…")
        add.clicked.connect(lambda: self.add_priority())
        retire = QPushButton("Retire priority")
        retire.clicked.connect(lambda: self.retire_priority())
        requirement = QPushButton("Add intelligence requirement…")
        requirement.clicked.connect(lambda: self.add_requirement())
        bar = QHBoxLayout()
        for button in (add, retire, requirement):
            bar.addWidget(button)
        bar.addStretch(1)
        lay = QVBoxLayout(page)
        lay.addWidget(QLabel("The borough's priorities: a PATP's priority must be one of them."))
        lay.addWidget(self.priorities, 1)
        lay.addLayout(bar)
        return page

    def _fill_priorities(self) -> None:
        self.priority_rows = db.list_priorities(self.session.store)
        _fill(self.priorities, [[p["name"], ", ".join(p["categories"]), p["owner"],
                                 "; ".join(r["text"] for r in p["requirements"])] for p in self.priority_rows])

    def _selected_priority(self) -> dict | None:
        rows = self.priorities.selectionModel().selectedRows()
        if not rows:
            self.message.setText("Select a priority first.")
            return None
        return self.priority_rows[rows[0].row()]

    def _run(self, command, done: str) -> bool:
        try:
            self.session.run(command)
        except UserError as exc:
            self.message.setText(_sentence(str(exc)))
            return False
        self.message.setText(done)
        return True

    def add_priority(self, name: str | None = None, categories: list[str] | None = None,
                     owner: str | None = None) -> bool:
        if name is None:
            name, ok = QInputDialog.getText(self, "Add priority", "Name (e.g. Residential burglary):")
            if not ok:
                return False
            text, ok = QInputDialog.getText(self, "Add priority", "Crime categories (comma-separated):")
            if not ok:
                return False
            categories = [c.strip() for c in text.split(",") if c.strip()]
            owner, ok = QInputDialog.getText(self, "Add priority", "Owner:")
            if not ok:
                return False
        try:
            command = AddPriority(name, categories or [], owner or "")
        except UserError as exc:
            self.message.setText(_sentence(str(exc)))
            return False
        return self._run(command, f"Priority {name!r} added.")

    def retire_priority(self, row: int | None = None) -> bool:
        priority = self._selected_priority() if row is None else self.priority_rows[row]
        return priority is not None and self._run(RetirePriority(priority["id"]),
                                                  f"Priority {priority['name']!r} retired.")

    def add_requirement(self, row: int | None = None, text: str | None = None) -> bool:
        priority = self._selected_priority() if row is None else self.priority_rows[row]
        if priority is None:
            return False
        if text is None:
            text, ok = QInputDialog.getText(self, "Intelligence requirement", f"Requirement under {priority['name']}:")
            if not ok:
                return False
        try:
            command = AddRequirement(priority["id"], text)
        except UserError as exc:
            self.message.setText(_sentence(str(exc)))
            return False
        return self._run(command, "Intelligence requirement added.")

    def _changed(self, changed: Changed) -> None:
        if changed.kind in ("setting", "strategy"):
            self.load()

    def done(self, result: int) -> None:
        """Stop listening to the session when the dialog closes."""
        self.session.changed.disconnect(self._changed)
        super().done(result)
