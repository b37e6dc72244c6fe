"""biology/rna-fold against textbook structures and against ViennaRNA's own high-level functions."""

import math
import random

import pytest
import RNA

import specialist_hub
from specialist_hub_biology.plugin import CLOVERLEAF, TRNA_PHE


def pairs(structure: str) -> set[tuple[int, int]]:
    """1-based (i, j) pairs of a dot-bracket string."""
    stack, found = [], set()
    for position, char in enumerate(structure, 1):
        if char == "(":
            stack.append(position)
        elif char == ")":
            found.add((stack.pop(), position))
    return found


def test_trna_phe_folds_to_the_crystal_cloverleaf():
    out = specialist_hub.predict("biology/rna-fold", TRNA_PHE)[0].output
    stems = {"acceptor": (1, 7, 72), "D": (10, 13, 25), "anticodon": (27, 31, 43), "T": (49, 53, 65)}
    expected = {(i, last - (i - first)) for first, end, last in stems.values() for i in range(first, end + 1)}
    assert pairs(out["structure"]) == expected == pairs(CLOVERLEAF)
    assert len(expected) == 21


def direct(sequence: str, temperature: float) -> dict:
    """The RNAfold -p / RNAcofold -p numbers from ViennaRNA's sequence-level functions."""
    RNA.cvar.temperature = temperature  # global state is fine in a test; the model uses model details
    try:
        if "&" in sequence:
            structure, mfe = RNA.cofold(sequence)
            _, _, _, _, ensemble = RNA.co_pf_fold(sequence)
        else:
            structure, mfe = RNA.fold(sequence)
            _, ensemble = RNA.pf_fold(sequence)
        kt = (temperature + 273.15) * 1.98717 / 1000  # ViennaRNA's gas constant, kcal/mol/K
        return {"structure": structure, "mfe": mfe, "ensemble_free_energy": ensemble,
                "mfe_probability": math.exp((ensemble - mfe) / kt)}
    finally:
        RNA.cvar.temperature = 37.0


def test_equals_viennarna_directly_on_100_random_sequences():
    rng = random.Random(18)
    sequences = []
    for index in range(100):
        strand = lambda: "".join(rng.choice("ACGU") for _ in range(rng.randint(8, 80)))  # noqa: E731
        sequences.append(f"{strand()}&{strand()}" if index % 5 == 4 else strand())
    for temperature, batch in ((37.0, sequences), (55.0, sequences[:20])):
        got = specialist_hub.predict("biology/rna-fold", batch, temperature=temperature)
        for sequence, prediction in zip(batch, got):
            expected = direct(sequence, temperature)
            out = prediction.output
            assert out["structure"].replace("&", "") == expected["structure"].replace("&", ""), sequence
            if "&" in sequence:
                assert out["structure"].index("&") == sequence.index("&")
            for key in ("mfe", "ensemble_free_energy", "mfe_probability"):
                assert out[key] == pytest.approx(expected[key], rel=1e-5, abs=1e-4), (key, sequence)


def test_pair_probabilities_and_centroid_match_the_fold_compound():
    sequence = TRNA_PHE
    out = specialist_hub.predict("biology/rna-fold", sequence, pair_probabilities=True, pair_cutoff=0.05)[0].output
    compound = RNA.fold_compound(sequence)
    compound.pf()
    matrix = compound.bpp()
    expected = {(i, j): matrix[i][j] for i in range(1, len(sequence) + 1) for j in range(i + 1, len(sequence) + 1)
                if matrix[i][j] >= 0.05}
    assert {(i, j) for i, j, _ in out["pair_probabilities"]} == set(expected)
    assert all(p == pytest.approx(expected[i, j], abs=1e-6) for i, j, p in out["pair_probabilities"])
    centroid = {(i, j) for (i, j), p in expected.items() if p > 0.5}
    assert pairs(out["centroid_structure"]) == centroid
    assert out["ensemble_diversity"] == pytest.approx(compound.mean_bp_distance(), rel=1e-6)
    assert specialist_hub.predict("biology/rna-fold", sequence)[0].output["pair_probabilities"] is None


def test_cofold_binding_energy_is_rnacofold_delta_g():
    a, b = "GGGAAAUCC", "GGAUUUCCC"
    out = specialist_hub.predict("biology/rna-fold", f"{a}&{b}")[0].output
    _, alone_a, alone_b, complex_ab, _ = RNA.co_pf_fold(f"{a}&{b}")
    assert out["binding_free_energy"] == pytest.approx(complex_ab - alone_a - alone_b, abs=1e-4)
    assert out["binding_free_energy"] < -10
    assert specialist_hub.predict("biology/rna-fold", a)[0].output["binding_free_energy"] is None


def test_dna_is_refused_unless_converted():
    refused, mixed, three = specialist_hub.predict("biology/rna-fold", ["GGGGTTTTCCCC", "GGGT&UUU", "AC&GU&AA"])
    assert "convert_dna=true" in refused.error["message"]
    assert "mix T (DNA) and U" in mixed.error["message"]
    assert "two strands" in three.error["message"]
    converted = specialist_hub.predict("biology/rna-fold", "GGGGTTTTCCCC", convert_dna=True)[0].output
    assert converted["structure"] == RNA.fold("GGGGUUUUCCCC")[0]
    assert converted["mfe"] == pytest.approx(RNA.fold("GGGGUUUUCCCC")[1], abs=1e-4)
