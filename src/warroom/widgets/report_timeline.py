"""The report's timeline: the war room's events, starred or hidden for the post-mortem.

The same window over the timeline as the war room's, with the same `*` and `h`; editing and
deleting events stay in the war room, where the record is kept.
"""

from __future__ import annotations

from warroom.widgets.timeline import Timeline


class ReportTimeline(Timeline):
    BORDER_TITLE = "Timeline"
    BORDER_SUBTITLE = "* star · h hide from the report"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action not in ("edit", "delete")
