"""A Server-Sent Events line parser for the watch stream (lines in, events out)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional


@dataclass
class Event:
    """One dispatched event."""

    event: str
    id: Optional[str]
    data: str


class Parser:
    """Feed it one line at a time (without its line ending)."""

    def __init__(self) -> None:
        self._event: Optional[str] = None
        self._id: Optional[str] = None
        self._data: List[str] = []
        self.retry_ms: Optional[int] = None

    def line(self, line: str) -> Optional[Event]:
        """The event this line completes, if any."""
        if line == "":
            event, ident, data = self._event, self._id, self._data
            self._event, self._id, self._data = None, None, []
            if data:
                return Event(event or "message", ident, "\n".join(data))
            return None
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "id":
            self._id = value
        elif name == "data":
            self._data.append(value)
        elif name == "retry" and value.isdigit():
            self.retry_ms = int(value)
        return None
