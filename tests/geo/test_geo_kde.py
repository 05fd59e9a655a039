"""KDE known answers: a single point integrates to one offence and has the kernel's
shape; the automatic cell and bandwidth rules; clipping and warnings."""

import numpy as np
import pytest
import shapely

from workbench.geo.grid import Grid, auto_bandwidth, auto_cell, nice_size
from workbench.geo.kde import kde, kernel_values


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
def test_single_point_integrates_to_one(kernel):
    result = kde(np.array([1005.0]), np.array([2005.0]), cell=10, bandwidth=100, kernel=kernel)
    total = np.nansum(result.density) * result.grid.cell_area / 1e6
    assert total == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
def test_single_point_has_the_kernel_shape(kernel):
    h = 100.0
    grid = Grid(0.0, 0.0, 10.0, 101, 101)           # the point is the centre of the middle cell
    result = kde(np.array([505.0]), np.array([505.0]), grid=grid, bandwidth=h, kernel=kernel)
    xs, ys = grid.centres()
    dist = np.hypot(xs - 505.0, ys - 505.0)
    expected = kernel_values(kernel, dist, h) * 1e6          # per km²
    # Up to the discretisation of the normalising constant (< 1%), the surface is the kernel...
    assert result.density.max() == pytest.approx(expected.max(), rel=0.01)
    # ... and its shape relative to the peak is exact.
    np.testing.assert_allclose(result.density / result.density.max(), expected / expected.max(), atol=1e-9)
    if kernel == "quartic":
        assert result.density[dist >= h].max() == 0.0
        along = result.density[50, 50:61] / result.density[50, 50]
        np.testing.assert_allclose(along, (1 - (np.arange(11) * 10 / h) ** 2) ** 2, atol=1e-12)
    else:
        along = result.density[50, 50:61] / result.density[50, 50]
        np.testing.assert_allclose(along, np.exp(-0.5 * (np.arange(11) * 10 / h) ** 2), atol=1e-12)


def test_linear_binning_keeps_the_mass_and_centres_it_between_cells():
    result = kde(np.array([1010.0]), np.array([2010.0]), cell=10, bandwidth=60)
    grid = result.grid
    assert np.nansum(result.density) * grid.cell_area / 1e6 == pytest.approx(1.0)
    # A point on a cell corner: the four cells around it have the same density.
    row, col = grid.index(np.array([1005.0, 1015.0, 1005.0, 1015.0]), np.array([2005.0, 2005.0, 2015.0, 2015.0]))
    values = result.density[row, col]
    np.testing.assert_allclose(values, values[0])
    assert values[0] == pytest.approx(np.nanmax(result.density))


def test_clip_blanks_cells_outside_the_study_area_and_weights_count():
    area = shapely.box(0, 0, 500, 500)
    result = kde(np.array([250.0, 250.0]), np.array([250.0, 250.0]), cell=10, bandwidth=50, clip=area,
                 weights=np.array([1.0, 2.0]))
    assert result.grid.bounds == (0.0, 0.0, 500.0, 500.0)
    assert np.isfinite(result.density).all()
    assert np.nansum(result.density) * result.grid.cell_area / 1e6 == pytest.approx(3.0)
    triangle = shapely.Polygon([(0, 0), (500, 0), (0, 500)])     # the point on its long side
    half = kde(np.array([250.0]), np.array([250.0]), cell=10, bandwidth=50, clip=triangle)
    assert np.isnan(half.density).sum() == pytest.approx(0.5 * half.density.size, rel=0.1)
    # Cells centred on the edge are outside: a little under half the mass is inside.
    assert 0.35 < np.nansum(half.density) * half.grid.cell_area / 1e6 < 0.5


def test_automatic_rules_and_small_bandwidth_warning():
    assert [nice_size(v) for v in (32.0, 140.0, 6.0, 0.9)] == [25.0, 100.0, 5.0, 1.0]
    assert auto_cell((0, 0, 20_000, 10_000)) == 50.0         # 10 km / 250 = 40 -> 50
    assert auto_cell((0, 0, 100, 100)) == 5.0                 # never below 5 m
    rng = np.random.default_rng(1)
    x, y = rng.normal(0, 1000, 500), rng.normal(0, 1000, 500)
    d2 = (x - x.mean()) ** 2 + (y - y.mean()) ** 2
    rule = 0.9 * min(np.sqrt(d2.mean()), np.sqrt(1 / np.log(2)) * np.sqrt(np.median(d2))) * 500 ** -0.2
    assert auto_bandwidth(x, y, cell=10) == round(rule)
    result = kde(x, y)
    assert result.auto_cell and result.auto_bandwidth and result.bandwidth == round(rule)
    narrow = kde(x, y, cell=50, bandwidth=20)
    assert any("smaller than the cell size" in w for w in narrow.warnings)


def test_hotspot_polygons_cover_the_densest_share():
    area = shapely.box(0, 0, 1000, 1000)
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.uniform(0, 1000, 200), rng.normal(300, 20, 300)])
    y = np.concatenate([rng.uniform(0, 1000, 200), rng.normal(700, 20, 300)])
    result = kde(x, y, cell=10, bandwidth=60, clip=area)
    chosen = result.hotspot_mask(0.03)
    assert chosen.sum() == 300                                # 3% of 10,000 cells
    polygons = result.hotspot_polygons(0.03)
    assert polygons.area.sum() == pytest.approx(300 * 100)
    assert polygons.geometry.iloc[0].contains(shapely.Point(300, 700))
