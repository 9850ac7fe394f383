"""Which schema revisions this warroom knows. Imports nothing, so the quick first-screen read
(preview.py) can check a database without loading SQLAlchemy."""

# Every alembic revision this warroom knows, oldest first. A test checks it against the
# migration scripts, so the common path (schema already at HEAD) never imports alembic.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0008")
HEAD = REVISIONS[-1]

# The tables each revision leaves, alembic's own included (a test checks them against the
# migrations). A database that records one of our revisions but holds other tables is someone
# else's, whatever its alembic_version says.
_FIRST = frozenset(
    {"alembic_version", "event", "event_revision", "incident", "milestone", "role_assignment"}
    | {"severity_change"}
)
TABLES: dict[str, frozenset[str]] = {
    "0001": _FIRST,
    "0002": _FIRST | {"action_item", "change", "postmortem"},
    "0003": _FIRST | {"action_item", "change", "postmortem", "presence"},
    "0004": _FIRST | {"action_item", "change", "postmortem", "presence"},
    "0005": _FIRST | {"action_item", "change", "postmortem", "presence", "alert"},
    "0008": _FIRST | {"action_item", "change", "postmortem", "presence", "alert"},
}
# What any warroom's schema, older or newer than this one, has: a revision we do not know on a
# database without these is not a newer warroom's.
CORE_TABLES = frozenset({"incident", "event"})
