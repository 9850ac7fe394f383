"""The post-mortem's header: which report, how severe, whose; its status, whether everything
typed is saved, whether anything stands in the way of publishing, and the last note of the
report's own history (a publish forced past the checks)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label

from warroom.domain.model import ReportStatus
from warroom.domain.postmortem import Report
from warroom.domain.severity import SEVERITIES
from warroom.domain.text import one_line

STATUS_NAMES = {
    ReportStatus.DRAFT: "draft",
    ReportStatus.IN_REVIEW: "in review",
    ReportStatus.PUBLISHED: "published",
}


def status_track(current: ReportStatus) -> Text:
    """`draft › in review › published`, the current one marked."""
    track = Text(" ")
    for index, status in enumerate(ReportStatus):
        if index:
            track.append(" › ", style="dim")
        name = STATUS_NAMES[status]
        if status is current:
            track.append(f"▶ {name}", style="bold reverse")
        else:
            track.append(name, style="dim")
    return track


class ReportHeader(Vertical):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="pm-head-line"):
            yield Label(" …  ", id="pm-sev")
            yield Label(Text(" Opening the post-mortem…"), id="pm-heading")
            yield Label("", id="pm-ic")
        with Horizontal(classes="pm-head-line"):
            yield Label("", id="pm-status")
            yield Label("", id="pm-save")
            yield Label("", id="pm-ready")
        # The report's own history, when it has one (a forced publish): on the record, here.
        history = Label("", id="pm-history")
        history.display = False
        yield history

    def show(self, report: Report) -> None:
        level = SEVERITIES[report.severity]
        sev = self.query_one("#pm-sev", Label)
        sev.update(Text(f" {level.label} {level.name.upper()} ", style="bold"))
        for number in SEVERITIES:
            sev.set_class(number == report.severity, f"sev-{number}")
        heading = Text()
        heading.append(f" {report.report_id} ", style="bold")
        heading.append(f" {report.incident.key} ", style="dim")
        heading.append(one_line(report.title), style="bold")
        self.query_one("#pm-heading", Label).update(heading)
        self.query_one("#pm-ic", Label).update(
            Text(f"IC {one_line(report.commander or 'unassigned')} ")
        )
        self.query_one("#pm-status", Label).update(status_track(report.status))
        history = self.query_one("#pm-history", Label)
        history.display = bool(report.notes)
        if report.notes:
            last = report.notes[-1]
            count = len(report.notes)
            history.update(
                Text(
                    f" On the record ({count} note{'' if count == 1 else 's'}, in the export), "
                    f"last: {one_line(last.actor)}: {one_line(last.text)}"
                )
            )

    def show_save(self, text: str, *, failed: bool = False, busy: bool = False) -> None:
        label = self.query_one("#pm-save", Label)
        label.update(Text(f" {text} "))
        label.set_class(failed, "-failed")
        label.set_class(busy, "-busy")

    def show_readiness(self, blocking: int) -> None:
        label = self.query_one("#pm-ready", Label)
        if blocking:
            verb = "problem blocks" if blocking == 1 else "problems block"
            text = Text(f"✗ {blocking} {verb} publishing ")
        else:
            text = Text("✓ ready to publish ")
        label.update(text)
        label.set_class(bool(blocking), "-blocked")
        label.set_class(not blocking, "-ready")
