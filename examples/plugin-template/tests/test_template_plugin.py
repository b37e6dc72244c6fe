from specialist_hub.conformance import check_model
from specialist_hub.registry import Registry


def test_examples_pass_through_entry_points():
    registry = Registry()
    spec = registry.get("text/flesch-reading-ease")
    assert registry.model_plugin[spec.id] == "template"
    assert all(result.status == "pass" for result in check_model(registry, spec))
