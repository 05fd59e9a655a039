"""Qt widgets for linked-offence analysis: link chart, CCA table, timeline, suggest dialog."""
