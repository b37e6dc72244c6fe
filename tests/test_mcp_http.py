"""`hub mcp --transport http`: the same tools over streamable HTTP on 127.0.0.1, behind hub serve's API
keys and rate limits; driven by the SDK's HTTP client and by a second client library (FastMCP's)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient
from hub_test_plugins import LengthPlugin
from mcp_session import Session
from rdkit import Chem
from rdkit.Chem import QED

from specialist_hub.mcp import MCPSettings, exposed_specs, open_tools
from specialist_hub.mcp.http import create_http_app
from specialist_hub.registry import Registry
from specialist_hub.server import ServeSettings

KEY = "mcp-test-key"
ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
ACCEPT = {"Accept": "application/json, text/event-stream"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def url():
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "specialist_hub", "mcp", "--transport", "http", "--port", str(port),
                                "--model", "chemistry/qed"], env={**os.environ, "HUB_API_KEY": KEY},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            pytest.fail(f"hub mcp --transport http exited: {process.stderr.read().decode()[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("hub mcp --transport http did not listen within 90 s")
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}/mcp"
    process.terminate()
    process.wait(30)


def test_without_the_key_401(url):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"}):
        answer = httpx.post(url, json=INITIALIZE, headers={**ACCEPT, **headers})
        assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
        assert "API key" in answer.json()["detail"]
    assert httpx.post(url, json=INITIALIZE, headers={**ACCEPT, "X-API-Key": KEY}).status_code == 200


def test_the_sdks_http_client_calls_qed(url):
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    def connect():
        http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {KEY}"}, timeout=120)
        return Client(streamable_http_client(url, http_client=http))

    session = Session(connect)
    try:
        result = session.call("chemistry_qed", {"inputs": [ASPIRIN]})
    finally:
        session.close()
    assert result.structured_content["results"][0]["output"]["qed"] == pytest.approx(
        QED.qed(Chem.MolFromSmiles(ASPIRIN)), abs=1e-9)


def test_a_second_client_library_loads_the_tools(url):
    """FastMCP's client (its own implementation, on the handshake protocol) lists the same tools and calls one."""
    from fastmcp import Client

    session = Session(lambda: Client(url, auth=KEY, mode="legacy", timeout=120))
    try:
        tools = {tool.name: tool for tool in session.run(lambda client: client.list_tools())}
        result = session.call("chemistry_qed", {"inputs": [ASPIRIN, "C1CC("]})
    finally:
        session.close()
    assert set(tools) == {"search_models", "model_card", "chemistry_qed"}
    assert tools["chemistry_qed"].input_schema["properties"]["inputs"]["maxItems"] == 256
    got = result.structured_content["results"]
    assert got[0]["output"]["qed"] == pytest.approx(QED.qed(Chem.MolFromSmiles(ASPIRIN)), abs=1e-9)
    assert got[1]["error"]["type"] == "InputError"


def test_rate_limit_and_loopback_rules_are_hub_serves(tmp_path):
    registry = Registry([LengthPlugin()], entry_points=False)
    specs = exposed_specs(registry)
    guarded = MCPSettings(ServeSettings(api_keys=(KEY,), rate_limit="2/minute"), roots=(str(tmp_path),))
    with open_tools(registry, specs, guarded) as tools, \
            TestClient(create_http_app(tools, guarded.serve), base_url="http://127.0.0.1") as client:
        statuses = [client.post("/mcp", json=INITIALIZE, headers={**ACCEPT, "X-API-Key": KEY}).status_code
                    for _ in range(3)]
        assert statuses[:2] == [200, 200] and statuses[2] == 429
        limited = client.post("/mcp", json=INITIALIZE, headers={**ACCEPT, "X-API-Key": KEY})
        assert int(limited.headers["retry-after"]) >= 1 and "2 per 1 minute" in limited.json()["detail"]
    keyless = MCPSettings(ServeSettings(), roots=(str(tmp_path),))
    with open_tools(registry, specs, keyless) as tools, \
            TestClient(create_http_app(tools, keyless.serve), base_url="http://127.0.0.1") as client:
        assert client.post("/mcp", json=INITIALIZE, headers=ACCEPT).status_code == 200
        rebound = client.post("/mcp", json=INITIALIZE, headers={**ACCEPT, "Host": "evil.example"})
        assert rebound.status_code == 403 and "no API key" in rebound.json()["detail"]
