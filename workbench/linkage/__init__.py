"""Linked-offence analysis (no Qt): which offences are probably the work of one offender.

- :mod:`dataset` turns offences and their MO/victim/suspect rows into arrays;
- :mod:`timewindows` handles uncertain time windows (expected differences);
- :mod:`candidates` finds candidate pairs by space/time blocking;
- :mod:`features` computes pairwise features for many pairs at once;
- :mod:`model` trains and applies a calibrated "same offender" model per crime group;
- :mod:`evaluate` cross-validates it grouped by offender;
- :mod:`reasons` explains a score in words;
- :mod:`series` builds the link graph and candidate series;
- :mod:`cca` builds the comparative case analysis matrix;
- :mod:`decisions` holds the analyst's undoable decisions;
- :mod:`service` ties these to a store for the CLI and the UI.
"""
