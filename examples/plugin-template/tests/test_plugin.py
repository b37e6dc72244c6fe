from specialist_hub.testing import assert_plugin_conforms


def test_plugin_conforms():
    """Found through its entry point, light to register, and every example passes."""
    assert_plugin_conforms("template")
