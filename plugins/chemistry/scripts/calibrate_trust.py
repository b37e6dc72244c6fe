"""Builds data/<name>_trust.npz for a chemistry model: calibration residuals and applicability domain.

From Delaney's 1,128 measured solubilities (plugins/chemistry/tests/data/delaney.csv): even rows
are the calibration half (their |log S - prediction| residuals calibrate the conformal intervals),
odd rows the test half on which the coverage in the card is measured. The domain reference is the
Morgan fingerprint (radius 2, 2048 bits) of every compound; the threshold is the 5th percentile of
each compound's nearest-neighbour Tanimoto similarity to the others, so 95 % of Delaney's own
compounds are in domain. The same leave-one-out similarity splits the test half into in- and
out-of-domain compounds for the error ratio the card reports.
For chemistry/admet, whose training sets (41 TDC data sets) do not ship offline, the domain
reference is instead the 2,845 DrugBank approved drugs that admet-ai ships, with the threshold
chosen the same way (5th percentile of their leave-one-out nearest-neighbour similarity), and no
residuals (its uncertainty is the ensemble spread).
Usage: python plugins/chemistry/scripts/calibrate_trust.py chemistry/solubility  (or chemistry/admet;
chemistry/esol has its own script, calibrate_esol.py)
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from crepes import ConformalRegressor
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

import specialist_hub as hub

PLUGIN = Path(__file__).resolve().parents[1]
DATA = PLUGIN / "tests" / "data" / "delaney.csv"
FINGERPRINT_BITS = 2048


def domain(smiles: list[str]) -> tuple[np.ndarray, np.ndarray, float]:
    """Packed Morgan fingerprints of ``smiles``, each one's leave-one-out nearest-neighbour Tanimoto
    similarity, and the domain threshold (their 5th percentile)."""
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=FINGERPRINT_BITS)
    fingerprints = [generator.GetFingerprint(Chem.MolFromSmiles(s)) for s in smiles]
    nearest = np.array([max(DataStructs.BulkTanimotoSimilarity(fp, fingerprints[:i] + fingerprints[i + 1:]))
                        for i, fp in enumerate(fingerprints)])
    bits = np.packbits(np.array([list(fp) for fp in fingerprints], dtype=np.uint8), axis=1)
    return bits, nearest, float(np.percentile(nearest, 5))


def drugbank_domain(out: Path) -> None:
    from specialist_hub.weights import package_folder

    with open(package_folder("admet_ai") / "resources" / "data" / "drugbank_approved.csv") as handle:
        smiles = [row["smiles"] for row in csv.DictReader(handle)]
    bits, _, threshold = domain([s for s in smiles if Chem.MolFromSmiles(s) is not None])
    np.savez_compressed(out, fingerprints=bits, threshold=np.float32(threshold))
    print(f"{len(bits)} DrugBank approved drugs; domain threshold {threshold:.3f}; wrote {out}")


def report_coverage(residuals: np.ndarray, predicted: np.ndarray, measured: np.ndarray, calibration: np.ndarray,
                    test: np.ndarray) -> None:
    """Print the share of the test half's measured values that the intervals calibrated on the other half hold."""
    regressor = ConformalRegressor().fit(residuals=residuals[calibration])
    for coverage in (0.8, 0.9, 0.95):
        bounds = regressor.predict_int(y_hat=predicted[test], confidence=coverage)
        held = np.mean((measured[test] >= bounds[:, 0]) & (measured[test] <= bounds[:, 1]))
        print(f"coverage {coverage:.2f}: held {held:.3f} of {test.sum()} test compounds, half-width "
              f"{(bounds[0, 1] - bounds[0, 0]) / 2:.3f} log units")


def calibrate(model_id: str) -> None:
    out = PLUGIN / "specialist_hub_chemistry" / "data" / f"{model_id.split('/')[1]}_trust.npz"
    if model_id == "chemistry/admet":
        return drugbank_domain(out)
    rows = list(csv.DictReader(DATA.open()))
    smiles = [row["smiles"] for row in rows]
    measured = np.array([float(row["measured_log_solubility"]) for row in rows])
    calibration, test = np.arange(len(rows)) % 2 == 0, np.arange(len(rows)) % 2 == 1
    bits, nearest, threshold = domain(smiles)
    if not out.exists():  # the model loads its trust file to predict at all: a provisional one, domain only
        np.savez_compressed(out, residuals=np.zeros(calibration.sum(), np.float32), fingerprints=bits,
                            threshold=np.float32(threshold))
    predicted = np.array([p.output["log_solubility"] for p in hub.predict(model_id, smiles, quiet=True)])
    residuals = np.abs(measured - predicted)
    np.savez_compressed(out, residuals=residuals[calibration].astype(np.float32), fingerprints=bits,
                        threshold=np.float32(threshold))
    report_coverage(residuals, predicted, measured, calibration, test)
    inside = nearest[test] >= threshold
    mae_in, mae_out = residuals[test][inside].mean(), residuals[test][~inside].mean()
    print(f"test half, leave-one-out domain: MAE {mae_in:.3f} in domain ({inside.sum()}), {mae_out:.3f} out of "
          f"domain ({(~inside).sum()}), ratio {mae_out / mae_in:.2f}")
    print(f"domain threshold (5th percentile of nearest-neighbour Tanimoto): {threshold:.3f}; wrote {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=("chemistry/solubility", "chemistry/admet"),
                        help="the model whose trust file to build (chemistry/esol: calibrate_esol.py)")
    calibrate(parser.parse_args().model)
