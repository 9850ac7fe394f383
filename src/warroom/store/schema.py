"""Which schema revisions this warroom knows. Imports nothing, so the quick first-screen read
(preview.py) can check a database without loading SQLAlchemy."""

# Every alembic revision this warroom knows, oldest first. A test checks it against the
# migration scripts, so the common path (schema already at HEAD) never imports alembic.
REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
)
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
    "0006": _FIRST
    | {"action_item", "change", "postmortem", "presence", "alert"}
    | {"incident_label", "search_entry"},
    "0007": _FIRST
    | {"action_item", "change", "postmortem", "presence", "alert"}
    | {"incident_label", "search_entry", "draft"},
    "0008": _FIRST
    | {"action_item", "change", "postmortem", "presence", "alert"}
    | {"incident_label", "search_entry", "draft"},
    "0009": _FIRST
    | {"action_item", "change", "postmortem", "presence", "alert"}
    | {"incident_label", "search_entry", "draft"},
    "0010": _FIRST
    | {"action_item", "change", "postmortem", "presence", "alert"}
    | {"incident_label", "search_entry", "draft"},
    "0011": _FIRST
    | {"action_item", "change", "postmortem", "presence", "alert"}
    | {"incident_label", "search_entry", "draft", "postmortem_note"},
}
# SQLite's full-text index is a virtual table, which keeps its index in tables of its own
# (FTS5's shadow tables); PostgreSQL's is a column and an index of `search_entry`.
FULL_TEXT_REVISION = "0006"
SQLITE_FULL_TEXT = frozenset(
    {"search_index"} | {f"search_index_{shadow}" for shadow in ("config", "data", "docsize", "idx")}
)


def tables_of(revision: str, *, sqlite: bool) -> frozenset[str]:
    """The tables a database of this revision holds, on SQLite or on PostgreSQL."""
    made = TABLES[revision]
    if sqlite and REVISIONS.index(revision) >= REVISIONS.index(FULL_TEXT_REVISION):
        return made | SQLITE_FULL_TEXT
    return made


# What any warroom's schema, older or newer than this one, has: a revision we do not know on a
# database without these is not a newer warroom's.
CORE_TABLES = frozenset({"incident", "event"})
