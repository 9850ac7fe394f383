"""The report screen's charts (plotext, through textual-plotext): time to resolve per month and
incidents per severity. The screen gives them the report's figures; they only draw."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from textual_plotext import PlotextPlot

from warroom.domain.severity import SEVERITIES, severity_label
from warroom.domain.trends import Month


def month_label(month: str) -> str:
    """`2026-09` -> `Sep 26`."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1).strftime("%b %y")


def _ticks(top: float) -> list[float]:
    """Whole-number ticks from 0 to at least `top`, five or so."""
    step = max(1, math.ceil(top / 5))
    return [float(tick) for tick in range(0, max(step, math.ceil(top)) + step, step)]


class ResolveChart(PlotextPlot):
    """Median time to resolve per month, in hours once a month's is 2 hours or more, else in
    minutes (a month with none resolved has no bar)."""

    def show(self, months: Sequence[Month]) -> None:
        medians = [month.time_to_resolve.median for month in months]
        longest = max((median for median in medians if median is not None), default=None)
        hours = longest is not None and longest.total_seconds() >= 2 * 3600
        unit = 3600 if hours else 60
        values = [
            round(median.total_seconds() / unit, 1) if median is not None else 0.0
            for median in medians
        ]
        plt = self.plt
        plt.clear_figure()
        # Short: plotext leaves out a title wider than the chart (40 columns on 80).
        plt.title(f"Median time to resolve ({'hours' if hours else 'minutes'})")
        if months:
            plt.bar([month_label(month.month) for month in months], values, width=0.5)
        ticks = _ticks(max(values, default=0.0))
        plt.yticks(ticks)
        plt.ylim(0, ticks[-1])
        self.refresh()


class SeverityChart(PlotextPlot):
    """How many incidents reached each level, SEV-1 first."""

    def show(self, per_severity: Sequence[tuple[int, int]]) -> None:
        counts = dict(per_severity)
        values = [counts.get(level, 0) for level in SEVERITIES]
        plt = self.plt
        plt.clear_figure()
        plt.title("Incidents per highest severity")
        plt.bar([severity_label(level) for level in SEVERITIES], values, width=0.5)
        ticks = _ticks(max(values, default=0))
        plt.yticks(ticks)
        plt.ylim(0, ticks[-1])
        self.refresh()
