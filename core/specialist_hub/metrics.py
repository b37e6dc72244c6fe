"""Prometheus metrics of ``hub serve`` (``GET /metrics``), with prometheus-client.

Each app has a registry of its own, so several apps in one process (tests, ``--workers``) do not
share counters. Labels are bounded: routes are path templates and models are served model ids
(a request for an unknown id is counted under its route only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
SIZE_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


class LoadedModels(Collector):
    """Read at scrape time: the models loaded now, and the memory of each one's worker process."""

    def __init__(self, loaded: Callable[[], Mapping[str, int | None]]):
        #: model id -> resident memory in bytes of the process it runs in (None: unknown).
        self.loaded = loaded

    def collect(self) -> Iterator[Metric]:
        loaded = self.loaded()
        count = GaugeMetricFamily("hub_loaded_models", "Models loaded now")
        count.add_metric([], len(loaded))
        memory = GaugeMetricFamily("hub_model_memory_bytes", "Resident memory of the worker process of each "
                                   "loaded model (isolated models only)", labels=["model"])
        for model_id, size in sorted(loaded.items()):
            if size is not None:
                memory.add_metric([model_id], size)
        yield count
        yield memory


class ServerMetrics:
    """The server's counters and histograms; :meth:`exposition` is the ``/metrics`` body."""

    def __init__(self, loaded: Callable[[], Mapping[str, int | None]]):
        self.registry = CollectorRegistry()
        self.requests = Counter("hub_http_requests", "HTTP requests answered", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("hub_http_request_duration_seconds", "Time to answer an HTTP request",
                                 ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.predict_latency = Histogram("hub_predict_duration_seconds", "Time from a prediction request's "
                                         "records being ready to its results (queue and batch)", ["model"],
                                         buckets=LATENCY_BUCKETS, registry=self.registry)
        self.batch_records = Histogram("hub_batch_records", "Records per forward batch", ["model"],
                                       buckets=SIZE_BUCKETS, registry=self.registry)
        self.batch_requests = Histogram("hub_batch_requests", "Requests gathered into one forward batch",
                                        ["model"], buckets=SIZE_BUCKETS, registry=self.registry)
        self.records = Counter("hub_records", "Records predicted, by outcome (ok or failed)", ["model", "outcome"],
                               registry=self.registry)
        self.timeouts = Counter("hub_request_timeouts", "Prediction requests answered 504 (timed out)",
                                ["model"], registry=self.registry)
        self.rate_limited = Counter("hub_rate_limited_requests", "Requests answered 429 (over --rate-limit)",
                                    ["route"], registry=self.registry)
        ProcessCollector(registry=self.registry)
        self.registry.register(LoadedModels(loaded))

    def batch(self, model_id: str, records: int, requests: int) -> None:
        self.batch_records.labels(model_id).observe(records)
        self.batch_requests.labels(model_id).observe(requests)

    def outcomes(self, model_id: str, ok: int, failed: int) -> None:
        if ok:
            self.records.labels(model_id, "ok").inc(ok)
        if failed:
            self.records.labels(model_id, "failed").inc(failed)

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
