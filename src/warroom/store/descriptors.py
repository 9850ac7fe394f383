"""One lock for the process's own descriptors on a database file.

Closing any descriptor on a SQLite file drops every POSIX lock this process holds on it,
SQLite's own included (SQLite's "How To Corrupt" notes, 2.2). The store's header check reads the
file with a plain descriptor; the quick writer commits with sqlite3 on another thread. Each
holds this lock for as long as it uses the file, so that the check never closes its descriptor
while the quick writer holds SQLite's locks. Plain Python: quick_log.py imports no SQLAlchemy.
"""

from __future__ import annotations

import threading

RAW_FILE_ACCESS = threading.Lock()
