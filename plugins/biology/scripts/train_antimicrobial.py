"""Train the biology/antimicrobial classifier and write specialist_hub_biology/data/amp_mlp.npz.

Data: modlAMP's AMP vs UniProt set (2600 APD3 antimicrobial peptides, 2600 random UniProt
peptides of 10-50 residues), shipped inside the modlamp package. A stratified 20 % split is
held out (its indices are saved with the weights, so a test can recompute the held-out
figures); 5-fold cross-validation runs on the other 80 %, and the final model is fitted there.
Then run calibrate_antimicrobial.py, which adds the probability calibration to the same file.

Needs: numpy, modlamp, scikit-learn.  Run: python plugins/biology/scripts/train_antimicrobial.py
"""

from __future__ import annotations

import numpy as np
from modlamp.datasets import load_AMPvsUniProt
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from specialist_hub_biology.antimicrobial import WEIGHTS, features, predict_proba
from specialist_hub_biology.sequences import PROTEIN, clean_sequence

SEED = 0
HIDDEN, ALPHA = 32, 1.0


def fit(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    scaler = StandardScaler().fit(x)
    mlp = MLPClassifier((HIDDEN,), alpha=ALPHA, max_iter=2000, random_state=SEED).fit(scaler.transform(x), y)
    return {"mean": scaler.mean_, "scale": scaler.scale_, "w1": mlp.coefs_[0], "b1": mlp.intercepts_[0],
            "w2": mlp.coefs_[1], "b2": mlp.intercepts_[1]}


def scores(weights, x, y) -> tuple[float, float]:
    p = predict_proba(weights, x)
    return float(np.mean((p >= 0.5) == y)), float(roc_auc_score(y, p))


def main() -> None:
    data = load_AMPvsUniProt()
    x = np.stack([features(clean_sequence(s, PROTEIN, protein=True)) for s in data.sequences])
    y = np.asarray(data.target, dtype=int)  # 1 = AMP (APD3), 0 = UniProt
    train, heldout = train_test_split(np.arange(len(y)), test_size=0.2, stratify=y, random_state=SEED)
    folds = StratifiedKFold(5, shuffle=True, random_state=SEED).split(x[train], y[train])
    cv = np.array([scores(fit(x[train][a], y[train][a]), x[train][b], y[train][b]) for a, b in folds])
    weights = fit(x[train], y[train])
    accuracy, auroc = scores(weights, x[heldout], y[heldout])
    weights = {k: np.asarray(v, dtype=np.float64) for k, v in weights.items()}
    np.savez(WEIGHTS, **weights, heldout_index=np.sort(heldout).astype(np.int64))
    print(f"5-fold CV on {len(train)}: accuracy {cv[:, 0].mean():.4f} ± {cv[:, 0].std():.4f}, "
          f"AUROC {cv[:, 1].mean():.4f} ± {cv[:, 1].std():.4f}")
    print(f"held-out {len(heldout)}: accuracy {accuracy:.4f}, AUROC {auroc:.4f}")
    print(f"wrote {WEIGHTS}")


if __name__ == "__main__":
    main()
