"""A trained model on disk: a folder that loads without unpickling anything.

``manifest.json`` describes the model (schema version; featuriser and heads with their libraries'
versions and parameters; targets, units and labels; the training data's fingerprint) and lists the
sha256 of every other file. Heads are LightGBM text models or ONNX graphs; trust data and the
applicability domain's reference set are one ``trust.npz`` read with ``allow_pickle=False``; the
card and metrics are Markdown and JSON. A file whose hash differs is refused with both hashes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError, WeightsError
from ..weights import sha256_of, verify_file

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
MODELS_DIR_ENV = "HUB_MODELS_DIR"
#: What ``--name`` may be: it becomes the id ``user/NAME`` and a folder name.
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")


def models_dir() -> Path:
    """Where ``hub train`` writes models: ``$HUB_MODELS_DIR``, else the user data folder (platformdirs)."""
    if os.environ.get(MODELS_DIR_ENV):
        return Path(os.environ[MODELS_DIR_ENV]).expanduser()
    try:
        from platformdirs import user_data_dir
    except ImportError:  # registration must work without the train extra: the XDG default
        return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "specialist-hub" / "models"
    return Path(user_data_dir("specialist-hub", appauthor=False)) / "models"


def trained_model_folders(root: Path | None = None) -> list[Path]:
    """The folders of the models ``hub train`` wrote under ``root`` (default :func:`models_dir`), by
    name: each holds a manifest; dot folders (caches, a model being written) are not models."""
    root = models_dir() if root is None else root
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file())


def check_name(name: str) -> str:
    if not NAME.match(name or ""):
        raise UsageError(f"Model name {name!r} must be lower-case letters, digits, '-', '_' or '.' (at most 63), "
                         f"starting with a letter or digit, e.g. --name my-assay.")
    return name


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WeightsError(f"{folder}: no readable {MANIFEST} ({exc}); retrain the model with hub train --force.") from None
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise WeightsError(f"{folder}: artifact schema {manifest.get('schema_version')!r}, this hub reads "
                           f"{SCHEMA_VERSION}; retrain the model with this hub version.")
    return manifest


def verify_folder(folder: Path, manifest: dict[str, Any], model_id: str) -> None:
    """Refuse the artifact if any file it lists is missing or differs from its recorded sha256 (checked
    as shipped weights are: hashed once, then by size and modification time)."""
    for relative, expected in manifest["files"].items():
        path = folder / relative
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            raise WeightsError(f"{model_id}: the manifest names a file outside the model folder ({relative}).")
        if not path.is_file():
            raise WeightsError(f"{model_id}: {relative} is missing from {folder}; retrain or restore the model.")
        verify_file(path, expected, model_id, remedy="retrain or restore the model")


@dataclass
class ArtifactWriter:
    """Builds an artifact in a temporary folder beside its destination and moves it into place at
    the end, so a killed training run never leaves a half-written model that lists and fails."""

    destination: Path

    def __post_init__(self) -> None:
        self.destination.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.destination.name}-", dir=self.destination.parent))

    def path(self, relative: str) -> Path:
        path = self.folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write_json(self, relative: str, data: Any) -> Path:
        path = self.path(relative)
        path.write_text(json.dumps(data, indent=2, allow_nan=False, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    def commit(self, manifest: dict[str, Any], replace: bool) -> Path:
        files = sorted(p for p in self.folder.rglob("*") if p.is_file())
        manifest["files"] = {p.relative_to(self.folder).as_posix(): sha256_of(p) for p in files}
        self.write_json(MANIFEST, manifest)
        if self.destination.exists():
            if not replace:
                self.discard()
                raise UsageError(f"{self.destination} appeared while training; train again with --force to replace it.")
            old = self.destination.with_name(f".{self.destination.name}-old-{os.getpid()}")
            os.replace(self.destination, old)
            os.replace(self.folder, self.destination)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(self.folder, self.destination)
        return self.destination

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
