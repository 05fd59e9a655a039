"""The PATP's peak: aoristic weight over each offence's window, the count stated, none from too few."""

import pandas as pd
import pytest

from workbench.tasking.prefill import _crime_words
from workbench.tasking.timing import MIN_PEAK_OFFENCES, aoristic_week, peak, peak_text


def _series(values):
    return pd.Series(pd.to_datetime(values))


def test_each_offence_spreads_one_over_its_window():
    # Saturday 2025-03-01 14:00-18:00 (four hours) and Monday 2025-03-03 09:00 (no end).
    week = aoristic_week(_series(["2025-03-01T14:00", "2025-03-03T09:00"]),
                         _series(["2025-03-01T18:00", None]))
    assert week.sum() == pytest.approx(2.0)
    assert list(week[5, 14:18]) == [0.25] * 4 and week[5, 18] == 0
    assert week[0, 9] == 1.0


def test_window_longer_than_a_week_spreads_evenly():
    week = aoristic_week(_series(["2025-03-01T00:00"]), _series(["2025-03-15T00:00"]))
    assert week.min() == pytest.approx(week.max()) and week.sum() == pytest.approx(1.0)


def test_peak_uses_windows_not_window_starts():
    # Two offences with a Friday 20:00 start and a 22-hour window: counted by their start they
    # would make Friday evening busy; spread over the window they add little anywhere.
    # Eight Saturday 15:00 offences decide the peak.
    starts = ["2025-03-07T20:00"] * 2 + ["2025-03-08T15:00"] * 8
    ends = ["2025-03-08T18:00"] * 2 + ["2025-03-08T15:00"] * 8
    timing = peak(_series(starts), _series(ends))
    assert timing["offences"] == 10 and timing["day"] == "Saturday"
    assert timing["hours"] in {"12:00-16:00", "13:00-17:00", "14:00-18:00", "15:00-19:00"}
    # A long window moves little weight: two offences over 22 hours add 2 * 4/22 to a 4-hour block.
    assert timing["hours_share"] == pytest.approx((8 + 2 * 4 / 22) / 10, abs=0.01)
    assert "10 offences" in peak_text(timing) and "aoristic" in peak_text(timing)


def test_too_few_offences_to_call_a_peak():
    starts = _series(["2025-03-08T15:00"] * 3)
    timing = peak(starts, starts)
    assert timing["day"] is None and timing["hours"] is None
    assert peak_text(timing).startswith("Too few offences (3)") and str(MIN_PEAK_OFFENCES) in peak_text(timing)


def test_objective_words_say_offences_once():
    assert _crime_words(["rape", "sexual-assault"]) == "sexual offences"
    assert _crime_words(["burglary-residential"]) == "burglary"
    assert _crime_words(["shoplifting", "bicycle-theft"]) == "shoplifting and bicycle theft offences"
    assert _crime_words(["anti-social-behaviour"]) == "anti-social behaviour"
    assert "offences offences" not in _crime_words(["other-sexual", "drugs", "shoplifting"])
    assert _crime_words([]) == "offences"
