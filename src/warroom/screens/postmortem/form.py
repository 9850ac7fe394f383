"""The post-mortem's form: every field of the report, shown from the draft and typed into it.

What is typed goes into the draft (`ReportDraft`) at once and is told to the screen with
`ReportForm.Changed`; the screen saves it. A field with a default (the report id, the date, the
duration) shows the default while it is empty in the store, and what is typed over it is kept
as typed, even when the two agree. A field whose text cannot be saved as it is (a date that is
no date) keeps the text, says why in its hint, and is listed in `invalid` until it can.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, tzinfo
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, TextArea

from warroom.domain.errors import BadInput
from warroom.domain.model import ContributingFactor, FishboneCategory, PostMortem, Unknown
from warroom.domain.postmortem import (
    Report,
    outage_duration,
    parse_report_date,
    parse_users_affected,
    sla_suggestion,
    with_fields,
)
from warroom.domain.report_draft import FIELDS, ReportDraft
from warroom.domain.severity import SEVERITIES
from warroom.domain.text import printable
from warroom.widgets.action_list import ActionItemList
from warroom.widgets.fields import TextField
from warroom.widgets.five_whys import FiveWhysEditor
from warroom.widgets.list_editor import Entry, ListEditor
from warroom.widgets.report_timeline import ReportTimeline
from warroom.widgets.text_box import TextBox

SLA_OPTIONS: list[tuple[str, str]] = [
    ("as suggested", "auto"),
    ("yes", "yes"),
    ("no", "no"),
]
_SLA_VALUE = {"auto": None, "yes": True, "no": False}
_SLA_OPTION = {value: option for option, value in _SLA_VALUE.items()}

# The lists edited a line an item: field -> widget id (contributing factors carry a category).
LISTS = {
    "authors": "authors",
    "contributing_factors": "factors",
    "what_went_well": "went-well",
    "what_went_poorly": "went-poorly",
    "lucky_breaks": "lucky-breaks",
}
_TEXTS = {"summary": "summary", "root_cause": "root-cause"}  # many lines: field -> widget id
# The fields of the sections mounted after the first screen.
_BELOW = (
    "root_cause",
    "contributing_factors",
    "five_whys",
    "what_went_well",
    "what_went_poorly",
    "lucky_breaks",
)

# The sections, in the order of the form, with the place (a problem's path) each begins at.
SECTIONS = (
    ("Summary", "summary"),
    ("Impact", "impact.duration"),
    ("Root cause", "rootCause"),
    ("Contributing factors", "contributingFactors"),
    ("Five whys", "fiveWhys"),
    ("What went well", "whatWentWell"),
    ("What went poorly", "whatWentPoorly"),
    ("Lucky breaks", "luckyBreaks"),
    ("Action items", "actionItems"),
    ("Authors", "authors"),
)

# A problem's place (the JSON export's path) -> the widget it is about.
_PLACES = {
    "summary": "summary",
    "rootCause": "root-cause",
    "impact.duration": "duration",
    "impact.usersAffected": "users",
    "impact.revenueImpact": "revenue",
    "impact.slaBreached": "sla",
    "contributingFactors": "factors",
    "whatWentWell": "went-well",
    "whatWentPoorly": "went-poorly",
    "luckyBreaks": "lucky-breaks",
    "authors": "authors",
    "fiveWhys": "whys",
    "actionItems": "actions",
}
_PATH = re.compile(r"^(?P<name>[\w.]+?)(?:\[(?P<index>\d+)\])?(?:\.(?P<part>\w+))?$")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a problem is (`fiveWhys[2].answer`): `name` ("fiveWhys"), the widget it is about
    (None: not a field of the form), and the item and part of it."""

    name: str
    widget_id: str | None
    index: int
    part: str | None


def place_of(where: str) -> Place | None:
    match = _PATH.match(where)
    if match is None:
        return None
    name, index, part = match.group("name"), match.group("index"), match.group("part")
    key = name if name in _PLACES else f"{name}.{part}" if part else name
    return Place(name, _PLACES.get(key), int(index) if index is not None else 0, part)


