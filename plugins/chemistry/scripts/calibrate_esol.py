"""Builds data/esol_trust.npz: ESOL's calibration residuals and its leverage applicability domain.

From Delaney's 1,128 measured solubilities (plugins/chemistry/tests/data/delaney.csv): the even
rows' |log S - prediction| calibrate the conformal intervals and the coverage is measured on the
odd rows, as calibrate_trust.py does for chemistry/solubility. The domain is the leverage of the
equation's four descriptors: ``inverse_gram`` = (XᵀX)⁻¹ over all 1,128 compounds (X with an
intercept column), ``threshold`` = 3p/n, the customary warning leverage of a Williams plot.
Usage: python plugins/chemistry/scripts/calibrate_esol.py
"""

from __future__ import annotations

import csv

import numpy as np
from calibrate_trust import DATA, PLUGIN, report_coverage
from rdkit import Chem

from specialist_hub_chemistry.esol import descriptor_matrix, esol

if __name__ == "__main__":
    out = PLUGIN / "specialist_hub_chemistry" / "data" / "esol_trust.npz"
    rows = list(csv.DictReader(DATA.open()))
    outputs = [esol(Chem.MolFromSmiles(row["smiles"])) for row in rows]
    measured = np.array([float(row["measured_log_solubility"]) for row in rows])
    predicted = np.array([output["log_solubility"] for output in outputs])
    residuals = np.abs(measured - predicted)
    calibration, test = np.arange(len(rows)) % 2 == 0, np.arange(len(rows)) % 2 == 1
    design = descriptor_matrix(outputs)
    inverse_gram = np.linalg.inv(design.T @ design)
    threshold = 3 * design.shape[1] / len(design)
    np.savez_compressed(out, residuals=residuals[calibration].astype(np.float32), inverse_gram=inverse_gram,
                        threshold=np.float64(threshold))
    report_coverage(residuals, predicted, measured, calibration, test)
    leverage = np.einsum("ij,jk,ik->i", design, inverse_gram, design)
    inside = leverage[test] <= threshold
    print(f"test half, leverage domain: MAE {residuals[test][inside].mean():.3f} in domain ({inside.sum()}), "
          f"{residuals[test][~inside].mean():.3f} out of domain ({(~inside).sum()}); whole set "
          f"{(leverage > threshold).sum()} out; threshold 3p/n = {threshold:.5f}; wrote {out}")
