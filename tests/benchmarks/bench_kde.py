"""KDE of 1,000,000 offences on a 50 m grid of a borough: ours (linear binning + FFT
convolution) against ``sklearn.neighbors.KernelDensity`` (exact kernel sums over a k-d
tree) on a subsample, same grid, same Gaussian bandwidth, same run.

Run: ``python tests/benchmarks/bench_kde.py``
"""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
from sklearn.neighbors import KernelDensity

from workbench.geo.grid import study_grid
from workbench.geo.kde import kde
from workbench.paths import data_path

N = 1_000_000
SUBSAMPLE = 20_000
CELL = 50.0
BANDWIDTH = 150.0          # Gaussian standard deviation, as sklearn's bandwidth
BOROUGH = "Bromley"        # the largest London borough (150 km²)


def borough_points(area, n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``n`` offences in the borough: 300 clusters (streets, estates) plus 30% spread."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = area.bounds
    centres = rng.uniform([minx, miny], [maxx, maxy], (300, 2))
    clustered = int(n * 0.7)
    xy = np.vstack([centres[rng.integers(0, 300, clustered)] + rng.normal(0, 250, (clustered, 2)),
                    rng.uniform([minx, miny], [maxx, maxy], (n - clustered, 2))])
    return xy[:, 0], xy[:, 1]


def best_of(repeats: int, fn):
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    boroughs = gpd.read_file(data_path("boundaries", "london.gpkg"), layer="boroughs")
    area = boroughs.loc[boroughs["name"] == BOROUGH].geometry.union_all()
    x, y = borough_points(area, N)
    grid = study_grid(x, y, cell=CELL, clip=area)
    print(f"{BOROUGH}: {area.area / 1e6:.1f} km², grid {grid.describe()}")

    for kernel, bw in (("quartic", 300.0), ("gaussian", BANDWIDTH)):
        t, _ = best_of(3, lambda bw=bw, kernel=kernel: kde(x, y, grid=grid, bandwidth=bw, kernel=kernel, clip=area))
        print(f"ours, {N:,} points, {kernel} kernel, bandwidth {bw:g} m: {t:.2f} s (best of 3, incl. clip)")

    rng = np.random.default_rng(2)
    pick = rng.choice(N, SUBSAMPLE, replace=False)
    sx, sy = x[pick], y[pick]
    t_ours, ours = best_of(3, lambda: kde(sx, sy, grid=grid, bandwidth=BANDWIDTH, kernel="gaussian", clip=area))
    cx, cy = grid.centres()
    inside = ours.mask
    query = np.column_stack([cx[inside], cy[inside]])

    def sklearn_surface():
        model = KernelDensity(kernel="gaussian", bandwidth=BANDWIDTH).fit(np.column_stack([sx, sy]))
        return np.exp(model.score_samples(query)) * SUBSAMPLE * 1e6      # offences per km²

    t_ref, ref = best_of(1, sklearn_surface)
    diff = np.abs(ours.density[inside] - ref)
    peak = ref.max()
    print()
    print(f"Same {SUBSAMPLE:,}-point subsample, Gaussian bandwidth {BANDWIDTH:g} m, {inside.sum():,} cells of {CELL:g} m:")
    print(f"{'':28}{'ours':>12}{'sklearn':>14}")
    print(f"{'time':28}{t_ours:>11.3f}s{t_ref:>13.2f}s")
    print(f"{'peak density (per km²)':28}{ours.density[inside].max():>12.1f}{peak:>14.1f}")
    print(f"max abs difference: {diff.max():.3f} per km² ({diff.max() / peak:.3%} of the peak); "
          f"mean {diff.mean():.4f}")
    print(f"speed-up on the subsample: {t_ref / t_ours:,.0f}x; sklearn on {N:,} points would take "
          f"~{t_ref * N / SUBSAMPLE:,.0f} s (linear in points)")


if __name__ == "__main__":
    main()
