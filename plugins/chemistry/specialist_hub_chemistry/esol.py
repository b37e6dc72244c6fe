"""Delaney's ESOL: aqueous solubility from four descriptors and the paper's fixed coefficients.

Its applicability domain is the one a linear model on descriptors has (OECD's QSAR principle 3, the
Williams plot): the leverage h = x (XᵀX)⁻¹ xᵀ of the input's descriptors x = (1, logP, MW, RB, AP)
against those of Delaney's 1,128 compounds X, out of domain above the customary h* = 3p/n. The
matrix ships in data/esol_trust.npz with the calibration residuals of the intervals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rdkit import Chem
from rdkit.Chem import Crippen, Descriptors, rdMolDescriptors

from specialist_hub import InputError

from .molecules import MoleculeModel
from .trust import DATA

# Delaney, J. Chem. Inf. Comput. Sci. 44, 1000 (2004), eq. 2 (the "ESOL" general equation).
INTERCEPT, LOGP, MW, RB, AP = 0.16, -0.63, -0.0062, 0.066, -0.74
#: The output fields that are the equation's inputs, in the order of the leverage's descriptor vector.
DESCRIPTORS = ("logp", "molecular_weight", "rotatable_bonds", "aromatic_proportion")


def esol(mol: Chem.Mol) -> dict[str, float]:
    """log S and the four descriptors it is computed from."""
    logp = Crippen.MolLogP(mol)
    weight = Descriptors.MolWt(mol)
    rotatable = rdMolDescriptors.CalcNumRotatableBonds(mol)
    heavy = mol.GetNumHeavyAtoms()
    if heavy == 0:
        raise InputError("ESOL needs at least one heavy atom (its aromatic proportion is per heavy atom); "
                         "this molecule has none")
    aromatic = len(mol.GetAromaticAtoms()) / heavy
    log_s = INTERCEPT + LOGP * logp + MW * weight + RB * rotatable + AP * aromatic
    return {
        "log_solubility": log_s,
        # mol/L * g/mol = g/L = mg/mL
        "solubility_mg_per_ml": 10.0 ** log_s * weight,
        "logp": logp,
        "molecular_weight": weight,
        "rotatable_bonds": rotatable,
        "aromatic_proportion": aromatic,
    }


def descriptor_matrix(outputs: list[dict[str, Any]]) -> np.ndarray:
    """One row (1, logP, MW, RB, AP) per output: the design matrix of the ESOL equation."""
    return np.array([[1.0, *(float(output[name]) for name in DESCRIPTORS)] for output in outputs])


class EsolModel(MoleculeModel):
    def load(self):
        with np.load(DATA / "esol_trust.npz", allow_pickle=False) as data:
            self.residuals = data["residuals"].astype(float)
            self.inverse_gram = data["inverse_gram"].astype(float)
            self.domain_threshold = float(data["threshold"])

    def compute(self, item):
        return esol(item.mol)

    def calibration_residuals(self, field: str) -> np.ndarray:
        return self.residuals

    def domain_distances(self, items, outputs) -> list[float]:
        rows = descriptor_matrix(outputs)
        return np.einsum("ij,jk,ik->i", rows, self.inverse_gram, rows).tolist()
