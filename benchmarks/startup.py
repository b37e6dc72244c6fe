"""Cold-start cost of the hub, measured against `import torch` in the same run.

Prints the median wall time of fresh interpreters for: `hub list`, a one-molecule chemistry
prediction (isolated, the default, and in-process), and `python -c "import torch"`, then the
ratios. Run: python benchmarks/startup.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "hub list": [sys.executable, "-m", "specialist_hub", "list"],
    "hub predict (1 molecule)": [sys.executable, "-m", "specialist_hub", "predict", "--domain", "chem",
                                 "CC(=O)Oc1ccccc1C(=O)O", "--format", "jsonl"],
    "hub predict --no-isolate": [sys.executable, "-m", "specialist_hub", "predict", "--domain", "chem",
                                 "CC(=O)Oc1ccccc1C(=O)O", "--format", "jsonl", "--no-isolate"],
    "import torch": [sys.executable, "-c", "import torch"],
}


def median_seconds(command: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repeats: int = 7) -> None:
    # Interleave rounds so machine noise hits every command alike.
    samples = {name: [] for name in COMMANDS}
    for _ in range(repeats):
        for name, command in COMMANDS.items():
            samples[name].append(median_seconds(command, 1))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    torch_time = medians["import torch"]
    print(f"{'command':<28}{'median s':>10}{'÷ import torch':>16}")
    for name, seconds in medians.items():
        print(f"{name:<28}{seconds:>10.3f}{seconds / torch_time:>16.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
