"""Predict at scale: overhead, worker speed-up, memory and Ray, measured side by side in one run.

For chemistry/descriptors + chemistry/qed over 10k and 100k molecules (RDKit's shipped WEHI and
NCI sets, repeated to size), all as fresh processes, file in -> file out:
- hub single worker vs the plain RDKit loop of benchmarks/chemistry.py (overhead ratio);
- crash isolation (the default: models in a supervised worker process) vs --no-isolate;
- --workers 2 vs 1 (speed-up);
- peak RSS of the hub process at 100k vs 10k (should stay flat: the run streams);
- --engine ray (local Ray, 2 actors) vs --workers 2.
With ``--rounds N`` every run is repeated N times, rounds interleaved so machine noise hits each
alike, and the medians are shown; ``--without-ray`` leaves the Ray run out.
Usage: python benchmarks/scale.py [--sizes 10000 100000] [--rounds 1] [--without-ray]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from chemistry import BASELINE, HUB, MODELS, write_input


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "RAY_AUTH_MODE": "disabled"})
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: some molecules are invalid
        sys.exit(f"{' '.join(command)} failed:\n{process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def make_inputs(folder: Path, size: int) -> tuple[Path, Path]:
    """The first ``size`` molecules (cycling through the shipped sets) as .smi and .csv."""
    pool = folder / "pool.smi"
    if not pool.exists():
        write_input(pool)
    lines = pool.read_text().splitlines()
    smi, table = folder / f"mols_{size}.smi", folder / f"mols_{size}.csv"
    with open(smi, "w") as out_smi, open(table, "w", newline="") as out_csv:
        writer = csv.writer(out_csv)
        writer.writerow(["smiles", "name"])
        for i in range(size):
            smiles, _, name = lines[i % len(lines)].partition(" ")
            out_smi.write(f"{smiles} {name}-{i}\n")
            writer.writerow([smiles, f"{name}-{i}"])
    return smi, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--without-ray", action="store_true")
    args = parser.parse_args()
    hub = [HUB, "predict", "-m", MODELS, "-q", "--batch-size", "256"]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plain_loop = tmp / "plain_loop.py"
        plain_loop.write_text(BASELINE)
        for size in args.sizes:
            smi, table = make_inputs(tmp, size)
            commands = {
                "plain RDKit loop": [sys.executable, str(plain_loop), str(smi), str(tmp / "plain.csv")],
                "hub --workers 1": [*hub, "--input", str(smi), "-o", str(tmp / "w1.csv")],
                "hub --no-isolate": [*hub, "--input", str(smi), "-o", str(tmp / "w0.csv"), "--no-isolate"],
                "hub --workers 2": [*hub, "--input", str(smi), "-o", str(tmp / "w2.csv"), "--workers", "2"],
                "hub --engine ray (2 actors)": [*hub, "--input", str(table), "-o", str(tmp / "ray.csv"),
                                                "--engine", "ray", "--workers", "2"],
            }
            if args.without_ray:
                commands.pop("hub --engine ray (2 actors)")
            samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
            for _ in range(args.rounds):
                for name, command in commands.items():
                    samples[name].append(run(command))
            results[size] = {name: (statistics.median(s for s, _ in runs), max(m for _, m in runs))
                             for name, runs in samples.items()}
    print(f"{'run':<30}" + "".join(f"{f'{n:,} s':>12}{f'{n:,} MiB':>12}" for n in args.sizes))
    for name in results[args.sizes[0]]:
        print(f"{name:<30}" + "".join(f"{results[n][name][0]:>12.1f}{results[n][name][1]:>12.0f}" for n in args.sizes))
    print()
    for n in args.sizes:
        r = {k: v[0] for k, v in results[n].items()}
        print(f"{n:>7,} molecules: hub/plain {r['hub --workers 1'] / r['plain RDKit loop']:.3f}; "
              f"isolated/in-process {r['hub --workers 1'] / r['hub --no-isolate']:.3f}; "
              f"speed-up 2 workers vs 1 {r['hub --workers 1'] / r['hub --workers 2']:.2f}x"
              + (f"; ray/workers-2 {r['hub --engine ray (2 actors)'] / r['hub --workers 2']:.2f}"
                 if "hub --engine ray (2 actors)" in r else ""))
    if len(args.sizes) > 1:
        small, large = args.sizes[0], args.sizes[-1]
        print(f"peak RSS of hub --workers 1 at {large:,} vs {small:,}: "
              f"{results[large]['hub --workers 1'][1] / results[small]['hub --workers 1'][1]:.2f}x")


if __name__ == "__main__":
    main()
