"""A post-mortem being edited: what is stored, what is typed, and how the two meet.

An editor holds the report's fields twice: `base`, the stored version its edits started from,
and `draft`, the fields as typed (the incident's title likewise). Saving sends the draft with
`base` (`Store.save_postmortem(draft, base=base)`), so the store keeps every field this editor
changed on top of whatever others saved meanwhile, and refuses only fields both changed
differently. This module decides, without any screen, what to keep when a save comes back,
when others' changes arrive, and when a person has chosen between two versions of a field.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from warroom.domain.merge import merge
from warroom.domain.model import PostMortem

# The post-mortem's own fields (its key and version are not edited).
FIELDS = tuple(f.name for f in fields(PostMortem) if f.name not in ("incident_id", "version"))
_NOT_FIELDS = frozenset({"incident_id", "version"})


def changed(before: PostMortem, after: PostMortem) -> list[str]:
    return [name for name in FIELDS if getattr(before, name) != getattr(after, name)]


@dataclass
class ReportDraft:
    base: PostMortem  # as stored, when this editor last read or saved it
    draft: PostMortem  # as on screen
    base_title: str
    title: str

    @classmethod
    def of(cls, stored: PostMortem, title: str) -> ReportDraft:
        return cls(stored, stored, title, title)

    # ---- typing -----------------------------------------------------------------------------

    def edit(self, **changes: Any) -> bool:
        """Fields typed; whether anything changed."""
        edited = replace(self.draft, **changes)
        if edited == self.draft:
            return False
        self.draft = edited
        return True

    def retitle(self, title: str) -> bool:
        if title == self.title:
            return False
        self.title = title
        return True

    @property
    def dirty(self) -> bool:
        """Whether anything typed is not saved yet."""
        return self.title != self.base_title or bool(changed(self.base, self.draft))

    @property
    def unsaved(self) -> list[str]:
        """The fields typed and not saved yet ("title" first, when it is one)."""
        names = ["title"] if self.title != self.base_title else []
        return names + changed(self.base, self.draft)

    def sending(self) -> PostMortem | None:
        """What to save now (with `base`): None when the fields are saved already."""
        if not changed(self.base, self.draft):
            return None
        return replace(self.draft, version=self.base.version)

    # ---- what the store says --------------------------------------------------------------

    def saved(self, sent: PostMortem, stored: PostMortem) -> list[str]:
        """`sent` is stored, as `stored` (others' changes to other fields merged in). What was
        typed since it was sent stays; returns the fields others changed, to show."""
        typed = {n: getattr(self.draft, n) for n in changed(sent, self.draft)}
        theirs = [n for n in changed(sent, stored) if n not in typed]
        self.base = stored
        self.draft = replace(stored, **typed)
        return theirs

    def title_saved(self, title: str) -> None:
        self.base_title = title

    def arrived(self, stored: PostMortem) -> list[str] | None:
        """Someone saved `stored`. Unless they changed a field that is being edited here (then
        None: nothing is taken, and the next save shows both versions), their changes come in
        under what is typed here; returns the fields to show."""
        if stored.version == self.base.version:
            return []
        mine = changed(self.base, self.draft)
        theirs = changed(self.base, stored)
        if set(mine) & set(theirs):
            return None
        self.base = stored
        self.draft = replace(stored, **{name: getattr(self.draft, name) for name in mine})
        return theirs

    def title_arrived(self, title: str) -> bool:
        """The stored title is `title`: taken unless it is being edited here; whether the
        title on screen changed."""
        if title == self.base_title:
            return False
        if self.title == self.base_title:
            self.title = self.base_title = title
            return True
        if title == self.title:
            self.base_title = title  # both typed the same
        return False

    # ---- conflicts -------------------------------------------------------------------------

    def conflicts(self, theirs: PostMortem) -> tuple[PostMortem, tuple[str, ...]]:
        """Against `theirs` (what is stored now): theirs with every field only this editor
        changed, and the fields both changed differently, for a person to decide."""
        return merge(self.base, self.draft, theirs, ignore=_NOT_FIELDS)

    def decided(self, theirs: PostMortem, merged: PostMortem, chosen: dict[str, Any]) -> list[str]:
        """The person chose `chosen` for the conflicting fields: the draft is now `merged`
        with those, on top of `theirs`. Returns the fields whose shown value changed."""
        before = self.draft
        self.base = theirs
        self.draft = replace(merged, **chosen, version=theirs.version)
        return changed(before, self.draft)

    def title_decided(self, theirs: str, chosen: str) -> None:
        self.base_title = theirs
        self.title = chosen.strip() or theirs


def choose(keep: str, mine: object, theirs: object, edited: str = "") -> object:
    """A field's value once a person chose between two versions: "theirs", "mine", "both"
    (lists: theirs, then the items only mine has) or "edited" (text: `edited`)."""
    if keep == "theirs":
        return theirs
    if keep == "both" and isinstance(mine, tuple) and isinstance(theirs, tuple):
        return theirs + tuple(item for item in mine if item not in theirs)
    if keep == "edited" and isinstance(mine, str):
        return edited.strip()
    return mine
