"""`AsyncClient`: the same client for asyncio code. Starting runs in a worker thread; reads are
from memory (no awaiting needed); `changes()` yields each change on the event loop."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Optional, Tuple

from .client import Client, Status
from .config import Configuration, Served


class AsyncClient:
    """Create with `await AsyncClient.create(base_url, credential, **same options as Client)`."""

    def __init__(self, client: Client, loop: asyncio.AbstractEventLoop) -> None:
        self._client = client
        self._loop = loop

    @classmethod
    async def create(cls, base_url: str, credential: str, **options: Any) -> "AsyncClient":
        loop = asyncio.get_running_loop()
        client = await loop.run_in_executor(None, lambda: Client(base_url, credential, **options))
        return cls(client, loop)

    def get_config(self, environment: Optional[str] = None) -> Configuration:
        return self._client.get_config(environment)

    def get_prompt(self, key: str, environment: Optional[str] = None) -> Served:
        return self._client.get_prompt(key, environment)

    def get_routing_rule(self, key: str, environment: Optional[str] = None) -> Served:
        return self._client.get_routing_rule(key, environment)

    def get_provider(self, key: str, environment: Optional[str] = None) -> Served:
        return self._client.get_provider(key, environment)

    def status(self, environment: Optional[str] = None) -> Status:
        return self._client.status(environment)

    async def changes(self) -> AsyncIterator[Tuple[Optional[str], Configuration]]:
        """Every change from now on, as `(environment, configuration)`."""
        queue: "asyncio.Queue[Tuple[Optional[str], Configuration]]" = asyncio.Queue()

        def push(environment: Optional[str], config: Configuration) -> None:
            self._loop.call_soon_threadsafe(queue.put_nowait, (environment, config))

        unsubscribe = self._client.subscribe(push)
        try:
            while True:
                yield await queue.get()
        finally:
            unsubscribe()

    async def close(self) -> None:
        self._client.close()

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"Async{self._client!r}"
