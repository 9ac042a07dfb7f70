"""`Client`: typed reads from memory, kept current by one follower thread per environment."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

from . import persist
from .config import Configuration, Served
from .errors import BootstrapError, NotFollowed, NotFound, SlipwayError, Unavailable
from .follow import Follower


@dataclass(frozen=True)
class Status:
    """How one follower is doing."""

    connected: bool = False
    last_error: Optional[SlipwayError] = None


class _Secret:
    """Holds the credential so that no `repr` or traceback shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "<redacted>"

    def reveal(self) -> str:
        return self._value


class Client:
    """A Slipway client. Construction loads every followed environment (waiting up to `wait`
    seconds; `None`: not at all), then follows the watch stream in background threads.

    - `credential`: an API key (`slw_…`) or a JWT (then give `project="ORG/PROJECT"`).
    - `environment`: the one reads use when they pin none (`None`: the gateway fallback).
    - `follow`: more environments that reads may pin.
    - `bootstrap_file` / `bootstrap`: what to serve when Slipway cannot be reached at start (a file
      written by `persist_to`, or a `GET /v1/config` body for the default environment).
    - `on_change(environment, configuration)`: called after each change, on a follower thread.
    """

    def __init__(
        self,
        base_url: str,
        credential: str,
        *,
        environment: Optional[str] = None,
        follow: Optional[List[str]] = None,
        project: Optional[str] = None,
        wait: Optional[float] = 10.0,
        bootstrap_file: Optional[str] = None,
        bootstrap: Optional[Dict[str, Any]] = None,
        persist_to: Optional[str] = None,
        on_change: Optional[Callable[[Optional[str], Configuration], None]] = None,
        request_timeout: float = 10.0,
        idle_timeout: float = 45.0,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        revalidate_every: float = 15.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must be http:// or https://")
        self.base_url = base_url.rstrip("/")
        self._secret = _Secret(credential)
        self.project = project
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.revalidate_every = max(revalidate_every, 0.01)
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._on_change = on_change
        self._listeners: List[Callable[[Optional[str], Configuration], None]] = []
        self._persist_to = persist_to
        self.persist_error: Optional[str] = None
        self._status: Dict[str, Status] = {}
        self._held: Dict[str, Configuration] = persist.read(bootstrap_file) if bootstrap_file else {}
        if bootstrap is not None:
            try:
                self._held[environment or ""] = Configuration.from_json(bootstrap, None)
            except SlipwayError as e:
                raise BootstrapError(str(e)) from None
        self._followed: List[Optional[str]] = [environment]
        for slug in follow or []:
            if slug not in self._followed:
                self._followed.append(slug)
        self._followers = [Follower(self, env) for env in self._followed]
        for follower in self._followers:
            follower.start()
        if wait is not None:
            self._wait(wait)

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for follower in self._followers:
            follower.first.wait(max(0.0, deadline - time.monotonic()))
        for follower in self._followers:
            if follower.refused is not None:
                self.close()
                raise follower.refused
            if self.held(follower.name_key) is None:
                error = self._status.get(follower.name_key, Status()).last_error
                self.close()
                raise error or Unavailable(f"no configuration within {timeout} s")

    # -- shared with the followers ----------------------------------------------------------
    def credential(self) -> str:
        return self._secret.reveal()

    def held(self, name: str) -> Optional[Configuration]:
        return self._held.get(name)

    def set_status(self, name: str, **changes: Any) -> None:
        with self._lock:
            current = self._status.get(name, Status())
            self._status[name] = Status(
                connected=changes.get("connected", current.connected),
                last_error=changes["last_error"] if "last_error" in changes else current.last_error,
            )

    def install(self, environment: Optional[str], config: Configuration) -> None:
        name = environment or ""
        with self._lock:
            old = self._held.get(name)
            if old is not None and old.etag == config.etag and old.body == config.body:
                return
            # A new dict, swapped whole: readers never see a half-updated one.
            held = dict(self._held)
            held[name] = config
            self._held = held
            if self._persist_to:
                try:
                    persist.write(self._persist_to, held)
                    self.persist_error = None
                except OSError as e:
                    self.persist_error = str(e)
        for listener in ([self._on_change] if self._on_change else []) + list(self._listeners):
            listener(environment, config)

    # -- reads ------------------------------------------------------------------------------
    def _name_for(self, environment: Optional[str]) -> str:
        if environment is None:
            return self._followed[0] or ""
        if environment in self._followed:
            return environment
        fallback = self._held.get("")
        if self._followed[0] is None and fallback is not None and fallback.environment == environment:
            return ""
        raise NotFollowed(f"environment {environment!r} is not followed by this client")

    def get_config(self, environment: Optional[str] = None) -> Configuration:
        """The whole configuration of `environment` (default: the client's), from memory."""
        name = self._name_for(environment)
        config = self._held.get(name)
        if config is None:
            raise self._status.get(name, Status()).last_error or Unavailable("not loaded yet")
        return config

    def _get(self, kind: str, key: str, environment: Optional[str]) -> Served:
        config = self.get_config(environment)
        served = config.get(kind, key)
        if served is None:
            raise NotFound(f"{kind} {key!r} is not served in {config.environment!r}")
        return served

    def get_prompt(self, key: str, environment: Optional[str] = None) -> Served:
        """The prompt `key` as `environment` serves it; `.render(**variables)` fills it."""
        return self._get("prompt", key, environment)

    def get_routing_rule(self, key: str, environment: Optional[str] = None) -> Served:
        """The routing rule `key` as `environment` serves it."""
        return self._get("routing_rule", key, environment)

    def get_provider(self, key: str, environment: Optional[str] = None) -> Served:
        """The provider activation `key` as `environment` serves it."""
        return self._get("provider", key, environment)

    def subscribe(self, listener: Callable[[Optional[str], Configuration], None]) -> Callable[[], None]:
        """Calls `listener(environment, configuration)` after each change; returns an unsubscribe."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def status(self, environment: Optional[str] = None) -> Status:
        """How the follower of `environment` is doing."""
        return self._status.get(self._name_for(environment), Status())

    def close(self) -> None:
        """Stops following (reads keep answering from memory)."""
        self.stopped.set()
        for follower in self._followers:
            follower.stop()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r}, followed={self._followed!r})"
