"""The colours that mean something: severity and priority. One place for both the TCSS (as
variables, `$sev-1` ...) and the Rich styles of table cells and cards."""

from __future__ import annotations

from warroom.domain.model import Priority

# background, foreground
SEVERITY_COLORS: dict[int, tuple[str, str]] = {
    1: ("#b71c1c", "#ffffff"),  # red
    2: ("#e65100", "#ffffff"),  # orange
    3: ("#f9a825", "#000000"),  # yellow
    4: ("#1565c0", "#ffffff"),  # blue
}

PRIORITY_COLORS: dict[Priority, tuple[str, str]] = {
    Priority.P0: SEVERITY_COLORS[1],
    Priority.P1: SEVERITY_COLORS[3],
    Priority.P2: ("#b0bec5", "#000000"),
}


def severity_style(level: int) -> str:
    background, foreground = SEVERITY_COLORS[level]
    return f"bold {foreground} on {background}"


def priority_style(priority: Priority) -> str:
    background, foreground = PRIORITY_COLORS[priority]
    return f"bold {foreground} on {background}"


def css_variables() -> dict[str, str]:
    variables: dict[str, str] = {}
    for level, (background, foreground) in SEVERITY_COLORS.items():
        variables[f"sev-{level}"] = background
        variables[f"sev-{level}-text"] = foreground
    return variables
