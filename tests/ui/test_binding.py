"""One binder ties a form's widgets to a state dataclass by object name, both ways."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QDoubleSpinBox, QLineEdit, QVBoxLayout, QWidget

from workbench.ui.binding import bind


@dataclass
class Settings:
    share: float = 0.03
    method: str = "gi"
    since: date = date(2025, 1, 31)
    marked: bool = True
    title: str = "Camden"
    unbound: int = 7


def _form() -> QWidget:
    form = QWidget()
    layout = QVBoxLayout(form)
    share = QDoubleSpinBox(objectName="share")
    share.setDecimals(3)
    method = QComboBox(objectName="method")
    method.addItem("KDE", "kde")
    method.addItem("Gi*", "gi")
    for widget in (share, method, QDateEdit(objectName="since"), QCheckBox(objectName="marked"),
                   QLineEdit(objectName="title")):
        layout.addWidget(widget)
    return form


def test_the_widgets_show_the_state_and_write_back(qtbot):
    form = _form()
    qtbot.addWidget(form)
    state = Settings()
    binding = bind(form, state)
    assert set(binding.widgets) == {"share", "method", "since", "marked", "title"}
    assert form.findChild(QComboBox, "method").currentData() == "gi"
    assert form.findChild(QDateEdit, "since").date() == QDate(2025, 1, 31)
    assert form.findChild(QDoubleSpinBox, "share").value() == 0.03
    form.findChild(QComboBox, "method").setCurrentIndex(0)
    form.findChild(QDateEdit, "since").setDate(QDate(2024, 12, 1))
    form.findChild(QCheckBox, "marked").setChecked(False)
    form.findChild(QLineEdit, "title").setText("Islington")
    form.findChild(QDoubleSpinBox, "share").setValue(0.05)
    assert state == Settings(share=0.05, method="kde", since=date(2024, 12, 1), marked=False, title="Islington")
    state.method = "gi"
    binding.show()
    assert form.findChild(QComboBox, "method").currentData() == "gi"


def test_update_sets_fields_and_shows_them(qtbot):
    form = _form()
    qtbot.addWidget(form)
    state = Settings()
    binding = bind(form, state)
    binding.update(method="kde", title="Hackney")
    assert (state.method, state.title) == ("kde", "Hackney")
    assert (form.findChild(QComboBox, "method").currentData(), form.findChild(QLineEdit, "title").text()) == \
        ("kde", "Hackney")
    with pytest.raises(AttributeError, match="no field 'colour'"):
        binding.update(colour="red")
    binding.update(method="nonsense")                # not offered: the first item, in both
    assert state.method == "kde" == form.findChild(QComboBox, "method").currentData()


def test_two_widgets_of_one_name_are_refused(qtbot):
    form = _form()
    qtbot.addWidget(form)
    form.layout().addWidget(QLineEdit(objectName="title"))
    with pytest.raises(TypeError, match="2 widgets are named 'title'"):
        bind(form, Settings())


def test_a_date_edit_with_a_special_value_text_is_none_at_its_minimum(qtbot):
    @dataclass
    class Period:
        since: date | None = None

    form = QWidget()
    qtbot.addWidget(form)
    edit = QDateEdit(objectName="since")
    edit.setMinimumDate(QDate(1900, 1, 1))
    edit.setSpecialValueText("any")
    QVBoxLayout(form).addWidget(edit)
    edit.setDate(QDate(2025, 5, 1))
    state = Period()
    binding = bind(form, state)
    assert edit.date() == QDate(1900, 1, 1) and edit.text() == "any"
    edit.setDate(QDate(2025, 3, 2))
    assert state.since == date(2025, 3, 2)
    edit.setDate(edit.minimumDate())
    assert state.since is None
    binding.update(since=date(2024, 1, 31))
    assert edit.date() == QDate(2024, 1, 31)
