"""What stands between a post-mortem and publishing it (PRODUCT.md §4), one problem per line.

Each problem names where it is, as the path the JSON export uses (`actionItems[1].owner`,
`fiveWhys`, `rootCause`), and says why. Blocking problems refuse publishing (unless forced);
an overdue post-mortem is reported but does not block: publishing is the cure for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from warroom.domain.blameless import find_blame, person_names
from warroom.domain.lifecycle import postmortem_due
from warroom.domain.model import ReportStatus
from warroom.domain.postmortem import Report
from warroom.domain.timefmt import duration

FIVE_WHYS_MIN, FIVE_WHYS_MAX = 3, 5


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    message: str
    blocking: bool = True
    # Blame language: the phrase as written, and the systems phrasing to use instead.
    phrase: str = ""
    suggestion: str = ""

    def __str__(self) -> str:
        line = f"{self.where}: {self.message}"
        return line if self.blocking else f"{line} (does not block publishing)"


def check_report(report: Report, now: datetime) -> list[Problem]:
    """Every problem, in the order of the report's sections."""
    problems = list(_completeness(report))
    problems += _action_items(report)
    problems += _five_whys(report)
    problems += _blame(report)
    problems += _timeliness(report, now)
    return problems


def blocking(problems: Sequence[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.blocking]


def _completeness(report: Report) -> Iterator[Problem]:
    if report.incident.is_active:
        yield Problem(
            "incident",
            f"{report.incident.key} is not resolved yet ({report.incident.phase.title}): "
            "publish once it is",
        )
    if not report.summary.strip():
        yield Problem("summary", "empty: say what happened, to whom, and why, in a few sentences")
    impact = report.impact
    if not impact.duration.strip():
        yield Problem("impact.duration", "empty: how long were users affected?")
    if impact.users_affected is None:
        yield Problem(
            "impact.usersAffected",
            'not filled: how many users were affected (0: none; "unknown" if nobody can count)?',
        )
    if not impact.revenue_impact.strip():
        yield Problem("impact.revenueImpact", 'empty: estimate it, or write "none"')
    if impact.sla_breached is None:
        yield Problem("impact.slaBreached", "not set: was the SLA breached?")
    if not report.root_cause.strip():
        yield Problem("rootCause", "empty: what in the system let this happen?")


def _action_items(report: Report) -> Iterator[Problem]:
    if not report.action_items:
        yield Problem(
            "actionItems",
            "none: a post-mortem without action items is a story, not a learning opportunity",
        )
    for index, item in enumerate(report.action_items):
        label = f'"{_short(item.description)}"'
        where = f"actionItems[{index}]"
        if not item.owner.strip():
            yield Problem(f"{where}.owner", f"{label} has no owner")
        if item.type is None:
            yield Problem(f"{where}.type", f"{label} has no type (prevent, detect or mitigate)")
        if item.priority is None:
            yield Problem(f"{where}.priority", f"{label} has no priority (P0, P1 or P2)")
        if item.due_date is None:
            yield Problem(f"{where}.dueDate", f"{label} has no due date")


def _five_whys(report: Report) -> Iterator[Problem]:
    count = len(report.five_whys)
    if count < FIVE_WHYS_MIN:
        yield Problem(
            "fiveWhys",
            f"{count} level{'' if count == 1 else 's'} deep: keep asking why until you reach "
            f"the systemic cause ({FIVE_WHYS_MIN}-{FIVE_WHYS_MAX} levels)",
        )
    elif count > FIVE_WHYS_MAX:
        yield Problem(
            "fiveWhys",
            f"{count} levels deep: the systemic cause is usually reached within "
            f"{FIVE_WHYS_MAX}; keep the {FIVE_WHYS_MIN}-{FIVE_WHYS_MAX} that lead to it",
        )
    for index, why in enumerate(report.five_whys):
        if not why.question.strip():
            yield Problem(f"fiveWhys[{index}].question", "empty")
        if not why.answer.strip():
            yield Problem(f"fiveWhys[{index}].answer", f'"{_short(why.question)}" is not answered')


def _blame(report: Report) -> Iterator[Problem]:
    names = person_names(report.people)
    fields: list[tuple[str, str, bool]] = [
        ("summary", report.summary, False),
        ("impact.duration", report.impact.duration, False),
        ("impact.revenueImpact", report.impact.revenue_impact, False),
        ("rootCause", report.root_cause, True),
    ]
    fields += [
        (f"contributingFactors[{i}]", factor.text, True)
        for i, factor in enumerate(report.contributing_factors)
    ]
    for name, items in (
        ("whatWentWell", report.what_went_well),
        ("whatWentPoorly", report.what_went_poorly),
        ("luckyBreaks", report.lucky_breaks),
    ):
        fields += [(f"{name}[{i}]", text, False) for i, text in enumerate(items)]
    fields += [
        (f"actionItems[{i}].description", item.description, False)
        for i, item in enumerate(report.action_items)
    ]
    for i, why in enumerate(report.five_whys):
        fields.append((f"fiveWhys[{i}].question", why.question, False))
        fields.append((f"fiveWhys[{i}].answer", why.answer, True))
    for where, text, causal in fields:
        for finding in find_blame(text, where, names, causal=causal):
            yield Problem(
                where,
                f'blame language "{finding.phrase}": {finding.suggestion}',
                phrase=finding.phrase,
                suggestion=finding.suggestion,
            )


def _timeliness(report: Report, now: datetime) -> Iterator[Problem]:
    resolved = report.incident.resolved_at
    if resolved is None or report.status is ReportStatus.PUBLISHED:
        return
    due = postmortem_due(resolved).astimezone(UTC)
    if now > due:
        yield Problem(
            "status",
            f"overdue by {duration(now - due)}: due {due:%Y-%m-%d %H:%M} UTC, "
            "48 hours after resolution",
            blocking=False,
        )


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
