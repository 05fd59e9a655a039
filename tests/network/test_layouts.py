"""Chart layouts: hierarchy rows by links from the starting entities, columns by type."""

import networkx as nx

from workbench.network.layout import grouped_positions, hierarchy_positions, positions, spring_positions


def _chart() -> nx.Graph:
    g = nx.Graph()
    kinds = {"person:S": "person", "person:A": "person", "person:B": "person", "vehicle:V1": "vehicle",
             "offence:1": "offence", "offence:2": "offence", "phone:T": "phone", "person:Z": "person"}
    for node, kind in kinds.items():
        g.add_node(node, kind=kind)
    g.add_edges_from([("person:S", "person:A"), ("person:S", "vehicle:V1"), ("person:A", "offence:1"),
                      ("vehicle:V1", "offence:2"), ("offence:2", "person:B"), ("person:Z", "phone:T")])
    return g


def test_hierarchy_puts_the_subject_on_top_and_one_row_per_link_away():
    pos = hierarchy_positions(_chart(), ["person:S"])
    rows = sorted({round(y, 6) for _, y in pos.values()}, reverse=True)
    row_of = {node: rows.index(round(y, 6)) for node, (_, y) in pos.items()}
    assert row_of["person:S"] == 0
    assert row_of["person:A"] == row_of["vehicle:V1"] == 1
    assert row_of["offence:1"] == row_of["offence:2"] == 2
    assert row_of["person:B"] == 3
    assert row_of["person:Z"] == row_of["phone:T"] == 4          # not reachable: the last row
    assert all(-1.0 <= v <= 1.0 for xy in pos.values() for v in xy)


def test_grouped_layout_gives_each_type_a_column():
    pos = grouped_positions(_chart())
    xs = {}
    for node, (x, _) in pos.items():
        xs.setdefault(node.split(":")[0], set()).add(round(x, 6))
    assert all(len(v) == 1 for v in xs.values())
    order = sorted(xs, key=lambda k: next(iter(xs[k])))
    assert order == ["person", "vehicle", "phone", "offence"]
    people = sorted((n for n in pos if n.startswith("person:")), key=lambda n: -pos[n][1])
    assert people == ["person:A", "person:S", "person:B", "person:Z"]     # most links first


def test_positions_dispatches_and_spring_is_seeded():
    g = _chart()
    assert positions(g, "spring", seed=3) == spring_positions(g, seed=3)
    assert positions(g, "hierarchy", ["person:S"]) == hierarchy_positions(g, ["person:S"])
    assert positions(g, "grouped") == grouped_positions(g)
