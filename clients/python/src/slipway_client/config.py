"""What an environment serves, as held: a `GET /v1/config` body parsed, and one typed read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

from .errors import InvalidResponse
from .render import render

KINDS = ("prompt", "routing_rule", "provider")


@dataclass(frozen=True)
class Served:
    """A read and what served it."""

    kind: str
    key: str
    content: Dict[str, Any]
    version: int
    content_hash: str
    environment: str
    served_from: str
    fell_back: bool

    def render(self, **variables: str) -> List[Dict[str, str]]:
        """The prompt's messages with `variables` filled in (see `slipway_client.render`)."""
        return render(self.content, variables)


@dataclass(frozen=True)
class Configuration:
    """A whole environment's configuration at one moment."""

    environment: str
    etag: Optional[str]
    body: Dict[str, Any] = field(repr=False)
    entries: Dict[Tuple[str, str], Served] = field(repr=False)

    @staticmethod
    def from_json(body: Any, etag: Optional[str]) -> "Configuration":
        """Parses a `GET /v1/config` body; raises `InvalidResponse` for anything else."""
        try:
            entries = {}
            for r in body["resources"]:
                if r["kind"] not in KINDS or not isinstance(r["content"], dict):
                    raise ValueError(f"unknown kind {r['kind']!r}")
                served = Served(
                    kind=r["kind"],
                    key=str(r["key"]),
                    content=r["content"],
                    version=int(r["version"]),
                    content_hash=str(r["content_hash"]),
                    environment=str(r["environment"]),
                    served_from=str(r["served_from"]),
                    fell_back=bool(r["fell_back"]),
                )
                entries[(served.kind, served.key)] = served
            return Configuration(environment=str(body["environment"]), etag=etag, body=body, entries=entries)
        except (KeyError, TypeError, ValueError) as e:
            raise InvalidResponse(f"not a configuration: {e}") from None

    def get(self, kind: str, key: str) -> Optional[Served]:
        """One resource, if served."""
        return self.entries.get((kind, key))

    def __iter__(self) -> Iterator[Served]:
        return iter(sorted(self.entries.values(), key=lambda s: (KINDS.index(s.kind), s.key)))
