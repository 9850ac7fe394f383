"""Merging two edits of one record field by field."""

from dataclasses import dataclass

import pytest

from warroom.domain.merge import changed_fields, merge, settle


@dataclass(frozen=True)
class Doc:
    title: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    version: int = 1


BASE = Doc("t", "b", ("x",))


@pytest.mark.parametrize(
    ("mine", "theirs", "merged", "conflicts"),
    [
        # nobody else changed anything: mine wins whole
        (Doc("T", "b", ("x",)), BASE, Doc("T", "b", ("x",)), ()),
        # different fields: both kept
        (Doc("T", "b", ("x",)), Doc("t", "B", ("x",)), Doc("T", "B", ("x",)), ()),
        # the same field, the same new value: no conflict
        (Doc("T", "b", ("x",)), Doc("T", "b", ("x",)), Doc("T", "b", ("x",)), ()),
        # the same field, different values: a conflict; their value stays
        (Doc("T", "b", ("x",)), Doc("U", "b", ("x",)), Doc("U", "b", ("x",)), ("title",)),
        # a conflict does not stop the other fields merging
        (
            Doc("T", "B", ("x",)),
            Doc("U", "b", ("x", "y")),
            Doc("U", "B", ("x", "y")),
            ("title",),
        ),
        # I changed nothing: theirs
        (BASE, Doc("U", "B", ()), Doc("U", "B", ()), ()),
    ],
)
def test_merge(mine: Doc, theirs: Doc, merged: Doc, conflicts: tuple[str, ...]) -> None:
    assert merge(BASE, mine, theirs) == (merged, conflicts)


def test_conflicts_come_in_field_order() -> None:
    mine = Doc("T", "B", ("m",))
    theirs = Doc("U", "C", ("t",))
    assert merge(BASE, mine, theirs)[1] == ("title", "body", "tags")


def test_ignored_fields_are_never_merged() -> None:
    mine = Doc("T", version=1)
    theirs = Doc("t", version=5)
    merged, conflicts = merge(Doc("t"), mine, theirs, ignore=frozenset({"version"}))
    assert (merged.version, conflicts) == (5, ())
    assert changed_fields(Doc(version=1), Doc(version=2), ignore=frozenset({"version"})) == ()


# Both changed the title; I also changed the body, they the tags.
MINE = Doc("mine", "B", ("x",))
THEIRS = Doc("theirs", "b", ("x", "y"), version=2)


def test_settle_keeping_mine_takes_my_contested_fields_on_top_of_theirs() -> None:
    assert merge(BASE, MINE, THEIRS)[1] == ("title",)
    settled = settle(BASE, MINE, THEIRS, ("title",), keep_mine=True)
    assert settled == Doc("mine", "B", ("x", "y"), version=2)


def test_settle_keeping_theirs_still_keeps_my_other_changes() -> None:
    settled = settle(BASE, MINE, THEIRS, ("title",), keep_mine=False)
    assert settled == Doc("theirs", "B", ("x", "y"), version=2)


def test_settle_refuses_to_hide_a_conflict_it_was_not_told_of() -> None:
    mine = Doc("mine", "B", ("z",))
    with pytest.raises(ValueError, match="tags"):
        settle(BASE, mine, THEIRS, ("title",), keep_mine=True)
