"""The checks: what stands between the post-mortem and publishing, live as the report is typed.

One entry per problem: where it is and why; for blame language, the phrase as written and the
systems phrasing to use instead. Enter on a problem asks the screen to go to its field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from warroom.domain.checks import Problem
from warroom.domain.text import one_line


def problem_prompt(problem: Problem) -> Table:
    """Where and why, indented under a mark (✗ blocks publishing, ! does not)."""
    body = Text()
    body.append(problem.where, style="bold")
    if problem.phrase:
        body.append("\nblame language ")
        body.append(f"“{one_line(problem.phrase)}”", style="bold italic")
        body.append("\n→ ")
        body.append(one_line(problem.suggestion), style="italic")
    else:
        body.append("\n")
        body.append(one_line(problem.message))
        if not problem.blocking:
            body.append(" (does not block publishing)", style="dim")
    grid = Table.grid()
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text("✗" if problem.blocking else "!", style="bold"), body)
    return grid


class ChecksPanel(OptionList):
    """The problems, in the order of the report's sections."""

    @dataclass
    class JumpWanted(Message):
        """Go to the field the problem is about (`where`, as in `actionItems[1].owner`)."""

        panel: ChecksPanel
        where: str

        @property
        def control(self) -> ChecksPanel:
            return self.panel

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="checks-panel")
        self.problems: tuple[Problem, ...] = ()
        self.border_title = "Checks"

    def show(self, problems: Sequence[Problem]) -> None:
        problems = tuple(problems)
        if problems == self.problems and self.option_count:
            return
        self.problems = problems
        keep = self.highlighted
        self.clear_options()
        if not problems:
            self.add_option(
                Option(
                    Text("✓ Nothing stands in the way of publishing.", style="bold"), disabled=True
                )
            )
        else:
            self.add_options(Option(problem_prompt(problem)) for problem in problems)
            if keep is not None:
                self.highlighted = min(keep, len(problems) - 1)
        blocking = sum(problem.blocking for problem in problems)
        self.border_title = (
            f"Checks: {blocking} block publishing" if blocking else "Checks: ready to publish"
        )
        self.border_subtitle = "Enter: go to the field" if problems else ""

    def on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        index = message.option_index
        if 0 <= index < len(self.problems):
            self.post_message(self.JumpWanted(self, self.problems[index].where))
