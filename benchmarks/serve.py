"""Load on `hub serve` over loopback against the chemistry default model, next to the Python API.

Starts `hub serve --models chemistry/descriptors` on 127.0.0.1, sends a fixed number of
single-molecule requests at concurrency 1, 2, 4, 8, 16 and 32, and prints requests/s, p50/p99
latency and errors (which must be 0), then the same calls made through the Python API in this
process. Run: python benchmarks/serve.py [requests per level]
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import subprocess
import sys
import time

import httpx

MODEL = "chemistry/descriptors"
MOLECULES = ["CC(=O)Oc1ccccc1C(=O)O", "CC(=O)Nc1ccc(O)cc1", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "CCO",
             "c1ccc2c(c1)cc1ccc3cccc4ccc2c1c34", "CC(C)Cc1ccc(cc1)C(C)C(=O)O"]
LEVELS = (1, 2, 4, 8, 16, 32)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "specialist_hub", "serve", "--models", MODEL, "--port", str(port)]
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


async def load(url: str, requests: int, concurrency: int) -> tuple[float, list[float], int]:
    """Send ``requests`` requests with at most ``concurrency`` in flight; (seconds, latencies, errors)."""
    latencies: list[float] = []
    errors = 0
    queue = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        async def worker():
            nonlocal errors
            for index in queue:
                body = {"inputs": [MOLECULES[index % len(MOLECULES)]]}
                start = time.perf_counter()
                response = await client.post(f"/models/{MODEL}/predict", json=body)
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200 or not all(r["ok"] for r in response.json()):
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, latencies, errors


def direct(requests: int) -> tuple[float, list[float]]:
    """The same single-molecule calls through the Python API (model loaded once)."""
    import specialist_hub

    model = specialist_hub.load(MODEL)
    model.predict(MOLECULES)
    latencies = []
    start = time.perf_counter()
    for index in range(requests):
        begin = time.perf_counter()
        model.predict([MOLECULES[index % len(MOLECULES)]])
        latencies.append(time.perf_counter() - begin)
    return time.perf_counter() - start, latencies


def main(requests: int = 400) -> int:
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        httpx.post(f"{url}/models/{MODEL}/predict", json={"inputs": MOLECULES}).raise_for_status()  # load it
        rows = [(level, *asyncio.run(load(url, requests, level))) for level in LEVELS]
    finally:
        server.terminate()
        server.wait(10)
    direct_seconds, direct_latencies = direct(requests)
    direct_rps = requests / direct_seconds
    direct_p50 = statistics.median(direct_latencies)
    print(f"{requests} single-molecule requests per level to {MODEL} on 127.0.0.1")
    print(f"{'concurrency':>11}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'p50 ÷ API':>11}{'API ÷ req/s':>13}")
    for level, seconds, latencies, errors in rows:
        p50 = statistics.median(latencies)
        print(f"{level:>11}{requests / seconds:>9.0f}{p50 * 1000:>9.2f}{percentile(latencies, 0.99) * 1000:>9.2f}"
              f"{errors:>8}{p50 / direct_p50:>11.1f}{direct_rps / (requests / seconds):>13.1f}")
    print(f"{'Python API':>11}{direct_rps:>9.0f}{direct_p50 * 1000:>9.2f}"
          f"{percentile(direct_latencies, 0.99) * 1000:>9.2f}{0:>8}")
    return 1 if any(row[3] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 400))
