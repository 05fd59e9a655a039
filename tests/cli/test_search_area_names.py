"""A saved search naming a borough the store does not know is refused (a typo would
silently match nothing for ever)."""

import json

from workbench.cli import main
from workbench.store.offences import write_offences


def test_unknown_borough_is_refused_and_known_one_saved(tmp_path, capsys, store):
    write_offences(store, [{"source": "t", "offence_ref": "A", "category": "robbery", "easting": 530000.0,
                            "northing": 180000.0, "longitude": -0.1, "latitude": 51.5, "borough": "Camden",
                            "committed_from": "2025-01-01T10:00:00", "committed_to": "2025-01-01T10:00:00"}])
    db = str(store.path)
    assert main(["--db", db, "search", "save", "typo", "--borough", "Camdon", "--json"]) == 1
    assert "unknown borough 'Camdon'" in json.loads(capsys.readouterr().out)["error"]
    assert main(["--db", db, "search", "save", "ok", "--borough", "Camden", "--json"]) == 0
