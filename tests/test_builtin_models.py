"""Every built-in model keeps the promises of a model card, and listing them stays light."""

import pytest

from specialist_hub.registry import Registry

BUILTIN_PLUGINS = ("chemistry", "biology", "vision", "audio")
DEFAULT_MODELS = {"chemistry": "chemistry/descriptors", "biology": "biology/protein-properties",
                  "vision": "vision/ocr", "audio": "audio/vad"}
REGISTRY = Registry()
BUILTIN = [spec for spec in REGISTRY.list_models() if REGISTRY.model_plugin[spec.id] in BUILTIN_PLUGINS]


def test_each_domain_has_the_default_the_issues_name():
    for domain, model_id in DEFAULT_MODELS.items():
        assert REGISTRY.default_model(domain).id == model_id


@pytest.mark.parametrize("spec", BUILTIN, ids=lambda s: s.id)
def test_model_card_is_complete(spec):
    assert spec.license and spec.citation and spec.summary
    for section in ("intended_use", "training_data", "metrics", "limitations"):
        assert spec.card.get(section, "").strip(), f"{spec.id} card lacks {section}"
    assert spec.examples, f"{spec.id} ships no examples"
    assert all(example.reference for example in spec.examples), f"{spec.id}: say where expected values come from"
    for weights in spec.weights:
        assert len(weights.sha256) == 64 and weights.size > 0


@pytest.mark.parametrize("plugin", BUILTIN_PLUGINS)
def test_registration_imports_nothing_heavy(plugin):
    from specialist_hub.testing import assert_registration_is_light

    assert_registration_is_light(REGISTRY.plugins[plugin].module)
