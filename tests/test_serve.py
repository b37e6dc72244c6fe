"""The HTTP API: same records as the CLI, caps, errors, API key, concurrency, and no 500s."""

from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hub_test_plugins import LengthPlugin

from specialist_hub import server
from specialist_hub.cli import main
from specialist_hub.conformance import compare
from specialist_hub.errors import UsageError
from specialist_hub.registry import Registry
from specialist_hub.server import ServeSettings, create_app, launch, uploads

KEY = "s3cret-key"


@pytest.fixture
def registry():
    return Registry([LengthPlugin()], entry_points=False)


@pytest.fixture
def client(registry):
    return TestClient(create_app(ServeSettings(max_batch=5, max_body_bytes=4000), registry), base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def real():
    """The installed plugins through the real registry, as `hub serve` runs them."""
    return TestClient(create_app(registry=Registry()), base_url="http://127.0.0.1")


def cli_json(*args):
    return json.loads(CliRunner().invoke(main, list(args)).stdout)


def test_health_models_and_card_match_the_cli(client, registry, use_registry):
    use_registry(registry)
    assert client.get("/health").json() == {"status": "ok", "version": "0.1.0"}
    assert client.get("/models").json() == cli_json("list", "--json")
    assert next(m["id"] for m in client.get("/models", params={"domain": "test"}).json()) == "test/length"
    card = client.get("/models/test/length").json()
    assert {k: v for k, v in card.items() if k != "markdown"} == cli_json("info", "test/length", "--json")
    assert card["markdown"].startswith("# test/length") and "| letters | int |" in card["markdown"]


def test_predict_returns_the_records_of_hub_predict_json(client, registry, use_registry):
    use_registry(registry)
    words = ["alpha", "not a word", "boom", "omega"]
    response = client.post("/models/test/length/predict", json={"inputs": words})
    assert response.status_code == 200  # failed records are records, not an error status
    records = response.json()
    assert records == cli_json("predict", "-m", "test/length", *words, "-f", "json")
    assert [r["ok"] for r in records] == [True, False, False, True]
    assert records[1]["error"]["type"] == "InputError" and "not a word" in records[1]["error"]["message"]


def test_options_and_ids_reach_the_model(client):
    records = client.post("/models/test/length/predict",
                          json={"inputs": ["abc", "de"], "ids": ["first", None], "options": {"scale": 3}}).json()
    assert [(r["id"], r["output"]["letters"]) for r in records] == [("first", 9), (None, 6)]


def test_a_plugin_returning_wrong_fields_fails_per_record(client):
    (record,) = client.post("/models/test/wrong/predict", json={"inputs": ["ab"]}).json()
    assert record["ok"] is False and record["error"]["type"] == "OutputSchemaError"


@pytest.mark.parametrize("body, status, message", [
    ({"inputs": ["ab"], "options": {"scale": "big"}}, 422, "expects a int"),
    ({"inputs": ["ab"], "options": {"nonsense": 1}}, 422, "has no option 'nonsense'"),
    ({"inputs": ["ab"], "options": {"word_list": "/etc/passwd"}}, 422, "set by the server"),
    ({"inputs": "ab"}, 422, '{"inputs": ["..."]'),
    ({"inputs": ["ab"], "ids": ["a", "b"]}, 400, "'ids' has 2 items"),
])
def test_bad_requests_say_what_is_wrong(client, body, status, message):
    response = client.post("/models/test/length/predict", json=body)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_unknown_model_is_404_with_close_matches(client):
    response = client.post("/models/test/lenght/predict", json={"inputs": ["ab"]})
    assert response.status_code == 404
    assert response.json()["close_matches"][0] == "test/length"
    assert "Did you mean: test/length" in response.json()["detail"]
    assert client.get("/models/test/lenght").status_code == 404
    assert client.get("/models", params={"domain": "astronomy"}).status_code == 404


def test_a_model_this_server_does_not_serve_says_how_to_serve_it(registry):
    client = TestClient(create_app(ServeSettings(models=["test/length"]), registry), base_url="http://127.0.0.1")
    response = client.post("/models/test/wrong/predict", json={"inputs": ["ab"]})
    assert response.status_code == 404 and response.json()["error"] == "ModelNotServed"
    assert "does not serve it" in response.json()["detail"] and "hub serve --models test/wrong" in response.json()["detail"]
    assert "Unknown model" not in response.json()["detail"]
    assert client.get("/models/test/wrong").json()["error"] == "ModelNotServed"
    unknown = client.post("/models/test/lenght/predict", json={"inputs": ["ab"]}).json()  # not installed at all
    assert unknown["error"] == "UnknownModelError" and unknown["close_matches"] == ["test/length"]


def test_missing_dependency_is_503_with_the_install_hint(client):
    response = client.post("/models/test/needs-missing/predict", json={"inputs": ["ab"]})
    assert response.status_code == 503
    assert response.json()["install_hint"] == 'pip install "specialist-hub[xyz]"'


def test_oversized_body_and_batch_are_413(client):
    big = client.post("/models/test/length/predict", json={"inputs": ["a" * 5000]})
    assert big.status_code == 413 and "limit is 4000 bytes" in big.json()["detail"]
    # A chunked upload declares no Content-Length: it is counted as it arrives.
    chunks = (b'{"inputs": ["' + b"a" * 1000 + b'"' for _ in range(5))
    assert client.post("/models/test/length/predict", content=chunks,
                       headers={"Content-Type": "application/json"}).status_code == 413
    many = client.post("/models/test/length/predict", json={"inputs": ["ab"] * 6})
    assert many.status_code == 413 and "at most 5" in many.json()["detail"]
    files = [("files", (f"w{i}.txt", b"ab\n")) for i in range(6)]
    assert client.post("/models/test/length/predict", files=files).status_code == 413
    lines = client.post("/models/test/length/predict", files=[("files", ("w.txt", b"ab\n" * 6))])
    assert lines.status_code == 413


def test_uploaded_files_are_read_like_cli_inputs_then_deleted(client, monkeypatch):
    folders = []
    real_temporary_directory = uploads.tempfile.TemporaryDirectory

    def recording(**kwargs):
        folder = real_temporary_directory(**kwargs)
        folders.append(folder.name)
        return folder

    monkeypatch.setattr(uploads.tempfile, "TemporaryDirectory", recording)
    response = client.post("/models/test/length/predict", data={"options": '{"scale": 2}'},
                           files=[("files", ("words.txt", b"one\n# comment\nthree\n"))])
    assert [r["output"]["letters"] for r in response.json()] == [6, 10]
    assert folders and not Path(folders[0]).exists()
    unreadable = client.post("/models/test/length/predict", files=[("files", ("words.xyz", b"ab"))])
    assert unreadable.status_code == 400 and "unsupported extension" in unreadable.json()["detail"]


@pytest.mark.parametrize("data, extra, status, message", [
    ({"option": '{"scale": 2}'}, [], 400, "Unknown form field(s) 'option'"),
    ({"options": ['{"scale": 2}', '{"scale": 3}']}, [], 422, "one text field named 'options'"),
    ({}, [("options", ("options.json", b'{"scale": 2}'))], 422, "one text field named 'options'"),
    ({"files": "ab"}, [], 400, "holds text, not a file"),
    ({}, [("files", ("table.csv", b"word\nab\n"))], 400, "table.csv: no input column found"),
])
def test_multipart_parts_that_would_be_lost_are_refused_naming_the_clients_file(client, data, extra, status, message):
    """Each was answered 200 with the options dropped, or named the server's temporary file."""
    response = client.post("/models/test/length/predict", data=data,
                           files=[("files", ("words.txt", b"ab\n")), *extra])
    assert response.status_code == status and message in response.json()["detail"], response.text
    assert "hub-serve-" not in response.text


def test_api_key_guards_everything_but_health(registry):
    client = TestClient(create_app(ServeSettings(api_keys=[KEY]), registry), base_url="http://127.0.0.1")
    assert client.get("/health").status_code == 200
    for method, path in [("get", "/models"), ("get", "/models/test/length"),
                         ("post", "/models/test/length/predict")]:
        for headers in [{}, {"X-API-Key": "wrong"}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}]:
            response = getattr(client, method)(path, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert "API key" in response.json()["detail"]
    body = {"inputs": ["abc"]}
    for headers in [{"X-API-Key": KEY}, {"Authorization": f"Bearer {KEY}"}]:
        assert client.post("/models/test/length/predict", json=body, headers=headers).json()[0]["ok"]


def test_cors_is_off_unless_configured(registry):
    preflight = {"Origin": "https://lab.example", "Access-Control-Request-Method": "POST"}
    closed = TestClient(create_app(registry=registry), base_url="http://127.0.0.1").options("/models", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    opened = TestClient(create_app(ServeSettings(cors_origins=["https://lab.example"]), registry),
                        base_url="http://127.0.0.1")
    assert opened.options("/models", headers=preflight).headers["access-control-allow-origin"] == "https://lab.example"


def test_concurrent_requests_load_once_and_never_overlap_in_a_model(client, registry):
    model = registry.load("test/length")  # the very instance the server will use
    active, most = [0], [0]
    guard = threading.Lock()
    real_forward = model.forward

    def slow_forward(batch):
        with guard:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.02)
        with guard:
            active[0] -= 1
        return real_forward(batch)

    model.forward = slow_forward
    words = ["a" * n for n in range(1, 9)]
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(
            lambda word: client.post("/models/test/length/predict", json={"inputs": [word, word + "b"]}), words))
    assert [[r["output"]["letters"] for r in response.json()] for response in responses] == [
        [len(w), len(w) + 1] for w in words]
    assert most[0] == 1
    assert len(registry._instances) == 1


