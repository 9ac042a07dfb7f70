"""Slipway's Python client: what an environment serves, read from memory, kept current by the
watch stream, and still served when Slipway is unreachable."""

from .aio import AsyncClient
from .client import Client, Status
from .config import Configuration, Served
from .errors import (
    BootstrapError,
    Forbidden,
    InvalidRequest,
    InvalidResponse,
    MissingVariable,
    NotFollowed,
    NotFound,
    SlipwayError,
    Unauthenticated,
    Unavailable,
    UnknownVariable,
)
from .render import render

__all__ = [
    "AsyncClient",
    "BootstrapError",
    "Client",
    "Configuration",
    "Forbidden",
    "InvalidRequest",
    "InvalidResponse",
    "MissingVariable",
    "NotFollowed",
    "NotFound",
    "Served",
    "SlipwayError",
    "Status",
    "Unauthenticated",
    "Unavailable",
    "UnknownVariable",
    "render",
]
