"""Readers and validators: files in, clean records plus rejects with reasons out."""

from workbench.ingest.errors import ImportFailed

__all__ = ["ImportFailed"]
