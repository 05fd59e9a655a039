"""The app asks before an export replaces a file, and replaces it only when told to."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.ui.overwrite import ask_replace


def test_asks_only_when_a_file_exists_and_honours_the_answer(qtbot, tmp_path, monkeypatch):
    parent = QWidget()
    qtbot.addWidget(parent)
    asked = []

    def answer(reply):
        def question(*args, **kwargs):
            asked.append(args[2])
            return reply
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert ask_replace(parent, [tmp_path / "new.png"]) is False and asked == []
    (tmp_path / "old.png").write_text("x")
    assert ask_replace(parent, [tmp_path / "new.png", tmp_path / "old.png"]) is None
    assert "old.png" in asked[0] and "new.png" not in asked[0]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert ask_replace(parent, [tmp_path / "old.png"]) is True


def test_declining_leaves_the_file_and_writes_nothing(qtbot, tmp_path, monkeypatch):
    from workbench.app.session import Session
    from workbench.ui.views.series_view import SeriesView

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    session = Session(tmp_path / "s.sqlite")
    view = SeriesView(session)
    qtbot.addWidget(view)
    view.current = {"id": 1, "name": "S", "offence_ids": [1]}
    target = tmp_path / "cca.csv"
    target.write_text("keep")
    assert view.export_to(str(target)) is None and target.read_text() == "keep"
    session.close()
