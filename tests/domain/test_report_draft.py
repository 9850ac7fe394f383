"""A post-mortem being edited: what is kept when saves come back, others' changes arrive, and a
person chooses between two versions of a field."""

from dataclasses import replace

from warroom.domain.model import PostMortem, ReportStatus, Why
from warroom.domain.report_draft import ReportDraft, choose

STORED = PostMortem(incident_id=7, summary="stored", root_cause="cause", version=3)


def test_typing_makes_it_dirty_until_saved() -> None:
    doc = ReportDraft.of(STORED, "Checkout down")
    assert not doc.dirty
    assert doc.sending() is None
    assert not doc.edit(summary="stored")  # the same value is no edit
    assert doc.edit(summary="typed")
    assert doc.retitle("Checkout outage")
    assert doc.unsaved == ["title", "summary"]
    sending = doc.sending()
    assert sending == replace(STORED, summary="typed")
    doc.title_saved("Checkout outage")
    assert doc.saved(sending, replace(sending, version=4)) == []
    assert not doc.dirty
    assert doc.base.version == doc.draft.version == 4


def test_what_is_typed_while_saving_stays() -> None:
    doc = ReportDraft.of(STORED, "t")
    doc.edit(summary="first")
    sending = doc.sending()
    assert sending is not None
    doc.edit(summary="first and more", users_affected=12)
    # stored with someone else's root cause merged in
    theirs = doc.saved(sending, replace(sending, root_cause="theirs", version=4))
    assert theirs == ["root_cause"]
    assert (doc.draft.summary, doc.draft.users_affected, doc.draft.root_cause) == (
        "first and more",
        12,
        "theirs",
    )
    assert doc.unsaved == ["summary", "users_affected"]


def test_others_changes_arrive_under_what_is_typed() -> None:
    doc = ReportDraft.of(STORED, "t")
    doc.edit(summary="mine")
    assert doc.arrived(STORED) == []  # the same version: nothing new
    assert doc.arrived(replace(STORED, root_cause="theirs", version=4)) == ["root_cause"]
    assert (doc.draft.summary, doc.draft.root_cause, doc.base.version) == ("mine", "theirs", 4)
    # a field typed here changed there too: nothing is taken; the save will ask
    assert doc.arrived(replace(doc.base, summary="theirs", version=5)) is None
    assert (doc.draft.summary, doc.base.version) == ("mine", 4)


def test_the_title_arrives_unless_typed_here() -> None:
    doc = ReportDraft.of(STORED, "old")
    assert doc.title_arrived("new")
    assert (doc.title, doc.base_title) == ("new", "new")
    doc.retitle("mine")
    assert not doc.title_arrived("theirs")
    assert (doc.title, doc.base_title) == ("mine", "new")
    assert not doc.title_arrived("mine")  # both typed the same
    assert not doc.dirty


def test_a_conflict_decided_field_by_field() -> None:
    doc = ReportDraft.of(STORED, "t")
    doc.edit(summary="mine", revenue_impact="none", five_whys=(Why("q", "a"),))
    theirs = replace(STORED, summary="theirs", five_whys=(Why("q2", "a2"),), version=4)
    merged, conflicts = doc.conflicts(theirs)
    assert conflicts == ("summary", "five_whys")
    assert merged.revenue_impact == "none"  # only mine changed it: kept
    chosen = {
        "summary": choose("theirs", doc.draft.summary, theirs.summary),
        "five_whys": choose("both", doc.draft.five_whys, theirs.five_whys),
    }
    assert doc.decided(theirs, merged, chosen) == ["summary", "five_whys"]
    assert doc.draft.summary == "theirs"
    assert doc.draft.five_whys == (Why("q2", "a2"), Why("q", "a"))
    assert doc.base == theirs
    assert doc.sending() == replace(doc.draft, version=4)


def test_choose() -> None:
    assert choose("mine", "a", "b") == "a"
    assert choose("theirs", "a", "b") == "b"
    assert choose("edited", "a", "b", " a and b ") == "a and b"
    assert choose("both", ("x", "y"), ("y", "z")) == ("y", "z", "x")
    assert choose("both", True, False) is True  # nothing to combine: mine
    assert choose("mine", ReportStatus.DRAFT, ReportStatus.PUBLISHED) is ReportStatus.DRAFT


def test_the_editing_core_runs_without_a_terminal() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import warroom.domain.report_draft, warroom.domain.fivewhys, warroom.domain.postmortem\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] == 'textual']\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
