"""Hub overhead for chemistry: descriptors + QED through `hub predict` vs a plain RDKit loop.

Input: the 10,000 WEHI molecules and the 5,000 NCI molecules that ship inside RDKit
(Data/Pains/test_data/wehi_mols.csv, Data/NCI/first_5K.smi), written to one .smi file.
Both paths run as fresh processes, read that file and write a CSV with the same values
(canonical SMILES, the 16 descriptors, QED and its 8 properties), so interpreter start-up and
imports count on both sides. A second pair of timings runs in-process, without file I/O, to show
the per-record cost of the core alone. Usage: python benchmarks/chemistry.py [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HUB = str(Path(sys.executable).with_name("hub"))
MODELS = "chemistry/descriptors,chemistry/qed"

BASELINE = r'''
import csv, sys
from rdkit import Chem, RDLogger
from rdkit.Chem import QED, Crippen, Descriptors, Lipinski, rdMolDescriptors
from specialist_hub_chemistry.descriptors import rotatable_bonds  # the same Veber SMARTS count
RDLogger.DisableLog("rdApp.*")

def row(mol):
    mw, logp = Descriptors.MolWt(mol), Crippen.MolLogP(mol)
    donors, acceptors = Lipinski.NumHDonors(mol), Lipinski.NumHAcceptors(mol)
    rot, tpsa = rotatable_bonds(mol), rdMolDescriptors.CalcTPSA(mol)
    props = QED.properties(mol)
    return [Chem.MolToSmiles(mol), mw, Descriptors.ExactMolWt(mol), rdMolDescriptors.CalcMolFormula(mol),
            logp, Crippen.MolMR(mol), tpsa, donors, acceptors, rot, rdMolDescriptors.CalcNumRings(mol),
            rdMolDescriptors.CalcNumAromaticRings(mol), rdMolDescriptors.CalcFractionCSP3(mol),
            mol.GetNumHeavyAtoms(), sum(a.GetFormalCharge() for a in mol.GetAtoms()),
            (mw > 500) + (logp > 5) + (donors > 5) + (acceptors > 10), rot <= 10 and tpsa <= 140,
            QED.qed(mol, w=QED.WEIGHT_MEAN, qedProperties=props), QED.qed(mol, w=QED.WEIGHT_MAX, qedProperties=props),
            QED.qed(mol, w=QED.WEIGHT_NONE, qedProperties=props), *props]

if __name__ == "__main__":
    with open(sys.argv[1]) as src, open(sys.argv[2], "w", newline="") as dst:
        out = csv.writer(dst)
        for line in src:
            smiles, _, name = line.strip().partition(" ")
            mol = Chem.MolFromSmiles(smiles)
            out.writerow([name, *(row(mol) if mol is not None and mol.GetNumAtoms() else ["invalid"])])
'''


def write_input(path: Path) -> int:
    from rdkit import RDConfig

    count = 0
    with open(path, "w") as out:
        with open(os.path.join(RDConfig.RDDataDir, "Pains", "test_data", "wehi_mols.csv"), newline="") as handle:
            for smiles, name in csv.reader(handle):
                out.write(f"{smiles} {name}\n")
                count += 1
        with open(os.path.join(RDConfig.RDDataDir, "NCI", "first_5K.smi")) as handle:
            for line in handle:
                parts = line.split()
                if parts:
                    out.write(f"{parts[0]} NCI-{parts[1] if len(parts) > 1 else count}\n")
                    count += 1
    return count


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):  # 1: some records failed, which is fine here
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def in_process(smi: Path, plain_loop: Path, profile: bool) -> tuple[float, float]:
    """The Python API on pre-read records vs the plain loop's row(), both without file I/O."""
    import importlib.util

    from rdkit import Chem

    import specialist_hub as hub
    from specialist_hub.inputs import Record

    spec = importlib.util.spec_from_file_location("plain_loop", plain_loop)
    baseline = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(baseline)

    lines = [line.split() for line in smi.read_text().splitlines()]
    start = time.perf_counter()
    for smiles, _ in lines:
        mol = Chem.MolFromSmiles(smiles)
        if mol is not None and mol.GetNumAtoms():
            baseline.row(mol)
    plain = time.perf_counter() - start

    models = [hub.load(m, device="cpu") for m in MODELS.split(",")]
    records = [Record(i, smiles, name) for i, (smiles, name) in enumerate(lines)]
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    for _ in hub.predict_stream(models, records):
        pass
    if profiler:
        profiler.disable()
    api = time.perf_counter() - start
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return plain, api


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process hub run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        smi = tmp / "mols.smi"
        n = write_input(smi)
        plain_loop = tmp / "plain_loop.py"
        plain_loop.write_text(BASELINE)
        baseline = timed([sys.executable, str(plain_loop), str(smi), str(tmp / "plain.csv")])
        hub_time = timed([HUB, "predict", "-m", MODELS, "--input", str(smi), "-o", str(tmp / "hub.csv"), "-q"])
        with open(tmp / "hub.csv", newline="") as handle:
            rows = sum(1 for _ in csv.DictReader(handle))
        plain_api, api = in_process(smi, plain_loop, args.profile)
    print(f"molecules: {n} (hub wrote {rows} rows: {len(MODELS.split(','))} models per molecule)")
    print(f"file in -> file out, fresh process: plain RDKit {baseline:.2f} s, hub predict {hub_time:.2f} s, "
          f"ratio {hub_time / baseline:.3f} (overhead {100 * (hub_time / baseline - 1):+.1f} %)")
    print(f"in-process, no file I/O:           plain RDKit {plain_api:.2f} s, Python API  {api:.2f} s, "
          f"ratio {api / plain_api:.3f} (overhead {100 * (api / plain_api - 1):+.1f} %)")


if __name__ == "__main__":
    main()
