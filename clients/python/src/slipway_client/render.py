"""Local prompt rendering: `{{variable}}` placeholders filled from the caller's values. Every
declared variable must be given and nothing undeclared may be; values are never expanded again."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from .errors import MissingVariable, UnknownVariable


def _fill(template: str, variables: Mapping[str, str]) -> str:
    out = []
    rest = template
    while True:
        start = rest.find("{{")
        end = rest.find("}}", start + 2) if start >= 0 else -1
        if start < 0 or end < 0:
            out.append(rest)
            return "".join(out)
        out.append(rest[:start])
        name = rest[start + 2 : end].strip()
        out.append(str(variables[name]) if name in variables else rest[start : end + 2])
        rest = rest[end + 2 :]


def render(prompt: Mapping[str, Any], variables: Mapping[str, str]) -> List[Dict[str, str]]:
    """The prompt content's messages (`{"role", "content"}`) with `variables` filled in.

    Raises `MissingVariable` / `UnknownVariable`."""
    declared = list(prompt.get("variables", []))
    for name in declared:
        if name not in variables:
            raise MissingVariable(f"prompt variable {name!r} was not given")
    for name in variables:
        if name not in declared:
            raise UnknownVariable(f"{name!r} is not a variable of this prompt")
    return [{"role": m["role"], "content": _fill(m["content"], variables)} for m in prompt["messages"]]
