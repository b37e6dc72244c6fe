"""biology/disorder against experimental classifications (DisProt, crystal structures) and metapredict directly."""

import metapredict
import pytest

import specialist_hub
from specialist_hub_biology.plugin import ALPHA_SYNUCLEIN, LYSOZYME, P53_TAD, UBIQUITIN

#: name: (sequence, experimentally disordered?)
PROTEINS = {"alpha-synuclein (DisProt DP00070)": (ALPHA_SYNUCLEIN, True),
            "p53 TAD 1-61 (DisProt DP00086)": (P53_TAD, True),
            "ubiquitin (PDB 1UBQ)": (UBIQUITIN, False),
            "hen lysozyme (PDB 1LYZ)": (LYSOZYME, False)}


@pytest.fixture(scope="module")
def predictions():
    sequences = [sequence for sequence, _ in PROTEINS.values()]
    return dict(zip(PROTEINS, (p.output for p in specialist_hub.predict("biology/disorder", sequences))))


@pytest.mark.parametrize("name", PROTEINS)
def test_disordered_and_ordered_proteins(name, predictions):
    out, (sequence, disordered) = predictions[name], PROTEINS[name]
    # Measured here: fractions 1.00 for both IDPs, 0.00 for both folded proteins; mean pLDDT 59.7 and 39.2
    # for the IDPs, 72.4 and 81.1 for ubiquitin and lysozyme.
    if disordered:
        assert out["disordered_fraction"] >= 0.9 and out["disordered_regions"] == [[1, len(sequence)]]
        assert sum(out["plddt"]) / len(sequence) < 65
    else:
        assert out["disordered_fraction"] <= 0.1 and out["folded_regions"] == [[1, len(sequence)]]
        assert sum(out["plddt"]) / len(sequence) > 70


def test_batch_equals_metapredict_per_sequence():
    """The model's one batch call against metapredict's single-sequence path, one protein at a time."""
    sequences = [sequence for sequence, _ in PROTEINS.values()] + ["MKTAYIAKQRQISFVKSHFSRQ" * 9, "GSGSGS" * 20]
    outputs = [p.output for p in specialist_hub.predict("biology/disorder", sequences)]
    for sequence, out in zip(sequences, outputs):
        disorder = metapredict.predict_disorder(sequence, return_numpy=False)
        assert out["disorder"] == pytest.approx(disorder, abs=2e-4)
        assert out["plddt"] == pytest.approx(metapredict.predict_pLDDT(sequence, return_numpy=False), abs=0.02)
        domains = metapredict.predict_disorder_domains(sequence)
        assert out["disordered_regions"] == [[a + 1, b] for a, b in domains.disordered_domain_boundaries]
        percent = metapredict.percent_disorder(sequence)
        assert out["disordered_fraction"] == pytest.approx(percent / 100, abs=1e-3)


def test_dna_and_bad_letters_are_refused():
    dna, odd = specialist_hub.predict("biology/disorder", ["ACGTACGTACGTAC", "MKVXL"])
    assert "looks like DNA/RNA" in dna.error["message"]
    assert "'X' at position 4" in odd.error["message"]
