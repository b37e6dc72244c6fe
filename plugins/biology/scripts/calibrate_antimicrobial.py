"""Calibrate biology/antimicrobial's probability: adds the calibration to specialist_hub_biology/data/amp_mlp.npz.

The 1,040 peptides held out from training (``heldout_index`` in amp_mlp.npz) are split in two: the
even positions fit an isotonic regression of the label on the MLP's probability (scikit-learn),
the odd positions measure the expected calibration error (10 equal-width bins, binned as
scikit-learn's calibration_curve does) before and after. The fitted step function is added to
amp_mlp.npz as its breakpoints (run this again after train_antimicrobial.py); the model
interpolates them as scikit-learn does.

Needs: numpy, modlamp, scikit-learn.  Run: python plugins/biology/scripts/calibrate_antimicrobial.py
"""

from __future__ import annotations

import numpy as np
from modlamp.datasets import load_AMPvsUniProt
from sklearn.isotonic import IsotonicRegression

from specialist_hub_biology.antimicrobial import WEIGHTS, features, load_weights, predict_proba
from specialist_hub_biology.sequences import PROTEIN, clean_sequence

BINS = 10


def expected_calibration_error(probability: np.ndarray, labels: np.ndarray) -> float:
    """Share-weighted mean gap between the AMP rate and the mean probability in each of BINS bins."""
    bins = np.searchsorted(np.linspace(0.0, 1.0, BINS + 1)[1:-1], probability)
    return float(sum(abs(labels[bins == b].mean() - probability[bins == b].mean()) * np.mean(bins == b)
                     for b in np.unique(bins)))


def main() -> None:
    data = load_AMPvsUniProt()
    weights = load_weights(WEIGHTS)
    heldout = weights["heldout_index"]
    x = np.stack([features(clean_sequence(data.sequences[i], PROTEIN, protein=True)) for i in heldout])
    y = np.asarray(data.target, dtype=int)[heldout]
    raw = predict_proba(weights, x)
    fit, test = np.arange(len(heldout)) % 2 == 0, np.arange(len(heldout)) % 2 == 1
    isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw[fit], y[fit])
    trained = {name: array for name, array in weights.items() if not name.startswith("calibration_")}
    np.savez(WEIGHTS, **trained, calibration_probability=isotonic.X_thresholds_,
             calibration_calibrated=isotonic.y_thresholds_)
    calibrated = isotonic.predict(raw[test])
    print(f"test half ({test.sum()} peptides): ECE {expected_calibration_error(raw[test], y[test]):.4f} raw, "
          f"{expected_calibration_error(calibrated, y[test]):.4f} calibrated ({fit.sum()} peptides fit it)")
    print(f"wrote {WEIGHTS}")


if __name__ == "__main__":
    main()
