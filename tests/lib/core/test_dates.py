"""Dutch dates and times, in Europe/Amsterdam."""

import datetime as dt

from lib.core import dates


def test_long_date_is_dutch():
    assert dates.long_date(dt.date(2016, 9, 5)) == "maandag 5 september 2016"


def test_session_when():
    assert dates.session_when(dt.date(2016, 9, 5), dt.time(9), dt.time(10, 30)) == (
        "maandag 5 september 2016, 09:00–10:30"
    )


def test_utc_is_shown_in_amsterdam_time_across_daylight_saving():
    summer = dt.datetime(2026, 7, 1, 7, 0, tzinfo=dt.UTC)
    winter = dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.UTC)
    assert dates.clock(summer) == "09:00"
    assert dates.clock(winter) == "08:00"
