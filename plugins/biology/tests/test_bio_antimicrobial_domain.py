"""biology/antimicrobial's applicability domain: nearest-training-peptide Jaccard similarity of
dipeptide sets inside the trained length range, checked against a brute-force computation with
Python sets, the card's in/out-of-domain error rates recomputed from the shipped files,
and a real long protein held out of domain."""

from __future__ import annotations

import numpy as np
import pytest
from modlamp.datasets import load_AMPvsUniProt

import specialist_hub
from specialist_hub.testing import assert_trust_fields
from specialist_hub_biology.antimicrobial import WEIGHTS
from specialist_hub_biology.plugin import AMP_LENGTHS
from specialist_hub_biology.sequences import PROTEIN, clean_sequence


@pytest.fixture(scope="module")
def split():
    data = load_AMPvsUniProt()
    with np.load(WEIGHTS, allow_pickle=False) as stored:
        heldout = stored["heldout_index"]
    sequences = [clean_sequence(s, PROTEIN, protein=True) for s in data.sequences]
    train = [sequences[i] for i in np.setdiff1d(np.arange(len(sequences)), heldout)]
    return train, [sequences[i] for i in heldout], np.asarray(data.target, dtype=int)[heldout]


#: Green fluorescent protein, UniProt P42212 (GFP_AEQVI), 238 residues (UniProt mass 26,886 Da).
GFP = ("MSKGEELFTGVVPILVELDGDVNGHKFSVSGEGEGDATYGKLTLKFICTTGKLPVPWPTLVTTFSYGVQCFSRYPDHMKQHDFFKSAMPE"
       "GYVQERTIFFKDDGNYKTRAEVKFEGDTLVNRIELKGIDFKEDGNILGHKLEYNYNSHNVYIMADKQKNGIKVNFKIRHNIEDGSVQLAD"
       "HYQQNTPIGDGPVLLPDNHYLSTQSALSKDPNEKRDHMVLLEFVTAAGITHGMDELYK")


def dipeptides(sequence):
    return {sequence[i:i + 2] for i in range(len(sequence) - 1)}


def test_domain_similarity_is_the_nearest_training_peptides_dipeptide_jaccard_within_the_length_range(split):
    train, heldout, _ = split
    reference = [dipeptides(s) for s in train]
    queries = heldout[:5] + ["GIGKFLHSAKKFGKAFVGEIMNS", "WWWWWWWWWWWWWWWWWW", "MKVLAAGIVG", "KWKLFKKIGAVLKVL" * 4]
    for query, prediction in zip(queries, specialist_hub.predict("biology/antimicrobial", queries, quiet=True)):
        mine = dipeptides(query)
        expected = max(len(mine & other) / len(mine | other) for other in reference)
        # 10-50 residues: the lengths modlAMP's negatives span, so the only ones where both classes were trained
        expected = expected if 10 <= len(query) <= 50 else 0.0
        assert prediction.output["domain_similarity"] == pytest.approx(expected, abs=1e-12)
    assert_trust_fields("biology/antimicrobial")


def test_the_length_range_is_where_the_training_set_holds_both_classes(split):
    lengths = [len(s) for s in load_AMPvsUniProt().sequences]
    targets = load_AMPvsUniProt().target
    negatives = [n for n, y in zip(lengths, targets) if y == 0]
    assert (min(negatives), max(negatives)) == AMP_LENGTHS == (10, 50)
    assert max(n for n, y in zip(lengths, targets) if y == 1) > 150  # only AMPs beyond 50: length would decide


def test_a_long_real_protein_is_out_of_domain():
    """GFP is no antimicrobial peptide; the model (trained where every peptide over 50 residues is an AMP)
    calls it AMP, and the domain must say not to trust that."""
    (properties,) = specialist_hub.predict("biology/protein-properties", GFP)
    assert properties.output["length"] == 238 and properties.output["molecular_weight"] == pytest.approx(26886, abs=1)
    (gfp,) = specialist_hub.predict("biology/antimicrobial", GFP)
    assert gfp.output["in_domain"] is False


def test_out_of_domain_peptides_are_mispredicted_more_often_as_the_card_says(split):
    _, heldout, labels = split
    outputs = specialist_hub.predict("biology/antimicrobial", heldout[1::2], quiet=True).outputs
    wrong = np.array([(o["label"] == "AMP") != bool(y) for o, y in zip(outputs, labels[1::2])])
    inside = np.array([o["in_domain"] for o in outputs])
    assert (inside.sum(), (~inside).sum()) == (434, 86)
    assert wrong[inside].mean() == pytest.approx(0.085, abs=5e-4) and wrong[~inside].mean() == pytest.approx(0.128, abs=5e-4)
    (poly_w,) = specialist_hub.predict("biology/antimicrobial", "WWWWWWWWWWWWWWWWWW")
    assert poly_w.output["in_domain"] is False
