"""Every action in the war room's command palette has a command-line equivalent, so scripts,
bots and people without the TUI can do all that the keys do, and the two never drift apart."""

from __future__ import annotations

import pytest

from warroom.cli.parser import build_parser
from warroom.screens.war_room import WarRoomScreen

# Each palette action, and the command line that does the same.
EQUIVALENTS = {
    "Log an event": ["log", "INC-1", "db cpu 95%"],
    "Change severity": ["severity", "INC-1", "SEV-2"],
    "Post a stakeholder update": ["update", "INC-1", "Rolled back"],
    "Add an action item": ["action", "add", "INC-1", "Add an index check"],
    "Advance the lifecycle one step": ["step", "INC-1"],
    "Step the lifecycle back": ["step", "INC-1", "triage"],
    "Resolve the incident": ["resolve", "INC-1"],
    "Assign roles": ["role", "INC-1", "scribe", "Alice"],
    "Open the post-mortem": ["postmortem", "INC-1"],
    "Back to the incident list": ["list"],
    "Search the timeline": ["search", "db cpu", "--kind", "event"],
    "Services and tags": ["labels", "INC-1", "--services", "payments", "--tags", "kafka"],
}


def palette_titles() -> list[str]:
    return [command.title for command in WarRoomScreen(1).system_commands()]


def test_every_palette_action_has_a_command_line_equivalent() -> None:
    assert sorted(palette_titles()) == sorted(EQUIVALENTS)


@pytest.mark.parametrize("title", sorted(EQUIVALENTS))
def test_the_equivalent_is_a_command_the_parser_takes(title: str) -> None:
    args = build_parser().parse_args(EQUIVALENTS[title])
    assert callable(args.handler)
