"""Widgets of the Tasking view."""
