"""Heads: the learners ``hub train`` chooses among by cross-validation, each saved without pickle.

LightGBM writes its own text model format; the scikit-learn heads (a regularised linear model and
k nearest neighbours, each behind a median imputer and a scaler) are converted to ONNX by skl2onnx
and run by onnxruntime. A saved head is loaded by :func:`load_head`, which never unpickles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

#: Heads in the order ``hub train`` tries them: the usual winner on small tabular data first, so a
#: short time budget still gives it; then the linear and nearest-neighbour baselines it must beat.
HEADS = ("lightgbm", "linear", "knn")


#: What to cite for each head's library, for the model card.
CITATIONS = {"LightGBM": "Ke et al., LightGBM: A Highly Efficient Gradient Boosting Decision Tree, NeurIPS 2017",
             "scikit-learn": "Pedregosa et al., Scikit-learn: Machine Learning in Python, JMLR 12, 2825 (2011)"}


class Head:
    """One learner for one target: ``fit`` then ``predict`` (regression: values; classification:
    one probability column per class, in the order of ``classes``)."""

    name = ""
    library = ""

    def __init__(self, task: str, n_classes: int = 0, seed: int = 0):
        self.task, self.n_classes, self.seed = task, n_classes, seed

    def fit(self, x: np.ndarray, y: np.ndarray) -> Head:
        raise NotImplementedError

    def predict(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def save(self, path_stem: Path) -> Path:
        """Write the fitted head next to ``path_stem`` (suffix by format); return the file."""
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        return {}

    def versions(self) -> dict[str, str]:
        import importlib.metadata

        return {name: importlib.metadata.version(name) for name in self.packages}

    packages: tuple[str, ...] = ()


class LightGBMHead(Head):
    name, library, packages = "lightgbm", "LightGBM", ("lightgbm",)

    def _estimator(self, n: int):
        import lightgbm

        # Small data: smaller leaves than LightGBM's defaults, subsampled rows and columns (fingerprints
        # are wide and sparse), 63 bins; no search, as chemprop's maintainers advise below ~1k points.
        # One thread: on a few thousand rows OpenMP's threads cost more than they give (8x slower on a
        # busy 2-core machine), so the trainer runs folds in parallel instead.
        common: dict[str, Any] = dict(
            n_estimators=300, learning_rate=0.06, num_leaves=31, min_child_samples=max(3, min(20, n // 60)),
            colsample_bytree=0.3, subsample=0.8, subsample_freq=1, reg_lambda=1.0, max_bin=63, random_state=self.seed,
            n_jobs=1, verbose=-1)
        return lightgbm.LGBMRegressor(**common) if self.task == "regression" else lightgbm.LGBMClassifier(**common)

    def fit(self, x, y):
        self.model = self._estimator(len(y)).fit(x, y)
        return self

    def predict(self, x):
        return self.model.predict(x) if self.task == "regression" else self.model.predict_proba(x)

    def save(self, path_stem):
        path = path_stem.with_suffix(".lgb.txt")
        self.model.booster_.save_model(str(path))
        return path

    def params(self):
        return {k: v for k, v in self.model.get_params().items() if k != "n_jobs"}


class SklearnOnnxHead(Head):
    """A scikit-learn pipeline (imputer, scaler, estimator) saved as ONNX."""

    packages = ("scikit-learn", "skl2onnx", "onnxruntime")

    def estimator(self, n: int):
        raise NotImplementedError

    def fit(self, x, y):
        from sklearn.impute import SimpleImputer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        # keep_empty_features: a feature missing from every training row still keeps its column,
        # so the exported model takes the featuriser's full width.
        self.model = make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler(),
                                   self.estimator(len(y))).fit(x, y)
        return self

    def predict(self, x):
        return self.model.predict(x) if self.task == "regression" else self.model.predict_proba(x)

    def save(self, path_stem):
        from skl2onnx import to_onnx

        options = {id(self.model): {"zipmap": False}} if self.task == "classification" else None
        onnx = to_onnx(self.model, np.zeros((1, self.model.n_features_in_), np.float32), options=options,
                       target_opset={"": 17, "ai.onnx.ml": 3})
        path = path_stem.with_suffix(".onnx")
        path.write_bytes(onnx.SerializeToString())
        return path

    def params(self):
        return {k: v for k, v in self.model.steps[-1][1].get_params().items() if k != "n_jobs"}


class LinearHead(SklearnOnnxHead):
    name, library = "linear", "scikit-learn"

    def estimator(self, n):
        from sklearn.linear_model import LogisticRegression, RidgeCV

        if self.task == "regression":
            return RidgeCV(alphas=np.logspace(-1, 4, 11))
        return LogisticRegression(C=0.05, max_iter=2000)


class KNNHead(SklearnOnnxHead):
    name, library = "knn", "scikit-learn"

    def estimator(self, n):
        from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

        k = max(1, min(7, n // 10))
        cls = KNeighborsRegressor if self.task == "regression" else KNeighborsClassifier
        return cls(n_neighbors=k, weights="distance")


HEAD_CLASSES: dict[str, type[Head]] = {cls.name: cls for cls in (LinearHead, KNNHead, LightGBMHead)}


def make_head(name: str, task: str, n_classes: int = 0, seed: int = 0) -> Head:
    return HEAD_CLASSES[name](task, n_classes, seed)


class SavedHead:
    """A head read back from its file: LightGBM's text model or an ONNX graph, never a pickle."""

    def __init__(self, path: Path, task: str, threads: int = 1):
        self.task = task
        if path.name.endswith(".lgb.txt"):
            import lightgbm

            self._booster, self._threads = lightgbm.Booster(model_file=str(path)), threads
            self._session = None
        else:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def predict(self, x: np.ndarray) -> np.ndarray:
        if self._session is None:
            raw = np.asarray(self._booster.predict(x, num_threads=self._threads))
            if self.task == "classification" and raw.ndim == 1:  # binary: P(second class)
                raw = np.column_stack([1.0 - raw, raw])
            return np.asarray(raw, dtype=np.float64)
        outputs = self._session.run(None, {self._session.get_inputs()[0].name: x.astype(np.float32)})
        result = outputs[0] if self.task == "regression" else outputs[1]
        return np.asarray(result, dtype=np.float64).reshape(len(x), -1) if self.task == "classification" else (
            np.asarray(result, dtype=np.float64).reshape(len(x)))
