"""Map colours: each crime family its own hue, shades within a family, no two equal."""

from workbench.domain.categories import ALL
from workbench.ui.map.style import category_colours


def test_every_category_gets_a_different_colour_and_families_share_a_hue():
    colours = category_colours(ALL)
    names = {c: colours[c].name() for c in ALL}
    assert len(set(names.values())) == len(ALL)
    assert colours["burglary"].hue() == colours["burglary-residential"].hue() == colours["burglary-business"].hue()
    assert colours["burglary"].hue() != colours["robbery"].hue()
    assert colours["anti-social-behaviour"].saturation() == 0          # the commonest category stays grey
