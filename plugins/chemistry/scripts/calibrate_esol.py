"""Builds data/esol_trust.npz: ESOL's calibration residuals and its applicability-domain reference.

From Delaney's 1,128 measured solubilities (plugins/chemistry/tests/data/delaney.csv): even rows
are the calibration half (their |log S - ESOL| residuals calibrate the conformal intervals), odd
rows the test half on which the coverage in the card is measured. The domain reference is the
Morgan fingerprint (radius 2, 2048 bits) of every compound; the threshold is the 5th percentile of
each compound's nearest-neighbour Tanimoto similarity to the others, so 95 % of Delaney's own
compounds are in domain.
Usage: python plugins/chemistry/scripts/calibrate_esol.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from crepes import ConformalRegressor
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

import specialist_hub as hub

PLUGIN = Path(__file__).resolve().parents[1]
DATA = PLUGIN / "tests" / "data" / "delaney.csv"
OUT = PLUGIN / "specialist_hub_chemistry" / "data" / "esol_trust.npz"
FINGERPRINT_BITS = 2048


def main() -> None:
    rows = list(csv.DictReader(DATA.open()))
    smiles = [row["smiles"] for row in rows]
    measured = np.array([float(row["measured_log_solubility"]) for row in rows])
    predicted = np.array([p.output["log_solubility"] for p in hub.predict("chemistry/esol", smiles)])
    residuals = np.abs(measured - predicted)
    calibration, test = np.arange(len(rows)) % 2 == 0, np.arange(len(rows)) % 2 == 1
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=FINGERPRINT_BITS)
    fingerprints = [generator.GetFingerprint(Chem.MolFromSmiles(s)) for s in smiles]
    nearest = [max(DataStructs.BulkTanimotoSimilarity(fp, fingerprints[:i] + fingerprints[i + 1:]))
               for i, fp in enumerate(fingerprints)]
    threshold = float(np.percentile(nearest, 5))
    bits = np.array([list(fp) for fp in fingerprints], dtype=np.uint8)
    np.savez_compressed(OUT, residuals=residuals[calibration].astype(np.float32), fingerprints=np.packbits(bits, axis=1),
                        threshold=np.float32(threshold))
    regressor = ConformalRegressor().fit(residuals=residuals[calibration])
    for coverage in (0.8, 0.9, 0.95):
        bounds = regressor.predict_int(y_hat=predicted[test], confidence=coverage)
        held = np.mean((measured[test] >= bounds[:, 0]) & (measured[test] <= bounds[:, 1]))
        print(f"coverage {coverage:.2f}: held {held:.3f} of {test.sum()} test compounds, half-width "
              f"{(bounds[0, 1] - bounds[0, 0]) / 2:.3f} log units")
    print(f"domain threshold (5th percentile of nearest-neighbour Tanimoto): {threshold:.3f}; wrote {OUT}")


if __name__ == "__main__":
    main()
