"""ExPASy ProtParam quantities for protein sequences, with Biopython's ProtParam tables.

Two quantities are computed here rather than by Biopython, to match ExPASy to its rounding:
the average molecular weight uses ExPASy's residue masses (Biopython's IUPAC masses differ by
~0.01 Da per residue), and the pI bisection spans pH 0-14 (Biopython stops at 4.05, so very
acidic peptides such as the insulin A chain come out wrong).
"""

from __future__ import annotations

from Bio.SeqUtils.IsoelectricPoint import IsoelectricPoint
from Bio.SeqUtils.ProtParam import ProteinAnalysis

from .sequences import PROTEIN_AMBIGUOUS, SequenceModel, standard_residues

#: Average residue masses used by ExPASy Compute pI/Mw and ProtParam (Da), plus one water.
EXPASY_RESIDUE_MASS = {
    "G": 57.0519, "A": 71.0788, "S": 87.0782, "P": 97.1167, "V": 99.1326, "T": 101.1051, "C": 103.1388,
    "L": 113.1594, "I": 113.1594, "N": 114.1038, "D": 115.0886, "Q": 128.1307, "K": 128.1741, "E": 129.1155,
    "M": 131.1926, "H": 137.1411, "F": 147.1766, "R": 156.1875, "Y": 163.1760, "W": 186.2132,
}
WATER_AVERAGE_MASS = 18.01524
#: Guruprasad et al. 1990: an instability index below 40 predicts a stable protein.
STABLE_BELOW = 40.0


def isoelectric_point(charge) -> float:
    """Bjellqvist pI by bisection of ``charge(pH)`` over pH 0-14, as ExPASy does (to a 1e-4 bracket)."""
    low, high = 0.0, 14.0
    while high - low > 1e-4:
        middle = (low + high) / 2
        if charge(middle) > 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2


class ProteinPropertiesModel(SequenceModel):
    alphabet = PROTEIN_AMBIGUOUS

    def compute(self, full):
        # Every quantity but the length is over the standard residues: ambiguous ones (X, B, Z, J) and
        # U/O have no ProtParam entry, so they are left out and counted in nonstandard_residues.
        sequence = standard_residues(full)
        analysis = ProteinAnalysis(sequence)
        counts = analysis.count_amino_acids()
        length = len(sequence)
        reduced, cystines = analysis.molar_extinction_coefficient()
        helix, turn, sheet = analysis.secondary_structure_fraction()
        instability = analysis.instability_index()
        charge = IsoelectricPoint(sequence, counts).charge_at_pH
        return {
            "length": len(full),
            "nonstandard_residues": len(full) - length,
            "molecular_weight": sum(EXPASY_RESIDUE_MASS[aa] * n for aa, n in counts.items()) + WATER_AVERAGE_MASS,
            "isoelectric_point": isoelectric_point(charge),
            "net_charge_ph7": charge(7.0),
            "gravy": analysis.gravy(),
            "instability_index": instability,
            "stable": instability < STABLE_BELOW,
            # Ikai 1980: mole percents of Ala + 2.9 Val + 3.9 (Ile + Leu).
            "aliphatic_index": 100.0 * (counts["A"] + 2.9 * counts["V"] + 3.9 * (counts["I"] + counts["L"])) / length,
            "aromaticity": analysis.aromaticity(),
            "extinction_coefficient_reduced": int(reduced),
            "extinction_coefficient_cystines": int(cystines),
            "helix_fraction": helix,
            "turn_fraction": turn,
            "sheet_fraction": sheet,
        }
