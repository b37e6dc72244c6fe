"""``hub train`` end to end: labelled file -> features -> folds -> heads chosen by cross-validation
-> trust data from the held-out folds -> a final fit on every record -> the artifact."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, TrainedModelExistsError, TrainingDataError, UsageError
from ..registry import Registry, get_registry
from ..version import __version__
from .artifact import MANIFEST, SCHEMA_VERSION, ArtifactWriter, check_name, models_dir
from .card import write_card
from .data import Labelled, check_target, deduplicate, load_labelled
from .features import MODEL_PREFIX, FeaturizerSpec, SplitterSpec, import_factory, make_featurizer, model_featurizer_spec
from .heads import CITATIONS, HEAD_CLASSES, HEADS, Head, make_head
from .metrics import better, classification, regression
from .model import TRUST_FILE
from .splits import N_FOLDS, Folds, grouped_folds, predefined_folds, random_folds
from .trust import DOMAIN_KEEP, calibrated, conformal_classifier, conformal_sets, fit_domain, isotonic_calibrators

#: Coverage the card reports for intervals and sets (the model's default ``coverage`` option).
COVERAGE = 0.9
#: Shares of each training fold the learning curve refits the chosen head on.
CURVE_FRACTIONS = (0.25, 0.5, 0.75, 1.0)
#: Records featurised per call, so progress moves and memory stays bounded by a batch.
FEATURE_BATCH = 256

Progress = Callable[[str], None]


@dataclass
class TrainingReport:
    """What ``hub train`` made: the model id, its folder, the figures and the card."""

    model_id: str
    folder: Path
    metrics: dict[str, Any]
    card: str
    notes: list[str] = field(default_factory=list)
    dropped: dict[str, list[str]] = field(default_factory=dict)

    def load(self, **options: Any):
        """The trained model, loaded from its artifact (as ``hub predict -m user/NAME`` loads it)."""
        from .artifact import read_manifest
        from .model import TrainedModel
        from .plugin import artifact_spec

        spec = artifact_spec(read_manifest(self.folder), self.model_id)
        registry = get_registry()  # the input kind (video is a plugin's) and what the featuriser builds on
        model = TrainedModel(spec, spec.resolve_options(options), input_kind=registry.input_kind(spec.input_kind),
                             loader=registry)
        model.load()
        return model

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model_id, "folder": str(self.folder), "metrics": self.metrics, "notes": self.notes,
                "dropped": {reason: {"count": len(items), "examples": items[:20]} for reason, items in self.dropped.items()}}


def choose_featurizer(registry: Registry, domain: str | None, featurizer: str | None) -> FeaturizerSpec:
    known = registry.featurizers
    if featurizer and featurizer.startswith(MODEL_PREFIX):
        return model_featurizer_spec(registry, featurizer[len(MODEL_PREFIX):])
    if featurizer:
        matches = [s for s in known.values() if featurizer in (s.id, s.id.split("/", 1)[1])]
        if len(matches) != 1:
            raise UsageError(f"Unknown featuriser {featurizer!r}; featurisers: {', '.join(known) or 'none installed'}, "
                             f"or {MODEL_PREFIX}MODEL_ID for an installed model's embedding.")
        return matches[0]
    if domain is None:
        raise UsageError("Say which field the data is from with --domain (chem, bio, vision, audio, video).")
    domain = registry.resolve_domain(domain) if domain.lower() not in {s.id.split("/")[0] for s in known.values()} \
        else domain.lower()
    defaults = [s for s in known.values() if s.id.startswith(f"{domain}/") and s.default] or [
        s for s in known.values() if s.id.startswith(f"{domain}/")]
    if not defaults:
        raise UsageError(f"No featuriser for domain {domain!r} is installed; featurisers: {', '.join(known) or 'none'}.")
    return defaults[0]


def default_splitter(registry: Registry, input_kind: str) -> SplitterSpec | None:
    candidates = [s for s in registry.splitters.values() if s.input_kind == input_kind]
    return next((s for s in candidates if s.default), candidates[0] if candidates else None)


def train(input: str | os.PathLike, target: str | Sequence[str] = (), name: str = "", *, domain: str | None = None,
          featurizer: str | None = None, featurizer_options: dict[str, Any] | None = None,
          column: str | None = None, id_column: str | None = None,
          group_column: str | None = None, split_column: str | None = None, task: str | None = None,
          heads: Sequence[str] | None = None, time_budget: float = 600.0, force: bool = False,
          license: str = "", commercial_use: bool = True, unit: str = "", summary: str = "", seed: int = 0,
          registry: Registry | None = None, progress: Progress | None = None) -> TrainingReport:
    """Train a calibrated specialist on a labelled file; it becomes ``user/NAME``.

    :param input: a CSV/TSV/Parquet/SDF table, or (images, audio, video) a folder of class folders.
    :param target: the column(s) to learn; several give one model with a field per target.
    :param featurizer: a featuriser id, or ``model:ID`` for an installed model's embedding.
    :param featurizer_options: the featuriser's options (e.g. a ``checkpoint``); stored in the manifest.
    :param heads: candidate heads (default: linear, knn, lightgbm), chosen by held-out error.
    :param time_budget: seconds for choosing heads; heads that would not fit are left out, said so.
    """
    registry = registry or get_registry()
    say = progress or (lambda message: None)
    started = time.perf_counter()
    check_name(name)
    destination = models_dir() / name
    if destination.exists() and not force:
        raise TrainedModelExistsError(f"A trained model user/{name} exists ({destination}); choose another --name, "
                                      f"or replace it with --force.")
    if not 1 <= time_budget <= 86400:
        raise UsageError(f"--time-budget must be between 1 and 86400 seconds, got {time_budget}.")
    candidates = list(heads or HEADS)
    unknown = [h for h in candidates if h not in HEAD_CLASSES]
    if unknown:
        raise UsageError(f"Unknown head(s) {', '.join(unknown)}; choose from {', '.join(HEAD_CLASSES)}.")
    featurizer_spec = choose_featurizer(registry, domain, featurizer)
    missing = [module for module in featurizer_spec.requires if importlib.util.find_spec(module) is None]
    if missing:
        raise UsageError(f"{featurizer_spec.id} needs {', '.join(missing)}: {featurizer_spec.install_hint}")
    kind = registry.input_kind(featurizer_spec.input_kind)
    targets = [target] if isinstance(target, str) else list(target)
    say("reading")
    data = load_labelled(Path(input), kind, targets, column=column, id_column=id_column, group_column=group_column,
                         split_column=split_column, task=task)
    targets = list(data.targets)  # a folder of class folders names its own target, label
    say(f"featurising {len(data.values)} records with {featurizer_spec.id}")
    if featurizer and featurizer.startswith(MODEL_PREFIX):
        featurizer_options = {"model": featurizer[len(MODEL_PREFIX):], "model_options": dict(featurizer_options or {})}
    featurizer_obj = make_featurizer(featurizer_spec, featurizer_options, registry)
    items, kept = _parse(featurizer_obj, data)
    order = deduplicate_parsed(data, featurizer_obj, items, kept)
    items = [items[i] for i in order]
    rows = [kept[i] for i in order]
    x = _featurise(featurizer_obj, items, say)
    folds, split_note = _folds(registry, featurizer_spec, data, rows, seed)
    data.notes.append(split_note)
    domain_vectors = np.asarray(featurizer_obj.domain_vectors(items, x))
    domain_model, held_out_similarity = fit_domain(domain_vectors, featurizer_obj.domain_metric, folds)
    threads = max(1, os.cpu_count() or 1)
    writer = ArtifactWriter(destination)
    try:
        trust_arrays: dict[str, Any] = {}
        target_entries, metrics = [], {}
        for name_t in targets:
            entry, figures = _train_target(name_t, data, rows, x, folds, candidates, time_budget, started, seed,
                                           threads, held_out_similarity, domain_model.threshold, trust_arrays, writer,
                                           say, unit)
            target_entries.append(entry)
            metrics[name_t] = figures
        _store_domain(trust_arrays, domain_model)
        np.savez_compressed(writer.path(TRUST_FILE), **trust_arrays)
        manifest = _manifest(name, featurizer_spec, featurizer_obj, x, data, rows, target_entries, folds, split_note,
                             license, commercial_use, summary, Path(input))
        metrics["_training"] = {"records": len(rows), "features": int(x.shape[1]), "folds": len(folds),
                                "seconds": round(time.perf_counter() - started, 1), "split": split_note,
                                "domain_threshold": domain_model.threshold, "domain_keep": DOMAIN_KEEP}
        card = write_card(writer, manifest, metrics, data)
        writer.write_json("metrics.json", metrics)
        say("writing the model")
        folder = writer.commit(manifest, replace=force)
    except BaseException:
        writer.discard()
        raise
    report = TrainingReport(f"user/{name}", folder, metrics, card, data.notes, data.dropped)
    if kind.literal_arguments:  # media paths need not exist where the model is installed
        _add_examples(report, manifest, [data.values[i] for i in rows[:EXAMPLES]])
    return report


#: Training inputs whose predictions become the model's examples, which ``hub check`` reruns.
EXAMPLES = 3


def _add_examples(report: TrainingReport, manifest: dict[str, Any], values: list[Any]) -> None:
    """The trained model's own predictions on a few training inputs, as its examples: ``hub check``
    then tells whether another environment (other library versions) reproduces the model."""
    predictions = report.load().predict(values)
    fields = [t["name"] for t in manifest["targets"]]
    manifest["examples"] = [{"input": str(value), "expected": {f: p.output[f] for f in fields}}
                            for value, p in zip(values, predictions) if p.ok]
    temporary = report.folder / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, allow_nan=False, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, report.folder / MANIFEST)


def _parse(featurizer, data: Labelled) -> tuple[list[Any], list[int]]:
    items, kept = [], []
    for index, value in enumerate(data.values):
        try:
            items.append(featurizer.preprocess(value))
            kept.append(index)
        except InputError as exc:
            data.drop("unparseable inputs skipped", f"{data.ids[index] or f'record {index + 1}'}: {exc}")
    if not items:
        raise TrainingDataError(f"None of the {len(data.values)} inputs could be read ({next(iter(data.dropped.values()))[0]}); "
                                f"check --column and the file's input column.")
    return items, kept


def deduplicate_parsed(data: Labelled, featurizer, items: list[Any], kept: list[int]) -> list[int]:
    """Positions in ``items`` (the parsed records ``kept``) to keep after merging identical inputs,
    found by the featuriser's canonical key."""
    return deduplicate(data, kept, [featurizer.key(item) for item in items])


