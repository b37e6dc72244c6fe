"""Pipelines: chemistry/profile in one run vs its five models run one by one, measured side by side.

The pipeline standardises and parses each molecule once for all five steps (they share the parsed-
molecule cache) and loads each model once; one by one, each `hub predict` run parses every
molecule again and pays its own start-up. Both write one CSV per run from the same SMILES file.
Usage: python benchmarks/pipelines.py [--molecules 2000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rdkit import RDConfig

HUB = [sys.executable, "-m", "specialist_hub", "predict", "-q", "--no-isolate", "-O", "standardize=true"]
MODELS = ("descriptors", "qed", "sa-score", "alerts", "admet")


def molecules(count: int) -> list[str]:
    """SMILES from RDKit's shipped NCI set, repeated to ``count``."""
    from rdkit import Chem

    supplier = Chem.SDMolSupplier(os.path.join(RDConfig.RDDataDir, "NCI", "first_200.props.sdf"))
    smiles = [Chem.MolToSmiles(mol) for mol in supplier if mol is not None]
    return [smiles[i % len(smiles)] for i in range(count)]


def seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--molecules", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "library.smi"
        source.write_text("\n".join(molecules(args.molecules)) + "\n")
        pipeline = seconds([*HUB[:-2], "-m", "chemistry/profile", "--input", str(source), "-o", f"{tmp}/p.csv"])
        separate = sum(seconds([*HUB, "-m", f"chemistry/{model}", "--input", str(source), "-o", f"{tmp}/{model}.csv"])
                       for model in MODELS)
    print(f"{args.molecules:,} molecules: chemistry/profile {pipeline:.1f} s; five runs one by one {separate:.1f} s; "
          f"saving {separate / pipeline:.2f}x")


if __name__ == "__main__":
    main()
