"""Delaney's ESOL: aqueous solubility from four descriptors and the paper's fixed coefficients."""

from __future__ import annotations

from rdkit.Chem import Crippen, Descriptors, rdMolDescriptors

from specialist_hub import InputError

from .molecules import MoleculeModel
from .trust import TanimotoDomain

# Delaney, J. Chem. Inf. Comput. Sci. 44, 1000 (2004), eq. 2 (the "ESOL" general equation).
INTERCEPT, LOGP, MW, RB, AP = 0.16, -0.63, -0.0062, 0.066, -0.74


class EsolModel(TanimotoDomain, MoleculeModel):
    trust_file = "esol_trust.npz"

    def load(self):
        self.load_trust()

    def compute(self, item):
        mol = item.mol
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
