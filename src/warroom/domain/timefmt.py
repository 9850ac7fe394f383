"""Showing times: in the display timezone for people, ISO 8601 UTC for machines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo


def iso_utc(moment: datetime) -> str:
    """`2024-03-15T14:15:00Z` (whole seconds, UTC)."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def local(moment: datetime, tz: tzinfo) -> datetime:
    return moment.astimezone(tz)


def clock_time(moment: datetime, tz: tzinfo, *, seconds: bool = False) -> str:
    return moment.astimezone(tz).strftime("%H:%M:%S" if seconds else "%H:%M")


def day_time(moment: datetime, tz: tzinfo) -> str:
    """`03-14 14:15`: a time with its day, short."""
    return moment.astimezone(tz).strftime("%m-%d %H:%M")


def clock_time_on(moment: datetime, tz: tzinfo, now: datetime) -> str:
    """`14:15` on the day of `now`, `03-14 14:15` on another: a time alone reads as today's."""
    if moment.astimezone(tz).date() == now.astimezone(tz).date():
        return clock_time(moment, tz)
    return day_time(moment, tz)


def date_time(moment: datetime, tz: tzinfo) -> str:
    """`2026-11-28 14:15 CET`."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def duration(delta: timedelta) -> str:
    """A short human duration: `45s`, `12m`, `1h 05m`, `2d 03h`."""
    seconds = max(0, int(delta.total_seconds()))
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m"
    return f"{seconds}s"


def countdown(delta: timedelta) -> str:
    """A ticking clock face: `04:59`, `1:04:59`, `2d 03:04:59` (absolute value)."""
    seconds = abs(int(delta.total_seconds()))
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        return f"{days}d {hours:02d}:{minutes:02d}:{seconds:02d}"
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"
