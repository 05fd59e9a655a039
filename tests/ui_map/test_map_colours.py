"""Map colours: each crime family its own hue, shades within a family clearly apart, no
two categories alike, the Gi* legend naming only the classes drawn, tool icons drawn."""

import numpy as np
import pytest

from workbench.domain.categories import ALL
from workbench.ui.map import style
from workbench.ui.map.style import category_colours, colour_distance


def test_every_category_gets_a_different_colour_and_families_share_a_hue():
    colours = category_colours(ALL)
    names = {c: colours[c].name() for c in ALL}
    assert len(set(names.values())) == len(ALL)
    for family in (("burglary", "burglary-residential", "burglary-business"), ("robbery", "robbery-personal")):
        assert max(colours[c].hue() for c in family) - min(colours[c].hue() for c in family) <= 2
    assert abs(colours["burglary"].hue() - colours["robbery"].hue()) > 30


def test_no_two_categories_look_alike():
    colours = category_colours(ALL)
    closest = min(colour_distance(colours[a], colours[b]) for i, a in enumerate(ALL) for b in ALL[i + 1:])
    assert closest > 15                               # CIE76 ΔE: clearly different at a glance


def test_residential_and_business_burglary_are_clearly_different_shades_whatever_else_is_shown():
    alone = category_colours(["burglary-residential", "burglary-business"])
    assert colour_distance(alone["burglary-residential"], alone["burglary-business"]) > 40
    everything = category_colours(ALL)
    assert alone["burglary-residential"] == everything["burglary-residential"]     # stable colours


def test_anti_social_behaviour_is_not_the_more_categories_grey():
    colours = category_colours(ALL)
    assert colour_distance(colours["anti-social-behaviour"], style.MORE_CATEGORIES) > 30
    assert colours["anti-social-behaviour"].saturation() > 100
    assert min(colour_distance(c, style.MORE_CATEGORIES) for c in colours.values()) > 15


def test_colour_distance_known_values():
    assert colour_distance("#000000", "#ffffff") == pytest.approx(100.0, abs=0.1)
    assert colour_distance("#123456", "#123456") == 0.0



def test_gi_legend_lists_exactly_the_classes_drawn():
    classes = np.array([[3, 3, 0], [2, 0, -1], [0, 0, 0]], np.int8)
    rgba = style.classes_rgba(classes)
    drawn = {tuple(int(v) for v in rgba[i, j, :3]) for i, j in zip(*np.nonzero(rgba[..., 3]))}
    legend = style.gi_legend(classes)
    assert {(c.red(), c.green(), c.blue()) for c, _ in legend} == drawn
    assert [label for _, label in legend] == [style.GI_LABELS[3], style.GI_LABELS[2], style.GI_LABELS[-1]]
    assert style.gi_legend(np.zeros((2, 2), np.int8)) == []
