"""A point memo computes each distinct point once, returns every row its own result
(the first time, from the memo, and after it starts again when full), and leaves
points with a missing coordinate out of the memo."""

import numpy as np

from workbench.domain.points import PointMemo


def test_each_distinct_point_is_computed_once_and_every_row_gets_its_own_result():
    seen = []

    def compute(x, y):
        seen.extend(zip(x.tolist(), y.tolist()))
        return x + y, np.array([f"{a:g}/{b:g}" for a, b in zip(x, y)], dtype=object)

    memo = PointMemo(compute, limit=4)
    x = np.array([1.0, 2.0, 1.0, np.nan, 2.0])
    y = np.array([5.0, 6.0, 5.0, 1.0, 6.0])
    total, label = memo(x, y)
    assert total[[0, 1, 2, 4]].tolist() == [6.0, 8.0, 6.0, 8.0] and np.isnan(total[3])
    assert label.tolist() == ["1/5", "2/6", "1/5", "nan/1", "2/6"]
    assert sorted(p for p in seen if not np.isnan(p[0])) == [(1.0, 5.0), (2.0, 6.0)]   # each once
    seen.clear()
    assert memo(np.array([2.0, 1.0]), np.array([6.0, 5.0]))[0].tolist() == [8.0, 6.0]
    assert seen == []                                          # both from the memo
    total, _ = memo(np.array([7.0, 8.0, 9.0, 1.0]), np.array([0.0, 0.0, 0.0, 5.0]))   # over the limit
    assert total.tolist() == [7.0, 8.0, 9.0, 6.0]              # starts again, still right
    assert memo(np.zeros(0), np.zeros(0))[0].tolist() == []