def _featurise(featurizer, items: list[Any], say: Progress) -> np.ndarray:
    blocks = []
    for start in range(0, len(items), FEATURE_BATCH):
        blocks.append(np.asarray(featurizer.features(items[start:start + FEATURE_BATCH]), dtype=np.float64))
        say(f"featurised {min(start + FEATURE_BATCH, len(items))}/{len(items)}")
    return np.vstack(blocks)


def _folds(registry: Registry, spec: FeaturizerSpec, data: Labelled, rows: list[int], seed: int) -> tuple[Folds, str]:
    if data.folds is not None:
        return predefined_folds([data.folds[i] for i in rows]), "the --split-column's folds"
    if data.groups is not None:
        groups = [data.groups[i] for i in rows]
        return grouped_folds(groups, seed=seed), f"grouped by --group-column ({len(set(groups))} groups)"
    splitter = default_splitter(registry, spec.input_kind)
    if splitter is None:
        return random_folds(len(rows), seed=seed), "random (no splitter for this input kind is installed)"
    groups = import_factory(splitter.factory, splitter.id, splitter.requires)([data.values[i] for i in rows])
    if len(set(groups)) < N_FOLDS:  # e.g. acyclic molecules only: one scaffold
        return random_folds(len(rows), seed=seed), (f"random: {splitter.id} found only {len(set(groups))} group(s), "
                                                    f"too few for {N_FOLDS} folds")
    return grouped_folds(groups, seed=seed), f"{splitter.id}: {splitter.summary} ({len(set(groups))} groups)"


