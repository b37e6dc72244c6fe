"""What a trained model carries to say how far to believe it, all measured on held-out folds:
conformal residuals and scores, calibrated class probabilities, and an applicability domain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

#: Share of held-out records the applicability domain keeps: its threshold is the similarity that
#: this share of held-out records reach to their training folds (the rest are flagged).
DOMAIN_KEEP = 0.95


class NearestNeighbours:
    """The reference side of the nearest-neighbour search, prepared once (a trained model searches
    the same reference set for every batch): 0/1 fingerprints compared by Tanimoto (one matrix
    product: |a & b| / (|a| + |b| - |a & b|)), or real vectors by cosine."""

    def __init__(self, reference: np.ndarray, metric: str):
        r = np.asarray(reference, dtype=np.float32)
        self.metric = metric
        if metric == "tanimoto":
            self.matrix, self.counts = np.ascontiguousarray(r.T), r.sum(axis=1, dtype=np.float64)
        else:
            self.matrix = np.ascontiguousarray((r / np.maximum(np.linalg.norm(r, axis=1, keepdims=True), 1e-12)).T)

    def nearest(self, queries: np.ndarray) -> np.ndarray:
        """Each query's similarity to its nearest reference row."""
        if self.matrix.shape[1] == 0 or len(queries) == 0:
            return np.zeros(len(queries))
        q = np.asarray(queries, dtype=np.float32)
        if self.metric == "tanimoto":
            shared = (q @ self.matrix).astype(np.float64)
            union = q.sum(axis=1, dtype=np.float64)[:, None] + self.counts[None, :] - shared
            matrix = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        else:
            qn = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
            matrix = (qn @ self.matrix).astype(np.float64)
        return matrix.max(axis=1)


@dataclass
class Domain:
    """Reference vectors of the training set, the metric, and the in-domain threshold."""

    reference: np.ndarray
    metric: str
    threshold: float
    #: For cosine: the training mean subtracted first, so the angle measures spread around the data.
    center: np.ndarray | None = None

    def prepare(self, vectors: np.ndarray) -> np.ndarray:
        return prepared(vectors, self.metric, self.center)

    @cached_property
    def search(self) -> NearestNeighbours:
        return NearestNeighbours(self.reference, self.metric)

    def similarity(self, vectors: np.ndarray) -> np.ndarray:
        return self.search.nearest(self.prepare(vectors))


def prepared(vectors: np.ndarray, metric: str, center: np.ndarray | None) -> np.ndarray:
    """What the metric compares: 0/1 bits for Tanimoto, vectors less the training mean for cosine."""
    vectors = np.nan_to_num(np.asarray(vectors, dtype=np.float64))
    if metric == "tanimoto":
        return (vectors > 0).astype(np.uint8)
    return vectors - center if center is not None else vectors


def fit_domain(vectors: np.ndarray, metric: str, folds: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[Domain, np.ndarray]:
    """The domain of the whole training set, and each record's held-out similarity to the training
    folds it was not in (which sets the threshold and the card's out/in-domain error ratio)."""
    vectors = np.nan_to_num(np.asarray(vectors, dtype=np.float64))
    center = vectors.mean(axis=0) if metric == "cosine" else None
    reference = prepared(vectors, metric, center)
    held_out = np.zeros(len(vectors))
    for train, test in folds:
        held_out[test] = NearestNeighbours(reference[train], metric).nearest(reference[test])
    return Domain(reference, metric, float(np.quantile(held_out, 1.0 - DOMAIN_KEEP)), center), held_out


def isotonic_calibrators(scores: np.ndarray, labels: np.ndarray, n_classes: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """One isotonic map per class from its held-out score to the observed frequency, kept as the
    breakpoints (x, y) that ``np.interp`` applies: scikit-learn's IsotonicRegression predicts by the
    same linear interpolation, and breakpoints store without pickle."""
    from sklearn.isotonic import IsotonicRegression

    maps = []
    for k in range(n_classes):
        fitted = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(scores[:, k], labels == k)
        maps.append((fitted.X_thresholds_.astype(np.float64), fitted.y_thresholds_.astype(np.float64)))
    return maps


def calibrated(scores: np.ndarray, maps: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Probabilities from raw class scores: each class through its isotonic map, rows renormalised
    (a row whose maps all give 0 falls back to the raw scores)."""
    mapped = np.column_stack([np.interp(scores[:, k], x, y) for k, (x, y) in enumerate(maps)])
    total = mapped.sum(axis=1, keepdims=True)
    return np.where(total > 0, mapped / np.where(total > 0, total, 1.0), scores)


def conformal_classifier(scores: np.ndarray, labels: np.ndarray):
    """crepes' class-conditional (Mondrian) conformal classifier on held-out hinge scores, so each
    class's sets cover its own records at the chosen confidence, rare classes included."""
    from crepes import ConformalClassifier

    alphas = 1.0 - scores[np.arange(len(labels)), labels]
    return ConformalClassifier().fit(alphas=alphas, bins=labels)


def conformal_sets(classifier, scores: np.ndarray, confidence: float) -> np.ndarray:
    """A 0/1 matrix: which classes each row's prediction set holds at ``confidence``."""
    n, k = scores.shape
    sets = np.zeros((n, k), dtype=bool)
    for label in range(k):  # a Mondrian p-value per candidate label, in that label's bin
        p = classifier.predict_p((1.0 - scores[:, label]).reshape(-1, 1), bins=np.full(n, label), smoothing=False)
        sets[:, label] = p[:, 0] > 1.0 - confidence
    return sets
