"""The countdown to the next stakeholder update, and its unmistakable overdue state."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from warroom.domain.timefmt import clock_time, countdown


def _when(due: datetime, now: datetime, tz: tzinfo) -> str:
    """`14:53 PST` today, `Mon 09:30 PST` within the week, else the date: the one time at the
    top of the war room, so it names its zone (the timeline's are in the same one)."""
    local_due, local_now = due.astimezone(tz), now.astimezone(tz)
    zone = local_due.strftime("%Z")
    if local_due.date() == local_now.date():
        return f"{clock_time(due, tz)} {zone}"
    if abs((local_due.date() - local_now.date()).days) < 7:
        return local_due.strftime("%a %H:%M %Z")
    return local_due.strftime("%Y-%m-%d %H:%M %Z")


class Countdown(Widget):
    """Time left until `due`; past it, counting up in the overdue style (the `-overdue` class)
    and one terminal bell per deadline missed."""

    due: reactive[datetime | None] = reactive(None)
    now: reactive[datetime | None] = reactive(None)
    audience: reactive[str] = reactive("")
    cadence: reactive[str] = reactive("")
    resolved: reactive[bool] = reactive(False)
    update_key: reactive[str] = reactive("u")

    def __init__(self, tz: tzinfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._tz = tz
        self._rung_for: datetime | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.now is not None and self.now >= self.due

    def _refresh_state(self) -> None:
        overdue = self.overdue
        self.set_class(overdue, "-overdue")
        if overdue and self.due != self._rung_for:
            self._rung_for = self.due
            self.app.bell()

    def watch_due(self) -> None:
        self._refresh_state()

    def watch_now(self) -> None:
        self._refresh_state()

    def watch_resolved(self, resolved: bool) -> None:
        self.set_class(resolved, "-resolved")

    def render(self) -> Text:
        due, now = self.due, self.now
        if due is None or now is None:
            return Text("")
        left = due - now
        at = _when(due, now, self._tz)
        if self.resolved:
            if self.overdue:
                return Text(f" POST-MORTEM OVERDUE by {countdown(left)}  (was due {at})")
            return Text(f" Resolved · post-mortem due in {countdown(left)} (by {at})")
        if self.overdue:
            text = Text(f" UPDATE OVERDUE +{countdown(left)} ", style="bold")
            text.append(
                f" was due {at} · post an update to {self.audience}: press {self.update_key}"
            )
            return text
        text = Text(" Next update in ")
        text.append(countdown(left), style="bold")
        text.append(f"  (due {at} · {self.cadence} · {self.audience})")
        return text
