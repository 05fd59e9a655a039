"""Knox near-repeat test: ours (k-d tree pairs once, vectorised permutations on threads)
against ``pointpats.spacetime.Knox`` (a Python loop over events per permutation), same
events, same single band, per-permutation time; then ours on 50,000 events with 999
permutations on the Near Repeat Calculator's usual 5 x 5 table.

Run: ``python tests/benchmarks/bench_knox.py``
"""

from __future__ import annotations

import os
import time

import numpy as np
from pointpats.spacetime import Knox

from workbench.geo.nearrepeat import knox

N = 50_000
SUBSAMPLE = 5_000
SIDE = 30_000.0            # a 30 km square: London-like density of a year's burglaries
DAYS = 365


def events(n: int, side: float, seed: int = 1):
    """Burglaries at a constant density with 10% near repeats (within 150 m, 14 days)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, side, n).round()
    y = rng.uniform(0, side, n).round()
    t = rng.integers(0, DAYS, n)
    k = n // 10
    src = rng.integers(k, n, k)
    x[:k] = x[src] + rng.normal(0, 60, k).round()
    y[:k] = y[src] + rng.normal(0, 60, k).round()
    t[:k] = np.clip(t[src] + rng.integers(0, 14, k), 0, DAYS - 1)
    return x, y, t


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    print(f"{os.cpu_count()} CPU(s)")
    # Same density, smaller area: the subsample has the neighbours per event of the full set.
    side = SIDE * np.sqrt(SUBSAMPLE / N)
    x, y, t = events(SUBSAMPLE, side, seed=2)
    coords, times = np.column_stack([x, y]), t.reshape(-1, 1).astype(float)
    perms = 20
    t0, _ = timed(lambda: Knox(coords, times, delta=200, tau=14, permutations=0))
    t1, ref = timed(lambda: Knox(coords, times, delta=200, tau=14, permutations=perms))
    ref_per = (t1 - t0) / perms

    def ours_run(p):
        return knox(x, y, t, distance_band=200, distance_bands=1, time_band=14, time_bands=1,
                    permutations=p, seed=1)

    o0, _ = timed(lambda: ours_run(1))
    o1, ours = timed(lambda: ours_run(999))
    ours_per = (o1 - o0) / 998
    print(f"\nSame {SUBSAMPLE:,} events, one band (<= 200 m, <= 14 days):")
    print(f"{'':34}{'ours':>12}{'pointpats':>14}")
    print(f"{'close pairs observed':34}{ours.observed[:2, 0].sum():>12,}{ref.nst:>14,}")
    print(f"{'p-value':34}{ours.p_value[1, 0]:>12.3f}{ref.p_sim:>14.3f}")
    print(f"{'time per permutation':34}{ours_per * 1e3:>10.2f}ms{ref_per * 1e3:>12.1f}ms")
    print(f"speed-up per permutation: {ref_per / ours_per:,.0f}x "
          f"(pointpats {perms} permutations, so its smallest possible p is {1 / (perms + 1):.3f}; ours 999)")

    x, y, t = events(N, SIDE)
    single = [timed(lambda p=p: knox(x, y, t, distance_band=200, distance_bands=1, time_band=14, time_bands=1,
                                     permutations=p, seed=1))[0] for p in (1, 999)]
    single_per = (single[1] - single[0]) / 998
    ref_full = ref_per * N / SUBSAMPLE          # pointpats is linear in events at a fixed density
    print(f"\n{N:,} events, same single band: ours {single_per * 1e3:.1f} ms per permutation "
          f"({single[1]:.1f} s for 999); pointpats ~{ref_full * 1e3:,.0f} ms (extrapolated): "
          f"{ref_full / single_per:,.0f}x")
    total, result = timed(lambda: knox(x, y, t, distance_band=100, distance_bands=5, time_band=7, time_bands=5,
                                       permutations=999, seed=1))
    setup, _ = timed(lambda: knox(x, y, t, distance_band=100, distance_bands=5, time_band=7, time_bands=5,
                                  permutations=1, seed=1))
    print(f"\nOurs, {N:,} events, 5 x 5 bands of 100 m x 7 days (7 x 6 table), 999 permutations: {total:.1f} s "
          f"({(total - setup) / 998 * 1e3:.1f} ms per permutation, pairs found in {setup:.2f} s)")
    print(f"Knox ratio, same location / first week: {result.knox_ratio[0, 0]:.2f}; "
          f"0-100 m / first week: {result.knox_ratio[1, 0]:.2f} (p = {result.p_value[1, 0]:.3f})")


if __name__ == "__main__":
    main()
