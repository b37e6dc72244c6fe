"""The server against careless and hostile clients (issue 32): formats a model has no place in,
bodies that are not UTF-8, huge inputs echoed back, server paths in records, Host/Origin tricks,
slow bodies, a plan cache fed large values, and a model worker that must outlive an idle batcher."""

from __future__ import annotations

import contextlib
import gc
import socket
import threading
import time
import tracemalloc

import httpx
import pytest
from fastapi.testclient import TestClient
from hub_test_plugins import LengthPlugin, ServerPlugin

from specialist_hub.inputs import Record
from specialist_hub.registry import Registry
from specialist_hub.server import ServeSettings, create_app
from specialist_hub.server.service import HubService

LOCAL = "http://127.0.0.1"


@pytest.fixture
def registry():
    return Registry([LengthPlugin(), ServerPlugin()], entry_points=False)


def client_for(registry, **settings) -> TestClient:
    return TestClient(create_app(ServeSettings(**settings), registry), base_url=LOCAL)


@pytest.fixture(scope="module")
def real():
    return TestClient(create_app(registry=Registry()), base_url=LOCAL)


def test_a_format_without_a_place_for_the_models_outputs_is_400(registry, real):
    client = client_for(registry)
    refused = client.post("/models/test/length/predict", params={"format": "events"}, json={"inputs": ["ab"]})
    assert refused.status_code == 400 and "no output that format 'events' shows" in refused.json()["detail"]
    for fmt, fits in (("srt", "audio/speech-to-text"), ("vtt", "audio/transcribe"), ("gff3", "biology/genes")):
        response = real.post("/models/chemistry/qed/predict", params={"format": fmt}, json={"inputs": ["CCO"]})
        assert response.status_code == 400, (fmt, response.text)  # was 200 with an empty body
        assert fits in response.json()["detail"] and "json" in response.json()["detail"]
    assert real.post("/models/chemistry/qed/predict", params={"format": "csv"}, json={"inputs": ["CCO"]}).status_code == 200


def test_a_body_that_is_not_utf8_is_400_not_500(registry):
    response = client_for(registry).post("/models/test/length/predict", content=b'{"inputs": ["ab\xff\xfe"]}',
                                         headers={"content-type": "application/json"})
    assert response.status_code == 400  # was 500
    assert "not UTF-8 (byte 0xff at offset 15)" in response.json()["detail"]


def test_error_bodies_do_not_echo_a_large_request_back(registry, real):
    client = client_for(registry, max_body_bytes=1_000_000)
    big = "a" * 200_000
    for body in ({"inputs": big}, {"inputs": ["ab"], "options": {"scale": big}}, {"inputs": ["ab"], "extra": [big]}):
        response = client.post("/models/test/length/predict", json=body)
        assert response.status_code == 422 and len(response.content) < 5000, (response.status_code, len(response.content))
        assert "chars" in response.text  # says how much was left out
    query = real.get("/draw/molecule", params={"smiles": "C", "width": "9" * 30_000})
    assert query.status_code == 422 and len(query.content) < 5000
    assert query.json()["errors"][0]["loc"] == ["query", "width"]


def test_records_name_output_files_by_their_url_not_the_servers_path(registry):
    client = client_for(registry)
    response = client.post("/models/test/writes/predict", json={"inputs": ["alpha", "fail"]})
    written, failed = response.json()
    folder = client.app.state.service.output_dir
    assert folder not in response.text and "/tmp" not in response.text
    assert written["output"] == {"path": "/outputs/alpha.txt", "paths": ["/outputs/alpha.txt"]}
    assert failed["error"]["message"] == "cannot write into /outputs"
    assert client.get(written["output"]["path"]).text == "alpha"  # the URL serves the file


@pytest.mark.parametrize("headers, status", [
    ({"host": "localhost:8000"}, 200),
    ({"host": "[::1]:8000"}, 200),
    ({"host": "localhost:evil"}, 403),  # a port that is not a number
    ({"host": "localhost:"}, 403),
    ({"host": "user@localhost"}, 403),
    ({"host": "localhost:8000@attacker.example"}, 403),
    ({"origin": "http://localhost:8000"}, 200),
    ({"origin": "http://localhost:8000@attacker.example"}, 403),  # user-info: the page is attacker.example's
    ({"origin": "http://attacker.example#@localhost"}, 403),
    ({"origin": "http://localhost:evil"}, 403),
    ({"origin": "file://localhost"}, 403),
    ({"origin": "null"}, 403),
])
def test_host_and_origin_are_parsed_not_split(registry, headers, status):
    assert client_for(registry).get("/models", headers=headers).status_code == status


def test_the_model_worker_outlives_an_idle_batcher_thread(registry, monkeypatch):
    from specialist_hub import batching

    monkeypatch.setattr(batching, "IDLE_SECONDS", 0.2)
    with client_for(registry, isolate=True) as client:
        assert client.post("/models/test/length/predict", json={"inputs": ["ab"]}).json()[0]["ok"]
        runner = client.app.state.service._isolated["test/length"]
        (worker,) = runner.pids()
        deadline = time.monotonic() + 30
        while any(thread.name == "hub-batcher" for thread in threading.enumerate()):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)  # a parent-death signal tied to the ended thread would have killed the worker by now
        again = client.post("/models/test/length/predict", json={"inputs": ["abc"]}).json()
        assert again[0]["ok"], again  # was WorkerCrashed (signal SIGKILL)
        assert runner.pids() == [worker] and runner.crashes == 0  # the same worker: the model did not reload