def test_chemistry_default_model_and_molecule_drawing(real):
    response = real.post("/models/chemistry/descriptors/predict",
                         json={"inputs": ["CC(=O)Oc1ccccc1C(=O)O", "C1CC"], "options": {"standardize": False}})
    aspirin, broken = response.json()
    assert response.status_code == 200
    assert aspirin["output"]["formula"] == "C9H8O4"  # PubChem CID 2244
    assert abs(aspirin["output"]["molecular_weight"] - 180.159) < 1e-3
    assert broken["ok"] is False and broken["error"]["type"] == "InputError"
    svg = real.get("/draw/molecule", params={"smiles": "c1ccccc1O", "width": 200, "height": 150})
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text
    assert "width='200px'" in svg.text
    assert real.get("/draw/molecule", params={"smiles": "C1CC"}).status_code == 422


def _domain_defaults():
    registry = Registry()
    specs = []
    for domain in registry.domains:
        defaults = [spec for spec in registry.list_models(domain) if spec.default and spec.examples]
        specs += defaults[:1]
    return specs


@pytest.mark.parametrize("spec", _domain_defaults(), ids=lambda spec: spec.id)
def test_each_domain_default_model_gives_its_example(real, spec):
    """The first shipped example through the API: JSON for values, an upload for media files."""
    example = spec.examples[0]
    path = f"/models/{spec.id}/predict"
    options = dict(example.options)
    media = not Registry().input_kind(spec.input_kind).literal_arguments
    if media:
        name = Path(example.input).name
        response = real.post(path, data={"options": json.dumps(options)},
                             files=[("files", (name, Path(example.input).read_bytes()))])
    else:
        response = real.post(path, json={"inputs": [example.input], "options": options})
    if response.status_code == 503:  # not installed or weights not cached: must say how to fix it
        assert response.json()["error"] in ("MissingDependencyError", "CheckpointNotFoundError")
        return
    (record,) = response.json()
    assert record["ok"], record
    if media:
        assert record["input"] == name  # the client's file name, not the server's temporary path
    assert compare(dict(example.expected), record["output"], example.tolerance) == []


