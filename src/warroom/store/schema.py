"""Which schema revisions this warroom knows. Imports nothing, so the quick first-screen read
(preview.py) can check a database without loading SQLAlchemy."""

# Every alembic revision this warroom knows, oldest first. A test checks it against the
# migration scripts, so the common path (schema already at HEAD) never imports alembic.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004")
HEAD = REVISIONS[-1]
