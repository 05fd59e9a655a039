"""Vocabularies and small value types shared by every layer (no I/O, no Qt)."""
