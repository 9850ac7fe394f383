"""What stands between a post-mortem and publishing, one problem per line."""

from dataclasses import replace
from datetime import timedelta

from tests.reports import ITEM, READY, RESOLVED, incident, make_report
from warroom.domain.checks import Problem, blocking, check_report
from warroom.domain.model import ContributingFactor, ReportStatus, Why


def lines(**kwargs: object) -> list[str]:
    report = make_report(**kwargs)  # type: ignore[arg-type]
    return [str(problem) for problem in check_report(report, RESOLVED + timedelta(hours=1))]


def test_a_complete_blameless_report_is_ready() -> None:
    assert lines() == []


def test_no_action_items_is_a_story() -> None:
    assert lines(items=()) == [
        "actionItems: none: a post-mortem without action items is a story, "
        "not a learning opportunity"
    ]


def test_each_missing_action_item_field_names_the_item_and_the_field() -> None:
    bare = replace(ITEM, description="Test rollbacks monthly", type=None, owner=" ", due_date=None)
    assert lines(items=(ITEM, bare, replace(ITEM, priority=None))) == [
        'actionItems[1].owner: "Test rollbacks monthly" has no owner',
        'actionItems[1].type: "Test rollbacks monthly" has no type (prevent, detect or mitigate)',
        'actionItems[1].dueDate: "Test rollbacks monthly" has no due date',
        'actionItems[2].priority: "Add index verification to migration CI checks" has no '
        "priority (P0, P1 or P2)",
    ]


def test_empty_summary_impact_and_root_cause() -> None:
    found = lines(
        summary=" ", users_affected=None, revenue_impact="", sla_breached=None, root_cause=""
    )
    assert [line.split(":")[0] for line in found] == [
        "summary",
        "impact.usersAffected",
        "impact.revenueImpact",
        "rootCause",
    ]  # the SLA is suggested from the response target; the duration from the milestones


def test_unknown_duration_and_sla_while_nothing_can_suggest_them() -> None:
    active = incident(resolved=False)
    del active.milestones[next(m for m in active.milestones if m.value == "acknowledged")]
    found = lines(incident=active, impact_duration="", sla_breached=None)
    assert [line.split(":")[0] for line in found] == [
        "incident",
        "impact.duration",
        "impact.slaBreached",
    ]
    assert found[0] == "incident: INC-7 is not resolved yet (Resolution): publish once it is"


def test_five_whys_between_three_and_five_levels() -> None:
    why = Why("Why?", "Because.")
    assert lines(five_whys=(why, why)) == [
        "fiveWhys: 2 levels deep: keep asking why until you reach the systemic cause (3-5 levels)"
    ]
    assert lines(five_whys=(why,) * 5) == []
    assert lines(five_whys=(why,) * 6) == [
        "fiveWhys: 6 levels deep: the systemic cause is usually reached within 5; keep the 3-5 "
        "that lead to it"
    ]
    assert lines(five_whys=(why, why, Why("Why so slow?", " "))) == [
        'fiveWhys[2].answer: "Why so slow?" is not answered'
    ]


def test_blame_language_is_found_in_every_written_field() -> None:
    found = lines(
        root_cause="Dave forgot to add an index",
        contributing_factors=(ContributingFactor("Reviews were careless"),),
        what_went_poorly=("We should have rolled back sooner",),
        five_whys=(*READY.five_whys, Why("Why was it missing?", "Human error.")),
        items=(replace(ITEM, description="Stop making mistakes"),),
    )
    # each suggestion speaks of the text it flags, never of the lesson's example
    assert found == [
        'rootCause: blame language "Dave forgot": Dave is the subject of "Dave forgot to add an '
        'index": name the system or process',
        'rootCause: blame language "forgot to add an index": try "the process had no step to add '
        'an index"',
        'contributingFactors[0]: blame language "careless": describe the conditions, not the '
        'person: what made "Reviews were careless" easy to do?',
        'whatWentPoorly[0]: blame language "should have": hindsight: say what did happen in "We '
        'should have rolled back sooner", and what the system lacked',
        'actionItems[0].description: blame language "mistakes": describe the action in "Stop '
        'making mistakes" and what allowed it',
        'fiveWhys[3].answer: blame language "Human error": name what made the error possible: '
        'which step, check or tool let "Human error" through?',
    ]
    assert not any("index verification" in line for line in found)


def test_a_named_subject_is_turned_into_the_process_with_what_was_done() -> None:
    found = lines(root_cause="Dave deployed the cache config without a canary.")
    assert found == [
        'rootCause: blame language "Dave deployed": Dave is the subject: name the system or '
        'process instead, e.g. "the process allowed the cache config without a canary"'
    ]


def test_timeline_text_is_not_checked_for_blame() -> None:
    from tests.reports import TIMELINE
    from warroom.domain.postmortem import TimelineEntry

    entry = TimelineEntry(TIMELINE[-1].at, "Dave forgot the index", "Bob")
    assert lines(timeline=(*TIMELINE, entry)) == []


def test_overdue_is_reported_but_does_not_block() -> None:
    report = make_report()
    late = RESOLVED + timedelta(hours=50)
    problems = check_report(report, late)
    assert problems == [
        Problem(
            "status",
            "overdue by 2h 00m: due 2024-03-17 15:10 UTC, 48 hours after resolution",
            blocking=False,
        )
    ]
    assert str(problems[0]).endswith("(does not block publishing)")
    assert blocking(problems) == []
    published = make_report(status=ReportStatus.PUBLISHED)
    assert check_report(published, late) == []


def test_a_blame_problem_carries_the_phrase_and_the_suggestion() -> None:
    report = make_report(stored=replace(READY, root_cause="Dave forgot to add an index."))
    found = [p for p in check_report(report, RESOLVED) if p.where == "rootCause"]
    assert [(p.phrase, p.suggestion) for p in found] == [
        (
            "Dave forgot",
            'Dave is the subject of "Dave forgot to add an index": name the system or process',
        ),
        ("forgot to add an index", 'try "the process had no step to add an index"'),
    ]
    assert all(p.blocking for p in found)


def test_users_affected_unknown_is_an_answer() -> None:
    from warroom.domain.model import UNKNOWN

    assert lines(users_affected=UNKNOWN) == []
