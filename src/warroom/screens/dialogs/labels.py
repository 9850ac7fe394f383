"""An incident's services and tags, typed as lists (`payments, ledger`): from the home screen
or the war room (`t`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Input, Label

from warroom.domain.errors import BadInput
from warroom.domain.labels import LabelKind, parse_labels
from warroom.domain.model import Incident
from warroom.domain.text import one_line
from warroom.screens.dialogs.base import SavingDialog, prepare_fields
from warroom.widgets.fields import TextField


@dataclass(frozen=True, slots=True)
class Labels:
    services: tuple[str, ...]
    tags: tuple[str, ...]


class LabelsDialog(SavingDialog[Labels]):
    DEFAULT_CSS = """
    #labels-grid { grid-size: 2; grid-columns: 10 1fr; grid-rows: 1; grid-gutter: 1 0;
                   height: auto; }
    #labels-grid > Label { color: $text-muted; }
    #labels-dialog .dialog-help { width: 1fr; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(
        self,
        incident: Incident,
        *,
        blink: bool = True,
        save: Callable[[Labels], Awaitable[bool]] | None = None,
    ) -> None:
        super().__init__(save)
        self.incident = incident
        self._blink = blink

    def compose(self) -> ComposeResult:
        incident = self.incident
        with Vertical(classes="dialog", id="labels-dialog"):
            yield Label(
                Text(f"Services and tags of {incident.key} {one_line(incident.title)}"),
                classes="dialog-title",
            )
            with Grid(id="labels-grid"):
                yield Label("Services")
                yield TextField(
                    ", ".join(incident.services), id="services", placeholder="e.g. payments, ledger"
                )
                yield Label("Tags")
                yield TextField(", ".join(incident.tags), id="tags", placeholder="e.g. kafka")
            yield Label("", id="labels-error", classes="form-error")
            yield Label(
                "Commas between them. An alert whose service label names one goes to this "
                "incident while it is active. Enter save · Escape cancel",
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        prepare_fields(self, blink=self._blink)
        self.set_focus(self.query_one("#services", Input))

    async def on_input_submitted(self, message: Input.Submitted) -> None:
        message.stop()
        await self.action_save()

    async def action_save(self) -> None:
        try:
            labels = Labels(
                parse_labels(self.query_one("#services", Input).value, LabelKind.SERVICE),
                parse_labels(self.query_one("#tags", Input).value, LabelKind.TAG),
            )
        except BadInput as error:
            self.query_one("#labels-error", Label).update(Text(str(error)))
            return
        await self.finish(labels)

    def action_cancel(self) -> None:
        self.dismiss(None)
