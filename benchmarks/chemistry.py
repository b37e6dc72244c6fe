"""Hub overhead for chemistry: descriptors + QED through `hub predict` vs a plain RDKit loop.

Input: the 10,000 WEHI molecules and the 5,000 NCI molecules that ship inside RDKit
(Data/Pains/test_data/wehi_mols.csv, Data/NCI/first_5K.smi), written to one .smi file.
Both paths run as fresh processes, read that file and write a CSV with the same values
(canonical SMILES, the 16 descriptors, QED and its 8 properties), so interpreter start-up and
imports count on both sides. A second pair of timings runs in-process, without file I/O, to show
the per-record cost of the core alone.

``--part xtb``: chemistry/xtb single points on ten Delaney molecules against tblite called
directly on the same coordinates. ``--part similar-drugs``: a generated library of
``--library-size`` molecules (default 1,000,000; WEHI/NCI molecules with substituents added) is
indexed, then searched by ``hub predict`` in a fresh process; molecules scanned per second and
peak memory against RDKit's BulkTanimotoSimilarity over the same fingerprints held in memory.
``--part protonate-pka``: Dimorphite-DL on 1,000 molecules and the pKa GNN on ten drugs, each
against its package called directly. ``--part atom-map``: chemistry/atom-map on the 55 test reactions
(repeated 4 times) against rxnmapper 0.4.3 called directly in its own venv (``--rxnmapper-python``,
built as plugins/chemistry/scripts/rxnmapper_reference.py says), one torch thread on both sides.
Usage: python benchmarks/chemistry.py [--profile] [--part overhead|xtb|similar-drugs|protonate-pka|atom-map|all]
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


XTB_BASELINE = r'''
import sys, time, numpy as np
from rdkit import Chem
from tblite.interface import Calculator
from threadpoolctl import threadpool_limits
blocks = open(sys.argv[1]).read().split("$$$$\n")[:-1]
mols = [Chem.MolFromMolBlock(b, removeHs=False) for b in blocks]
start = time.perf_counter()
with threadpool_limits(1, user_api="openmp"):
    for mol in mols:
        calc = Calculator("GFN2-xTB", np.array([a.GetAtomicNum() for a in mol.GetAtoms()]),
                          mol.GetConformer().GetPositions() / 0.529177210903, charge=Chem.GetFormalCharge(mol))
        calc.set("verbosity", 0)
        result = calc.singlepoint()
        result.get("energy"), result.get("dipole"), result.get("charges"), result.get("orbital-energies")
print(time.perf_counter() - start)
'''


def xtb_part(tmp: Path) -> None:
    """Ten Delaney molecules: the hub's single points against tblite on the same coordinates."""
    import specialist_hub as hub

    with open(Path(__file__).parents[1] / "plugins/chemistry/tests/data/delaney.csv", newline="") as handle:
        smiles = [row["smiles"] for row in csv.DictReader(handle)][::113][:10]
    blocks = [p.output["molblock"] for p in hub.predict("chemistry/xtb", smiles, optimize=False)]
    sdf = tmp / "delaney10.sdf"
    sdf.write_text("".join(block + "$$$$\n" for block in blocks))
    script = tmp / "tblite_direct.py"
    script.write_text(XTB_BASELINE)
    direct = float(subprocess.run([sys.executable, str(script), str(sdf)], capture_output=True, text=True,
                                  check=True).stdout)
    model = hub.load("chemistry/xtb", optimize=False)
    start = time.perf_counter()
    preds = model.predict(blocks)
    hub_time = time.perf_counter() - start
    assert preds.all_ok
    start = time.perf_counter()
    optimised = hub.predict("chemistry/xtb", smiles)
    optimise_time = time.perf_counter() - start
    steps = sum(p.output["optimization_steps"] for p in optimised)
    print(f"xtb, 10 Delaney molecules, single points: tblite direct {direct:.2f} s, hub {hub_time:.2f} s, "
          f"ratio {hub_time / direct:.2f}")
    print(f"xtb, the same 10 optimised from ETKDG: {optimise_time:.1f} s, {steps} L-BFGS steps, "
          f"{sum(p.output['converged'] for p in optimised)}/10 converged")


