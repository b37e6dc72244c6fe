"""No input kills a run or the server: native crashes are isolated, damaged inputs end cleanly
with their own exit code, exit codes cover resumed output, and workers die with their parent."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hub_test_plugins import CrashPlugin, LengthPlugin

from specialist_hub.cli import main
from specialist_hub.errors import InputStreamError, UnknownModelError
from specialist_hub.loaded import LoadedPlan
from specialist_hub.registry import Registry

TESTS = Path(__file__).parent
#: The installed plugins, for the regression tests of built-in models.
FULL = Registry()


@pytest.fixture(autouse=True)
def registry(use_registry):
    return use_registry(Registry([CrashPlugin(), LengthPlugin()], entry_points=False))


def hub(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def rows(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_native_crash_fails_only_its_record_and_the_run_goes_on():
    result = hub("predict", "-m", "test/crashes", "ab", "crash", "cde", "fg", "-f", "jsonl", "--batch-size", "4")
    assert result.exit_code == 1, result.output
    found = rows(result.stdout)
    assert [r["ok"] for r in found] == [True, False, True, True]
    assert found[1]["error"]["type"] == "WorkerCrashed" and "SIGSEGV" in found[1]["error"]["message"]
    assert [r["output"]["letters"] for r in found if r["ok"]] == [2, 3, 2]


def test_a_crashed_record_is_written_so_resume_moves_past_it(tmp_path):
    out = tmp_path / "out.jsonl"
    assert hub("predict", "-m", "test/crashes", "ab", "crash", "cd", "-o", out, "--batch-size", "1").exit_code == 1
    assert [r["ok"] for r in rows(out.read_text())] == [True, False, True]


def test_the_server_answers_a_crash_with_a_record_error_and_keeps_serving(registry):
    from fastapi.testclient import TestClient

    from specialist_hub.server import ServeSettings, create_app

    with TestClient(create_app(ServeSettings(isolate=True), registry), base_url="http://127.0.0.1") as client:
        response = client.post("/models/test/crashes/predict", json={"inputs": ["ab", "crash", "cde"]})
        assert response.status_code == 200
        assert [r["ok"] for r in response.json()] == [True, False, True]
        assert client.get("/health").status_code == 200
        again = client.post("/models/test/crashes/predict", json={"inputs": ["xyz"]})
        assert again.json()[0]["output"]["letters"] == 3


def test_exit_codes_count_the_whole_output_after_resume(tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    real_predict = LoadedPlan.predict
    calls = []

    def interrupt_second_chunk(plan, chunk):
        calls.append(chunk)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_predict(plan, chunk)

    monkeypatch.setattr(LoadedPlan, "predict", interrupt_second_chunk)
    words = ["ab", "1", "cd", "ef"]  # "1" is not a word: its record fails in the first chunk
    hub("predict", "-m", "test/length", *words, "-o", out, "--batch-size", "2", "--no-isolate")
    monkeypatch.setattr(LoadedPlan, "predict", real_predict)
    resumed = hub("predict", "-m", "test/length", *words, "-o", out, "--batch-size", "2", "--no-isolate", "--resume")
    assert "Resumed after 2 records" in resumed.stderr
    assert resumed.exit_code == 1 and "1 prediction(s) failed" in resumed.stderr


def words_file(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_truncated_gzip_writes_what_was_read_and_exits_3(tmp_path):
    lines = "".join(f"word{'x' * (i % 7)}\n" for i in range(20000)).encode()
    packed = gzip.compress(lines)
    path = words_file(tmp_path, "words.txt.gz", packed[: len(packed) // 2])
    out = tmp_path / "out.jsonl"
    result = hub("predict", "-m", "test/length", "--input", path, "-o", out, "--no-isolate")
    assert result.exit_code == 3
    assert "words.txt.gz: cannot be read past record" in result.stderr and str(tmp_path) not in result.stderr
    written = rows(out.read_text())
    assert 0 < len(written) < 20000 and all(r["ok"] for r in written)


def test_a_file_that_is_not_gzip_is_an_input_error_not_a_traceback(tmp_path):
    path = words_file(tmp_path, "words.txt.gz", b"plain text, not gzip\n")
    result = hub("predict", "-m", "test/length", "--input", path, "--no-isolate", "-f", "jsonl")
    assert result.exit_code == 3 and "BadGzipFile" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_long_csv_fields_are_read_and_over_long_lines_refused(tmp_path, monkeypatch):
    long_word = "a" * 200_000  # beyond csv's default field limit of 131,072
    table = words_file(tmp_path, "words.csv", f"text\n{long_word}\nbb\n".encode())
    result = hub("predict", "-m", "test/length", "--input", table, "--no-isolate", "-f", "jsonl")
    assert result.exit_code == 0, result.output
    assert [r["output"]["letters"] for r in rows(result.stdout)] == [200_000, 2]
    from specialist_hub.inputs import ReadOptions, TextKind, iter_records

    with pytest.raises(InputStreamError, match="line 2 is longer than 1,000 characters"):
        list(iter_records(TextKind(), [str(table)], ReadOptions(max_record_chars=1000)))


def test_hub_errors_cross_process_boundaries_intact():
    error = UnknownModelError("test/lenght", ["test/length"], ["plugin x failed"])
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is UnknownModelError and str(copy) == str(error)
    assert copy.close_matches == ["test/length"] and copy.http_status == 404


def test_killing_the_parent_leaves_no_worker(tmp_path):
    pid_file = tmp_path / "worker.pid"
    code = textwrap.dedent("""
        import sys
        from hub_test_plugins import CrashPlugin
        from specialist_hub.cli import main
        from specialist_hub.registry import Registry, set_registry
        set_registry(Registry([CrashPlugin()], entry_points=False))
        sys.argv = ["hub", "predict", "-m", "test/crashes", "wait", "-f", "jsonl"]
        main()
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
           "HUB_TEST_PID_FILE": str(pid_file)}
    parent = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    worker = int(pid_file.read_text())
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ", 1)[1].startswith("Z"))


