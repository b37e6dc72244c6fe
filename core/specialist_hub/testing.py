"""Conformance helpers for a plugin's own pytest suite.

    from specialist_hub.testing import assert_plugin_conforms

    def test_my_plugin_conforms():
        assert_plugin_conforms("my_plugin")   # the entry-point name

Failures raise AssertionError with the expected and actual values and the tolerance.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

from .cards import check_card_folder
from .conformance import check_model, run_example
from .kit import SpecFamily
from .registry import Registry, get_registry

#: The hub's own dependencies: every hub command loads them anyway.
HUB_DEPENDENCIES = ("click", "pluggy")


def assert_examples_pass(model_id: str, registry: Registry | None = None) -> None:
    """Run the model's examples; fail with every mismatch (expected, actual, tolerance)."""
    registry = registry or get_registry()
    results = check_model(registry, registry.get(model_id))
    failures = [r for r in results if r.status in ("fail", "error")]
    if failures:
        lines = [f"{r.model} example {r.example}: {r.status}: {r.message}" for r in failures]
        lines += [f"    {m}" for r in failures for m in r.mismatches]
        raise AssertionError("\n".join(lines))
    if all(r.status == "unavailable" for r in results):
        raise AssertionError(f"{model_id} could not be checked: {results[0].message}")


def assert_deterministic(model_id: str, registry: Registry | None = None) -> None:
    """Two runs on each example input give identical outputs (for specs declaring determinism)."""
    registry = registry or get_registry()
    spec = registry.get(model_id)
    if not spec.deterministic:
        return
    for example in spec.examples:
        model = registry.load(model_id, device="cpu", **dict(example.options))
        first, second = (run_example(model, example) for _ in range(2))
        assert first.to_dict() == second.to_dict(), f"{model_id} gave different outputs for {example.input!r}"


def assert_trust_fields(model_id: str, registry: Registry | None = None) -> None:
    """A model declaring intervals returns ``low <= value <= high`` on its examples, and one declaring
    an applicability domain a verdict that agrees with its similarity (or distance) and threshold."""
    registry = registry or get_registry()
    spec = registry.get(model_id)
    if not (spec.intervals or spec.applicability_domain):
        return
    for example in spec.examples:
        output = run_example(registry.load(model_id, device="cpu", **dict(example.options)), example).output or {}
        for name in spec.intervals:
            if output.get(name) is not None:
                low, high = output[f"{name}_low"], output[f"{name}_high"]
                assert low <= output[name] <= high, f"{model_id}: {name} {output[name]} outside [{low}, {high}]"
        if spec.applicability_domain and output:
            value, threshold = output[spec.domain_field], output["domain_threshold"]
            verdict = value >= threshold if spec.domain_measure == "similarity" else value <= threshold
            assert output["in_domain"] is verdict, f"{model_id}: in_domain disagrees with its {spec.domain_measure}"


