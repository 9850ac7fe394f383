"""Services and tags on incidents; full-text search over titles, events, action items and
post-mortems (SQLite: an FTS5 table kept by triggers; PostgreSQL: a tsvector and GIN index).
What the database already holds is indexed here, in the same transaction.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tokenizer keeps accents (PostgreSQL's 'simple' configuration does too) so that both
# databases find the same words.
_SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE search_index USING fts5(body, content='search_entry', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
)
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_index (rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_index (search_index, rowid, body) VALUES ('delete', old.id, old.body); "
    "END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_index (search_index, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO search_index (rowid, body) VALUES (new.id, new.body); END",
)
# A post-mortem's text fields, by their export names; lists are indexed one item a line.
_POSTMORTEM_TEXT = {
    "summary": "summary",
    "rootCause": "root_cause",
    "impact": "revenue_impact",
}
_POSTMORTEM_LISTS = {
    "whatWentWell": "what_went_well",
    "whatWentPoorly": "what_went_poorly",
    "luckyBreaks": "lucky_breaks",
}


def upgrade() -> None:
    op.create_table(
        "incident_label",
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), primary_key=True),
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_incident_label_kind_name", "incident_label", ["kind", "name", "incident_id"]
    )
    op.create_table(
        "search_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incident.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
    )
    op.create_index("ix_search_entry_ref", "search_entry", ["kind", "ref_id", "field"])
    op.create_index("ix_search_entry_incident", "search_entry", ["incident_id", "kind", "ref_id"])
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        # A tsvector holds at most 1 MB: a pasted log of a few MB would fail its write. The
        # first 100,000 characters of a text are indexed (the text is kept whole).
        op.execute(
            "ALTER TABLE search_entry ADD COLUMN document tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', left(body, 100000))) STORED"
        )
        op.execute("CREATE INDEX ix_search_entry_document ON search_entry USING gin (document)")
    _index_what_is_there()
    if sqlite:
        op.execute(_SQLITE_INDEX)
        op.execute("INSERT INTO search_index (search_index) VALUES ('rebuild')")
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)


def _index_what_is_there() -> None:
    op.execute(
        "INSERT INTO search_entry (incident_id, kind, ref_id, field, body) "
        "SELECT id, 'incident', id, 'title', title FROM incident"
    )
    op.execute(
        "INSERT INTO search_entry (incident_id, kind, ref_id, field, body) "
        "SELECT incident_id, 'event', id, 'event', text FROM event WHERE deleted_at IS NULL"
    )
    op.execute(
        "INSERT INTO search_entry (incident_id, kind, ref_id, field, body) "
        "SELECT incident_id, 'action', id, 'actionItems', description FROM action_item"
    )
    bind = op.get_bind()
    columns = ", ".join(
        [
            "incident_id",
            *_POSTMORTEM_TEXT.values(),
            *_POSTMORTEM_LISTS.values(),
            "contributing_factors",
            "five_whys",
        ]
    )
    entries = []
    for row in bind.execute(sa.text(f"SELECT {columns} FROM postmortem")).mappings():
        for field, body in _postmortem_texts(row):
            entries.append({"incident": row["incident_id"], "field": field, "body": body})
    if entries:
        bind.execute(
            sa.text(
                "INSERT INTO search_entry (incident_id, kind, ref_id, field, body) "
                "VALUES (:incident, 'postmortem', :incident, :field, :body)"
            ),
            entries,
        )


def _listed(value: Any) -> list[Any]:
    if isinstance(value, str):  # SQLite hands JSON columns back as text
        value = json.loads(value)
    return value if isinstance(value, list) else []


def _postmortem_texts(row: Any) -> list[tuple[str, str]]:
    texts = [(field, row[column]) for field, column in _POSTMORTEM_TEXT.items()]
    texts += [
        (field, "\n".join(str(item) for item in _listed(row[column])))
        for field, column in _POSTMORTEM_LISTS.items()
    ]
    factors = _listed(row["contributing_factors"])
    texts.append(("contributingFactors", "\n".join(str(f.get("text", "")) for f in factors)))
    whys = _listed(row["five_whys"])
    texts.append(
        (
            "fiveWhys",
            "\n".join(f"{w.get('question', '')} {w.get('answer', '')}".strip() for w in whys),
        )
    )
    return [(field, body) for field, body in texts if body and body.strip()]


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_entry_ai", "search_entry_ad", "search_entry_au"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE search_index")
    op.drop_table("search_entry")
    op.drop_table("incident_label")
