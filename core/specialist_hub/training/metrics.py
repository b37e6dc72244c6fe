"""Held-out figures of a trained model, from its out-of-fold predictions."""

from __future__ import annotations

import numpy as np

#: Bins of the expected calibration error (equal width over [0, 1]).
ECE_BINS = 10


def regression(y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    from scipy.stats import spearmanr

    errors = predicted - y
    total = float(np.sum((y - y.mean()) ** 2))
    return {"rmse": float(np.sqrt(np.mean(errors ** 2))), "mae": float(np.mean(np.abs(errors))),
            "r2": 1.0 - float(np.sum(errors ** 2)) / total if total > 0 else 0.0,
            "spearman": float(spearmanr(y, predicted).statistic) if len(y) > 2 else 0.0}


def classification(labels: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import balanced_accuracy_score, log_loss, roc_auc_score

    n_classes = probabilities.shape[1]
    predicted = probabilities.argmax(axis=1)
    clipped = np.clip(probabilities, 1e-6, 1.0)
    clipped /= clipped.sum(axis=1, keepdims=True)
    onehot = np.eye(n_classes)[labels]
    present = len(np.unique(labels)) == n_classes
    if n_classes == 2:
        auc = float(roc_auc_score(labels, probabilities[:, 1])) if present else float("nan")
    else:
        auc = float(roc_auc_score(labels, clipped, multi_class="ovr", average="macro")) if present else float("nan")
    return {"roc_auc": auc, "accuracy": float(np.mean(predicted == labels)),
            "balanced_accuracy": float(balanced_accuracy_score(labels, predicted)),
            "log_loss": float(log_loss(labels, clipped, labels=list(range(n_classes)))),
            "brier": float(np.mean(np.sum((probabilities - onehot) ** 2, axis=1))),
            "ece": expected_calibration_error(labels, probabilities)}


def expected_calibration_error(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Top-label ECE (Guo et al. 2017): confidence against accuracy in equal-width bins."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    bins = np.minimum((confidence * ECE_BINS).astype(int), ECE_BINS - 1)
    return float(sum(abs(correct[bins == b].mean() - confidence[bins == b].mean()) * np.mean(bins == b)
                     for b in range(ECE_BINS) if np.any(bins == b)))


def better(task: str, candidate: dict[str, float], best: dict[str, float] | None) -> bool:
    """Regression heads are chosen by held-out RMSE, classifiers by log loss (a proper score, so a
    head that is confidently wrong is not chosen for its accuracy)."""
    if best is None:
        return True
    key = "rmse" if task == "regression" else "log_loss"
    return candidate[key] < best[key]
