"""Qt-free application services: the session, undoable analyst commands, change events."""
