"""``hub serve --engine ray``: models on Ray Serve (local Ray, 2 CPUs) answer as the local server does,
with its errors, metrics and rate limit."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from specialist_hub.registry import Registry
from specialist_hub.server import ServeSettings, create_app

MOLECULES = ["CC(=O)Oc1ccccc1C(=O)O", "C1CC", "CCO", "c1ccccc1O", "not a molecule", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C"]
REQUESTS = [("chemistry/qed", {"inputs": MOLECULES[i:i + 3], "ids": [f"r{i}-{j}" for j in range(3)]})
            for i in range(4)] + [("chemistry/descriptors", {"inputs": MOLECULES, "options": {"standardize": False}})]


@pytest.fixture(scope="module")
def on_ray():
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    from specialist_hub.ray_engine import init_ray

    init_ray(num_cpus=2)
    app = create_app(ServeSettings(engine="ray", replicas=1, cpus_per_replica=0.5, batch_wait_ms=20), Registry())
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client
    import ray

    ray.shutdown()


def test_ray_serve_answers_concurrent_requests_as_the_local_server(on_ray):
    local = TestClient(create_app(registry=Registry()), base_url="http://127.0.0.1")
    with ThreadPoolExecutor(len(REQUESTS)) as pool:
        answers = list(pool.map(lambda r: on_ray.post(f"/models/{r[0]}/predict", json=r[1]), REQUESTS))
    for (model_id, body), answer in zip(REQUESTS, answers):
        assert answer.status_code == 200, answer.text
        assert answer.json() == local.post(f"/models/{model_id}/predict", json=body).json()


def test_ray_serve_keeps_the_api_errors_and_metrics(on_ray):
    assert on_ray.post("/models/chemistry/qde/predict", json={"inputs": ["CCO"]}).status_code == 404
    unknown_option = {"inputs": ["CCO"], "options": {"x": 1}}
    assert on_ray.post("/models/chemistry/qed/predict", json=unknown_option).status_code == 422
    metrics = on_ray.get("/metrics").text
    assert 'hub_records_total{model="chemistry/qed",outcome="ok"}' in metrics
    assert "hub_loaded_models 2.0" in metrics


def test_ray_serve_keeps_the_rate_limit(on_ray):
    """The HTTP front is the hub's own, so --rate-limit holds with --engine ray too."""
    app = create_app(ServeSettings(engine="ray", replicas=1, cpus_per_replica=0.5, rate_limit="2/minute"), Registry())
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert [client.get("/models").status_code for _ in range(3)] == [200, 200, 429]
