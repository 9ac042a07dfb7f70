"""The README tour's Python lines, run as written against a server holding the tour's prompt."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT


def tour_block(language: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = readme[readme.index("## A five-minute tour") :]
    tour = tour[: tour.index("\n## ", 1)]
    return tour.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_the_readme_reads_the_prompt_in_five_lines(slipway):
    p = slipway.project("acme")
    p.publish("greeting", "Greet {{name}} warmly.", ["prod"])
    key = p.api_key(["prod"])
    code = tour_block("python")
    assert len(code.strip().splitlines()) == 5
    env = dict(os.environ, SLIPWAY=slipway.base, KEY=key)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode().strip() == "1 prod Greet Ada warmly."
