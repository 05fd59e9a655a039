"""Synthetic intelligence through the real importer: every report kept, the entities
its columns name are also found in its text, and each subject's page lists them."""

from __future__ import annotations

from sqlpeek import sql

from workbench.intel.entities import normalise_phone, normalise_vrm
from workbench.intel.search import search_reports
from workbench.network.person import person_page
from workbench.store.intel import mentions
from workbench.synth import generate, write_to_store


def test_synthetic_intelligence_imports_and_is_recognised(store):
    data = generate(seed=2, offences=800, days=90)
    result = write_to_store(store, data)
    assert result["intel"] == len(data.intel) and result["intel_rejected"] == 0

    found = mentions(store)
    text = found[found.origin == "text"]
    by_ref = dict(sql(store, "SELECT intel_ref, id FROM intel_reports"))
    for row in data.intel.itertuples(index=False):
        rid = by_ref[row.intel_ref]
        seen = set(zip(text[text.report_id == rid].kind, text[text.report_id == rid].value))
        for vrm in filter(None, row.vehicles.split(";")):
            if vrm in row.text:
                assert ("vehicle", normalise_vrm(vrm)) in seen, row.text
        for phone in filter(None, row.phones.split(";")):
            if phone in row.text:
                assert ("phone", normalise_phone(phone)) in seen, row.text

    subject = data.intel.subjects[data.intel.subjects != ""].iloc[0].split(";")[0]
    expected = {r.intel_ref for r in data.intel.itertuples() if subject in r.subjects.split(";") or subject in r.text}
    assert {r["intel_ref"] for r in search_reports(store, entity=f"person:{subject}")} == expected
    assert person_page(store, subject)["counts"]["intelligence"] == len(expected)
