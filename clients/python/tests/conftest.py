"""The real `slipway serve` (`target/debug/slipway`, or `$SLIPWAY_BIN`) on a free port with a
fresh SQLite data directory, and the GraphQL calls the tests set data up with."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

PATIENCE = 20.0
ROOT = Path(__file__).resolve().parents[3]
LISTENING = "Slipway listening on http://"


def binary() -> str:
    path = os.environ.get("SLIPWAY_BIN") or str(ROOT / "target" / "debug" / "slipway")
    if not Path(path).exists():
        pytest.fail(f"{path} is missing: run `cargo build -p slipway-server` (or set SLIPWAY_BIN)")
    return path


class Slipway:
    def __init__(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.child: Optional[subprocess.Popen] = None
        self.addr = "127.0.0.1:0"
        self._launch()

    def env(self) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLIPWAY_")}
        env.update(SLIPWAY_DATA_DIR=self.dir.name, SLIPWAY_RATE_LIMIT="false", SLIPWAY_WATCH_KEEPALIVE="1s")
        return env

    @property
    def base(self) -> str:
        return f"http://{self.addr}"

    def _launch(self) -> None:
        env = self.env()
        env.update(SLIPWAY_LISTEN=self.addr, SLIPWAY_LOG_FORMAT="json", SLIPWAY_LOG="warn,slipway_server::server=info")
        child = subprocess.Popen(
            [binary(), "serve"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        found = threading.Event()
        address: List[str] = []

        def drain() -> None:
            assert child.stderr is not None
            for raw in child.stderr:
                try:
                    message = json.loads(raw)["fields"]["message"]
                except Exception:  # noqa: BLE001
                    continue
                if message.startswith(LISTENING) and not found.is_set():
                    address.append(message[len(LISTENING) :].split()[0])
                    found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(PATIENCE):
            child.kill()
            pytest.fail("slipway serve did not listen in time")
        self.child, self.addr = child, address[0]
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("slipway serve never became healthy")
            time.sleep(0.02)  # a pause between polls of a deadline-bounded wait

    def kill(self) -> None:
        if self.child is not None:
            self.child.kill()
            self.child.wait()
            self.child = None

    def restart(self) -> None:
        """Kills the server and starts it again on the same address and data."""
        self.kill()
        self._launch()

    def token(self, subject: str) -> str:
        out = subprocess.run([binary(), "token", "--sub", subject], env=self.env(), capture_output=True, check=True)
        return out.stdout.decode().strip()

    def request(self, method: str, path: str, bearer: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def gql(self, bearer: str, query: str, variables: Dict[str, Any], check: bool = True) -> Any:
        answer = self.request("POST", "/graphql", bearer, {"query": query, "variables": variables})
        if check:
            assert "errors" not in answer, answer
        return answer.get("data")

    def project(self, org: str) -> "Project":
        owner = self.token(f"owner-of-{org}")
        self.gql(owner, "mutation($o: String!) { createOrganization(slug: $o, name: $o) { slug } }", {"o": org})
        self.gql(owner, 'mutation($o: String!) { createProject(org: $o, slug: "shop", name: "Shop") { slug } }', {"o": org})
        return Project(self, owner, org)


class Project:
    def __init__(self, slipway: Slipway, owner: str, org: str) -> None:
        self.slipway, self.owner, self.org = slipway, owner, org

    def publish(self, key: str, text: str, environments: List[str]) -> None:
        """Publishes a version of prompt `key` (created on first use) to `environments`."""
        self.slipway.gql(
            self.owner,
            'mutation($o: String!, $k: String!) { createPrompt(org: $o, project: "shop", key: $k) { key } }',
            {"o": self.org, "k": key},
            check=False,
        )
        content = {
            "model": "gpt-4o-mini",
            "messages": [{"role": "system", "content": text}],
            "variables": ["name"] if "{{name}}" in text else [],
        }
        self.slipway.gql(
            self.owner,
            """mutation($o: String!, $k: String!, $c: JSON!, $to: [String!]) {
                 createPromptVersion(org: $o, project: "shop", key: $k, content: $c, message: "test",
                                     publishTo: $to) { version { number } } }""",
            {"o": self.org, "k": key, "c": content, "to": environments},
        )

    def api_key(self, environments: List[str]) -> str:
        data = self.slipway.gql(
            self.owner,
            """mutation($o: String!, $e: [String!]!) {
                 createApiKey(org: $o, project: "shop", name: "app", environments: $e) { secret } }""",
            {"o": self.org, "e": environments},
        )
        return data["createApiKey"]["secret"]


def eventually(what: str, condition: Any) -> None:
    """Waits until `condition()` holds, failing after PATIENCE."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen in time")
        time.sleep(0.02)  # a pause between polls of a deadline-bounded wait


@pytest.fixture
def slipway():
    server = Slipway()
    yield server
    server.kill()
    server.dir.cleanup()
