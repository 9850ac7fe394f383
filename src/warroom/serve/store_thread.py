"""The store's threads: every database call of the server runs on one, so the event loop never
waits on SQL (as the TUI has its one store thread). Writes, and what a request reads, take turns
on the store thread; the live pages read on a thread of their own, so that an update reaches
the open pages within the second while an alert storm's writes queue up (50 senders: 1.7 s
behind them)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

Result = TypeVar("Result")
Params = ParamSpec("Params")


class StoreThread:
    def __init__(self, name: str = "warroom-store") -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def run(
        self, work: Callable[Params, Result], *args: Params.args, **kwargs: Params.kwargs
    ) -> Result:
        """`work(*args, **kwargs)` on the store thread. Once started it runs to its end even
        if the request that asked for it goes away: a write is committed or not, never cut."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(work, *args, **kwargs))

    def close(self) -> None:
        """Waits for the call in progress (a commit finishes before the process exits)."""
        self._executor.shutdown(wait=True)
