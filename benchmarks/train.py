"""hub train against the practitioner's way, per domain, in one run (issues 28 and 30).

``--part chem``:

Delaney's 1,128 measured solubilities (plugins/chemistry/tests/data/delaney.csv) are split by
chemprop's own balanced scaffold split (``make_split_indices(..., "scaffold_balanced", (0.8, 0.1,
0.1))``). ``chemprop train`` (its defaults: a D-MPNN, 50 epochs, early model selection on the
validation part) learns from the train and validation parts; ``hub train`` (defaults: RDKit
descriptors + Morgan counts, the head chosen by scaffold-grouped cross-validation, trust data)
learns from the same records. Both predict the held-out test scaffolds. Prints test RMSE/R² and the
wall time of each training command, and hub's time as a share of chemprop's.

``--part bio,vision,audio,video``: one data set per domain, trained by ``hub train -d DOMAIN`` with
its defaults, and compared with scikit-learn's LogisticRegression (standardised features) on the
same features over the same folds (the featuriser and splitter hub train used, read back from its
manifest), the way a practitioner would start. Both report held-out (out-of-fold) AUROC, accuracy,
balanced accuracy and the coverage of 90 % conformal prediction sets (for the baseline: the same
split-conformal code on its out-of-fold probabilities, each fold calibrated on the others).
- bio: modlAMP's AMPvsUniProt (5,200 peptides, AMP vs UniProt), identity-cluster split;
- vision: scikit-image's lfw_subset, 100 faces vs 100 non-faces, as class folders;
- audio: the espeak-ng voices of plugins/audio/tests/data/voices (3 voices x 8 sentences), grouped by sentence;
- video: generated two-class clips (specialist_hub_video.synthetic.write_class_clips), half with speech.
Usage: python benchmarks/train.py [--part chem|bio|vision|audio|video|all|a,b] [--seed 0] [--device cpu|cuda]
       [--workdir DIR] [--video-clips N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DELANEY = ROOT / "plugins" / "chemistry" / "tests" / "data" / "delaney.csv"
TARGET = "measured_log_solubility"
VOICES = ROOT / "plugins" / "audio" / "tests" / "data" / "voices"
PARTS = ("chem", "bio", "vision", "audio", "video")


def scaffold_split(rows: list[dict], seed: int) -> tuple[list[int], list[int], list[int]]:
    from chemprop.data import make_split_indices
    from rdkit import Chem

    mols = [Chem.MolFromSmiles(row["smiles"]) for row in rows]
    train, val, test = make_split_indices(mols, "scaffold_balanced", (0.8, 0.1, 0.1), seed=seed)
    return list(train[0]), list(val[0]), list(test[0])


def write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["smiles", TARGET])
        writer.writeheader()
        writer.writerows({"smiles": r["smiles"], TARGET: r[TARGET]} for r in rows)
    return path


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def figures(measured: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    errors = predicted - measured
    return (float(np.sqrt(np.mean(errors ** 2))),
            1.0 - float(np.sum(errors ** 2) / np.sum((measured - measured.mean()) ** 2)))


HUB = [sys.executable, "-m", "specialist_hub"]


def hub_env(folder: Path) -> dict[str, str]:
    return {**os.environ, "HUB_MODELS_DIR": str(folder / "hub-models"), "HF_HUB_OFFLINE": "1"}


def chem_part(args: argparse.Namespace, folder: Path) -> None:
    rows = list(csv.DictReader(DELANEY.open()))
    train, val, test = scaffold_split(rows, args.seed)
    parts = {name: write(folder / f"{name}.csv", [rows[i] for i in idx])
             for name, idx in (("train", train), ("val", val), ("test", test))}
    write(folder / "train_val.csv", [rows[i] for i in train + val])
    env, hub = hub_env(folder), HUB
    hub_seconds = timed([*hub, "train", "-d", "chem", "-i", str(folder / "train_val.csv"), "-t", TARGET, "--name",
                         "bench", "--quiet", "--force", "--seed", str(args.seed)], env)
    subprocess.run([*hub, "predict", "-m", "user/bench", "-i", str(parts["test"]), "-o", str(folder / "hub.jsonl"),
                    "-q"], check=True, env=env)
    hub_predicted = np.array([json.loads(line)["output"][TARGET] for line in (folder / "hub.jsonl").open()])
    chemprop_out = folder / "chemprop"
    chemprop = [str(Path(sys.executable).with_name("chemprop")), "train", "-i", str(parts["train"]), str(parts["val"]),
                str(parts["test"]), "-s", "smiles", "--target-columns", TARGET, "-t", "regression", "-o",
                str(chemprop_out), "-n", "0", "--accelerator", "gpu" if args.device == "cuda" else "cpu",
                "--data-seed", str(args.seed), "--pytorch-seed", str(args.seed)]
    chemprop_seconds = timed(chemprop, env)
    predictions = sorted(chemprop_out.rglob("test_predictions.csv"))
    if not predictions:
        raise SystemExit(f"chemprop wrote no test_predictions.csv under {chemprop_out}")
    with predictions[0].open() as handle:
        chemprop_predicted = np.array([float(r[TARGET]) for r in csv.DictReader(handle)])
    measured = np.array([float(rows[i][TARGET]) for i in test])
    hub_rmse, hub_r2 = figures(measured, hub_predicted)
    cp_rmse, cp_r2 = figures(measured, chemprop_predicted)
    print(f"Delaney, chemprop scaffold_balanced split (seed {args.seed}): train {len(train)}, val {len(val)}, "
          f"test {len(test)}")
    print(f"{'':10} {'test RMSE':>10} {'test R²':>8} {'train s':>8}")
    print(f"{'hub train':10} {hub_rmse:10.3f} {hub_r2:8.3f} {hub_seconds:8.1f}")
    print(f"{'chemprop':10} {cp_rmse:10.3f} {cp_r2:8.3f} {chemprop_seconds:8.1f}")
    print(f"hub time / chemprop time: {hub_seconds / chemprop_seconds:.2f}x (target <= 0.25x); "
          f"RMSE hub / chemprop: {hub_rmse / cp_rmse:.2f} (target <= 1.00)")



# -- the other domains: hub train against logistic regression on the same features and folds --------

def bio_data(folder: Path, args: argparse.Namespace) -> tuple[list[str], str | None]:
    from modlamp.datasets import load_AMPvsUniProt

    data = load_AMPvsUniProt()
    path = folder / "amp.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "sequence", "label"])
        writer.writerows([f"p{i}", s, data.target_names[t]] for i, (s, t) in enumerate(zip(data.sequences, data.target)))
    return ["-i", str(path), "-t", "label"], "label"


def vision_data(folder: Path, args: argparse.Namespace) -> tuple[list[str], str | None]:
    from PIL import Image
    from skimage import data

    images = data.lfw_subset()
    root = folder / "faces"
    for label, start in (("face", 0), ("not-face", 100)):
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(start, start + 100):
            Image.fromarray((images[i] * 255).astype(np.uint8)).save(root / label / f"{i}.png")
    return ["-i", str(root)], None


def audio_data(folder: Path, args: argparse.Namespace) -> tuple[list[str], str | None]:
    return ["-i", str(VOICES / "voices.csv"), "-t", "voice", "--group-column", "sentence"], "voice"


def video_data(folder: Path, args: argparse.Namespace) -> tuple[list[str], str | None]:
    from specialist_hub_video.synthetic import write_class_clips

    root = write_class_clips(folder / "clips", args.video_clips, VOICES / "us-male-0.flac")
    return ["-i", str(root)], None


DATA = {"bio": bio_data, "vision": vision_data, "audio": audio_data, "video": video_data}
TITLES = {"bio": "modlAMP AMPvsUniProt", "vision": "lfw_subset faces vs non-faces",
          "audio": "espeak-ng voices (3 voices x 8 sentences)", "video": "generated still vs pan clips"}


def same_features_and_folds(manifest: dict, arguments: list[str], target: str | None, seed: int):
    """The features, labels and folds hub train used, recomputed with its own featuriser and split."""
    from specialist_hub.registry import get_registry
    from specialist_hub.training import trainer
    from specialist_hub.training.data import check_target, load_labelled
    from specialist_hub.training.features import make_featurizer

    registry = get_registry()
    spec = registry.featurizers[manifest["featurizer"]["id"]]
    featurizer = make_featurizer(spec, manifest["featurizer"].get("options") or {}, registry)
    options = dict(zip(arguments[::2], arguments[1::2]))
    data = load_labelled(Path(options["-i"]), registry.input_kind(spec.input_kind), [target] if target else [],
                         group_column=options.get("--group-column"))
    target = next(iter(data.targets))
    items, kept = trainer._parse(featurizer, data)
    order = trainer.deduplicate_parsed(data, featurizer, items, kept)
    rows = [kept[i] for i in order]
    x = trainer._featurise(featurizer, [items[i] for i in order], lambda message: None)
    folds, _ = trainer._folds(registry, spec, data, rows, seed)
    values = [data.targets[target][i] for i in rows]
    labels = check_target(target, "classification", values)
    known = np.array([i for i, v in enumerate(values) if v is not None])  # duplicates of conflicting labels: None
    return x[known], np.array([labels.index(values[i]) for i in known]), trainer._target_folds(folds, known)


def logistic_regression(x: np.ndarray, y: np.ndarray, folds, seed: int) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from specialist_hub.training.metrics import classification
    from specialist_hub.training.trainer import _cross_fitted_sets

    start = time.perf_counter()
    probabilities = np.zeros((len(y), int(y.max()) + 1))
    for train_rows, test_rows in folds:
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000, random_state=seed))
        model.fit(x[train_rows], y[train_rows])
        probabilities[np.ix_(test_rows, model.classes_)] = model.predict_proba(x[test_rows])
    figures = classification(y, probabilities)
    figures["set_coverage"], figures["mean_set_size"] = _cross_fitted_sets(probabilities, y, folds)
    figures["seconds"] = time.perf_counter() - start
    return figures


def domain_part(part: str, args: argparse.Namespace, folder: Path) -> None:
    folder = folder / part
    folder.mkdir(parents=True, exist_ok=True)
    arguments, target = DATA[part](folder, args)
    env = hub_env(folder)
    hub_seconds = timed([*HUB, "train", "-d", part, *arguments, "--name", part, "--quiet", "--force", "--seed",
                         str(args.seed)], env)
    model = Path(env["HUB_MODELS_DIR"]) / part
    metrics, manifest = (json.loads((model / name).read_text()) for name in ("metrics.json", "manifest.json"))
    figures = metrics[next(name for name in metrics if not name.startswith("_"))]
    os.environ["HUB_MODELS_DIR"] = env["HUB_MODELS_DIR"]
    start = time.perf_counter()
    x, y, folds = same_features_and_folds(manifest, arguments, target, args.seed)
    featurise_seconds = time.perf_counter() - start
    baseline = logistic_regression(x, y, folds, args.seed)
    hub = {**figures["scaffold_or_group_split"], "set_coverage": figures["set_coverage"],
           "mean_set_size": figures["mean_set_size"], "seconds": hub_seconds}
    print(f"\n{part}: {TITLES[part]}, {len(y)} records, {x.shape[1]} features ({manifest['featurizer']['id']}); "
          f"split: {metrics['_training']['split']}; hub head: {figures['head']}")
    print(f"{'':24} {'AUROC':>6} {'acc':>6} {'bal.acc':>7} {'90% set cov.':>12} {'set size':>8} {'train s':>8}")
    for name, row in (("hub train", hub), ("LogisticRegression", baseline)):
        print(f"{name:24} {row['roc_auc']:6.3f} {row['accuracy']:6.3f} {row['balanced_accuracy']:7.3f} "
              f"{row['set_coverage']:12.3f} {row['mean_set_size']:8.2f} {row['seconds']:8.1f}")
    print(f"(hub train s: the whole command, featurising included; LogisticRegression s: its {len(folds)} fold fits "
          f"on features computed once in {featurise_seconds:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", default="chem", help=f"comma-separated: {', '.join(PARTS)}, or all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="chemprop's accelerator")
    parser.add_argument("--workdir", help="keep the files here (default: a temporary folder)")
    parser.add_argument("--video-clips", type=int, default=15, choices=range(2, 201), metavar="2..200",
                        help="generated clips per class for the video part")
    args = parser.parse_args()
    parts = PARTS if args.part == "all" else tuple(p.strip() for p in args.part.split(","))
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown --part {', '.join(unknown)}; choose from {', '.join(PARTS)} or all")
    folder = Path(args.workdir or tempfile.mkdtemp(prefix="hub-train-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for part in parts:
        if part == "chem":
            chem_part(args, folder)
        else:
            domain_part(part, args, folder)


if __name__ == "__main__":
    main()
