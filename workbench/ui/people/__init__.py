"""Widgets of the People view: a missing person's episode timeline and map."""
