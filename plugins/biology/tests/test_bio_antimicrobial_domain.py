"""biology/antimicrobial's applicability domain: nearest-training-peptide Jaccard similarity of
dipeptide sets, checked against a brute-force computation with Python sets, and the card's
in/out-of-domain error rates recomputed from the shipped files."""

from __future__ import annotations

import numpy as np
import pytest
from modlamp.datasets import load_AMPvsUniProt

import specialist_hub
from specialist_hub.testing import assert_trust_fields
from specialist_hub_biology.antimicrobial import WEIGHTS
from specialist_hub_biology.sequences import PROTEIN, clean_sequence


@pytest.fixture(scope="module")
def split():
    data = load_AMPvsUniProt()
    with np.load(WEIGHTS, allow_pickle=False) as stored:
        heldout = stored["heldout_index"]
    sequences = [clean_sequence(s, PROTEIN, protein=True) for s in data.sequences]
    train = [sequences[i] for i in np.setdiff1d(np.arange(len(sequences)), heldout)]
    return train, [sequences[i] for i in heldout], np.asarray(data.target, dtype=int)[heldout]


def dipeptides(sequence):
    return {sequence[i:i + 2] for i in range(len(sequence) - 1)}


def test_domain_similarity_is_the_nearest_training_peptides_dipeptide_jaccard(split):
    train, heldout, _ = split
    reference = [dipeptides(s) for s in train]
    queries = heldout[:5] + ["GIGKFLHSAKKFGKAFVGEIMNS", "WWWWWWWWWWWWWWWWWW", "MKVLAAGIVG"]
    for query, prediction in zip(queries, specialist_hub.predict("biology/antimicrobial", queries, quiet=True)):
        mine = dipeptides(query)
        expected = max(len(mine & other) / len(mine | other) for other in reference)
        assert prediction.output["domain_similarity"] == pytest.approx(expected, abs=1e-12)
    assert_trust_fields("biology/antimicrobial")


def test_out_of_domain_peptides_are_mispredicted_more_often_as_the_card_says(split):
    _, heldout, labels = split
    outputs = specialist_hub.predict("biology/antimicrobial", heldout[1::2], quiet=True).outputs
    wrong = np.array([(o["label"] == "AMP") != bool(y) for o, y in zip(outputs, labels[1::2])])
    inside = np.array([o["in_domain"] for o in outputs])
    assert (inside.sum(), (~inside).sum()) == (462, 58)
    assert wrong[inside].mean() == pytest.approx(0.082, abs=5e-4) and wrong[~inside].mean() == pytest.approx(0.172, abs=5e-4)
    (poly_w,) = specialist_hub.predict("biology/antimicrobial", "WWWWWWWWWWWWWWWWWW")
    assert poly_w.output["in_domain"] is False