SUBSTITUENTS = ("", "C", "CC", "CCC", "O", "OC", "N", "NC", "F", "Cl", "Br", "C(C)C", "C(=O)O", "C#N", "SC",
                "C1CC1", "OC(F)(F)F", "C(N)=O", "CO", "CCO")

SIMILARITY_BASELINE = r'''
import resource, sys, time
import numpy as np
from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import rdFingerprintGenerator
RDLogger.DisableLog("rdApp.*")
generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
fps, names = [], []
for line in open(sys.argv[1]):
    smiles, name = line.split()
    mol = Chem.MolFromSmiles(smiles)
    if mol is not None and mol.GetNumAtoms():
        fps.append(generator.GetFingerprint(mol)); names.append(name)
queries = [generator.GetFingerprint(Chem.MolFromSmiles(line.split()[0])) for line in open(sys.argv[2])]
start = time.perf_counter()
for query in queries:
    similarity = np.array(DataStructs.BulkTanimotoSimilarity(query, fps))
    best = np.argsort(-similarity, kind="stable")[:5]
print(time.perf_counter() - start, len(fps), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
'''


def write_library(path: Path, size: int) -> int:
    """Up to ``size`` valid SMILES: the RDKit test molecules with a substituent on the first and
    last atom (combinations RDKit rejects are left out)."""
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    bases = [line.split()[0] for line in (path.parent / "mols.smi").read_text().splitlines()]
    count = 0
    with open(path, "w") as out:
        for prefix in SUBSTITUENTS:
            for suffix in SUBSTITUENTS:
                for base in bases:
                    if count == size:
                        return count
                    smiles = f"{prefix}{base}{suffix}"
                    if Chem.MolFromSmiles(smiles, sanitize=True) is not None:
                        out.write(f"{smiles} LIB-{count}\n")
                        count += 1
    return count