def _cross_validate(head_name: str, task: str, x: np.ndarray, y: np.ndarray, folds: Folds, n_classes: int,
                    seed: int, threads: int) -> np.ndarray:
    """Out-of-fold predictions; the folds are fitted in parallel threads (LightGBM and BLAS release the GIL)."""
    predicted = np.zeros((len(y), n_classes)) if task == "classification" else np.zeros(len(y))

    def fit_fold(fold: tuple[np.ndarray, np.ndarray]) -> None:
        train_rows, test_rows = fold
        head = make_head(head_name, task, n_classes, seed).fit(x[train_rows], y[train_rows])
        predicted[test_rows] = _aligned(head, head.predict(x[test_rows]), y[train_rows], n_classes)

    with ThreadPoolExecutor(max_workers=min(threads, len(folds))) as pool:
        list(pool.map(fit_fold, folds))
    return predicted


def _aligned(head: Head, raw: np.ndarray, y_train: np.ndarray, n_classes: int) -> np.ndarray:
    """Probabilities in the columns of all classes, when a fold's training part lacked some."""
    if head.task == "regression" or raw.shape[1] == n_classes:
        return raw
    full = np.zeros((len(raw), n_classes))
    full[:, np.unique(y_train)] = raw
    return full


def _target_folds(folds: Folds, rows: np.ndarray) -> Folds:
    """The folds restricted to the records with a known value of one target, renumbered."""
    position = {row: i for i, row in enumerate(rows)}
    restricted = []
    for train_rows, test_rows in folds:
        train_part = np.array([position[r] for r in train_rows if r in position], dtype=int)
        test_part = np.array([position[r] for r in test_rows if r in position], dtype=int)
        if len(train_part) and len(test_part):
            restricted.append((train_part, test_part))
    return restricted


