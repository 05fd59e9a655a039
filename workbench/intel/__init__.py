"""Intelligence reports (no Qt): import, entity recognition, full-text search and
handling-code enforcement on export."""