def child_run(command: list[str]) -> tuple[float, float]:
    """Seconds, and the peak resident memory (MB) of the largest child process so far."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    elapsed = timed(command)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def similarity_part(tmp: Path, size: int) -> None:
    library = tmp / "library.smi"
    n = write_library(library, size)
    queries = tmp / "queries.smi"
    queries.write_text("".join(line.split(",")[0] + "\n" for line in DRUG_QUERIES))
    env_cache = tmp / "cache"
    os.environ["HUB_CACHE_DIR"] = str(env_cache)
    reference = f"reference={library}"
    index_time, _ = child_run([HUB, "predict", "-m", "chemistry/similar-drugs", "--option", reference, "CCO",
                               "-o", str(tmp / "warm.jsonl"), "-q"])
    search_time, search_rss = child_run([HUB, "predict", "-m", "chemistry/similar-drugs", "--option", reference,
                                         "--input", str(queries), "-o", str(tmp / "hits.jsonl"), "-q"])
    import specialist_hub as hub

    model = hub.load("chemistry/similar-drugs", reference=str(library))
    start = time.perf_counter()
    assert model.predict([line.split(",")[0] for line in DRUG_QUERIES]).all_ok
    in_process = time.perf_counter() - start
    script = tmp / "bulk_tanimoto.py"
    script.write_text(SIMILARITY_BASELINE)
    result = subprocess.run([sys.executable, str(script), str(library), str(queries)], capture_output=True,
                            text=True, check=True)
    bulk_time, indexed, bulk_rss = result.stdout.split()
    q = len(DRUG_QUERIES)
    print(f"similar-drugs, library of {n} generated molecules ({indexed} valid): first use indexes it in "
          f"{index_time:.0f} s ({int(indexed) / index_time:,.0f} molecules/s)")
    print(f"  {q} queries, fresh process: hub {search_time:.2f} s incl. start-up "
          f"({int(indexed) * q / search_time:,.0f} molecules/s scanned), peak memory {search_rss:.0f} MB")
    print(f"  the same in-process, index already open: {in_process:.2f} s "
          f"({int(indexed) * q / in_process:,.0f} molecules/s scanned)")
    print(f"  RDKit BulkTanimotoSimilarity, fingerprints in memory: {float(bulk_time):.2f} s search only "
          f"({int(indexed) * q / float(bulk_time):,.0f} molecules/s), peak memory {int(bulk_rss) / 1024:.0f} MB; "
          f"search time ratio hub/RDKit {in_process / float(bulk_time):.2f}")


def protonate_and_pka_part(tmp: Path) -> None:
    """Dimorphite-DL and the pKa GNN through the hub against the packages called directly."""
    import contextlib
    import io

    import pandas as pd
    from dimorphite_dl import protonate_smiles
    from rdkit import Chem

    import specialist_hub as hub
    from specialist_hub_chemistry.pka import _parser_args

    smiles = [Chem.MolToSmiles(Chem.MolFromSmiles(line.split()[0]))
              for line in (tmp / "mols.smi").read_text().splitlines()[:1000]]
    start = time.perf_counter()
    for s in smiles:
        protonate_smiles(s, ph_min=6.4, ph_max=8.4)
    direct = time.perf_counter() - start
    model = hub.load("chemistry/protonate")
    start = time.perf_counter()
    model.predict(smiles)
    via_hub = time.perf_counter() - start
    print(f"protonate, {len(smiles)} molecules: dimorphite-dl direct {direct:.2f} s, hub {via_hub:.2f} s, "
          f"ratio {via_hub / direct:.2f}")
    drugs = [line.split(",")[0] for line in DRUG_QUERIES]
    model = hub.load("chemistry/pka")
    model.predict(drugs[:1])  # load once
    start = time.perf_counter()
    model.predict(drugs)
    via_hub = time.perf_counter() - start
    from pka_predictor.GNN.train_pKa_predictor import inferring

    args = _parser_args()
    pd.DataFrame({"Smiles": drugs}).to_csv(tmp / "pka.csv", index=False)
    args.data_path, args.input, args.infer_pickled, args.verbose = f"{tmp}/", "pka.csv", str(tmp / "pka.pkl"), 0
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        inferring(args)
    direct = time.perf_counter() - start
    print(f"pka, {len(drugs)} drugs: package's inferring direct {direct:.2f} s, hub {via_hub:.2f} s, "
          f"ratio {via_hub / direct:.2f}")


RXNMAPPER_DIRECT = r'''
import json, sys, time
import torch
from rxnmapper import RXNMapper
reactions, batch = open(sys.argv[1]).read().splitlines(), int(sys.argv[2])
torch.set_num_threads(1)
mapper = RXNMapper()
mapper.get_attention_guided_atom_maps(reactions[:batch])
start = time.perf_counter()
mapped = [r["mapped_rxn"] for i in range(0, len(reactions), batch)
          for r in mapper.get_attention_guided_atom_maps(reactions[i:i + batch])]
print(json.dumps({"seconds": time.perf_counter() - start, "mapped": mapped}))
'''


def atom_map_part(tmp: Path, rxnmapper_python: str) -> None:
    """chemistry/atom-map in-process against rxnmapper called directly (its venv: transformers 4)."""
    import json

    import torch

    import specialist_hub as hub

    data = Path(__file__).resolve().parents[1] / "plugins" / "chemistry" / "tests" / "data" / "reactions.rsmi"
    reactions = [line.split("\t")[0] for line in data.read_text().splitlines()[1:]] * 4
    torch.set_num_threads(1)
    model = hub.load("chemistry/atom-map", device="cpu")
    batch = model.spec.batch_size
    model.predict(reactions[:batch])
    start = time.perf_counter()
    results = model.predict(reactions)
    via_hub = time.perf_counter() - start
    mapped = [r.output["mapped_reaction"] for r in results]
    line = f"atom-map, {len(reactions)} reactions, batches of {batch}, 1 torch thread: hub {via_hub:.2f} s " \
           f"({len(reactions) / via_hub:.1f} reactions/s)"
    if not Path(rxnmapper_python).is_file():
        print(line + f"; rxnmapper not run (no venv at {rxnmapper_python})")
        return
    (tmp / "reactions.txt").write_text("\n".join(reactions))
    (tmp / "rxnmapper_direct.py").write_text(RXNMAPPER_DIRECT)
    result = subprocess.run([rxnmapper_python, str(tmp / "rxnmapper_direct.py"), str(tmp / "reactions.txt"),
                             str(batch)], capture_output=True, text=True, check=True)
    direct = json.loads(result.stdout.splitlines()[-1])
    same = sum(a == b for a, b in zip(mapped, direct["mapped"]))
    print(line + f"; rxnmapper 0.4.3 direct {direct['seconds']:.2f} s ({len(reactions) / direct['seconds']:.1f} "
                 f"reactions/s); ratio hub/rxnmapper {via_hub / direct['seconds']:.2f}; identical mappings "
                 f"{same}/{len(reactions)}")


#: Query drugs for the similarity benchmark (SMILES, name).
DRUG_QUERIES = ("CC(=O)Oc1ccccc1C(=O)O,aspirin", "Cn1c(=O)c2c(ncn2C)n(C)c1=O,caffeine",
                "CC(C)Cc1ccc(C(C)C(=O)O)cc1,ibuprofen", "CC(=O)Nc1ccc(O)cc1,paracetamol",
                "CN1CCC[C@H]1c1cccnc1,nicotine", "c1ccc2c(c1)c(=O)c1ccccc1[nH]2,acridone",
                "CC12CCC3c4ccc(O)cc4CCC3C1CCC2O,estradiol", "OC(=O)c1ccccc1O,salicylic acid",
                "CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21,diazepam", "CCN(CC)CC(=O)Nc1c(C)cccc1C,lidocaine")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process hub run")
    parser.add_argument("--part", choices=("overhead", "xtb", "similar-drugs", "protonate-pka", "atom-map", "all"),
                        default="all")
    parser.add_argument("--library-size", type=int, default=1_000_000, help="molecules in the similarity library")
    parser.add_argument("--rxnmapper-python", default=os.environ.get("RXNMAPPER_PYTHON", "/tmp/rxnvenv/bin/python"),
                        help="python of a venv with rxnmapper 0.4.3 and transformers 4, for --part atom-map")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.part in ("atom-map", "all"):
            atom_map_part(Path(tmp), args.rxnmapper_python)
        if args.part in ("xtb", "all"):
            xtb_part(Path(tmp))
        if args.part in ("similar-drugs", "protonate-pka", "all"):
            write_input(Path(tmp) / "mols.smi")
        if args.part in ("protonate-pka", "all"):
            protonate_and_pka_part(Path(tmp))
        if args.part in ("similar-drugs", "all"):
            similarity_part(Path(tmp), args.library_size)
        if args.part in ("overhead", "all"):
            overhead_part(Path(tmp), args.profile)


def overhead_part(tmp: Path, profile: bool) -> None:
    """Descriptors + QED through the hub against the plain RDKit loop."""
    smi = tmp / "mols.smi"
    n = write_input(smi)
    plain_loop = tmp / "plain_loop.py"
    plain_loop.write_text(BASELINE)
    baseline = timed([sys.executable, str(plain_loop), str(smi), str(tmp / "plain.csv")])
    hub_time = timed([HUB, "predict", "-m", MODELS, "--input", str(smi), "-o", str(tmp / "hub.csv"), "-q"])
    with open(tmp / "hub.csv", newline="") as handle:
        rows = sum(1 for _ in csv.DictReader(handle))
    plain_api, api = in_process(smi, plain_loop, profile)
    print(f"molecules: {n} (hub wrote {rows} rows: {len(MODELS.split(','))} models per molecule)")
    print(f"file in -> file out, fresh process: plain RDKit {baseline:.2f} s, hub predict {hub_time:.2f} s, "
          f"ratio {hub_time / baseline:.3f} (overhead {100 * (hub_time / baseline - 1):+.1f} %)")
    print(f"in-process, no file I/O:           plain RDKit {plain_api:.2f} s, Python API  {api:.2f} s, "
          f"ratio {api / plain_api:.3f} (overhead {100 * (api / plain_api - 1):+.1f} %)")


if __name__ == "__main__":
    main()
