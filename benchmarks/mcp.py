"""What an MCP call costs over calling the Python API: `hub mcp` over stdio, driven by the official
SDK's client, next to `specialist_hub.predict` in this process, in the same run.

For chemistry/qed (RDKit, about a millisecond per molecule) and chemistry/admet (Chemprop ensembles)
on 1 and on 100 molecules per call (Delaney's first 100 compounds), after an untimed call that loads
each model on both sides, the two are timed in turns (so load on the machine falls on both alike) and
the medians compared. The MCP figure is the whole round trip an agent waits for: JSON-RPC over the
pipe, the argument check, the hand-off to the model's worker process, the result's structured content
and text, and the client's own check of the result against the tool's output schema. Beside the wall
time (medians), the CPU time of each call (means; this process, the server and the model's worker
process together), which other load on a shared machine changes less; and, as a share of the direct call's CPU
time, what the client's check of the typed result alone costs (part of the MCP figure). The target: at 100
molecules the MCP call costs at most 1.2x the direct one.
Run: python benchmarks/mcp.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import statistics
import sys
import time
from pathlib import Path

# This script is benchmarks/mcp.py: keep its folder off the path, so that `import mcp` finds the SDK.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import psutil  # noqa: E402
from jsonschema.exceptions import best_match  # noqa: E402
from jsonschema.validators import validator_for  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402

import specialist_hub  # noqa: E402

MODELS = ("chemistry/qed", "chemistry/admet")
SIZES = (1, 100)
TARGET = 1.2
DELANEY = Path(__file__).resolve().parents[1] / "plugins/chemistry/tests/data/delaney.csv"


def molecules(count: int) -> list[str]:
    with open(DELANEY, newline="") as handle:
        return [row["smiles"] for row, _ in zip(csv.DictReader(handle), range(count))]


def cpu_seconds() -> float:
    """CPU time of this process and all its descendants (the server and its worker) so far."""
    processes = [psutil.Process()]
    processes += processes[0].children(recursive=True)
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


async def main(repeats: int) -> None:
    params = StdioServerParameters(command=sys.executable, args=["-m", "specialist_hub", "mcp", "--model", ",".join(MODELS)],
                                   env=dict(os.environ))  # the SDK passes only a few variables by default
    rows = []
    async with Client(params, read_timeout_seconds=600) as client:
        schemas = {tool.name: tool.output_schema for tool in (await client.list_tools()).tools}
        for model in MODELS:
            tool = model.replace("/", "_")
            for size in SIZES:
                batch = molecules(size)

                async def direct(model=model, batch=batch):
                    predictions = specialist_hub.predict(model, batch, quiet=True)
                    assert all(p.ok for p in predictions)

                async def through_mcp(tool=tool, batch=batch):
                    result = await client.call_tool(tool, {"inputs": batch})
                    failed = result.is_error or result.structured_content["failed"]
                    assert not failed, result.content[0].text[:500]
                    return result.structured_content

                await direct()
                structured = await through_mcp()
                wall: dict[str, list[float]] = {"direct": [], "mcp": []}
                cpu: dict[str, list[float]] = {"direct": [], "mcp": []}
                for _ in range(repeats if model == "chemistry/qed" or size == 1 else max(3, repeats // 3)):
                    for side, call in (("direct", direct), ("mcp", through_mcp)):
                        start, used = time.perf_counter(), cpu_seconds()
                        await call()
                        wall[side].append(time.perf_counter() - start)
                        cpu[side].append(cpu_seconds() - used)
                # wall: medians; CPU: means, as the clock counts it in ticks of 10 ms
                medians = {**{f"wall {side}": statistics.median(values) * 1000 for side, values in wall.items()},
                           **{f"cpu {side}": statistics.fmean(values) * 1000 for side, values in cpu.items()}}
                medians["check"] = client_check_ms(schemas[tool], structured)
                rows.append((model, size, medians, len(wall["mcp"])))
    print(f"{'model':<18}{'molecules':>10}{'direct ms':>11}{'MCP ms':>9}{'ratio':>7}{'direct CPU ms':>15}"
          f"{'MCP CPU ms':>12}{'ratio':>7}{'client check':>14}{'calls':>7}")
    for model, size, m, calls in rows:
        print(f"{model:<18}{size:>10}{m['wall direct']:>11.1f}{m['wall mcp']:>9.1f}{m['wall mcp'] / m['wall direct']:>7.2f}"
              f"{m['cpu direct']:>15.1f}{m['cpu mcp']:>12.1f}{m['cpu mcp'] / m['cpu direct']:>7.2f}"
              f"{m['check'] / m['cpu direct']:>13.2f}x{calls:>7}")
    largest = [m for _, size, m, _ in rows if size == max(SIZES)]
    print(f"\nAt {max(SIZES)} molecules per call the MCP call costs at most "
          f"{max(m['wall mcp'] / m['wall direct'] for m in largest):.2f}x the direct one in wall time and "
          f"{max(m['cpu mcp'] / m['cpu direct'] for m in largest):.2f}x in CPU time (target: {TARGET}x).")

def client_check_ms(schema: dict, structured: dict, repeats: int = 20) -> float:
    """CPU milliseconds of the SDK client's own check of one result against the tool's output schema
    (the same jsonschema validator class and call the client uses), timed apart from the round trip."""
    validator = validator_for(schema)(schema)
    start = time.process_time()
    for _ in range(repeats):
        assert best_match(validator.iter_errors(structured)) is None
    return (time.process_time() - start) / repeats * 1000


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed calls per model and size")
    asyncio.run(main(parser.parse_args().repeats))
