"""Load on `hub serve` over loopback, with dynamic batching on and off, next to the Python API.

Starts `hub serve --models chemistry/qed,chemistry/admet` twice on 127.0.0.1 (`--batch-wait-ms 0`:
batching off; the default wait: on), sends single-molecule requests at concurrency 1, 8, 32 and
64, and prints requests/s, p50/p99 latency and errors (which must be 0) for each model, level and
mode, the on/off ratios, and each model's single-molecule rate through the Python API in this
process (the most a server that runs one forward per request could reach).
Run: python benchmarks/serve.py [requests per level for qed]
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx

MODELS = ("chemistry/qed", "chemistry/admet")
MOLECULES = ["CC(=O)Oc1ccccc1C(=O)O", "CC(=O)Nc1ccc(O)cc1", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "CCO",
             "c1ccc2c(c1)cc1ccc3cccc4ccc2c1c34", "CC(C)Cc1ccc(cc1)C(C)C(=O)O"]
LEVELS = (1, 8, 32, 64)
MODES = {"off": ["--batch-wait-ms", "0"], "on": []}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, extra: list[str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "specialist_hub", "serve", "--models", ",".join(MODELS), "--port", str(port),
               "--device", "cpu", *extra]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"hub serve did not start: {server.stderr.read().decode()[-2000:]}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def load(url: str, model: str, requests: int, concurrency: int) -> tuple[float, list[float], int]:
    """Send ``requests`` requests with at most ``concurrency`` in flight; (seconds, latencies, errors)."""
    latencies: list[float] = []
    errors = 0
    queue = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=600) as client:
        async def worker():
            nonlocal errors
            for index in queue:
                body = {"inputs": [MOLECULES[index % len(MOLECULES)]]}
                start = time.perf_counter()
                response = await client.post(f"/models/{model}/predict", json=body)
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200 or not all(r["ok"] for r in response.json()):
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, latencies, errors


def requests_for(model: str, level: int, qed_requests: int) -> int:
    """admet takes a third of a second per molecule alone: fewer requests keep the run short."""
    return qed_requests if model == "chemistry/qed" else max(16, 2 * level)


def direct(model_id: str, requests: int) -> float:
    """Single-molecule calls per second through the Python API (model loaded once)."""
    import specialist_hub

    model = specialist_hub.load(model_id, device="cpu")
    model.predict(MOLECULES)
    start = time.perf_counter()
    for index in range(requests):
        model.predict([MOLECULES[index % len(MOLECULES)]])
    return requests / (time.perf_counter() - start)


def main(qed_requests: int = 400) -> int:
    results: dict[tuple[str, int, str], tuple[float, float, float, int]] = {}
    for mode, extra in MODES.items():
        port = free_port()
        server = start_server(port, extra)
        url = f"http://127.0.0.1:{port}"
        try:
            for model in MODELS:
                httpx.post(f"{url}/models/{model}/predict", json={"inputs": MOLECULES}, timeout=600).raise_for_status()
                for level in LEVELS:
                    count = requests_for(model, level, qed_requests)
                    seconds, latencies, errors = asyncio.run(load(url, model, count, level))
                    results[model, level, mode] = (count / seconds, statistics.median(latencies),
                                                   percentile(latencies, 0.99), errors)
        finally:
            server.terminate()
            server.wait(30)
    rates = {model: direct(model, requests_for(model, 1, qed_requests)) for model in MODELS}
    print(f"Single-molecule requests on 127.0.0.1, {os.cpu_count()} cores (client and server share them)")
    print(f"{'model':<17}{'conc.':>6}{'batching':>9}{'req/s':>9}{'p50 ms':>10}{'p99 ms':>10}{'errors':>7}"
          f"{'on ÷ off':>10}")
    for model in MODELS:
        for level in LEVELS:
            for mode in MODES:
                rps, p50, p99, errors = results[model, level, mode]
                ratio = f"{rps / results[model, level, 'off'][0]:>10.1f}" if mode == "on" else ""
                print(f"{model:<17}{level:>6}{mode:>9}{rps:>9.1f}{p50 * 1000:>10.1f}{p99 * 1000:>10.1f}{errors:>7}"
                      f"{ratio}")
        print(f"{model:<17}{'Python API, one molecule per call':>41}: {rates[model]:.1f} calls/s")
    admet_on, admet_off = results["chemistry/admet", 32, "on"], results["chemistry/admet", 32, "off"]
    print(f"chemistry/admet at concurrency 32: {admet_on[0] / admet_off[0]:.1f}x the throughput with batching, "
          f"p99 {admet_on[2] * 1000:.0f} ms on vs {admet_off[2] * 1000:.0f} ms off")
    return 1 if any(row[3] for row in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 400))
