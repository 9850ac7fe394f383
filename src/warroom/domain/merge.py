"""Field-by-field merging of two edits of one record (an action item, a post-mortem).

Two people edit the same record from the same starting point (`base`). One saves first
(`theirs`); the other's save (`mine`) keeps every field they changed, on top of what is stored
now, unless the first one changed that same field to something else: those fields are
conflicts, for a person to decide.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Record = TypeVar("Record", bound="DataclassInstance")


def changed_fields(
    before: DataclassInstance, after: DataclassInstance, *, ignore: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The fields whose values differ between two versions of one record, in field order."""
    return tuple(
        field.name
        for field in fields(before)
        if field.name not in ignore and getattr(before, field.name) != getattr(after, field.name)
    )


def merge(
    base: Record, mine: Record, theirs: Record, *, ignore: frozenset[str] = frozenset()
) -> tuple[Record, tuple[str, ...]]:
    """`theirs` with the fields `mine` changed since `base`, and the fields that conflict.

    A field conflicts when both sides changed it and disagree; when there is any conflict the
    merged record is only `theirs` with the agreeing changes and must not be saved as is.
    Fields named in `ignore` (ids, versions, timestamps) are never merged.
    """
    mine_changed = changed_fields(base, mine, ignore=ignore)
    theirs_changed = set(changed_fields(base, theirs, ignore=ignore))
    conflicts = tuple(
        name
        for name in mine_changed
        if name in theirs_changed and getattr(mine, name) != getattr(theirs, name)
    )
    updates = {name: getattr(mine, name) for name in mine_changed if name not in conflicts}
    return replace(theirs, **updates), conflicts


def settle(
    base: Record,
    mine: Record,
    theirs: Record,
    fields: tuple[str, ...],
    *,
    keep_mine: bool,
    ignore: frozenset[str] = frozenset(),
) -> Record:
    """A person's answer to a conflict on `fields`: `theirs` with every change `mine` made since
    `base`, and on the conflicting fields `mine`'s values (`keep_mine`) or `theirs`'."""
    if keep_mine:
        base = replace(base, **{name: getattr(theirs, name) for name in fields})
    else:
        mine = replace(mine, **{name: getattr(base, name) for name in fields})
    merged, conflicts = merge(base, mine, theirs, ignore=ignore)
    if conflicts:
        raise ValueError(f"fields {', '.join(conflicts)} conflict too, not only {fields}")
    return merged
