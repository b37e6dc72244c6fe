"""RNA secondary structure with ViennaRNA, with the semantics of ``RNAfold -p`` and ``RNAcofold -p``.

Each record gets its own fold compound and model details, so the temperature never goes
through ViennaRNA's process-wide defaults (thread-safe under ``--workers`` and the server).
Two strands joined by ``&`` are cofolded; the ensemble free energy and the MFE frequency are
then RNAcofold's (the dimer ensemble ``FAB``), and the strand break is kept in every structure.
"""

from __future__ import annotations

import math

import RNA

from specialist_hub import InputError

from .sequences import NUCLEOTIDE, SequenceModel, clean_sequence, within_limit

STRAND_BREAK = "&"


def with_strand_break(structure: str, cut: int | None) -> str:
    """A dot-bracket of the concatenated strands with ``&`` after the first ``cut`` characters."""
    return structure if cut is None else f"{structure[:cut]}{STRAND_BREAK}{structure[cut:]}"


class RnaFoldModel(SequenceModel):
    alphabet = NUCLEOTIDE
    protein = False

    def preprocess(self, value):
        strands = value.split(STRAND_BREAK) if isinstance(value, str) else [value]
        if len(strands) > 2:
            raise InputError(f"at most two strands joined by one '&' can be cofolded; got {len(strands)}")
        strands = [clean_sequence(strand, self.alphabet, protein=False) for strand in strands]
        joined = within_limit(self, "".join(strands))
        if "T" in joined and "U" in joined:
            raise InputError("the strands mix T (DNA) and U (RNA)")
        if "T" in joined:
            if not self.options["convert_dna"]:
                raise InputError(f"DNA given (T at position {joined.index('T') + 1}): ViennaRNA folds RNA; set "
                                 "convert_dna=true to fold it as RNA with T read as U")
            strands = [strand.replace("T", "U") for strand in strands]
        return tuple(strands)

    def compute(self, strands):
        o = self.options
        details = RNA.md()
        details.temperature = o["temperature"]
        compound = RNA.fold_compound(STRAND_BREAK.join(strands), details)
        cut = len(strands[0]) if len(strands) == 2 else None
        # mfe_dimer, not mfe: on two strands mfe() may miss the best intermolecular structure
        structure, mfe = compound.mfe() if cut is None else compound.mfe_dimer()
        compound.exp_params_rescale(mfe)  # keeps the partition function in range for long sequences
        binding = None
        if cut is None:
            _, ensemble = compound.pf()
        else:
            _, alone_a, alone_b, complex_ab, ensemble = compound.pf_dimer()
            binding = complex_ab - alone_a - alone_b
        kt = compound.exp_params.kT / 1000.0  # kcal/mol
        centroid, _ = compound.centroid()
        pairs = None
        if o["pair_probabilities"]:
            pairs = [[pair.i, pair.j, pair.p] for pair in compound.plist_from_probs(o["pair_cutoff"])]
        return {
            "length": sum(map(len, strands)),
            "structure": with_strand_break(structure, cut),
            "mfe": round(mfe, 2),  # an integer number of dcal/mol, returned as float32
            "ensemble_free_energy": ensemble,
            "mfe_probability": math.exp((ensemble - mfe) / kt),
            "centroid_structure": with_strand_break(centroid, cut),
            "ensemble_diversity": compound.mean_bp_distance(),
            "binding_free_energy": binding,
            "pair_probabilities": pairs,
        }
