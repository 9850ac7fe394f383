"""The SQL tables. Only the store imports this module.

Every datetime column is timezone-aware UTC (sqlmodel's UTCDateTime). The schema itself is
owned by the alembic migrations in `migrations/versions`; a test checks these classes and the
migrations agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, BigInteger, Column, Index, Table, false
from sqlmodel import Field, SQLModel


def core(row: type[SQLModel]) -> Table:
    """The table a row class maps, as Core sees it. A statement on it runs without the ORM:
    the first ORM statement of a process configures every mapper (a fifth of `warroom log`'s
    own time), which a one-line write does not need."""
    return cast(Table, getattr(row, "__table__"))  # noqa: B009


class IncidentRow(SQLModel, table=True):
    __tablename__: ClassVar[str] = "incident"

    id: int | None = Field(default=None, primary_key=True)
    title: str
    severity: int
    phase: str
    created_at: datetime
    version: int = 1


class MilestoneRow(SQLModel, table=True):
    __tablename__: ClassVar[str] = "milestone"

    incident_id: int = Field(foreign_key="incident.id", primary_key=True)
    name: str = Field(primary_key=True)
    at: datetime


class EventRow(SQLModel, table=True):
    __tablename__: ClassVar[str] = "event"
    __table_args__ = (
        Index("ix_event_incident_time", "incident_id", "occurred_at", "id"),
        Index("ix_event_incident_kind_time", "incident_id", "kind", "occurred_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id")
    kind: str
    actor: str
    text: str
    occurred_at: datetime
    recorded_at: datetime
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    starred: bool = False
    hidden: bool = False


class EventRevisionRow(SQLModel, table=True):
    __tablename__: ClassVar[str] = "event_revision"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    kind: str
    actor: str
    text: str
    occurred_at: datetime
    replaced_at: datetime
    replaced_by: str


class SeverityChangeRow(SQLModel, table=True):
    __tablename__: ClassVar[str] = "severity_change"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    old: int | None = None
    new: int
    at: datetime
    actor: str


class RoleRow(SQLModel, table=True):
    __tablename__: ClassVar[str] = "role_assignment"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    role: str
    person: str
    assigned_at: datetime
    released_at: datetime | None = None


class ActionItemRow(SQLModel, table=True):
    __tablename__: ClassVar[str] = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    description: str
    type: str | None = None
    owner: str = ""
    priority: str | None = None
    due_date: date | None = None
    status: str = "open"
    ticket: str = ""
    position: int = 0
    created_at: datetime
    updated_at: datetime
    version: int = 1
    # A follow-up from the post-mortem, not a task of the live response (migration 0008).
    follow_up: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class PostMortemRow(SQLModel, table=True):
    __tablename__: ClassVar[str] = "postmortem"

    incident_id: int = Field(foreign_key="incident.id", primary_key=True)
    report_id: str = ""
    report_date: date | None = None
    authors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = "draft"
    summary: str = ""
    impact_duration: str = ""
    # 64-bit: an import may carry more than PostgreSQL's INTEGER holds.
    users_affected: int | None = Field(default=None, sa_column=Column(BigInteger))
    users_affected_unknown: bool = Field(
        default=False, sa_column_kwargs={"server_default": false()}
    )
    revenue_impact: str = ""
    sla_breached: bool | None = None
    root_cause: str = ""
    contributing_factors: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    what_went_well: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    what_went_poorly: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    lucky_breaks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    five_whys: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    updated_at: datetime
    version: int = 1


class PostMortemNoteRow(SQLModel, table=True):
    """The post-mortem's own history: kept apart from the incident's timeline."""

    __tablename__: ClassVar[str] = "postmortem_note"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    at: datetime
    actor: str
    text: str


class ChangeRow(SQLModel, table=True):
    """The change feed: one row per write, in commit order; readers poll for seq > last seen."""

    __tablename__: ClassVar[str] = "change"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: int | None = Field(default=None, primary_key=True)
    incident_id: int | None = Field(default=None, index=True)
    entity: str
    entity_id: int | None = None
    at: datetime


class PresenceRow(SQLModel, table=True):
    """One open war room: `session` is a random token its process made; `last_seen` is stamped
    every few seconds while it stays open."""

    __tablename__: ClassVar[str] = "presence"

    id: int | None = Field(default=None, primary_key=True)
    session: str = Field(unique=True, index=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    person: str
    joined_at: datetime
    last_seen: datetime


class AlertRow(SQLModel, table=True):
    """An alert a hook received: in an incident's timeline (`event_id`), or, without an
    incident, in the inbox. `dedupe_key` is the same for a retried delivery (NULL: never
    deduplicated)."""

    __tablename__: ClassVar[str] = "alert"
    __table_args__ = (
        Index("ix_alert_dedupe_key", "dedupe_key", unique=True),
        Index("ix_alert_source_fingerprint", "source", "fingerprint", "id"),
        Index("ix_alert_incident_time", "incident_id", "occurred_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str
    fingerprint: str
    status: str
    dedupe_key: str | None = None
    text: str
    actor: str
    kind: str
    service: str = ""
    occurred_at: datetime
    received_at: datetime
    incident_id: int | None = Field(default=None, foreign_key="incident.id")
    event_id: int | None = Field(default=None, foreign_key="event.id")


class IncidentLabelRow(SQLModel, table=True):
    """A service or tag on an incident (`kind`), in the order given (`position`)."""

    __tablename__: ClassVar[str] = "incident_label"
    __table_args__ = (Index("ix_incident_label_kind_name", "kind", "name", "incident_id"),)

    incident_id: int = Field(foreign_key="incident.id", primary_key=True)
    kind: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    position: int = 0


class SearchEntryRow(SQLModel, table=True):
    """One searchable text: an incident's title (`kind` incident), an event's text, an action
    item's description, or a field of a post-mortem. `ref_id` is the event's or action item's
    id, else the incident's. The full-text index over `body` is each database's own (SQLite:
    the FTS5 table `search_index`, kept by triggers; PostgreSQL: the generated tsvector column
    `document` with a GIN index), made by the migration, not by these classes."""

    __tablename__: ClassVar[str] = "search_entry"
    __table_args__ = (
        Index("ix_search_entry_ref", "kind", "ref_id", "field"),
        Index("ix_search_entry_incident", "incident_id", "kind", "ref_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id")
    kind: str
    ref_id: int
    field: str
    body: str


class DraftRow(SQLModel, table=True):
    """What a person typed in a war room and did not send (the log line, the update composer):
    one per incident, person and kind, brought back when they open the war room again."""

    __tablename__: ClassVar[str] = "draft"
    __table_args__ = (
        Index("ix_draft_incident_person_kind", "incident_id", "person", "kind", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id")
    person: str
    kind: str
    text: str
    saved_at: datetime
