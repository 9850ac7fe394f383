"""The post-mortem editor's decisions: which version of a field both people changed, and
whether to publish despite the checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

from warroom.domain.checks import Problem
from warroom.domain.model import ContributingFactor, ReportStatus, Unknown, Why
from warroom.domain.text import printable
from warroom.widgets.text_box import TextBox

LABELS: dict[str, str] = {
    "title": "Title",
    "report_id": "Report id",
    "report_date": "Date",
    "authors": "Authors",
    "status": "Status",
    "summary": "Summary",
    "impact_duration": "Duration",
    "users_affected": "Users affected",
    "revenue_impact": "Revenue impact",
    "sla_breached": "SLA breached",
    "root_cause": "Root cause",
    "contributing_factors": "Contributing factors",
    "what_went_well": "What went well",
    "what_went_poorly": "What went poorly",
    "lucky_breaks": "Lucky breaks",
    "five_whys": "Five whys",
}


def describe(name: str, value: object) -> str:
    """A field's value as text, for choosing between two versions of it."""
    if value is None or value == "" or value == ():
        return {
            "report_date": "(the detection date)",
            "report_id": "(derived from the date)",
            "impact_duration": "(computed from the milestones)",
            "sla_breached": "(as suggested)",
        }.get(name, "(empty)")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, ReportStatus | Unknown):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        lines: list[str] = []
        for number, item in enumerate(value, start=1):
            if isinstance(item, Why):
                lines += [f"{number}. {item.question}", f"   → {item.answer}"]
            elif isinstance(item, ContributingFactor):
                category = f"[{item.category.value}] " if item.category else ""
                lines.append(f"• {category}{item.text}")
            else:
                lines.append(f"• {item}")
        return "\n".join(lines)
    return str(value)


class Merge(Enum):
    """How a conflicting field may be combined, besides taking one side."""

    NONE = "none"
    TEXT = "text"  # edit a text that starts as both versions
    LIST = "list"  # theirs, then the items only mine has

    @classmethod
    def of(cls, value: object) -> Merge:
        if isinstance(value, str):
            return cls.TEXT
        if isinstance(value, tuple):
            return cls.LIST
        return cls.NONE


@dataclass(frozen=True, slots=True)
class Choice:
    keep: str  # "theirs", "mine", "both" (lists) or "edited" (text)
    text: str = ""  # the edited text


class ConflictDialog(ModalScreen[Choice | None]):
    """Someone else saved the same field first: both versions, and the person decides.

    t keeps theirs, y keeps yours, b keeps both (lists), e edits a text from both (ctrl+s
    keeps it). Escape decides later: nothing is saved meanwhile, and nothing is lost."""

    BINDINGS = [
        Binding("t", "keep('theirs')", "Theirs"),
        Binding("y", "keep('mine')", "Yours"),
        Binding("b", "keep('both')", "Both"),
        Binding("e", "edit", "Edit both"),
        Binding("ctrl+s", "save_edit", "Keep this text", priority=True),
        Binding("escape", "later", "Decide later"),
    ]

    def __init__(
        self, field: str, theirs: str, mine: str, merge: Merge, *, blink: bool = True
    ) -> None:
        super().__init__()
        self.field = field
        self.theirs = theirs
        self.mine = mine
        self.merge = merge
        self._blink = blink
        self._editing = False  # the text from both versions is being edited

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="conflict-dialog"):
            yield Label(Text(f"{self.field}: changed by someone else too"), classes="dialog-title")
            with Horizontal(id="conflict-versions"):
                with VerticalScroll(classes="conflict-version", id="conflict-theirs") as theirs:
                    theirs.border_title = "t  theirs (saved)"
                    yield Static(Text(printable(self.theirs, keep_newlines=True)))
                with VerticalScroll(classes="conflict-version", id="conflict-mine") as mine:
                    mine.border_title = "y  yours (not saved yet)"
                    yield Static(Text(printable(self.mine, keep_newlines=True)))
            editor = TextBox(f"{self.theirs}\n{self.mine}", id="conflict-edit", soft_wrap=True)
            editor.display = False
            yield editor
            yield Label(Text(self._help()), classes="dialog-help", id="conflict-help")

    def _help(self) -> str:
        keys = ["t keep theirs", "y keep yours"]
        if self.merge is Merge.LIST:
            keys.append("b keep both")
        if self.merge is Merge.TEXT:
            keys.append("e edit from both")
        keys.append("Escape decide later")
        return " · ".join(keys)

    def on_mount(self) -> None:
        self.query_one(TextArea).cursor_blink = self._blink

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        editing = self._editing
        if action == "save_edit":
            return editing
        if action in ("keep", "edit"):
            if editing:
                return False
            if action == "edit":
                return self.merge is Merge.TEXT
            if parameters == ("both",):
                return self.merge is Merge.LIST
        return True

    def action_keep(self, keep: str) -> None:
        self.dismiss(Choice(keep))

    def action_edit(self) -> None:
        editor = self.query_one(TextArea)
        editor.display = True
        self._editing = True
        self.query_one("#conflict-help", Label).update(
            Text("ctrl+s keep this text · Escape decide later")
        )
        self.set_focus(editor)
        self.refresh_bindings()

    def action_save_edit(self) -> None:
        self.dismiss(Choice("edited", self.query_one(TextArea).text))

    def action_later(self) -> None:
        self.dismiss(None)


class ForcePublishDialog(ModalScreen[bool]):
    """Publishing was refused: the problems, and `y` to publish anyway (it is recorded)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Publish anyway"),
        Binding("n,escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__()
        self.problems = tuple(problems)

    def compose(self) -> ComposeResult:
        count = len(self.problems)
        with Vertical(classes="dialog", id="force-dialog"):
            yield Label(
                Text(f"Publish despite {count} problem{'' if count == 1 else 's'}?"),
                classes="dialog-title",
            )
            with VerticalScroll(id="force-problems"):
                for problem in self.problems:
                    line = Text("✗ ")
                    line.append(problem.where, style="bold")
                    line.append(f": {printable(problem.message)}")
                    yield Static(line, classes="force-problem")
            yield Label(
                "The override goes on the report's record, naming you and these problems.",
                classes="dialog-help",
            )
            yield Label("y publish anyway · n / Escape cancel and fix them", classes="dialog-help")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