class ReportForm(VerticalScroll):
    """The report's fields. `doc` (the draft) and `report` (as last read) are the screen's,
    handed over once loaded; the form types into `doc` and shows both."""

    @dataclass
    class Changed(Message):
        """What the form holds changed: the draft (`typed`: to save and check), or only
        whether a field can be saved (`invalid`)."""

        form: ReportForm
        typed: bool

        @property
        def control(self) -> ReportForm:
            return self.form

    def __init__(self, tz: tzinfo, *, blink: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self._tz = tz
        self._blink = blink
        self.doc: ReportDraft | None = None
        self.report: Report | None = None
        self.invalid: dict[str, str] = {}  # field label -> why what it holds cannot be saved
        self._error_hints: set[str] = set()  # hints saying why a field cannot be saved
        self.complete = False  # every section mounted: `show_rest`

    # ---- layout ---------------------------------------------------------------------------

    def watch_has_focus(self, _has_focus: bool) -> None:
        """Restyle the form itself, not its fields: no rule styles a field by whether the form
        has the focus, and Textual restyled all of them (some 250 widgets, about a tenth of a
        second) each time the form took or gave up the focus, several times while opening."""
        self.app.stylesheet.update_nodes([self], animate=True)

    def compose(self) -> ComposeResult:
        blink = self._blink
        yield _section("Report")
        yield _field("Title", _line("title", "required"))
        yield _field(
            "Report id",
            _line("report-id", "PM-YYYY-NNN"),
            "report-id",
        )
        yield _field(
            "Date",
            _line("report-date", "YYYY-MM-DD"),
            "report-date",
        )
        yield _field("Severity", Label("", id="severity"))
        yield _field("Commander", Label("", id="commander"))
        yield _list_field(
            "Authors", ListEditor(placeholder="+ an author", id="authors", blink=blink)
        )
        yield _section("Summary")
        yield TextBox(id="summary", soft_wrap=True, classes="long-text")
        yield _section("Impact")
        yield _field(
            "Duration",
            _line("duration", "e.g. 47 minutes"),
            "duration",
        )
        yield _field(
            "Users affected",
            _line("users", 'e.g. 12500, or "unknown"'),
            "users",
        )
        yield _field(
            "Revenue impact",
            _line("revenue", 'an estimate, or "none"'),
        )
        yield _field(
            "SLA breached",
            Select(SLA_OPTIONS, id="sla", allow_blank=False, value="auto", compact=True),
            "sla",
        )
        # The sections below: `show_rest`, once the first screen is drawn.

    def _rest(self) -> list[Widget]:
        blink = self._blink
        return [
            _section("Root cause"),
            TextBox(id="root-cause", soft_wrap=True, classes="long-text"),
            _section("Contributing factors"),
            ListEditor(
                placeholder="+ a factor (ctrl+t: its category)",
                tags=[category.value for category in FishboneCategory],
                id="factors",
                blink=blink,
            ),
            _section("Five whys"),
            FiveWhysEditor(id="whys", blink=blink),
            _section("What went well"),
            ListEditor(placeholder="+ what went well", id="went-well", blink=blink),
            _section("What went poorly"),
            ListEditor(placeholder="+ what went poorly", id="went-poorly", blink=blink),
            _section("Lucky breaks"),
            ListEditor(placeholder="+ a lucky break", id="lucky-breaks", blink=blink),
            _section("Action items"),
            ActionItemList(id="actions"),
            ReportTimeline(self._tz, id="timeline"),
        ]

    def on_mount(self) -> None:
        self._set_up_fields()

    def _set_up_fields(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self._blink
            field.compact = True
        for area in self.query(TextArea):
            area.cursor_blink = self._blink

    async def show_rest(self) -> None:
        """Mount the sections below the first screenful and show them from the draft. The
        first screen is drawn without them: they were most of the editor's opening time."""
        if self.complete:
            return
        await self.mount_all(self._rest())
        self.complete = True
        self._set_up_fields()
        if self.report is not None:
            self._show_report_below(self.report)
        if self.doc is not None:
            self.query_one(FiveWhysEditor).set_title(self.doc.title)
            for name in _BELOW:
                await self.show_field(name)

    # ---- what the screen calls ------------------------------------------------------------

    async def show_all(self) -> None:
        for name in ("title", *FIELDS):
            await self.show_field(name)

    async def show_report(self, report: Report) -> None:
        """The report as read: others' changes to fields not being edited here come in."""
        self.report = report
        if self.complete:
            self._show_report_below(report)
        doc = self.doc
        if doc is not None:
            for name in doc.arrived(report.stored) or ():
                await self.show_field(name)
            if doc.title_arrived(report.title):
                await self.show_field("title")
            if self.complete:
                self.query_one(FiveWhysEditor).set_title(doc.title)
        level = SEVERITIES[report.severity]
        severity = f"{level.label} ({level.name}): {level.definition}"
        self.query_one("#severity", Label).update(Text(severity))
        self.query_one("#commander", Label).update(Text(printable(report.commander or "—")))
        self.show_hints()

    def _show_report_below(self, report: Report) -> None:
        self.query_one(ActionItemList).show(report.action_items, report.live_tasks)
        self.query_one(FiveWhysEditor).names = report.people

    async def show_field(self, name: str) -> None:
        """Show field `name` of the draft as it is now ("title": the incident's title)."""
        doc = self.doc
        if doc is None or not (self.is_attached and self.screen.display):
            return  # (the screen is being taken down: popped, or the app quitting)
        if name in _BELOW and not self.complete:
            return  # shown once mounted
        draft = doc.draft
        if name in _SHOWN:
            widget_id, shown = _SHOWN[name]
            _set_input(self.query_one(f"#{widget_id}", Input), shown(self, draft))
        elif name in _TEXTS:
            _set_area(self.query_one(f"#{_TEXTS[name]}", TextBox), getattr(draft, name))
        elif name in LISTS:
            await self.query_one(f"#{LISTS[name]}", ListEditor).show(_entries(draft, name))
        elif name == "title":
            _set_input(self.query_one("#title", Input), doc.title)
            if self.complete:  # the subject of the whys' first question
                self.query_one(FiveWhysEditor).set_title(doc.title)
        elif name == "sla_breached":
            select: Select[str] = self.query_one("#sla", Select)
            if select.value != _SLA_OPTION[draft.sla_breached]:
                select.value = _SLA_OPTION[draft.sla_breached]
        elif name == "five_whys":
            await self.query_one(FiveWhysEditor).show(draft.five_whys)
        if name == "report_date" and not draft.report_id:
            _set_input(self.query_one("#report-id", Input), self.derived_id())  # it follows
        if name in ("report_date", "report_id", "impact_duration", "sla_breached"):
            self.show_hints()

    def focus_place(self, place: Place) -> None:
        """Focus the field a problem is about (its item, for a list)."""
        found = self.query(f"#{place.widget_id}") if place.widget_id else None
        if not found:
            return  # (not a field, or below the first screen and not mounted yet)
        widget = found.first()
        if isinstance(widget, FiveWhysEditor):
            widget.focus_level(place.index, answer=place.part != "question")
        elif isinstance(widget, ListEditor):
            widget.focus_item(place.index)
        elif isinstance(widget, ActionItemList):
            widget.select_item(place.index)
            self.screen.set_focus(widget)
        else:
            self.screen.set_focus(widget)

    # ---- defaults -------------------------------------------------------------------------

    def derived_id(self) -> str:
        report, doc = self.report, self.doc
        if report is None or doc is None:
            return ""
        return with_fields(report, replace(doc.draft, report_id="")).report_id

    def detection_date(self) -> date | None:
        report = self.report
        return report.incident.detected_at.astimezone(UTC).date() if report else None

    def computed_duration(self) -> str:
        report = self.report
        if report is None or report.incident.resolved_at is None:
            return ""
        return outage_duration(report.incident.detected_at, report.incident.resolved_at)

    def show_hints(self) -> None:
        doc, report = self.doc, self.report
        if doc is None or report is None:
            return
        draft = doc.draft
        self._hint("report-id", "derived from the date" if not draft.report_id else "")
        self._hint("report-date", "the detection date" if draft.report_date is None else "")
        if draft.impact_duration:
            duration_hint = "typed; clear to compute it"
        elif report.incident.resolved_at is None:
            duration_hint = "not resolved yet"
        else:
            duration_hint = "from the milestones"
        self._hint("duration", duration_hint)
        suggestion = sla_suggestion(report.metrics)
        if draft.sla_breached is not None:
            sla_hint = ""  # answered: nothing to suggest
        elif suggestion is None:
            sla_hint = "nothing to suggest it yet"
        else:
            sla_hint = f"suggested: {'yes' if suggestion.breached else 'no'} ({suggestion.reason})"
        self._hint("sla", sla_hint)

    def _hint(self, name: str, text: str, *, error: bool = False) -> None:
        if not error and name in self._error_hints:
            return  # what is typed there cannot be saved: that stays said until it can
        label = self.query_one(f"#{name}-hint", Label)
        label.update(Text(text))
        label.set_class(error, "-error")

    # ---- what was typed -------------------------------------------------------------------

    def _edit(self, **changes: Any) -> None:
        if self.doc is not None and self.doc.edit(**changes):
            self.post_message(self.Changed(self, typed=True))

    @on(Input.Changed, "#title")
    def _title_typed(self, message: Input.Changed) -> None:
        value = message.input.value.strip()
        if self.doc is None:
            return
        if not value:
            self.notify("The title must not be empty: the last one is kept.", severity="warning")
        elif self.doc.retitle(value):
            if self.complete:
                self.query_one(FiveWhysEditor).set_title(value)
            self.post_message(self.Changed(self, typed=True))

    @on(Input.Changed, "#report-id")
    def _report_id_typed(self, message: Input.Changed) -> None:
        value = message.input.value.strip()
        if self.doc is None:
            return
        derived = self.derived_id()
        if value != (self.doc.draft.report_id or derived):
            self._edit(report_id="" if value == derived else value)

    @on(Input.Changed, "#report-date")
    def _date_typed(self, message: Input.Changed) -> None:
        if self.doc is None:
            return
        try:
            typed = parse_report_date(message.input.value.strip())
        except BadInput as error:
            self._invalid("Date", "report-date", error)
            return
        self._valid("Date", "report-date")
        detected = self.detection_date()
        if typed != (self.doc.draft.report_date or detected):
            self._edit(report_date=None if typed == detected else typed)
            if not self.doc.draft.report_id:  # the derived id follows the date
                _set_input(self.query_one("#report-id", Input), self.derived_id())
            self.show_hints()

    @on(Input.Changed, "#duration")
    def _duration_typed(self, message: Input.Changed) -> None:
        value = message.input.value.strip()
        if self.doc is None:
            return
        computed = self.computed_duration()
        if value != (self.doc.draft.impact_duration or computed):
            self._edit(impact_duration="" if value == computed else value)
            self.show_hints()

    @on(Input.Changed, "#users")
    def _users_typed(self, message: Input.Changed) -> None:
        if self.doc is None:
            return
        try:
            users = parse_users_affected(message.input.value.strip())
        except BadInput as error:
            self._invalid("Users affected", "users", error)
            return
        self._valid("Users affected", "users")
        self._hint("users", "")
        self._edit(users_affected=users)

    @on(Input.Changed, "#revenue")
    def _revenue_typed(self, message: Input.Changed) -> None:
        self._edit(revenue_impact=message.input.value.strip())

    @on(TextArea.Changed, "#summary")
    def _summary_typed(self, message: TextArea.Changed) -> None:
        self._edit(summary=message.text_area.text.strip())

    @on(TextArea.Changed, "#root-cause")
    def _root_cause_typed(self, message: TextArea.Changed) -> None:
        self._edit(root_cause=message.text_area.text.strip())

    @on(Select.Changed, "#sla")
    def _sla_chosen(self, message: Select.Changed) -> None:
        value = message.select.value
        if isinstance(value, str):
            self._edit(sla_breached=_SLA_VALUE[value])
            self.show_hints()  # answered: the suggestion goes

    @on(ListEditor.Changed, "#factors")
    def _factors_typed(self, message: ListEditor.Changed) -> None:
        self._edit(
            contributing_factors=tuple(
                ContributingFactor(entry.text, FishboneCategory(entry.tag) if entry.tag else None)
                for entry in message.entries
            )
        )

    @on(ListEditor.Changed)
    def _list_typed(self, message: ListEditor.Changed) -> None:
        name = _LIST_OF.get(message.editor.id or "")
        if name is not None:
            self._edit(**{name: tuple(entry.text for entry in message.entries)})

    @on(FiveWhysEditor.Changed)
    def _whys_typed(self, message: FiveWhysEditor.Changed) -> None:
        self._edit(five_whys=message.whys)

    def _invalid(self, label: str, hint: str, error: BadInput) -> None:
        """What the field holds cannot be saved: it stays on screen, marked, unsaved."""
        self.invalid[label] = str(error)
        self._error_hints.add(hint)
        self._hint(hint, str(error), error=True)
        self.post_message(self.Changed(self, typed=False))

    def _valid(self, label: str, hint: str) -> None:
        self._error_hints.discard(hint)
        if self.invalid.pop(label, None) is not None:
            self._hint(hint, "")
            self.post_message(self.Changed(self, typed=False))
            self.show_hints()


# One-line fields: field -> (widget id, what it shows of the draft).
_SHOWN: dict[str, tuple[str, Callable[[ReportForm, PostMortem], str]]] = {
    "report_id": ("report-id", lambda form, draft: draft.report_id or form.derived_id()),
    "report_date": (
        "report-date",
        lambda form, draft: _iso(draft.report_date or form.detection_date()),
    ),
    "impact_duration": (
        "duration",
        lambda form, draft: draft.impact_duration or form.computed_duration(),
    ),
    "users_affected": (
        "users",
        lambda _form, draft: _users(draft.users_affected),
    ),
    "revenue_impact": ("revenue", lambda _form, draft: draft.revenue_impact),
}


def _users(count: int | Unknown | None) -> str:
    if isinstance(count, Unknown):
        return count.value
    return "" if count is None else str(count)


# The plain lists (not the factors, which carry a category): widget id -> field.
_LIST_OF = {widget_id: name for name, widget_id in LISTS.items() if widget_id != "factors"}


def _entries(draft: PostMortem, name: str) -> list[Entry]:
    if name == "contributing_factors":
        return [
            Entry(f.text, f.category.value if f.category else None)
            for f in draft.contributing_factors
        ]
    items: tuple[str, ...] = getattr(draft, name)
    return [Entry(text) for text in items]


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _section(title: str) -> Label:
    return Label(Text(title), classes="pm-section")


def _line(widget_id: str, placeholder: str) -> TextField:
    # Compact as it is made: set on mount, the class it toggles restyled each field anew.
    return TextField(id=widget_id, placeholder=placeholder, compact=True)


def _field(label: str, field: Widget, hint: str | None = None) -> Horizontal:
    children: list[Widget] = [Label(label, classes="pm-label"), field]
    if hint is not None:
        children.append(Label("", id=f"{hint}-hint", classes="pm-hint"))
    return Horizontal(*children, classes="pm-field")


def _list_field(label: str, editor: ListEditor) -> Horizontal:
    return Horizontal(Label(label, classes="pm-label"), editor, classes="pm-field pm-list")


def _set_input(field: Input, value: str) -> None:
    if field.value.strip() != value:
        field.value = value


def _set_area(area: TextBox, value: str) -> None:
    if area.text.strip() != value:
        area.show_text(value)
