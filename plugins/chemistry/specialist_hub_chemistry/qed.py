"""QED drug-likeness (Bickerton et al. 2012) with its eight desirability inputs, via RDKit."""

from __future__ import annotations

from rdkit.Chem import QED

from .molecules import MoleculeModel


class QedModel(MoleculeModel):
    def compute(self, item):
        mol = item.mol
        props = QED.properties(mol)
        return {
            "qed": QED.qed(mol, w=QED.WEIGHT_MEAN, qedProperties=props),
            "qed_max_weights": QED.qed(mol, w=QED.WEIGHT_MAX, qedProperties=props),
            "qed_unweighted": QED.qed(mol, w=QED.WEIGHT_NONE, qedProperties=props),
            "molecular_weight": props.MW,
            "alogp": props.ALOGP,
            "h_bond_acceptors": int(props.HBA),
            "h_bond_donors": int(props.HBD),
            "polar_surface_area": props.PSA,
            "rotatable_bonds": int(props.ROTB),
            "aromatic_rings": int(props.AROM),
            "structural_alerts": int(props.ALERTS),
        }
