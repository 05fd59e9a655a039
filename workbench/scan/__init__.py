"""Scanning: what is new or unusual since the analyst last looked (trends, new hotspots,
saved searches, repeat and near-repeat locations, link candidates)."""
