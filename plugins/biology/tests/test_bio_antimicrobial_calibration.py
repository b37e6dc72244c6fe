"""biology/antimicrobial's calibrated probability: scikit-learn's isotonic regression refitted
here gives the same values, and the expected calibration error on held-out peptides is low."""

from __future__ import annotations

import numpy as np
import pytest
from modlamp.datasets import load_AMPvsUniProt
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression

import specialist_hub
from specialist_hub_biology.antimicrobial import WEIGHTS


@pytest.fixture(scope="module")
def heldout():
    """The held-out peptides' labels and predictions, in the order of ``heldout_index``."""
    data = load_AMPvsUniProt()
    with np.load(WEIGHTS, allow_pickle=False) as stored:
        index = stored["heldout_index"]
    predictions = specialist_hub.predict("biology/antimicrobial", [data.sequences[i] for i in index], quiet=True)
    return (np.asarray(data.target, dtype=int)[index], np.array([p.output["probability"] for p in predictions]),
            np.array([p.output["calibrated_probability"] for p in predictions]))


def test_calibrated_probability_is_scikit_learns_isotonic_fit_on_the_first_half(heldout):
    labels, raw, calibrated = heldout
    isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw[::2], labels[::2])
    assert calibrated[1::2] == pytest.approx(isotonic.predict(raw[1::2]), abs=1e-12)


def test_expected_calibration_error_on_peptides_calibration_never_saw_is_below_0_1(heldout):
    labels, raw, calibrated = heldout
    errors = []
    for probability in (calibrated[1::2], raw[1::2]):
        rate, mean = calibration_curve(labels[1::2], probability, n_bins=10, strategy="uniform")
        counts = np.bincount(np.searchsorted(np.linspace(0, 1, 11)[1:-1], probability), minlength=10)
        errors.append(float(np.sum(np.abs(rate - mean) * counts[counts > 0]) / counts.sum()))
    assert errors[0] == pytest.approx(0.021, abs=5e-4) and errors[0] < 0.1  # the card's figure
    assert errors[0] < errors[1]