def server(registry, **config):
    from fastapi.testclient import TestClient

    from specialist_hub.server import ServeSettings, create_app

    return TestClient(create_app(ServeSettings(**config), registry), base_url="http://127.0.0.1")


def test_json_bodies_need_a_json_content_type(registry):
    client = server(registry)
    response = client.post("/models/test/length/predict", content=b'{"inputs": ["ab"]}',
                           headers={"content-type": "text/plain"})
    assert response.status_code == 415 and "application/json" in response.json()["detail"]
    assert client.post("/models/test/length/predict", content=b'{"inputs": ["ab"]}').status_code == 415


def test_a_keyless_server_answers_only_loopback_names_and_pages(registry):
    client = server(registry)
    assert client.get("/models").status_code == 200
    rebound = client.get("/models", headers={"host": "attacker.example:8000"})
    assert rebound.status_code == 403 and "API key" in rebound.json()["detail"]
    from_page = client.post("/models/test/length/predict", json={"inputs": ["ab"]},
                            headers={"origin": "http://attacker.example"})
    assert from_page.status_code == 403
    assert client.get("/models", headers={"origin": "http://localhost:8000"}).status_code == 200
    assert server(registry, allowed_hosts=["lab-server"]).get(
        "/models", headers={"host": "lab-server:8000"}).status_code == 200
    keyed = server(registry, api_keys=["k"]).get("/models", headers={"host": "lab-server", "x-api-key": "k"})
    assert keyed.status_code == 200


def test_api_docs_are_served_without_a_cdn(registry):
    client = server(registry)
    page = client.get("/docs")
    assert page.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


@pytest.mark.parametrize("model_id, value, options, expected", [
    ("chemistry/esol", "[H][H]", {}, "at least one heavy atom"),
    ("chemistry/esol", "*", {}, "at least one heavy atom"),
])
def test_inputs_that_crashed_models_are_record_errors_with_a_reason(model_id, value, options, expected):
    (prediction,) = FULL.load(model_id, **options).predict(value)
    assert prediction.error["type"] == "InputError" and expected in prediction.error["message"]


def test_short_sequences_are_genes_free_not_a_crash():
    for sequence in ("ATGC", "ATGAAACCCGGGTTTTAA"):
        (prediction,) = FULL.load("biology/genes").predict(sequence)
        assert prediction.ok and prediction.output["gene_count"] == 0 and prediction.output["model"] == "none"


def test_melting_temperature_is_null_outside_the_models_range():
    model = FULL.load("biology/nucleotide-properties")
    assert model.predict("AU")[0].output["melting_temperature"] is None  # Tm_NN gives -311 °C
    assert model.predict("ACGTACGTAC")[0].output["melting_temperature"] > 0


@pytest.mark.parametrize("model_id, option, value", [
    ("biology/nucleotide-properties", "na_mm", "nan"), ("biology/nucleotide-properties", "na_mm", "inf"),
    ("vision/faces", "scale_factor", "1.0"), ("audio/pitch", "fmin", "0"),
])
def test_options_outside_their_bounds_are_usage_errors(model_id, option, value, use_registry):
    use_registry(FULL)
    result = CliRunner().invoke(main, ["predict", "-m", model_id, "-O", f"{option}={value}", "x"])
    assert result.exit_code == 2 and option in result.stderr, result.output


def test_server_clients_cannot_raise_resource_limits():
    client = server(FULL)
    response = client.post("/models/vision/faces/predict", files={"files": ("a.png", b"x")},
                           data={"options": '{"max_pixels": 300000000}'})
    assert response.status_code == 422 and "set by the server" in response.json()["detail"]


@pytest.mark.parametrize("isolate", ["--isolate", "--no-isolate"])
def test_a_model_whose_load_raises_is_a_usage_error_not_a_traceback(isolate, use_registry):
    from hub_test_plugins import FailingLoadPlugin

    use_registry(Registry([FailingLoadPlugin()], entry_points=False))
    result = CliRunner().invoke(main, ["predict", "-m", "test/broken-load", "abc", isolate])
    assert result.exit_code == 2 and "failed to load: RuntimeError: weights file is corrupt" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("bad", [None, 5, b"CCO"])
def test_the_python_api_refuses_inputs_that_are_no_values(bad):
    import specialist_hub
    from specialist_hub.errors import UsageError

    with pytest.raises(UsageError, match="Expected an input value"):
        specialist_hub.predict("test/length", bad)


def test_the_python_api_refuses_a_batch_size_below_one():
    import specialist_hub
    from specialist_hub.errors import UsageError

    with pytest.raises(UsageError, match="at least 1"):
        specialist_hub.predict("test/length", ["ab"], batch_size=0)
