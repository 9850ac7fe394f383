"""Services and tags on incidents: what a label may be, and a list of them as people type it
(`payments, checkout`)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from warroom.domain.errors import BadInput
from warroom.domain.text import is_control

MAX_LABEL = 80  # characters: a name, not a sentence


class LabelKind(Enum):
    SERVICE = "service"
    TAG = "tag"


def check_label(name: str, kind: LabelKind) -> str:
    """A label as kept: stripped, never empty, without commas (the list separator) or control
    characters."""
    label = name.strip()
    if not label:
        raise BadInput(f"a {kind.value} must not be empty")
    if "," in label:
        raise BadInput(f"bad {kind.value} {label!r}: a comma separates {kind.value}s")
    if len(label) > MAX_LABEL:
        raise BadInput(f"bad {kind.value} {label[:20]!r}…: at most {MAX_LABEL} characters")
    if any(is_control(character) for character in label):
        raise BadInput(f"bad {kind.value} {label!r}: it contains a control character")
    return label


def labels(names: Iterable[str], kind: LabelKind) -> tuple[str, ...]:
    """Checked labels in their order, each once (the same name in another case is the same
    label: the first spelling is kept)."""
    kept: dict[str, str] = {}
    for name in names:
        label = check_label(name, kind)
        kept.setdefault(label.casefold(), label)
    return tuple(kept.values())


def parse_labels(text: str, kind: LabelKind) -> tuple[str, ...]:
    """`payments, checkout` as typed in a field: empty parts are skipped."""
    return labels((part for part in text.split(",") if part.strip()), kind)


def same_label(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()
