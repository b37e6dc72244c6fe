"""biology/antimicrobial: the shipped weights reproduce the model card's held-out figures."""

import hashlib

import numpy as np
import pytest
from modlamp.datasets import load_AMPvsUniProt

import specialist_hub
from specialist_hub_biology.antimicrobial import WEIGHTS
from specialist_hub_biology.plugin import AMP_HELDOUT, ANTIMICROBIAL


def auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Mann-Whitney estimate: P(score of a positive > score of a negative), ties counting half."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def test_weights_files_match_the_spec():
    for weights in ANTIMICROBIAL.weights:
        data = (WEIGHTS.parent / weights.file).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (weights.size, weights.sha256)


def test_heldout_accuracy_and_auroc_reproduce_the_card():
    data = load_AMPvsUniProt()
    with np.load(WEIGHTS, allow_pickle=False) as stored:
        heldout = stored["heldout_index"]
    assert len(heldout) == 1040
    labels = np.asarray(data.target, dtype=int)[heldout]
    predictions = specialist_hub.predict("biology/antimicrobial", [data.sequences[i] for i in heldout])
    probability = np.array([p.output["probability"] for p in predictions])
    predicted = np.array([p.output["label"] == "AMP" for p in predictions])
    assert np.mean(predicted == labels) == pytest.approx(AMP_HELDOUT["accuracy"], abs=5e-5)
    assert auroc(labels, probability) == pytest.approx(AMP_HELDOUT["auroc"], abs=5e-5)
    assert AMP_HELDOUT["accuracy"] > 0.88 and AMP_HELDOUT["auroc"] > 0.94


def test_known_peptides_and_threshold():
    peptides = {
        "GIGKFLHSAKKFGKAFVGEIMNS": "AMP",  # magainin 2
        "KWKLFKKIEKVGQNIRDGIIKAGPAVAVVGQATQIAK": "AMP",  # cecropin A (Hyalophora cecropia)
        "RRWCFRVCYRGFCYRKCR": "AMP",  # tachyplesin I
        "HSQGTFTSDYSKYLDSRRAQDFVQWLMNT": "non-AMP",  # glucagon
        "FVNQHLCGSHLVEALYLVCGERGFFYTPKT": "non-AMP",  # insulin B chain
    }
    predictions = specialist_hub.predict("biology/antimicrobial", list(peptides))
    assert [p.output["label"] for p in predictions] == list(peptides.values())
    strict = specialist_hub.predict("biology/antimicrobial", "GIGKFLHSAKKFGKAFVGEIMNS", threshold=1.01)
    assert strict[0].output["label"] == "non-AMP"
