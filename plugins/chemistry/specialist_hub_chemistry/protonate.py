"""Dimorphite-DL (Ropp et al. 2019): the protonation states of a molecule within a pH range.

Rule-based: each ionisable substructure in Dimorphite-DL's SMARTS table has a mean pKa and a
standard deviation; a site is protonated, deprotonated or both when the pH range lies below,
above or within ``precision`` standard deviations of its pKa, and every combination of site
states is one variant (at most ``max_variants``).
"""

from __future__ import annotations

from dimorphite_dl import protonate_smiles
from rdkit import Chem

from specialist_hub import InputError

from .molecules import MoleculeModel


class ProtonateModel(MoleculeModel):
    def compute(self, item):
        low, high = self.options["ph_min"], self.options["ph_max"]  # low <= high: the option's at_most
        variants = protonate_smiles(item.canonical_smiles, ph_min=low, ph_max=high,
                                    precision=self.options["precision"], max_variants=self.options["max_variants"])
        mols = [Chem.MolFromSmiles(smiles) for smiles in variants]
        if not variants or None in mols:
            raise InputError(f"Dimorphite-DL could not build the protonation states of {item.canonical_smiles!r}")
        return {"variants": variants, "charges": [Chem.GetFormalCharge(mol) for mol in mols],
                "n_variants": len(variants)}
