"""Dates and times for people: Dutch (Babel) and in Europe/Amsterdam; storage stays UTC."""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

TZ = ZoneInfo("Europe/Amsterdam")
LOCALE = "nl_NL"


def local_now() -> dt.datetime:
    return dt.datetime.now(TZ)


def local_today() -> dt.date:
    return local_now().date()


def to_local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(TZ)


@functools.lru_cache(maxsize=8192)  # Babel's formatting is slow; pages list thousands of dates
def long_date(day: dt.date) -> str:
    """'maandag 5 september 2016'."""
    return format_date(day, format="EEEE d MMMM y", locale=LOCALE)


@functools.lru_cache(maxsize=8192)
def short_date(day: dt.date) -> str:
    """'5 sep. 2016'."""
    return format_date(day, format="medium", locale=LOCALE)


def clock(moment: dt.time | dt.datetime) -> str:
    if isinstance(moment, dt.datetime):
        moment = to_local(moment).time()
    return moment.strftime("%H:%M")


def session_when(day: dt.date, start: dt.time, end: dt.time) -> str:
    """'maandag 5 september 2016, 09:00–10:30'."""
    return f"{long_date(day)}, {clock(start)}–{clock(end)}"


def moment(value: dt.datetime) -> str:
    """A stored UTC timestamp as local Dutch text: '5 sep. 2016 09:12'."""
    return format_datetime(to_local(value), format="d MMM y HH:mm", locale=LOCALE)


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A local wall-clock date and time as an aware datetime in Europe/Amsterdam."""
    return dt.datetime.combine(day, time, tzinfo=TZ)
