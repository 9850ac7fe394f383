"""Reading the times people type: `14:15`, `-5m`, `2024-03-15T14:15Z`.

Decisions (documented in the README):
- A wall-clock time (`14:15`, `14:15:30`) is in the display timezone. It means the most recent
  such moment that is not in the future: typed at 09:00, `14:15` is yesterday's 14:15. An event
  is never logged ahead of now.
- A time that does not exist on that day (skipped by a DST change) is refused; a time that
  happens twice (clocks going back) is the most recent occurrence that is not in the future.
- `-5m`, `-1h30m`, `-90s`, `-2d`: that long before now.
- ISO 8601 date-times with an offset (or `Z`) mean exactly that instant; without an offset they
  are in the display timezone. `YYYY-MM-DD HH:MM` is accepted too.
- Times more than a minute ahead of now are refused (clock skew between machines is allowed).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from warroom.domain.errors import BadInput
from warroom.domain.severity import parse_interval

FUTURE_TOLERANCE = timedelta(minutes=1)

_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_RELATIVE_RE = re.compile(r"^-(?:\d+[dhms])+$", re.IGNORECASE)
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BROKEN_CLOCK_RE = re.compile(r"^\d{1,2}:\d{2}[\d:]")  # `14:1500`, `14:15:0`: not `10:00-11:00`
_DATE_RUN_ON_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\d")


def parse_time(text: str, now: datetime, tz: tzinfo) -> datetime:
    """A whole string as a point in time, in UTC."""
    stripped = text.strip()
    try:
        if _RELATIVE_RE.match(stripped):
            return (now - parse_interval(stripped[1:])).astimezone(UTC)
        clock = _CLOCK_RE.match(stripped)
        if clock:
            return _wall_clock(stripped, clock, now, tz)
        if _ISO_RE.match(stripped):
            return _iso(stripped, now, tz)
    except OverflowError:  # `-99999999d`, `0001-01-01T00:00+01:00`: before year 1 or after 9999
        raise BadInput(f"bad time {text!r}: too far from now") from None
    raise BadInput(f"bad time {text!r}: use HH:MM, -5m (that long ago) or an ISO 8601 date-time")


def taken_as_yesterday(text: str, moment: datetime, now: datetime, tz: tzinfo) -> bool:
    """Whether `text`, a time of day read as `moment`, was later than now, so yesterday's:
    as decided, and worth saying (23:00 meant for tonight, a clock in another zone)."""
    later = moment.astimezone(tz).date() < now.astimezone(tz).date()
    return later and _CLOCK_RE.match(text.strip()) is not None


def split_leading_time(text: str, now: datetime, tz: tzinfo) -> tuple[datetime | None, str]:
    """`14:15 migration deployed` -> (14:15 as UTC, "migration deployed"); no time -> (None, text).

    A leading token shaped like a time but not a valid one (`25:00 ...`) is an error rather than
    text, so a mistyped backdate is never silently logged at the wrong moment.
    """
    stripped = text.lstrip()
    head, _, rest = stripped.partition(" ")
    if _DATE_RE.match(head):
        clock_part, _, after = rest.partition(" ")
        if _CLOCK_RE.match(clock_part):
            return parse_time(f"{head} {clock_part}", now, tz), after.strip()
        if _BROKEN_CLOCK_RE.match(clock_part):  # as an edit can leave it: refused, not text
            raise BadInput(f"bad time {head} {clock_part!r}: use YYYY-MM-DD HH:MM[:SS]")
        return None, text
    if _CLOCK_RE.match(head) or _RELATIVE_RE.match(head) or _ISO_RE.match(head):
        return parse_time(head, now, tz), rest.strip()
    if _DATE_RUN_ON_RE.match(head):  # `2024-03-15114:15:00`: a date run into its time
        raise BadInput(f"bad time {head!r}: use YYYY-MM-DD HH:MM[:SS]")
    return None, text


def _wall_clock(text: str, match: re.Match[str], now: datetime, tz: tzinfo) -> datetime:
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise BadInput(f"bad time {text!r}: no such time of day")
    wanted = time(hour, minute, second)
    now_local = now.astimezone(tz)
    today = now_local.date()
    intended = today if wanted <= now_local.time().replace(tzinfo=None) else today - _ONE_DAY
    if not _local_candidates(intended, wanted, tz):
        raise BadInput(
            f"{text} does not exist on {intended.isoformat()} in {tz} (clocks moved forward)"
        )
    candidates = [
        moment
        for day in (today, today - _ONE_DAY)
        for moment in _local_candidates(day, wanted, tz)
        if moment <= now
    ]
    return max(candidates).astimezone(UTC)


_ONE_DAY = timedelta(days=1)


def _local_candidates(day: date, wanted: time, tz: tzinfo) -> list[datetime]:
    """The instants at which the wall clock in `tz` shows `wanted` on `day` (0, 1 or 2)."""
    naive = datetime.combine(day, wanted)
    found: list[datetime] = []
    for fold in (0, 1):
        moment = naive.replace(tzinfo=tz, fold=fold)
        if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
            continue  # in a DST gap: this wall time never happens
        utc = moment.astimezone(UTC)
        if utc not in found:
            found.append(utc)
    return found


def _iso(text: str, now: datetime, tz: tzinfo) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f"bad time {text!r}: not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        candidates = _local_candidates(parsed.date(), parsed.time(), tz)
        if not candidates:
            raise BadInput(f"{text} does not exist in {tz} (clocks moved forward)")
        # One rule with HH:MM: a wall time that happened twice is its most recent occurrence
        # that is not in the future.
        past = [moment for moment in candidates if moment <= now + FUTURE_TOLERANCE]
        parsed = max(past) if past else candidates[0]
    result = parsed.astimezone(UTC)
    if result > now + FUTURE_TOLERANCE:
        raise BadInput(f"bad time {text!r}: it is in the future")
    return result


_DUE_RELATIVE = re.compile(r"^\+(\d{1,3})([dw])$", re.IGNORECASE)


def parse_date(text: str, today: date) -> date | None:
    """A due date: `2024-03-22`, `03-22` (this year, or next if already past), `+3d`, `+2w`;
    empty means none."""
    stripped = text.strip()
    if not stripped:
        return None
    relative = _DUE_RELATIVE.match(stripped)
    if relative:
        days = int(relative.group(1)) * (7 if relative.group(2).lower() == "w" else 1)
        return today + timedelta(days=days)
    try:
        if re.fullmatch(r"\d{1,2}-\d{1,2}", stripped):
            month, day = (int(part) for part in stripped.split("-"))
            candidate = date(today.year, month, day)
            return candidate if candidate >= today else date(today.year + 1, month, day)
        return date.fromisoformat(stripped)
    except ValueError:
        raise BadInput(f"bad date {text!r}: use YYYY-MM-DD, MM-DD or +3d") from None
