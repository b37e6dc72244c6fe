"""Physicochemical descriptors and drug-likeness rules, computed with RDKit."""

from __future__ import annotations

from rdkit import Chem
from rdkit.Chem import Crippen, Descriptors, Lipinski, rdMolDescriptors

from .molecules import MoleculeModel

# Veber et al. 2002: a rotatable bond is a non-ring single bond between non-terminal heavy atoms
# (not next to a triple bond); amide C-N bonds are excluded. This matches PubChem's counts.
_ROTATABLE = Chem.MolFromSmarts("[!D1&!$(*#*)]-&!@[!D1&!$(*#*)]")
_AMIDE_CN = Chem.MolFromSmarts("[!D1&$(C=O)]-&!@[!D1&#7]")


def rotatable_bonds(mol: Chem.Mol) -> int:
    return len(mol.GetSubstructMatches(_ROTATABLE)) - len(mol.GetSubstructMatches(_AMIDE_CN))


class DescriptorsModel(MoleculeModel):
    def compute(self, item):
        mol = item.mol
        weight = Descriptors.MolWt(mol)
        logp = Crippen.MolLogP(mol)
        donors = Lipinski.NumHDonors(mol)
        acceptors = Lipinski.NumHAcceptors(mol)
        rotatable = rotatable_bonds(mol)
        tpsa = rdMolDescriptors.CalcTPSA(mol)
        return {
            "molecular_weight": weight,
            "exact_mass": Descriptors.ExactMolWt(mol),
            "formula": rdMolDescriptors.CalcMolFormula(mol),
            "logp": logp,
            "molar_refractivity": Crippen.MolMR(mol),
            "tpsa": tpsa,
            "h_bond_donors": donors,
            "h_bond_acceptors": acceptors,
            "rotatable_bonds": rotatable,
            "rings": rdMolDescriptors.CalcNumRings(mol),
            "aromatic_rings": rdMolDescriptors.CalcNumAromaticRings(mol),
            "fraction_csp3": rdMolDescriptors.CalcFractionCSP3(mol),
            "heavy_atoms": mol.GetNumHeavyAtoms(),
            "formal_charge": sum(atom.GetFormalCharge() for atom in mol.GetAtoms()),
            # Lipinski et al. 1997: MW <= 500, logP <= 5, donors <= 5, acceptors <= 10.
            "lipinski_violations": (weight > 500) + (logp > 5) + (donors > 5) + (acceptors > 10),
            # Veber et al. 2002: <= 10 rotatable bonds and TPSA <= 140 A^2.
            "veber_pass": rotatable <= 10 and tpsa <= 140,
        }
