"""The client's errors: one class per case a caller acts on. None ever holds the API key."""

from __future__ import annotations

import json
from typing import Optional


class SlipwayError(Exception):
    """Base of every error this client raises."""


class Unauthenticated(SlipwayError):
    """The API key or token was refused."""


class Forbidden(SlipwayError):
    """The credentials may not read that environment."""


class NotFound(SlipwayError):
    """Unknown project or environment, or a resource nothing serves."""


class InvalidRequest(SlipwayError):
    """The server refused the request as malformed."""


class Unavailable(SlipwayError):
    """Slipway could not be reached and nothing is held for the environment."""


class InvalidResponse(SlipwayError):
    """The server answered something this client does not understand."""


class NotFollowed(SlipwayError):
    """A read pinned an environment this client does not follow."""


class BootstrapError(SlipwayError):
    """The bootstrap file or value could not be used."""


class MissingVariable(SlipwayError):
    """Rendering a prompt lacked a value for a variable it declares."""


class UnknownVariable(SlipwayError):
    """Rendering a prompt was given a variable it does not declare."""


DEFINITIVE = (Unauthenticated, Forbidden, NotFound, InvalidRequest)


def _message(body: str, fallback: str) -> str:
    try:
        return str(json.loads(body)["error"]["message"])
    except Exception:  # noqa: BLE001 - any unreadable body gets the fallback text
        return fallback


def from_answer(status: int, body: str) -> SlipwayError:
    """The error of an HTTP answer that is not a success."""
    message = _message(body, f"HTTP {status}")
    if status == 401:
        return Unauthenticated("Slipway refused the credentials")
    if status == 403:
        return Forbidden(message)
    if status == 404:
        return NotFound(message)
    if status in (400, 422):
        return InvalidRequest(message)
    return Unavailable(f"HTTP {status}: {message}")


def from_event(data: str) -> SlipwayError:
    """The error an `event: error` of the watch stream carries."""
    try:
        code: Optional[str] = json.loads(data)["error"]["code"]
    except Exception:  # noqa: BLE001
        code = None
    message = _message(data, "the stream ended")
    if code == "UNAUTHENTICATED":
        return Unauthenticated("Slipway refused the credentials")
    if code == "FORBIDDEN":
        return Forbidden(message)
    if code == "NOT_FOUND":
        return NotFound(message)
    return Unavailable(message)
