"""hub train against chemprop train (issue 28), on the same scaffold split, in one run.

Delaney's 1,128 measured solubilities (plugins/chemistry/tests/data/delaney.csv) are split by
chemprop's own balanced scaffold split (``make_split_indices(..., "scaffold_balanced", (0.8, 0.1,
0.1))``). ``chemprop train`` (its defaults: a D-MPNN, 50 epochs, early model selection on the
validation part) learns from the train and validation parts; ``hub train`` (defaults: RDKit
descriptors + Morgan counts, the head chosen by scaffold-grouped cross-validation, trust data)
learns from the same records. Both predict the held-out test scaffolds. Prints test RMSE/R² and the
wall time of each training command, and hub's time as a share of chemprop's.
Usage: python benchmarks/train.py [--seed 0] [--device cpu|cuda] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DELANEY = Path(__file__).resolve().parents[1] / "plugins" / "chemistry" / "tests" / "data" / "delaney.csv"
TARGET = "measured_log_solubility"


def scaffold_split(rows: list[dict], seed: int) -> tuple[list[int], list[int], list[int]]:
    from chemprop.data import make_split_indices
    from rdkit import Chem

    mols = [Chem.MolFromSmiles(row["smiles"]) for row in rows]
    train, val, test = make_split_indices(mols, "scaffold_balanced", (0.8, 0.1, 0.1), seed=seed)
    return list(train[0]), list(val[0]), list(test[0])


def write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["smiles", TARGET])
        writer.writeheader()
        writer.writerows({"smiles": r["smiles"], TARGET: r[TARGET]} for r in rows)
    return path


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def figures(measured: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    errors = predicted - measured
    return (float(np.sqrt(np.mean(errors ** 2))),
            1.0 - float(np.sum(errors ** 2) / np.sum((measured - measured.mean()) ** 2)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="chemprop's accelerator")
    parser.add_argument("--workdir", help="keep the files here (default: a temporary folder)")
    args = parser.parse_args()
    folder = Path(args.workdir or tempfile.mkdtemp(prefix="hub-train-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = list(csv.DictReader(DELANEY.open()))
    train, val, test = scaffold_split(rows, args.seed)
    parts = {name: write(folder / f"{name}.csv", [rows[i] for i in idx])
             for name, idx in (("train", train), ("val", val), ("test", test))}
    write(folder / "train_val.csv", [rows[i] for i in train + val])
    env = {**os.environ, "HUB_MODELS_DIR": str(folder / "hub-models"), "HF_HUB_OFFLINE": "1"}
    hub = [sys.executable, "-m", "specialist_hub"]
    hub_seconds = timed([*hub, "train", "-d", "chem", "-i", str(folder / "train_val.csv"), "-t", TARGET, "--name",
                         "bench", "--quiet", "--force", "--seed", str(args.seed)], env)
    subprocess.run([*hub, "predict", "-m", "user/bench", "-i", str(parts["test"]), "-o", str(folder / "hub.jsonl"),
                    "-q"], check=True, env=env)
    hub_predicted = np.array([json.loads(line)["output"][TARGET] for line in (folder / "hub.jsonl").open()])
    chemprop_out = folder / "chemprop"
    chemprop = [str(Path(sys.executable).with_name("chemprop")), "train", "-i", str(parts["train"]), str(parts["val"]),
                str(parts["test"]), "-s", "smiles", "--target-columns", TARGET, "-t", "regression", "-o",
                str(chemprop_out), "-n", "0", "--accelerator", "gpu" if args.device == "cuda" else "cpu",
                "--data-seed", str(args.seed), "--pytorch-seed", str(args.seed)]
    chemprop_seconds = timed(chemprop, env)
    predictions = sorted(chemprop_out.rglob("test_predictions.csv"))
    if not predictions:
        raise SystemExit(f"chemprop wrote no test_predictions.csv under {chemprop_out}")
    with predictions[0].open() as handle:
        chemprop_predicted = np.array([float(r[TARGET]) for r in csv.DictReader(handle)])
    measured = np.array([float(rows[i][TARGET]) for i in test])
    hub_rmse, hub_r2 = figures(measured, hub_predicted)
    cp_rmse, cp_r2 = figures(measured, chemprop_predicted)
    print(f"Delaney, chemprop scaffold_balanced split (seed {args.seed}): train {len(train)}, val {len(val)}, "
          f"test {len(test)}")
    print(f"{'':10} {'test RMSE':>10} {'test R²':>8} {'train s':>8}")
    print(f"{'hub train':10} {hub_rmse:10.3f} {hub_r2:8.3f} {hub_seconds:8.1f}")
    print(f"{'chemprop':10} {cp_rmse:10.3f} {cp_r2:8.3f} {chemprop_seconds:8.1f}")
    print(f"hub time / chemprop time: {hub_seconds / chemprop_seconds:.2f}x (target <= 0.25x); "
          f"RMSE hub / chemprop: {hub_rmse / cp_rmse:.2f} (target <= 1.00)")


if __name__ == "__main__":
    main()