def _train_target(name: str, data: Labelled, rows: list[int], x_all: np.ndarray, folds_all: Folds,
                  candidates: list[str], budget: float, started: float, seed: int, threads: int,
                  similarity_all: np.ndarray, threshold: float, trust: dict[str, Any], writer: ArtifactWriter,
                  say: Progress, unit: str) -> tuple[dict[str, Any], dict[str, Any]]:
    task = data.tasks[name]
    values = [data.targets[name][i] for i in rows]
    labels = check_target(name, task, values)
    known = np.array([i for i, v in enumerate(values) if v is not None], dtype=int)
    x = x_all[known]
    y = (np.array([values[i] for i in known], dtype=np.float64) if task == "regression"
         else np.array([labels.index(values[i]) for i in known], dtype=int))
    n_classes = len(labels)
    folds = _target_folds(folds_all, known)
    if len(folds) < 2:
        raise TrainingDataError(f"Target {name!r}: its records fall into {len(folds)} fold(s); cross-validation needs "
                                f"at least 2 (give more groups, or another --split-column).")
    tried: dict[str, dict[str, Any]] = {}
    best, best_name, best_oof = None, "", None
    for head_name in candidates:
        elapsed = time.perf_counter() - started
        cost = max((t["seconds"] for t in tried.values()), default=0.0)
        if tried and elapsed + cost > budget:
            tried[head_name] = {"skipped": f"the --time-budget of {budget:.0f} s would be exceeded"}
            continue
        say(f"{name}: cross-validating the {head_name} head on {len(folds)} folds")
        clock = time.perf_counter()
        oof = _cross_validate(head_name, task, x, y, folds, n_classes, seed, threads)
        scores = regression(y, oof) if task == "regression" else classification(y, oof)
        tried[head_name] = {**scores, "seconds": round(time.perf_counter() - clock, 2)}
        if better(task, scores, best):
            best, best_name, best_oof = scores, head_name, oof
    assert best is not None and best_oof is not None
    say(f"{name}: {best_name} chosen; random-split check, calibration and learning curve")
    random_split = random_folds(len(y), seed=seed, labels=list(y) if task == "classification" else None)
    random_oof = _cross_validate(best_name, task, x, y, random_split, n_classes, seed, threads)
    figures: dict[str, Any] = {"task": task, "head": best_name, "records": int(len(y)), "heads": tried,
                               "scaffold_or_group_split": best,
                               "random_split": regression(y, random_oof) if task == "regression"
                               else classification(y, random_oof)}
    similarity = similarity_all[known]
    inside = similarity >= threshold
    if task == "regression":
        residuals = np.abs(y - best_oof)
        trust[f"residuals/{name}"] = residuals
        figures["interval_coverage"] = _cross_fitted_coverage(residuals, folds)
        figures["oof"] = {"y": y.tolist(), "predicted": best_oof.tolist()}
        errors = residuals
    else:
        maps = isotonic_calibrators(best_oof, y, n_classes)
        for k, (bx, by) in enumerate(maps):
            trust[f"isotonic/{name}/{k}/x"], trust[f"isotonic/{name}/{k}/y"] = bx, by
        trust[f"conformal/{name}/scores"], trust[f"conformal/{name}/labels"] = best_oof, y
        figures["calibrated"] = _cross_fitted_calibration(best_oof, y, folds, n_classes)
        figures["set_coverage"], figures["mean_set_size"] = _cross_fitted_sets(best_oof, y, folds)
        figures["oof"] = {"y": y.tolist(), "score": best_oof[:, -1].tolist() if n_classes == 2 else []}
        errors = (best_oof.argmax(axis=1) != y).astype(float)
    figures["domain"] = {"in_domain": int(inside.sum()), "out_of_domain": int((~inside).sum()),
                         "error_in": float(errors[inside].mean()) if inside.any() else None,
                         "error_out": float(errors[~inside].mean()) if (~inside).any() else None,
                         "error": "absolute error" if task == "regression" else "error rate"}
    if figures["domain"]["error_in"] and figures["domain"]["error_out"] is not None:
        figures["domain"]["ratio"] = figures["domain"]["error_out"] / figures["domain"]["error_in"]
    figures["learning_curve"] = _learning_curve(best_name, task, x, y, folds, n_classes, seed, best_oof)
    say(f"{name}: final {best_name} fit on {len(y)} records")
    head = make_head(best_name, task, n_classes, seed).fit(x, y)
    path = head.save(writer.path(f"heads/{_safe(name)}"))
    entry = {"name": name, "task": task, "unit": unit if task == "regression" else "", "labels": labels,
             "head": {"name": best_name, "library": head.library, "file": path.relative_to(writer.folder).as_posix(),
                      "params": _json_safe(head.params()), "versions": head.versions()}}
    return entry, figures