def assert_registration_is_light(entry_point_module: str, forbidden: Iterable[str] | None = None) -> None:
    """Importing the plugin module and registering it (as ``hub list`` does, in a fresh interpreter)
    loads no library that would slow every hub command.

    By default every third-party module counts: anything outside the standard library, the hub
    and its own dependencies, and the plugin's own package. ``forbidden`` names the top-level
    modules to refuse instead (e.g. ``["torch", "numpy"]``) when a light library may load.
    """
    code = textwrap.dedent(f"""
        import importlib, json, sys
        from specialist_hub.registry import Registry
        before = set(sys.modules)
        Registry([importlib.import_module({entry_point_module!r})], entry_points=False)
        print(json.dumps(sorted({{name.partition(".")[0] for name in set(sys.modules) - before}})))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    if forbidden is None:
        own = entry_point_module.partition(".")[0]
        heavy = [name for name in loaded if name not in sys.stdlib_module_names and name != own
                 and not name.startswith("specialist_hub") and name not in HUB_DEPENDENCIES]
    else:
        refused = {name.partition(".")[0] for name in forbidden}
        heavy = [name for name in loaded if name in refused]
    assert not heavy, (f"{entry_point_module} imports {', '.join(heavy)} at registration; import "
                       f"{'them' if len(heavy) > 1 else 'it'} inside the model module that the spec's factory "
                       f"names (loaded only when the model is used), or pass forbidden=[...] to allow a light "
                       f"library")


def assert_cards_belong(plugin_name: str, registry: Registry | None = None) -> None:
    """The plugin loaded (so every card file its families read was there and checked), and every card
    file in its families' ``cards`` folders belongs to one of its registered models."""
    registry = registry or get_registry()
    info = registry.plugins.get(plugin_name)
    assert info is not None, f"no plugin named {plugin_name!r}; installed: {', '.join(registry.plugins)}"
    assert info.ok, info.error
    module = importlib.import_module(info.module.split(":")[0])
    folders = {family.cards for family in vars(module).values() if isinstance(family, SpecFamily) and family.cards}
    for folder in folders:
        check_card_folder(folder, info.models)


def assert_plugin_conforms(plugin_name: str, registry: Registry | None = None,
                           forbidden: Iterable[str] | None = None) -> None:
    """The plugin loaded without error, registers models, imports nothing heavy at registration
    (see :func:`assert_registration_is_light` for ``forbidden``), has no card file of no model
    (:func:`assert_cards_belong`), and every model passes its
    examples (and is deterministic where it says so)."""
    registry = registry or get_registry()
    info = registry.plugins.get(plugin_name)
    assert info is not None, f"no plugin named {plugin_name!r}; installed: {', '.join(registry.plugins)}"
    assert info.ok, info.error
    assert info.models, f"plugin {plugin_name!r} registers no models"
    assert_registration_is_light(info.module.split(":")[0], forbidden)
    assert_cards_belong(plugin_name, registry)
    for model_id in info.models:
        assert_examples_pass(model_id, registry)
        assert_deterministic(model_id, registry)
        assert_trust_fields(model_id, registry)


def trained_predictions(model_id: str, inputs: Iterable[object], **options: object) -> list:
    """Predictions of a model ``hub train`` wrote, through a fresh registry built from the entry points,
    as a new ``hub predict -m user/NAME`` process finds it in ``$HUB_MODELS_DIR``: the round trip a
    plugin's training test checks."""
    return list(Registry().load(model_id, device="cpu", **options).predict(list(inputs)))


def served_predictions(model_id: str, inputs: Iterable[object] = (), files: Iterable[str] = ()) -> list[dict]:
    """The JSON records ``hub serve --models MODEL_ID`` answers for ``inputs`` (sent as JSON values) or
    ``files`` (uploaded, as a client sends media), from an app on a fresh registry: the serving end of
    a trained model's round trip. Fails with the response when it is not 200."""
    from pathlib import Path

    from fastapi.testclient import TestClient

    from .server import ServeSettings, create_app

    client = TestClient(create_app(ServeSettings(models=(model_id,)), Registry()), base_url="http://127.0.0.1")
    path, uploads = f"/models/{model_id}/predict", [Path(file) for file in files]
    response = (client.post(path, files=[("files", (p.name, p.read_bytes())) for p in uploads]) if uploads
                else client.post(path, json={"inputs": list(inputs)}))
    assert response.status_code == 200, f"{response.status_code}: {response.text}"
    return response.json()


@contextlib.contextmanager
def trained_models_folder(folder: Path) -> Iterator[Path]:
    """``HUB_MODELS_DIR`` (and the weights cache) in ``folder`` while the block runs, so a test's
    trained models never touch the user's own; the variables are restored afterwards."""
    names = {"HUB_MODELS_DIR": folder, "HUB_CACHE_DIR": folder / ".cache"}
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: str(value) for name, value in names.items()})
    try:
        yield folder
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
