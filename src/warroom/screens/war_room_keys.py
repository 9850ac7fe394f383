"""The war room's keys: the ids are what `[keys]` in the config remaps.

Priority bindings, so a key is acted on in the order it was typed: `l` followed at once by text
puts the text in the log input. While a text field has focus they stand aside (the screen's
check_action), and the letters are typed.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

WAR_ROOM_KEYS: list[BindingType] = [
    Binding(
        "l",
        "focus_log",
        "Log",
        id="log",
        priority=True,
        tooltip="Type events: Enter saves each, Escape leaves",
    ),
    Binding("s", "severity", "Severity", id="severity", priority=True, tooltip="Change severity"),
    Binding(
        "u",
        "update",
        "Update",
        id="update",
        priority=True,
        tooltip="Compose a stakeholder update",
    ),
    Binding(
        "a",
        "add_action",
        "Action",
        id="action",
        priority=True,
        tooltip="Add an action item",
    ),
    Binding("p", "advance", "Step", id="phase", priority=True, tooltip="Advance the lifecycle"),
    Binding(
        "w",
        "postmortem",
        "PM",
        id="postmortem",
        priority=True,
        tooltip="Open the post-mortem of this incident",
    ),
    Binding(
        "r",
        "roles",
        "Roles",
        id="roles",
        priority=True,
        tooltip="Assign IC, scribe, comms, experts",
    ),
    Binding(
        "slash",
        "search",
        "Search",
        id="search",
        priority=True,
        show=False,
        tooltip="Search this timeline by text and kind",
    ),
    Binding(
        "t",
        "labels",
        "Labels",
        id="labels",
        priority=True,
        show=False,
        tooltip="Edit the incident's services and tags",
    ),
    Binding(
        "P",
        "step_back",
        "Back",
        id="step-back",
        priority=True,
        show=False,
        tooltip="Step the lifecycle back (moved on by mistake)",
    ),
    Binding("g", "home", "Home", id="home", priority=True, tooltip="Back to the list of incidents"),
    Binding("q", "quit", "Quit", id="quit", tooltip="Quit: what is not sent is kept as a draft"),
]