def test_a_batch_every_request_gave_up_on_is_stopped_so_the_model_serves_again(registry):
    with client_for(registry, isolate=True, request_timeout_s=10, batch_wait_ms=0) as client:
        first = client.post("/models/test/hangs/predict", json={"inputs": ["ab"]}).json()
        assert first[0]["ok"], first
        runner = client.app.state.service._isolated["test/hangs"]
        (hung,) = runner.pids()
        assert client.post("/models/test/hangs/predict", json={"inputs": ["hang"]}).status_code == 504
        after = client.post("/models/test/hangs/predict", json={"inputs": ["abc"]})  # was 504: behind the minute
        assert after.status_code == 200 and after.json()[0]["output"]["letters"] == 3
        assert hung not in runner.pids() and runner.crashes == 0  # stopped on purpose, not a crash to retry


def test_a_running_batch_is_interrupted_only_when_all_its_requests_gave_up():
    from specialist_hub.batching import Job, ModelQueue

    started, gates, interrupts = [threading.Event(), threading.Event()], [threading.Event(), threading.Event()], []

    def run(plan, records):
        batch = sum(event.is_set() for event in started)
        started[batch].set()
        gates[batch].wait(30)
        return [record.value for record in records]

    def interrupt():  # the server kills the worker; here the batch is let go
        interrupts.append(sum(event.is_set() for event in started))
        gates[interrupts[-1] - 1].set()

    queue = ModelQueue(run, wait_s=0.0, interrupt=interrupt)
    first = queue.submit(Job("key", None, [Record(0, "a")], 8))
    started[0].wait(30)
    second, third = (queue.submit(Job("key", None, [Record(0, word)], 8)) for word in "bc")
    queue.give_up(first)  # the only request of the running batch
    assert interrupts == [1] and first.result(30) == ["a"]
    started[1].wait(30)  # second and third run together
    queue.give_up(second)
    assert interrupts == [1]  # third still waits for this batch
    queue.give_up(third)
    assert interrupts == [1, 2]
    queue.close()


def test_the_plan_cache_does_not_keep_large_option_values(registry):
    """The service alone (no HTTP): 30 requests with distinct 1 MB options keep almost nothing."""
    service = HubService(ServeSettings(batch_wait_ms=0), registry)
    try:
        def ask(index: int):
            target = f"{index:08d}" + "x" * 1_000_000
            (prediction,) = service.submit("test/targeted", [Record(0, "ab")], {"target": target}).result(60)
            return prediction

        assert ask(-1).output == {"letters": 2, "upper": "AB"}
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for index in range(30):
                ask(index)
            gc.collect()
            kept = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert kept < 5_000_000, kept  # 30 cached plans would hold 30 MB (twice: the key and the plan)
        small = [service.submit("test/targeted", [Record(0, "ab")], {"scale": 2}) for _ in range(2)]
        assert [future.result(60)[0].output["letters"] for future in small] == [4, 4]
        assert len(service._plans) == 1  # a small option set is still checked once and kept
    finally:
        service.close()


@contextlib.contextmanager
def live_server(app):
    """The app under uvicorn on a loopback port, in a thread; yields its base URL."""
    import uvicorn

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline
        time.sleep(0.02)
    try:
        yield listener.getsockname()
    finally:
        server.should_exit = True
        thread.join(20)
        listener.close()


def test_a_body_that_does_not_arrive_in_time_is_408_and_the_connection_closed(registry):
    with live_server(create_app(ServeSettings(body_timeout_s=0.5), registry)) as (host, port):
        with socket.create_connection((host, port), timeout=30) as slow:
            slow.sendall(b"POST /models/test/length/predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n" + b'{"inputs": [')
            answer = b""
            while chunk := slow.recv(65536):  # ends when the server closes the connection
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408 ") and b"did not arrive within 0.5 s" in answer
        fast = httpx.post(f"http://{host}:{port}/models/test/length/predict", json={"inputs": ["ab"]})
        assert fast.status_code == 200 and fast.json()[0]["output"]["letters"] == 2


def test_the_settings_refuse_values_out_of_bounds():
    from specialist_hub.errors import UsageError

    for field, value in (("body_timeout_s", 0), ("workers", 0), ("max_batch", 0), ("batch_wait_ms", 5000)):
        with pytest.raises(UsageError, match=field):
            ServeSettings(**{field: value})
    with pytest.raises(UsageError, match="--replicas, not --workers"):
        ServeSettings(engine="ray", workers=2)
    assert ServeSettings(api_keys="s3cret").api_keys == ("s3cret",)  # a single key is not split into letters
    assert "s3cret" not in repr(ServeSettings(api_keys=["s3cret"]))  # keys stay out of logs and tracebacks