def _cross_fitted_coverage(residuals: np.ndarray, folds: Folds, coverage: float = COVERAGE) -> float:
    """Held-out coverage of the conformal interval: each fold judged by a quantile of the others'
    residuals (crepes' split-conformal quantile), so the figure is not measured on its own calibration."""
    from crepes import ConformalRegressor

    hits = 0
    for train_rows, test_rows in folds:
        interval = ConformalRegressor().fit(residuals=residuals[train_rows]).predict_int(
            y_hat=np.zeros(len(test_rows)), confidence=coverage)
        hits += int(np.sum(residuals[test_rows] <= interval[:, 1]))
    return hits / len(residuals)


def _cross_fitted_calibration(scores: np.ndarray, y: np.ndarray, folds: Folds, n_classes: int) -> dict[str, float]:
    probabilities = np.zeros_like(scores)
    for train_rows, test_rows in folds:
        probabilities[test_rows] = calibrated(scores[test_rows], isotonic_calibrators(scores[train_rows], y[train_rows],
                                                                                      n_classes))
    return classification(y, probabilities)


def _cross_fitted_sets(scores: np.ndarray, y: np.ndarray, folds: Folds) -> tuple[float, float]:
    hits, sizes = 0, 0
    for train_rows, test_rows in folds:
        sets = conformal_sets(conformal_classifier(scores[train_rows], y[train_rows]), scores[test_rows], COVERAGE)
        hits += int(sets[np.arange(len(test_rows)), y[test_rows]].sum())
        sizes += int(sets.sum())
    return hits / len(y), sizes / len(y)


