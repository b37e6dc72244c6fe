"""Load on `hub serve` over loopback, with dynamic batching on and off, next to the Python API.

Starts `hub serve --models chemistry/qed,chemistry/admet` twice on 127.0.0.1 (`--batch-wait-ms 0`:
batching off; the default wait: on), sends single-molecule requests at concurrency 1, 8, 32 and
64 (each level after an untimed round that opens its connections), and prints requests/s, p50/p99
latency, errors (which must be 0) and the server's CPU time
per request (its process and its model worker: a figure that other load on the machine changes
less than the rates) for each model, level and mode, the on/off ratios, and each model's
single-molecule rate through the Python API in this process (the most a server that runs one
forward per request could reach).
The load comes from aiohttp: httpx's async client took about 6 ms of CPU per request at
concurrency 32 here (aiohttp 0.45 ms), more than the server itself, and client and server share
the cores.
Run: python benchmarks/serve.py [--requests 400] [--device cpu|cuda]
(``cuda`` serves with ``--device auto``: admet on the GPU, qed, an RDKit model, on the CPU.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time

import aiohttp
import httpx
import psutil

MODELS = ("chemistry/qed", "chemistry/admet")
MOLECULES = ["CC(=O)Oc1ccccc1C(=O)O", "CC(=O)Nc1ccc(O)cc1", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "CCO",
             "c1ccc2c(c1)cc1ccc3cccc4ccc2c1c34", "CC(C)Cc1ccc(cc1)C(C)C(=O)O"]
LEVELS = (1, 8, 32, 64)
MODES = {"off": ["--batch-wait-ms", "0"], "on": []}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, extra: list[str], device: str = "cpu") -> subprocess.Popen:
    command = [sys.executable, "-m", "specialist_hub", "serve", "--models", ",".join(MODELS), "--port", str(port),
               "--device", device, *extra]
    # stderr is ours, not a pipe that nobody reads while the server runs (a full pipe would block it)
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("hub serve did not start in 60 s (its messages are above)")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def load(url: str, model: str, requests: int, concurrency: int) -> tuple[float, list[float], int]:
    """Send ``requests`` requests with at most ``concurrency`` in flight; (seconds, latencies, errors)."""
    latencies: list[float] = []
    errors = 0
    queue = iter(range(requests))
    connections = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(url, connector=connections, timeout=aiohttp.ClientTimeout(600)) as client:
        async def worker():
            nonlocal errors
            for index in queue:
                body = {"inputs": [MOLECULES[index % len(MOLECULES)]]}
                start = time.perf_counter()
                async with client.post(f"/models/{model}/predict", json=body) as response:
                    status, content = response.status, await response.read()
                latencies.append(time.perf_counter() - start)
                if status != 200 or not all(r["ok"] for r in json.loads(content)):
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, latencies, errors


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time so far of the server process and its children (the model workers)."""
    processes = [psutil.Process(server.pid)]
    processes += processes[0].children(recursive=True)
    return sum(sum(p.cpu_times()[:2]) for p in processes)


def requests_for(model: str, level: int, qed_requests: int) -> int:
    """admet takes tens of ms per molecule alone: fewer requests keep the run short."""
    return qed_requests if model == "chemistry/qed" else max(32, 4 * level)


def direct(model_id: str, requests: int, device: str) -> float:
    """Single-molecule calls per second through the Python API (model loaded once)."""
    import specialist_hub

    model = specialist_hub.load(model_id, device=device)
    model.predict(MOLECULES)
    start = time.perf_counter()
    for index in range(requests):
        model.predict([MOLECULES[index % len(MOLECULES)]])
    return requests / (time.perf_counter() - start)


def main(qed_requests: int = 400, device: str = "cpu") -> int:
    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            print("--device cuda: no CUDA GPU is visible to torch here; run on a GPU machine or use --device cpu.",
                  file=sys.stderr)
            return 2
    served = "auto" if device == "cuda" else "cpu"  # qed has no GPU path: auto keeps it on the CPU
    results: dict[tuple[str, int, str], tuple[float, float, float, int, float]] = {}
    for mode, extra in MODES.items():
        port = free_port()
        server = start_server(port, extra, served)
        url = f"http://127.0.0.1:{port}"
        try:
            for model in MODELS:
                httpx.post(f"{url}/models/{model}/predict", json={"inputs": MOLECULES}, timeout=600).raise_for_status()
                for level in LEVELS:
                    count = requests_for(model, level, qed_requests)
                    asyncio.run(load(url, model, 2 * level, level))  # untimed: the level's connections open
                    cpu_before = server_cpu_seconds(server)
                    seconds, latencies, errors = asyncio.run(load(url, model, count, level))
                    cpu_ms = (server_cpu_seconds(server) - cpu_before) * 1000 / count
                    results[model, level, mode] = (count / seconds, statistics.median(latencies),
                                                   percentile(latencies, 0.99), errors, cpu_ms)
        finally:
            server.terminate()
            server.wait(30)
    rates = {model: direct(model, requests_for(model, 1, qed_requests), served) for model in MODELS}
    print(f"Single-molecule requests on 127.0.0.1, {os.cpu_count()} cores (client and server share them), "
          f"hub serve --device {served}")
    print(f"{'model':<17}{'conc.':>6}{'batching':>9}{'req/s':>9}{'p50 ms':>10}{'p99 ms':>10}{'errors':>7}"
          f"{'CPU ms/req':>11}{'on ÷ off':>10}")
    for model in MODELS:
        for level in LEVELS:
            for mode in MODES:
                rps, p50, p99, errors, cpu_ms = results[model, level, mode]
                ratio = f"{rps / results[model, level, 'off'][0]:>10.1f}" if mode == "on" else ""
                print(f"{model:<17}{level:>6}{mode:>9}{rps:>9.1f}{p50 * 1000:>10.1f}{p99 * 1000:>10.1f}{errors:>7}"
                      f"{cpu_ms:>11.2f}{ratio}")
        print(f"{model:<17}{'Python API, one molecule per call':>41}: {rates[model]:.1f} calls/s")
    admet_on, admet_off = results["chemistry/admet", 32, "on"], results["chemistry/admet", 32, "off"]
    print(f"chemistry/admet at concurrency 32: {admet_on[0] / admet_off[0]:.1f}x the throughput with batching, "
          f"p99 {admet_on[2] * 1000:.0f} ms on vs {admet_off[2] * 1000:.0f} ms off")
    return 1 if any(row[3] for row in results.values()) else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="Requests per concurrency level for qed")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    arguments = parser.parse_args()
    sys.exit(main(arguments.requests, arguments.device))
