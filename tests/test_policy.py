"""A registry's policy holds at every nesting level and in every process: the licence filter and the
server-only options are checked once, before the run, for the model asked for, the models it runs
(``Option.runs``/``options_for``) and a pipeline's steps, in hub predict (in-process and isolated,
local and Ray), in the Python API and in hub serve (in-process and isolated)."""

from __future__ import annotations

import pickle

import pytest
from click.testing import CliRunner
from hub_test_plugins import DelegatePlugin, LengthPlugin

import specialist_hub
from specialist_hub.cli import main
from specialist_hub.errors import LicenseError, OptionError
from specialist_hub.registry import Registry

LICENCE = "CC-BY-NC-4.0"


@pytest.fixture
def plugins(use_registry):
    return use_registry(Registry([DelegatePlugin(), LengthPlugin()], entry_points=False))


def predict(*args):
    return CliRunner().invoke(main, ["predict", "-f", "jsonl", *args])


@pytest.mark.parametrize("isolation", ["--isolate", "--no-isolate"])
def test_a_non_commercial_model_reached_through_a_delegating_model_is_refused_before_the_run(plugins, isolation):
    allowed = predict("-m", "test/runs-another", "-O", "model=test/research-only", isolation, "abc")
    assert allowed.exit_code == 0 and '"letters": 3' in allowed.stdout  # the delegation itself works
    refused = predict("-m", "test/runs-another", "-O", "model=test/research-only", "--license", "commercial",
                      isolation, "abc")
    assert refused.exit_code == 2, refused.output
    assert refused.stdout == "" and LICENCE in refused.stderr and "test/research-only" in refused.stderr


@pytest.mark.parametrize("isolation", ["--isolate", "--no-isolate"])
def test_a_pipeline_step_that_delegates_to_a_non_commercial_model_is_refused_before_the_run(plugins, isolation,
                                                                                            tmp_path):
    job = tmp_path / "job.toml"
    job.write_text('id = "test/job"\n[[steps]]\nname = "count"\nmodel = "test/runs-another"\n'
                   '[steps.options]\nmodel = "test/research-only"\n')
    from_file = predict("--pipeline", str(job), "--license", "commercial", isolation, "abc")
    assert from_file.exit_code == 2 and LICENCE in from_file.stderr and from_file.stdout == ""
    # The registered pipeline's step pointed at the model by an option of the run.
    from_option = predict("-m", "test/delegating-job", "-O", "count.model=test/research-only", "--license",
                          "commercial", isolation, "abc")
    assert from_option.exit_code == 2 and LICENCE in from_option.stderr and from_option.stdout == ""
    assert predict("-m", "test/delegating-job", "-O", "count.model=test/research-only", isolation,
                   "abc").exit_code == 0


def test_the_ray_engine_refuses_it_before_ray_starts(plugins, tmp_path):
    table = tmp_path / "words.csv"
    table.write_text("text\nabc\n")
    result = predict("-m", "test/runs-another", "-O", "model=test/research-only", "--license", "commercial",
                     "--engine", "ray", "--column", "text", "-o", str(tmp_path / "out.jsonl"), str(table))
    assert result.exit_code == 2 and LICENCE in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_the_policy_travels_with_the_registry_to_worker_processes(monkeypatch):
    """Isolated workers, Ray actors and Ray Serve replicas rebuild the registry from its pickle: the
    rebuilt one refuses what the original refuses, whatever the worker's environment says."""
    monkeypatch.delenv("HUB_LICENSE", raising=False)
    strict = Registry([DelegatePlugin()], entry_points=False, commercial_only=True, max_loaded=3)
    rebuilt = pickle.loads(pickle.dumps(strict))
    assert (rebuilt.commercial_only, rebuilt.max_loaded) == (True, 3)
    with pytest.raises(LicenseError):
        rebuilt.load("test/runs-another", model="test/research-only")
    with pytest.raises(LicenseError):
        specialist_hub.predict("test/runs-another", ["abc"], model="test/research-only", registry=rebuilt)
    with pytest.raises(AttributeError):
        strict.commercial_only = False  # type: ignore[misc]  # the policy is fixed once built
    assert rebuilt.replace(commercial_only=False).load("test/runs-another", model="test/research-only")


def test_delegated_options_are_checked_before_the_run_like_direct_ones(plugins):
    spec = plugins.get("test/runs-another")
    with pytest.raises(OptionError, match="test/free has no option 'nope'"):
        plugins.resolve_options(spec, {"model_options": "nope=1"})
    bad_value = predict("-m", "test/runs-another", "-O", "model_options=scale=many", "abc")
    assert bad_value.exit_code == 2 and "'scale' expects a int" in bad_value.stderr and bad_value.stdout == ""


@pytest.fixture(params=[False, True], ids=["in-process", "isolated"])
def served(request):
    from fastapi.testclient import TestClient

    from specialist_hub.server import ServeSettings, create_app

    registry = Registry([DelegatePlugin(), LengthPlugin()], entry_points=False, commercial_only=True)
    with TestClient(create_app(ServeSettings(isolate=request.param), registry), base_url="http://127.0.0.1") as client:
        yield client


@pytest.mark.parametrize("path, options", [
    ("/models/test/runs-another/predict", {"model": "test/research-only"}),
    ("/models/test/delegating-job/predict", {"count.model": "test/research-only"}),
])
def test_a_server_refuses_a_non_commercial_model_reached_through_delegation(served, path, options):
    assert served.post(path, json={"inputs": ["abc"], "options": {}}).status_code == 200
    response = served.post(path, json={"inputs": ["abc"], "options": options})
    assert response.status_code == 403 and response.json()["error"] == "LicenseError"


@pytest.mark.parametrize("path, options", [
    ("/models/test/length/predict", {"word_list": "/etc/passwd"}),  # direct: refused as before
    ("/models/test/runs-another/predict", {"model": "test/length", "model_options": "word_list=/etc/passwd"}),
    ("/models/test/delegating-job/predict", {"count.model_options": "word_list=/etc/passwd"}),
])
def test_server_only_options_are_refused_at_any_depth(served, path, options):
    response = served.post(path, json={"inputs": ["abc"], "options": options})
    assert response.status_code == 422 and "set by the server" in response.json()["detail"]
    assert "word_list" in response.json()["detail"]
