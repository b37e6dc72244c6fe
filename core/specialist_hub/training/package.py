"""``hub package``: a trained model as a plugin wheel that ``pip install`` makes appear elsewhere.

The wheel holds one package: a plugin module whose ``register_models`` hook registers the artifact
under a plugin id (``chemistry/my-assay`` by default, never ``user/``, so it cannot collide with the
model it came from), the artifact folder with every file declared as packaged weights (the core
verifies each sha256 before first use; the manifest's own hash is written into the plugin module),
and the card as the package's README. It is built with the standard wheel layout (PEP 427) and
RECORD hashes, so no build backend or network is needed.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from ..errors import UsageError
from ..registry import get_registry
from ..spec import MODEL_ID
from ..version import __version__
from .artifact import MANIFEST, models_dir, read_manifest, verify_folder

PLUGIN_MODULE = '''"""Specialist Hub plugin carrying the trained model {model_id} (built by hub package)."""

import json
from pathlib import Path

from specialist_hub import hookimpl
from specialist_hub.training.plugin import artifact_spec

MODEL_ID = {model_id!r}
#: sha256 of artifact/manifest.json, which lists the sha256 of every other artifact file.
MANIFEST_SHA256 = {manifest_sha!r}


@hookimpl
def register_models(register):
    manifest = json.loads((Path(__file__).parent / "artifact" / "manifest.json").read_text(encoding="utf-8"))
    register(artifact_spec({{**manifest, "manifest_sha256": MANIFEST_SHA256}}, MODEL_ID, package=__name__))
'''


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(model_id: str, output: str | Path, *, plugin_id: str | None = None, version: str = "1.0.0") -> Path:
    """Write ``<output>/<distribution>-<version>-py3-none-any.whl`` for the trained ``user/NAME``."""
    if not model_id.startswith("user/"):
        raise UsageError(f"hub package takes a trained model (user/NAME), got {model_id!r}; see hub list --domain user.")
    get_registry().get(model_id)  # an unknown name gets the registry's close matches
    name = model_id.split("/", 1)[1]
    folder = models_dir() / name
    manifest = read_manifest(folder)
    verify_folder(folder, manifest, model_id)  # never ship a damaged artifact
    plugin_id = plugin_id or f"{manifest['featurizer']['id'].split('/', 1)[0]}/{name}"
    if not MODEL_ID.match(plugin_id) or plugin_id.startswith("user/"):
        raise UsageError(f"--id {plugin_id!r} must look like 'domain/name' (lower case) and not be in user/.")
    if not re.fullmatch(r"\d+(\.\d+){0,3}", version):
        raise UsageError(f"--version {version!r} must be a release number such as 1.0.0.")
    package = "hub_model_" + re.sub(r"[^a-z0-9]+", "_", plugin_id.lower()).strip("_")
    distribution = package.replace("_", "-")
    card = (folder / "card.md").read_text(encoding="utf-8")
    files: dict[str, bytes] = {f"{package}/__init__.py": PLUGIN_MODULE.format(
        model_id=plugin_id, manifest_sha=hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest()).encode()}
    for relative in [MANIFEST, *manifest["files"]]:
        files[f"{package}/artifact/{relative}"] = (folder / relative).read_bytes()
    dist_info = f"{package}-{version}.dist-info"
    metadata = "\n".join([
        "Metadata-Version: 2.1", f"Name: {distribution}", f"Version: {version}",
        f"Summary: Specialist Hub model {plugin_id}: {manifest['summary']}"[:200],
        f"License: {manifest['license']['text']}"[:500].replace("\n", " "),
        f"Requires-Dist: specialist-hub[train]>={__version__}", "Description-Content-Type: text/markdown", "", card])
    files[f"{dist_info}/METADATA"] = metadata.encode()
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: specialist-hub\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{dist_info}/entry_points.txt"] = f"[specialist_hub]\n{package} = {package}\n".encode()
    files[f"{dist_info}/top_level.txt"] = f"{package}\n".encode()
    record = [f"{path},{_record_hash(data)},{len(data)}" for path, data in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    target_dir = Path(output)
    target_dir.mkdir(parents=True, exist_ok=True)
    wheel = target_dir / f"{package}-{version}-py3-none-any.whl"
    with (tempfile.NamedTemporaryFile(dir=target_dir, suffix=".part", delete=False) as handle,
          zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive):
        for path, data in files.items():
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, data)
    shutil.move(handle.name, wheel)
    return wheel
