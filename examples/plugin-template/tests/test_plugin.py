"""The plugin's tests: the hub's conformance checks, and what a bad input does."""

from specialist_hub import load
from specialist_hub.testing import assert_plugin_conforms


def test_plugin_conforms():
    """Found through its entry point, light to register, and every example passes."""
    assert_plugin_conforms("template")


def test_a_bad_input_fails_only_its_own_record():
    model = load("text/flesch-reading-ease", device="cpu")
    good, bad = model.predict([model.spec.examples[0].input, "1234 5678"])
    assert good.ok
    assert not bad.ok and bad.error["type"] == "InputError", bad.error
