"""The report screen: trends across incidents (the figures of `warroom report`), with charts of
time to resolve per month and incidents per severity. Read on the store thread: with 10,000
incidents the screen stays live while it is computed."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Label

from warroom.domain.errors import BadInput, StorageError
from warroom.domain.trends import Trends, figure_rows, parse_since, period_text
from warroom.screens.base import ShowHome, WarroomScreen
from warroom.widgets.key_bar import KeyBar
from warroom.widgets.trend_charts import ResolveChart, SeverityChart

# The periods `p` steps through, the first shown first (the command line's default).
PERIODS = (("90d", "the last 90 days"), ("365d", "the last year"), ("30d", "the last 30 days"))

HELP_NOTES = """\
Figures:    incidents detected in the period; withdrawn ones are left out
            times come only from recorded milestones: "2 of 3" counted 2 incidents
            median and p90 (90% of the counted incidents took at most that)
Charts:     median time to resolve per month of detection; incidents per highest severity
Same data:  warroom report --since 90d [--by severity] [--format md | --json]
"""


class ReportScreen(WarroomScreen[None]):
    HELP_NOTES = HELP_NOTES
    BINDINGS = [
        Binding("p", "period", "Period", id="report-period", tooltip="The next period"),
        Binding("escape", "back", "Back", tooltip="Back to the incidents"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._period = 0
        self.report: Trends | None = None

    def compose(self) -> ComposeResult:
        yield Label(" warroom · report", id="report-title")
        with Horizontal(id="report-charts"):
            yield ResolveChart(id="resolve-chart")
            yield SeverityChart(id="severity-chart")
        table: DataTable[Text] = DataTable(id="report-figures", cursor_type="none")
        table.add_column("figure", key="figure")
        table.add_column("all incidents", key="value")
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.run_worker(self.reload(), group="report", exclusive=True)

    async def reload(self) -> None:
        from warroom.services.trends import TrendSettings, load_trends

        config = self.host.config
        settings = TrendSettings(config.schedule, config.tz)
        text, _ = PERIODS[self._period]
        since = parse_since(text, self.host.clock.now(), config.tz)
        table = self.query_one(DataTable)
        table.loading = True
        try:
            report = await self.host.call(lambda store: load_trends(store, since, settings))
        except (BadInput, StorageError) as error:
            if self.host.failed is None:
                self.notify(
                    str(error), title="Could not read the report", severity="error", markup=False
                )
            return
        finally:
            table.loading = False
        self.show(report)

    def show(self, report: Trends) -> None:
        self.report = report
        _, name = PERIODS[self._period]
        tz = self.host.config.tz
        self.query_one("#report-title", Label).update(
            f" warroom · report · {name} ({period_text(report, tz)})"
        )
        self.query_one(ResolveChart).show(report.months)
        self.query_one(SeverityChart).show(report.per_severity)
        table = self.query_one(DataTable)
        table.clear()
        for label, value in figure_rows(report.overall):
            table.add_row(Text(label, style="bold"), Text(value))

    def action_period(self) -> None:
        self._period = (self._period + 1) % len(PERIODS)
        self.run_worker(self.reload(), group="report", exclusive=True)

    def action_back(self) -> None:
        self.go(ShowHome())

    def system_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Next period", "90 days, a year, 30 days", self.action_period)
        yield SystemCommand("Back to the incident list", "The home screen", self.action_back)
