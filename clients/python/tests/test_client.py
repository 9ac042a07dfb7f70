"""The Python client against the real `slipway serve`."""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
import threading

import pytest

from conftest import PATIENCE, eventually
from slipway_client import (
    AsyncClient,
    Client,
    Forbidden,
    MissingVariable,
    NotFollowed,
    NotFound,
    Unauthenticated,
    Unavailable,
    render,
)


def test_the_first_load_serves_the_prompt_with_what_served_it(slipway):
    p = slipway.project("load")
    p.publish("greeting", "Greet {{name}} warmly.", ["prod"])
    key = p.api_key(["prod"])
    with Client(slipway.base, key, environment="prod") as client:
        prompt = client.get_prompt("greeting")
        assert (prompt.version, prompt.environment, prompt.served_from, prompt.fell_back) == (1, "prod", "prod", False)
        wire = slipway.request("GET", "/v1/config/prompt/greeting?environment=prod", key)
        assert prompt.content_hash == wire["content_hash"]
        assert prompt.render(name="Ada")[0]["content"] == "Greet Ada warmly."
        with pytest.raises(MissingVariable):
            render(prompt.content, {})
        with pytest.raises(NotFound):
            client.get_prompt("nothing")


def test_a_resource_missing_in_the_environment_reports_the_fallback(slipway):
    p = slipway.project("fallback")
    p.publish("greeting", "from prod", ["prod"])
    key = p.api_key([])
    with Client(slipway.base, key, environment="staging") as client:
        prompt = client.get_prompt("greeting")
        assert (prompt.environment, prompt.served_from, prompt.fell_back) == ("staging", "prod", True)


def test_refusals_are_typed_and_never_show_the_key(slipway):
    p = slipway.project("refuse")
    p.publish("greeting", "hello", ["staging"])
    key = p.api_key(["staging"])
    secret = key[len("slw_") :]
    with pytest.raises(Forbidden) as forbidden:
        Client(slipway.base, key, environment="prod")
    with pytest.raises(NotFound):
        Client(slipway.base, key, environment="nope")
    with pytest.raises(Unauthenticated) as unauthenticated:
        Client(slipway.base, key + "x", environment="staging")
    for error in (forbidden.value, unauthenticated.value):
        assert secret not in f"{error} {error!r}"
    with Client(slipway.base, key, environment="staging") as client:
        assert secret not in repr(client) + repr(vars(client))
        with pytest.raises(NotFollowed):
            client.get_prompt("greeting", "prod")


def test_a_deployment_arrives_through_the_stream_and_reads_may_pin_an_environment(slipway):
    p = slipway.project("stream")
    p.publish("greeting", "v1", ["prod", "staging"])
    key = p.api_key([])
    changed = threading.Event()
    with Client(slipway.base, key, environment="prod", follow=["staging"], revalidate_every=3600) as client:
        client.subscribe(lambda env, config: changed.set() if env == "prod" else None)
        p.publish("greeting", "v2", ["prod"])
        assert changed.wait(PATIENCE), "the change arrived through the stream"
        assert client.get_prompt("greeting").content["messages"][0]["content"] == "v2"
        assert client.get_prompt("greeting", "staging").content["messages"][0]["content"] == "v1"
        assert client.status().connected


def test_the_last_good_configuration_is_served_while_down_and_the_client_reconnects(slipway):
    p = slipway.project("outage")
    p.publish("greeting", "v1", ["prod"])
    key = p.api_key(["prod"])
    with Client(
        slipway.base, key, environment="prod", backoff_base=0.02, backoff_max=0.2, revalidate_every=0.05
    ) as client:
        slipway.kill()
        eventually("the client noticing the outage", lambda: client.status().last_error is not None)
        assert isinstance(client.status().last_error, Unavailable)
        assert client.get_prompt("greeting").version == 1
        slipway.restart()
        eventually("the client reconnecting", lambda: client.status().connected)
        changed = threading.Event()
        client.subscribe(lambda env, config: changed.set())
        p.publish("greeting", "v2", ["prod"])
        assert changed.wait(PATIENCE)
        assert client.get_prompt("greeting").version == 2


def test_a_cold_start_without_slipway_uses_the_persisted_file_or_a_given_value(slipway):
    p = slipway.project("cold")
    p.publish("greeting", "saved", ["prod"])
    key = p.api_key(["prod"])
    body = slipway.request("GET", "/v1/config?environment=prod", key)
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "cache.json")
        Client(slipway.base, key, environment="prod", persist_to=cache).close()
        assert os.path.exists(cache)
        slipway.kill()
        with Client(slipway.base, key, environment="prod", bootstrap_file=cache, wait=0.3) as cold:
            assert cold.get_prompt("greeting").content["messages"][0]["content"] == "saved"
        with pytest.raises(Unavailable):
            Client(slipway.base, key, environment="prod", wait=0.3)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        nowhere = "http://127.0.0.1:%d" % s.getsockname()[1]
    with Client(nowhere, key, environment="prod", bootstrap=body, wait=0.2) as given:
        assert given.get_prompt("greeting").version == 1
        assert not given.status().connected


def test_the_asyncio_client_reads_from_memory_and_yields_changes(slipway):
    p = slipway.project("aio")
    p.publish("greeting", "v1", ["prod"])
    key = p.api_key(["prod"])

    async def scenario() -> None:
        async with await AsyncClient.create(slipway.base, key, environment="prod") as client:
            assert client.get_prompt("greeting").version == 1
            changes = client.changes()
            waiting = asyncio.ensure_future(changes.__anext__())
            await asyncio.sleep(0)  # let the subscription register before publishing
            await asyncio.get_running_loop().run_in_executor(None, p.publish, "greeting", "v2", ["prod"])
            environment, config = await asyncio.wait_for(waiting, PATIENCE)
            assert environment == "prod"
            assert config.get("prompt", "greeting").version == 2
            assert client.get_prompt("greeting").version == 2

    asyncio.run(scenario())
