"""The baseline for `warroom log -`: a plain SQLModel loop committing each line of standard
input on its own, one by one.

    python sqlmodel_loop.py DATABASE < LINES
"""

import sys
from datetime import UTC, datetime

from sqlmodel import Field, Session, SQLModel, create_engine


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    text: str
    at: datetime


engine = create_engine("sqlite:///" + sys.argv[1])
SQLModel.metadata.create_all(engine)
with Session(engine) as session:
    for line in sys.stdin:
        session.add(Event(text=line.rstrip("\n"), at=datetime.now(UTC)))
        session.commit()
