"""A synchronous handle on an async MCP client, for tests: the client lives in one task on an event loop
in a background thread (anyio needs a context entered and left in the same task), and each call is
handed to that task."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable
from typing import Any

#: Seconds one call may take (a model's first call starts its worker process and loads it).
CALL_TIMEOUT_S = 180


class Session:
    """``Session(lambda: mcp.Client(...))``; ``session.run(lambda client: client.list_tools())``."""

    def __init__(self, open_client: Callable[[], Any]):
        self._open = open_client
        self._loop = asyncio.new_event_loop()
        self._queue: asyncio.Queue | None = None
        self._ready: concurrent.futures.Future = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._main(),), daemon=True)
        self._thread.start()
        self._ready.result(CALL_TIMEOUT_S)

    async def _main(self) -> None:
        self._queue = asyncio.Queue()
        try:
            async with self._open() as client:
                self._ready.set_result(None)
                while True:
                    work, done = await self._queue.get()
                    if work is None:
                        return
                    try:
                        done.set_result(await work(client))
                    except BaseException as exc:  # noqa: BLE001 - handed to the test that asked
                        done.set_exception(exc)
        except BaseException as exc:  # noqa: BLE001 - a client that cannot connect fails the fixture
            if not self._ready.done():
                self._ready.set_exception(exc)

    def run(self, work: Callable[[Any], Awaitable[Any]]) -> Any:
        done: concurrent.futures.Future = concurrent.futures.Future()
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (work, done))
        return done.result(CALL_TIMEOUT_S)

    def call(self, name: str, arguments: dict[str, Any] | None = None) -> Any:
        return self.run(lambda client: client.call_tool(name, arguments or {}))

    def tools(self) -> dict[str, Any]:
        return {tool.name: tool for tool in self.run(lambda client: client.list_tools()).tools}

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (None, None))
        self._thread.join(60)
