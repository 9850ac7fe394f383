"""The baseline for `warroom log`: a minimal SQLModel process that commits one line.

python minimal_insert.py DATABASE
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
    session.add(Event(text="db cpu 95%", at=datetime.now(UTC)))
    session.commit()
    print("1")
