"""Products for people: tasking packs in PDF and Word, built from one document model."""
