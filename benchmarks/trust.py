"""Cost and quality of the trust fields (issue 15).

``--part cost``: chemistry/esol and chemistry/solubility on the 10,000 WEHI molecules that ship
inside RDKit (Data/Pains/test_data/wehi_mols.csv), chemistry/admet on the first 2,000 of them, and
biology/antimicrobial on modlAMP's 5,200
AMPvsUniProt peptides, timed in-process with the trust fields and
without them (the core's trust step swapped for one that fills the fields with constants), side
by side in alternating rounds; prints with ÷ without. ``--part calibration``: biology/antimicrobial
on its 520 held-out peptides that neither training nor calibration used: expected calibration
error (10 equal-width bins) of the raw and the calibrated probability, and a reliability diagram
saved as PNG (``--out``, default benchmarks/antimicrobial_reliability.png). ``--part coverage``:
chemistry/esol and chemistry/solubility on Huuskonen's solubility set (plugins/chemistry/tests/data/
huuskonen.csv) less every compound of Delaney's set, the calibration data (same InChIKey first
block, so stereoisomers and salts' parents count as seen): interval coverage at 80/90/95 %, and
the mean absolute error of out-of-domain against in-domain compounds.
Usage: python benchmarks/trust.py [--part cost|calibration|coverage|all] [--rounds 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import time
from pathlib import Path
from unittest import mock

import numpy as np

import specialist_hub as hub
import specialist_hub.model

BINS = 10


def without_trust(model, outputs, items):
    """The trust fields filled with constants: the outputs a model would give without trust."""
    outputs = [dict(output) for output in outputs]
    for output in outputs:
        for name in model.spec.intervals:
            output[f"{name}_low"] = output[f"{name}_high"] = output[name]
        if model.spec.applicability_domain:
            output.update({"in_domain": True, model.spec.domain_field: 0.0, "domain_threshold": 0.0})
    return outputs


def cost_part(rounds: int) -> None:
    from modlamp.datasets import load_AMPvsUniProt
    from rdkit import RDConfig

    with open(os.path.join(RDConfig.RDDataDir, "Pains", "test_data", "wehi_mols.csv")) as handle:
        smiles = [row[0] for row in csv.reader(handle)][:10_000]
    peptides = list(load_AMPvsUniProt().sequences)
    for model_id, inputs, what in (("chemistry/esol", smiles, "molecules"), ("chemistry/solubility", smiles, "molecules"),
                                   ("chemistry/admet", smiles[:2000], "molecules"),
                                   ("biology/antimicrobial", peptides, "peptides")):
        model = hub.load(model_id)
        model.predict(inputs[:256])  # warm-up: load, first batch, conformal fit
        timings: dict[str, list[float]] = {"with": [], "without": []}
        for _ in range(rounds):
            for kind in ("with", "without"):
                patch = mock.patch.object(specialist_hub.model, "add_trust", without_trust)
                with patch if kind == "without" else contextlib.nullcontext():
                    start = time.perf_counter()
                    predictions = model.predict(inputs)
                    timings[kind].append(time.perf_counter() - start)
        ok = sum(p.ok for p in predictions)
        best = {kind: min(values) for kind, values in timings.items()}
        print(f"{model_id}: {len(inputs)} {what} ({ok} ok), with trust {best['with']:.2f} s, without "
              f"{best['without']:.2f} s, ratio {best['with'] / best['without']:.2f}x (best of {rounds})")


def reliability(probability: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per non-empty bin (scikit-learn's calibration_curve binning): mean probability, AMP rate, count."""
    from sklearn.calibration import calibration_curve

    rate, mean = calibration_curve(labels, probability, n_bins=BINS, strategy="uniform")
    counts = np.bincount(np.searchsorted(np.linspace(0, 1, BINS + 1)[1:-1], probability), minlength=BINS)
    return mean, rate, counts[counts > 0]


def calibration_part(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from modlamp.datasets import load_AMPvsUniProt

    from specialist_hub_biology.antimicrobial import WEIGHTS

    data = load_AMPvsUniProt()
    with np.load(WEIGHTS, allow_pickle=False) as stored:
        test = stored["heldout_index"][1::2]  # the even positions fitted the calibration
    labels = np.asarray(data.target, dtype=int)[test]
    predictions = hub.predict("biology/antimicrobial", [data.sequences[i] for i in test], quiet=True)
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for field, style in (("probability", "s--"), ("calibrated_probability", "o-")):
        probability = np.array([p.output[field] for p in predictions])
        mean, rate, counts = reliability(probability, labels)
        error = float(np.sum(np.abs(rate - mean) * counts) / counts.sum())
        print(f"biology/antimicrobial {field}: ECE {error:.4f} on {len(test)} held-out peptides")
        axes.plot(mean, rate, style, label=f"{field} (ECE {error:.3f})")
    axes.set(xlabel="predicted probability of AMP", ylabel="observed share of AMPs", xlim=(0, 1), ylim=(0, 1),
             title=f"biology/antimicrobial, {len(test)} held-out peptides")
    axes.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(out, dpi=120)
    print(f"reliability diagram: {out}")


def coverage_part() -> None:
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    data = Path(__file__).parents[1] / "plugins" / "chemistry" / "tests" / "data"

    def rows(name: str) -> list[dict]:
        with open(data / name, newline="") as handle:
            return list(csv.DictReader(handle))

    def skeleton(smiles: str) -> str:
        return Chem.MolToInchiKey(Chem.MolFromSmiles(smiles)).split("-")[0]

    calibration = {skeleton(row["smiles"]) for row in rows("delaney.csv")}
    unseen: dict[str, dict] = {}
    for row in rows("huuskonen.csv"):
        unseen.setdefault(skeleton(row["smiles"]), row)
    huuskonen = len(unseen)
    unseen = {key: row for key, row in unseen.items() if key not in calibration}
    smiles = [row["smiles"] for row in unseen.values()]
    measured = np.array([float(row["measured_log_solubility"]) for row in unseen.values()])
    print(f"Huuskonen: {huuskonen} unique compounds, {len(smiles)} not in Delaney's calibration set")
    for model_id in ("chemistry/esol", "chemistry/solubility"):
        covered = []
        for coverage in (0.8, 0.9, 0.95):
            outputs = hub.load(model_id, coverage=coverage).predict(smiles).outputs
            low, high = (np.array([o[f"log_solubility_{end}"] for o in outputs]) for end in ("low", "high"))
            covered.append(f"{coverage:.0%} interval {np.mean((low <= measured) & (measured <= high)):.1%}")
        error = np.abs(np.array([o["log_solubility"] for o in outputs]) - measured)
        inside = np.array([o["in_domain"] for o in outputs])
        print(f"{model_id}: {', '.join(covered)}; MAE {error.mean():.2f}, out of domain {error[~inside].mean():.2f} "
              f"({(~inside).sum()}) / in domain {error[inside].mean():.2f} ({inside.sum()}) = "
              f"{error[~inside].mean() / error[inside].mean():.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("cost", "calibration", "coverage", "all"), default="all")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("antimicrobial_reliability.png"))
    args = parser.parse_args()
    if args.part in ("calibration", "all"):
        calibration_part(args.out)
    if args.part in ("coverage", "all"):
        coverage_part()
    if args.part in ("cost", "all"):
        cost_part(args.rounds)


if __name__ == "__main__":
    main()
