"""DNA/RNA properties: composition, molecular weight, nearest-neighbour Tm, reverse complement, frame-1 translation."""

from __future__ import annotations

from Bio.Seq import Seq
from Bio.SeqUtils import MeltingTemp, molecular_weight

from .sequences import NUCLEOTIDE, SequenceModel

#: HPO3 (average mass): Biopython's chain mass carries a 5'-phosphate that synthetic oligos lack.
HPO3_MASS = 79.979902
#: Nearest-neighbour Tm is computed up to this length; longer duplexes melt in domains the model ignores.
MAX_TM_LENGTH = 1000
#: Below six bases the two-state nearest-neighbour model gives no meaningful Tm (AU: -311 °C).
MIN_TM_LENGTH = 6


class NucleotidePropertiesModel(SequenceModel):
    alphabet = NUCLEOTIDE
    protein = False

    def compute(self, sequence):
        rna = "U" in sequence
        counts = {base: sequence.count(base) for base in "ACGTUN"}
        g, c = counts["G"], counts["C"]
        known = len(sequence) - counts["N"]
        unambiguous = counts["N"] == 0
        seq = Seq(sequence)
        return {
            "length": len(sequence),
            "molecule": "RNA" if rna else "DNA",
            "gc_content": (g + c) / known if known else None,
            "gc_skew": (g - c) / (g + c) if g + c else None,
            "molecular_weight": (molecular_weight(seq, "RNA" if rna else "DNA") - HPO3_MASS) if unambiguous else None,
            "melting_temperature": self.melting_temperature(sequence, rna)
            if unambiguous and MIN_TM_LENGTH <= len(sequence) <= MAX_TM_LENGTH else None,
            "reverse_complement": str(seq.reverse_complement_rna() if rna else seq.reverse_complement()),
            "translation": str(seq[: len(seq) // 3 * 3].translate(table=self.options["translation_table"])),
        }

    def melting_temperature(self, sequence: str, rna: bool) -> float:
        o = self.options
        return MeltingTemp.Tm_NN(
            sequence, nn_table=MeltingTemp.RNA_NN2 if rna else MeltingTemp.DNA_NN4,
            dnac1=o["strand_nm"], dnac2=o["complement_nm"], Na=o["na_mm"], K=o["k_mm"], Tris=o["tris_mm"],
            Mg=o["mg_mm"], dNTPs=o["dntps_mm"], saltcorr=o["salt_correction"],
        )
