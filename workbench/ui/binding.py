"""Binding a form's widgets to a view state by object name (glue's pattern).

:func:`bind` finds, for each field of a state dataclass (:mod:`workbench.app.state`), the
child widget whose ``objectName`` is the field's name, shows the state's value in it and
writes every change the analyst makes back to the state. So a view builds its widgets,
names them, and reads its parameters from the state; defaults live in one place.

Supported widgets: ``QSpinBox``/``QDoubleSpinBox`` (numbers), ``QComboBox`` (the item
*data* is the value), ``QDateEdit`` (a ``datetime.date``; one with a special value text,
such as "any", shows ``None`` as its minimum date), ``QCheckBox`` (a bool) and
``QLineEdit`` (text).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget


class Binding:
    """The link between a form and a state; :meth:`show` pushes the state to the widgets."""

    def __init__(self, form: QWidget, state: Any):
        self.state = state
        self.widgets: dict[str, QWidget] = {}
        for f in fields(state):
            found = form.findChildren(QWidget, f.name)
            if len(found) > 1:
                raise TypeError(f"{len(found)} widgets are named {f.name!r}: a field binds to one widget")
            if found:
                widget = self.widgets[f.name] = found[0]
                _connect(widget, lambda value, name=f.name: setattr(self.state, name, value))
        self.show()

    def show(self) -> None:
        """Show every bound field's current value (after the state changed in code). A
        combo box that does not offer the value shows its first item, and the state takes
        that item's value, so the two never disagree."""
        for name, widget in self.widgets.items():
            _set(widget, getattr(self.state, name))
            if isinstance(widget, QComboBox):
                setattr(self.state, name, widget.currentData())

    def update(self, **values: Any) -> None:
        """Set some fields of the state and show them (a view changing its own form)."""
        for name, value in values.items():
            if not hasattr(self.state, name):
                raise AttributeError(f"{type(self.state).__name__} has no field {name!r}")
            setattr(self.state, name, value)
        self.show()


def bind(form: QWidget, state: Any) -> Binding:
    """Bind the widgets of ``form`` named like the fields of ``state`` (see the module docstring)."""
    return Binding(form, state)


def _set(widget: QWidget, value: Any) -> None:
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        widget.setValue(value)
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        widget.setCurrentIndex(max(index, 0))
    elif isinstance(widget, QDateEdit):
        if value is not None:
            widget.setDate(QDate(value.year, value.month, value.day))
        elif widget.specialValueText():
            widget.setDate(widget.minimumDate())
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QLineEdit):
        widget.setText("" if value is None else str(value))
    else:
        raise TypeError(f"cannot bind a {type(widget).__name__} ({widget.objectName()})")


def _connect(widget: QWidget, write) -> None:
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        widget.valueChanged.connect(write)
    elif isinstance(widget, QComboBox):
        widget.currentIndexChanged.connect(lambda _i: write(widget.currentData()))
    elif isinstance(widget, QDateEdit):
        widget.dateChanged.connect(lambda d: write(_date(widget, d)))
    elif isinstance(widget, QCheckBox):
        widget.toggled.connect(write)
    elif isinstance(widget, QLineEdit):
        widget.textChanged.connect(write)
    else:
        raise TypeError(f"cannot bind a {type(widget).__name__} ({widget.objectName()})")


def _date(widget: QDateEdit, day: QDate) -> date | None:
    """The date shown, or None where the edit shows its special value ("any")."""
    if widget.specialValueText() and day == widget.minimumDate():
        return None
    return date(day.year(), day.month(), day.day())
