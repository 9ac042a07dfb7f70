"""The last good configuration on disk: read at start, replaced atomically after each change.
The same format as the Rust client's file."""

from __future__ import annotations

import json
import os
from typing import Dict

from .config import Configuration
from .errors import BootstrapError

FORMAT = 1


def read(path: str) -> Dict[str, Configuration]:
    """The configurations saved in `path`; none when it does not exist yet."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise BootstrapError(f"{path}: {e}") from None
    if not isinstance(data, dict) or data.get("slipway_client_cache") != FORMAT:
        raise BootstrapError(f"{path}: not a Slipway client cache file")
    try:
        return {
            name: Configuration.from_json(saved["config"], saved.get("etag"))
            for name, saved in data["environments"].items()
        }
    except Exception as e:  # noqa: BLE001
        raise BootstrapError(f"{path}: {e}") from None


def write(path: str, configs: Dict[str, Configuration]) -> None:
    """Replaces `path` with `configs` (written beside, then renamed)."""
    data = {
        "slipway_client_cache": FORMAT,
        "environments": {name: {"etag": c.etag, "config": c.body} for name, c in configs.items()},
    }
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(partial, path)
