"""The store's one thread: every database call of the server runs there, so the event loop
never waits on SQL (as the TUI has its one store thread)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

Result = TypeVar("Result")
Params = ParamSpec("Params")


class StoreThread:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warroom-store")

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