def test_no_500s_on_generated_requests():
    """Property-based: requests generated from the OpenAPI schema never make the server fail."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    registry = Registry([LengthPlugin()], entry_points=True)
    app = create_app(ServeSettings(max_batch=20, max_body_bytes=20_000, allowed_hosts=["testserver"]), registry)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    targets = st.sampled_from([("test", "length"), ("chemistry", "descriptors"), (None, None)])
    seen = set()

    @given(case=st.one_of([operation.as_strategy() for operation in operations]), target=targets)
    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case, target):
        if case.path_parameters and target[0]:  # aim at real models, so generated bodies reach inference
            case.path_parameters = {"domain": target[0], "name": target[1]}
        seen.add(case.operation.label)
        response = case.call()
        assert response.status_code < 500, case.as_curl_command()

    check()
    assert len(seen) >= 4, seen


def test_hub_serve_usage_errors_exit_2():
    assert "Did you mean" in CliRunner().invoke(main, ["serve", "--models", "chemistry/descriptor"]).stderr
    both = CliRunner().invoke(main, ["serve", "--models", "chemistry/descriptors", "--domain", "chem"])
    assert both.exit_code == 2 and "not both" in both.stderr
    for limit, message in [("lots", "COUNT/PERIOD"), ("0/minute", "1 to 100,000"), ("5/month", "at most a day")]:
        refused = CliRunner().invoke(main, ["serve", "--rate-limit", limit])
        assert refused.exit_code == 2 and message in refused.stderr, (limit, refused.stderr)


def test_a_key_file_holds_one_key_per_client(tmp_path, registry, monkeypatch):
    keys = tmp_path / "keys"
    keys.write_text(f"{KEY}\n\n  second-key \n")
    monkeypatch.setenv("HUB_API_KEY", "ignored-when-a-file-is-given")
    assert server.api_key_from(str(keys)) == [KEY, "second-key"]
    settings = ServeSettings(api_keys=server.api_key_from(str(keys)))
    client = TestClient(create_app(settings, registry), base_url="http://127.0.0.1")
    assert [client.get("/models", headers={"X-API-Key": k}).status_code for k in (KEY, "second-key", "third")] == [
        200, 200, 401]
    keys.write_text("\n \n")
    with pytest.raises(UsageError, match="empty"):
        server.api_key_from(str(keys))


def test_hub_serve_runs_workers_on_loopback_with_a_key_file(tmp_path):
    import socket
    import subprocess
    import sys

    import httpx

    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\nsecond-key\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "specialist_hub", "serve", "--domain", "chem", "--port", str(port),
               "--workers", "2", "--api-key-file", str(key_file), "--rate-limit", "1000/minute"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read().decode()
                time.sleep(0.1)
        assert httpx.get(f"{url}/models").status_code == 401
        listed = httpx.get(f"{url}/models", headers={"Authorization": f"Bearer {KEY}"}).json()
        assert listed and {row["domain"] for row in listed} == {"chemistry"}
        assert httpx.get(f"{url}/models", headers={"X-API-Key": "second-key"}).json() == listed
    finally:
        process.terminate()
        process.wait(20)


def test_worker_processes_share_one_output_folder_and_settings_removed_at_the_end(monkeypatch):
    import uvicorn

    seen = {}

    def run(app, **options):  # what each --workers process builds from the settings file, twice
        apps = [TestClient(launch.worker_app(), base_url="http://127.0.0.1") for _ in range(2)]
        settings_file = Path(os.environ[launch.SETTINGS_ENV])
        folder = Path(json.loads(settings_file.read_text())["output_dir"])
        (folder / "mask.png").write_bytes(b"\x89PNG")
        seen.update(folder=folder, settings_file=settings_file, mode=settings_file.stat().st_mode & 0o777,
                    bodies=[client.get("/outputs/mask.png", headers={"X-API-Key": KEY}).content for client in apps],
                    workers=options["workers"])

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.delenv(launch.SETTINGS_ENV, raising=False)
    server.serve(ServeSettings(port=0, workers=2, api_keys=[KEY]), Registry())
    assert seen["bodies"] == [b"\x89PNG", b"\x89PNG"]  # either process serves the file, with the parent's key
    assert seen["workers"] == 2 and seen["mode"] == 0o600  # the settings file may hold the keys: the user's alone
    assert not seen["folder"].exists() and not seen["settings_file"].exists()
