"""An exported subject profile is in the products register, found by its subject."""

from handmade_network import load

from workbench.network.person import write_profile
from workbench.tasking.products import search_products


def test_an_exported_subject_profile_is_registered_as_a_product(store, tmp_path):
    load(store, tmp_path)
    write_profile(store, "P1", tmp_path / "p1.docx")
    found = search_products(store, "P1")
    profiles = [p for p in found if p["kind"] == "subject profile"]
    assert len(profiles) == 1
    assert profiles[0]["reference"] == "P1" and profiles[0]["title"] == "Subject profile of P1"
    assert profiles[0]["status"] == "issued" and profiles[0]["author"]
    assert search_products(store, "P1", kind="subject") == profiles
    assert [p for p in search_products(store, "P2") if p["kind"] == "subject profile"] == []