def _learning_curve(head_name: str, task: str, x: np.ndarray, y: np.ndarray, folds: Folds, n_classes: int,
                    seed: int, held_out: np.ndarray) -> list[dict[str, float]]:
    """Held-out error when the head learns from a share of each training fold (the first 3 folds, to
    save time; the whole share is the cross-validation already run)."""
    rng = np.random.default_rng(seed)
    curve = []
    for fraction in CURVE_FRACTIONS:
        truth, predicted, sizes = [], [], []
        for train_rows, test_rows in folds[:3]:
            part = rng.permutation(train_rows)[: max(10, int(len(train_rows) * fraction))]
            if task == "classification" and len(np.unique(y[part])) < 2:
                continue
            if fraction == 1.0:
                predicted.append(held_out[test_rows])
            else:
                head = make_head(head_name, task, n_classes, seed).fit(x[part], y[part])
                predicted.append(_aligned(head, head.predict(x[test_rows]), y[part], n_classes))
            truth.append(y[test_rows])
            sizes.append(len(part))
        if not truth:
            continue
        y_true, y_pred = np.concatenate(truth), np.concatenate(predicted)
        figures = regression(y_true, y_pred) if task == "regression" else classification(y_true, y_pred)
        key = "rmse" if task == "regression" else "log_loss"
        curve.append({"fraction": fraction, "records": int(np.mean(sizes)), key: figures[key]})
    return curve


def _store_domain(trust: dict[str, Any], domain) -> None:
    if domain.metric == "tanimoto":
        trust["domain/reference"] = np.packbits(domain.reference.astype(np.uint8), axis=1)
        trust["domain/width"] = np.array(domain.reference.shape[1])
    else:
        trust["domain/reference"] = domain.reference.astype(np.float32)
        trust["domain/center"] = domain.center
    trust["domain/threshold"] = np.array(domain.threshold)


def _manifest(name: str, spec: FeaturizerSpec, featurizer, x: np.ndarray, data: Labelled, rows: list[int],
              targets: list[dict[str, Any]], folds: Folds, split_note: str, license: str, commercial_use: bool,
              summary: str, source: Path) -> dict[str, Any]:
    heads = sorted({f"{t['head']['library']}" for t in targets})
    head_licences = {"LightGBM": "MIT (LightGBM)", "scikit-learn": "BSD-3-Clause (scikit-learn, skl2onnx: Apache-2.0)"}
    fingerprint = hashlib.sha256()
    for i in rows:
        fingerprint.update(json.dumps([str(data.values[i]), *(data.targets[t][i] for t in data.targets)],
                                      default=str).encode())
        fingerprint.update(b"\n")
    return {
        "schema_version": SCHEMA_VERSION, "name": name, "version": datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S"),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "hub_version": __version__,
        "summary": summary or f"{', '.join(data.tasks[t] + ' of ' + t for t in data.targets)}, trained on "
                              f"{len(rows)} records of {source.name}",
        "featurizer": {"id": spec.id, "input_kind": spec.input_kind, "factory": spec.factory, "summary": spec.summary,
                       "license": spec.license, "commercial_use": spec.commercial_use, "requires": list(spec.requires),
                       "install_hint": spec.install_hint, "options": featurizer.options,
                       "versions": featurizer.versions(), "features": int(x.shape[1]),
                       "domain_metric": featurizer.domain_metric},
        "targets": targets,
        "citation": "; ".join([f"Trained with hub train (Specialist Hub {__version__}) on the owner's data",
                               *(CITATIONS[h] for h in heads),
                               "conformal prediction: crepes (Boström, COPA 2022)"]),
        "split": {"method": split_note, "folds": len(folds)},
        "data": {"source": source.name, "records": len(rows), "sha256": fingerprint.hexdigest(),
                 "dropped": data.dropped_counts()},
        "license": {"text": f"model and data: {license or 'unstated (the data owner’s terms apply)'}; featuriser: "
                            f"{spec.license}; heads: {'; '.join(head_licences[h] for h in heads)}",
                    "user": license, "commercial_use": bool(commercial_use and spec.commercial_use)},
    }


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "target"


def _json_safe(params: dict[str, Any]) -> dict[str, Any]:
    safe = {}
    for key, value in params.items():
        if isinstance(value, (np.integer, np.floating)):
            value = value.item()
        elif isinstance(value, np.ndarray):
            value = value.tolist()
        if isinstance(value, float) and not np.isfinite(value):
            value = None
        safe[key] = value if isinstance(value, (str, int, float, bool, list, type(None))) else repr(value)
    return safe
