"""The series timeline's date axis: readable ticks whatever the series' span."""

from datetime import datetime

from workbench.ui.linkage.timeline import date_ticks


def labels(start, end):
    return [text for _t, text in date_ticks(start, end)]


def test_ticks_suit_the_span():
    assert labels(datetime(2025, 3, 1), datetime(2025, 3, 5)) == ["1 Mar", "2 Mar", "3 Mar", "4 Mar", "5 Mar"]
    assert labels(datetime(2025, 1, 6), datetime(2025, 2, 20)) == ["6 Jan", "13 Jan", "20 Jan", "27 Jan", "3 Feb",
                                                                  "10 Feb", "17 Feb"]
    assert labels(datetime(2024, 11, 20), datetime(2025, 6, 2))[0] == "Dec 2024"
    assert labels(datetime(2019, 3, 1), datetime(2025, 3, 20)) == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert labels(datetime(2025, 3, 1, 10), datetime(2025, 3, 1, 18)) == ["1 Mar 10:00", "1 Mar 18:00"]
    for start, end in ((datetime(2025, 1, 1), datetime(2025, 1, 9)), (datetime(2020, 1, 1), datetime(2025, 7, 1)),
                       (datetime(2025, 2, 3), datetime(2025, 11, 30))):
        ticks = date_ticks(start, end)
        assert 2 <= len(ticks) <= 9 and all(start <= t <= end for t, _ in ticks)
