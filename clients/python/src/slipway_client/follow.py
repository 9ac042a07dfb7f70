"""One follower thread per followed environment: load (revalidating with `If-None-Match`), then
follow `GET /v1/config/watch` (resuming with `Last-Event-ID`); when it drops, back off with
jitter, revalidating on an interval meanwhile. No failure ever drops the last good configuration."""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, Optional

from .config import Configuration
from .errors import DEFINITIVE, InvalidResponse, SlipwayError, Unavailable, from_answer, from_event
from .sse import Parser


class Backoff:
    """Exponential delays from a base (the server's `retry:` hint when sent) to a ceiling; half
    of each delay is random, so clients cut off together do not return together."""

    def __init__(self, base: float, maximum: float) -> None:
        self.base, self.maximum, self.attempt = min(base, maximum), maximum, 0

    def set_base(self, base: float) -> None:
        self.base = min(base, self.maximum)

    def reset(self) -> None:
        self.attempt = 0

    def next(self, rnd: Optional[float] = None) -> float:
        delay = min(self.maximum, self.base * (2 ** min(self.attempt, 16)))
        self.attempt += 1
        r = random.random() if rnd is None else rnd
        return delay / 2 + delay / 2 * r


class Follower(threading.Thread):
    """Keeps one environment's configuration current in `state`."""

    def __init__(self, state: Any, environment: Optional[str]) -> None:
        super().__init__(name=f"slipway-follow-{environment or 'fallback'}", daemon=True)
        self.state = state
        self.environment = environment
        self.name_key = environment or ""
        self.first = threading.Event()
        self.refused: Optional[SlipwayError] = None
        self._response: Any = None

    # -- HTTP -------------------------------------------------------------------------------
    def _request(self, path: str, headers: Dict[str, str]) -> urllib.request.Request:
        query = {}
        if self.environment is not None:
            query["environment"] = self.environment
        if self.state.project is not None:
            query["project"] = self.state.project
        url = self.state.base_url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        return urllib.request.Request(url, headers={"Authorization": "Bearer " + self.state.credential(), **headers})

    def _held_etag(self) -> Optional[str]:
        held = self.state.held(self.name_key)
        return held.etag if held is not None else None

    def _open(self, path: str, headers: Dict[str, str], timeout: float) -> Any:
        try:
            return urllib.request.urlopen(self._request(path, headers), timeout=timeout)  # noqa: S310
        except urllib.error.HTTPError as e:
            if e.code == 304:
                return None
            body = e.read().decode("utf-8", "replace")
            raise from_answer(e.code, body) from None
        except (OSError, ValueError) as e:
            raise Unavailable(f"could not reach Slipway ({type(e).__name__})") from None

    def revalidate(self) -> None:
        etag = self._held_etag()
        response = self._open("/v1/config", {"If-None-Match": etag} if etag else {}, self.state.request_timeout)
        if response is not None:
            with response:
                self._install(response.read().decode("utf-8"), response.headers.get("ETag"))
        self._loaded()

    def _install(self, text: str, etag: Optional[str]) -> None:
        try:
            body = json.loads(text)
        except ValueError:
            raise InvalidResponse("not JSON") from None
        self.state.install(self.environment, Configuration.from_json(body, etag))

    def watch(self, backoff: Backoff) -> None:
        etag = self._held_etag()
        response = self._open("/v1/config/watch", {"Last-Event-ID": etag} if etag else {}, self.state.idle_timeout)
        self._response = response
        self.state.set_status(self.name_key, connected=True)
        backoff.reset()
        parser = Parser()
        try:
            with response:
                while not self.state.stopped.is_set():
                    try:
                        raw = response.readline()
                    except Exception:  # noqa: BLE001 - a socket error, or the response closed by stop()
                        if self.state.stopped.is_set():
                            return
                        raise Unavailable("the watch stream dropped or went silent") from None
                    if not raw:
                        return
                    event = parser.line(raw.decode("utf-8", "replace").rstrip("\r\n"))
                    if parser.retry_ms is not None:
                        backoff.set_base(parser.retry_ms / 1000)
                    if event is None:
                        continue
                    if event.event == "config":
                        self._install(event.data, event.id)
                    elif event.event == "error":
                        raise from_event(event.data)
        finally:
            self._response = None
            self.state.set_status(self.name_key, connected=False)

    # -- status -----------------------------------------------------------------------------
    def _failed(self, error: SlipwayError) -> None:
        self.state.set_status(self.name_key, connected=False, last_error=error)
        if isinstance(error, DEFINITIVE) and not self.first.is_set():
            self.refused = error
            self.first.set()

    def _loaded(self) -> None:
        self.state.set_status(self.name_key, last_error=None)
        self.first.set()

    def _pause(self, delay: float) -> None:
        deadline = time.monotonic() + delay
        while not self.state.stopped.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self.state.stopped.wait(min(left, self.state.revalidate_every)):
                return
            if time.monotonic() < deadline:
                self._guard(self.revalidate)

    def _guard(self, step: Callable[[], None]) -> bool:
        try:
            step()
            return True
        except SlipwayError as e:
            self._failed(e)
            return False

    def run(self) -> None:
        backoff = Backoff(self.state.backoff_base, self.state.backoff_max)
        while not self.state.stopped.is_set():
            if self._guard(self.revalidate):
                self._guard(lambda: self.watch(backoff))
            self._pause(backoff.next())

    def stop(self) -> None:
        response = self._response
        if response is not None:
            try:
                response.close()
            except Exception:  # noqa: BLE001 - closing is best-effort
                pass
