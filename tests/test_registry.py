import json
import subprocess
import sys
import textwrap

import pytest
from hub_test_plugins import BrokenPlugin, DuplicatePlugin, LengthPlugin, text_spec

from specialist_hub import hookimpl
from specialist_hub.errors import (
    DuplicateModelError,
    InvalidSpecError,
    MissingDependencyError,
    UnknownDomainError,
    UnknownModelError,
)
from specialist_hub.registry import Registry
from specialist_hub.spec import OutputField

HEAVY = ("torch", "transformers", "diffusers", "torchaudio", "rdkit", "onnxruntime", "cv2")


def renderer_plugin(name, **marks):
    """A plugin (of class ``name``) that registers the renderer ``name:draw`` with the hookimpl marks given."""

    def register_renderers(self, register):
        register("text", f"{name}:draw")

    return type(name, (), {"register_renderers": hookimpl(**marks)(register_renderers)})()


def test_hooks_are_called_through_pluggy_in_plugin_order_tryfirst_first_and_each_failure_is_its_own():
    class Broken:
        @hookimpl
        def register_renderers(self, register):
            raise RuntimeError("renderer registration failed")

    class Wrapped:
        """A new-style wrapper around its plugin's own implementation: it runs only if pluggy calls it."""

        @hookimpl(specname="register_renderers", wrapper=True)
        def around(self, register):
            register("text", "wrapped:before")
            result = yield
            register("text", "wrapped:after")
            return result

        @hookimpl
        def register_renderers(self, register):
            register("text", "wrapped:draw")

    plugins = [renderer_plugin("late", trylast=True), renderer_plugin("plain"), Broken(), Wrapped(),
               renderer_plugin("early", tryfirst=True)]
    registry = Registry(plugins, entry_points=False)
    assert [render for _, render in registry.renderers] == [
        "early:draw", "plain:draw", "wrapped:before", "wrapped:draw", "wrapped:after", "late:draw"]
    assert "renderer registration failed" in registry.plugins["Broken"].error
    assert registry.plugins["plain"].ok and registry.plugins["Wrapped"].ok


def test_models_are_registered_and_defaults_resolved():
    registry = Registry([LengthPlugin()], entry_points=False)
    assert registry.default_model("test").id == "test/length"
    assert registry.model_plugin["test/length"] == "LengthPlugin"
    assert next(s.id for s in registry.list_models("test")) == "test/length"


def test_unknown_model_suggests_close_matches():
    registry = Registry([LengthPlugin()], entry_points=False)
    with pytest.raises(UnknownModelError, match="Did you mean: test/length"):
        registry.get("test/lenght")


def test_unknown_domain_lists_known_domains():
    registry = Registry([LengthPlugin()], entry_points=False)
    with pytest.raises(UnknownDomainError, match="test"):
        registry.list_models("astronomy")


def test_duplicate_ids_are_an_error_naming_both_plugins():
    registry = Registry([LengthPlugin(), DuplicatePlugin()], entry_points=False)
    with pytest.raises(DuplicateModelError, match="DuplicatePlugin.*LengthPlugin"):
        registry.get("test/length")
    assert "DuplicatePlugin" in registry.plugins["LengthPlugin"].warnings[0]
    assert registry.plugins["LengthPlugin"].ok  # one shared id does not fail the plugin's other models
    assert "test/length" not in registry.plugins["LengthPlugin"].models
    assert registry.get("test/wrong").id == "test/wrong"  # the rest still works


def test_failing_registration_is_reported_and_others_keep_working():
    registry = Registry([BrokenPlugin(), LengthPlugin()], entry_points=False)
    assert "registration failed on purpose" in registry.plugins["BrokenPlugin"].error
    assert "test/first-of-broken" not in registry.specs
    assert registry.get("test/length")


def test_missing_dependency_gives_the_install_hint():
    registry = Registry([LengthPlugin()], entry_points=False)
    spec = registry.get("test/needs-missing")
    assert registry.missing_requirements(spec) == ["no_such_module_xyz"]
    with pytest.raises(MissingDependencyError, match=r'pip install "specialist-hub\[xyz\]"'):
        registry.load(spec.id)


def test_load_caches_one_instance_per_options():
    registry = Registry([LengthPlugin()], entry_points=False)
    assert registry.load("test/length") is registry.load("test/length")
    assert registry.load("test/length", scale=2) is not registry.load("test/length")


@pytest.mark.parametrize("bad", [dict(id="NoSlash"), dict(factory="nocolon"),
                                 dict(outputs=(OutputField("x", "complex", "?"),))])
def test_malformed_specs_are_rejected(bad):
    with pytest.raises(InvalidSpecError):
        text_spec(**bad)


def _run_hub(args, env_extra=None, pythonpath=None, tmp_path=None):
    """Run ``hub ARGS`` in a fresh interpreter and report which heavy modules it imported."""
    code = textwrap.dedent(f"""
        import atexit, json, sys
        atexit.register(lambda: sys.stderr.write("HEAVY=" + json.dumps(
            [m for m in {HEAVY!r} if m in sys.modules]) + "\\n"))
        from specialist_hub.cli import main
        sys.argv = ["hub", *{list(args)!r}]
        main()
    """)
    import os

    env = {**os.environ, **(env_extra or {})}
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    heavy = json.loads(result.stderr.rsplit("HEAVY=", 1)[1].splitlines()[0])
    return result, heavy


@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["plugins"], ["info", "chemistry/descriptors"]])
def test_discovery_commands_import_no_heavy_library(args):
    result, heavy = _run_hub(args)
    assert result.returncode == 0, result.stderr
    assert heavy == []


def test_builtin_plugins_are_found_through_entry_points():
    result, _ = _run_hub(["plugins", "--json"])
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    for name in ("chemistry", "biology", "vision", "audio", "template"):
        assert plugins[name]["ok"], plugins[name]["error"]
        assert plugins[name]["models"]


def test_broken_entry_point_is_reported_and_the_rest_work(broken_distribution):
    result, _ = _run_hub(["plugins", "--json"], pythonpath=broken_distribution)
    plugins = {p["name"]: p for p in json.loads(result.stdout)}
    assert plugins["broken"]["ok"] is False
    assert 'Error importing plugin "broken"' in plugins["broken"]["error"]
    assert "broken on purpose" in plugins["broken"]["error"]
    assert plugins["chemistry"]["ok"]
    listing, _ = _run_hub(["list"], pythonpath=broken_distribution)
    assert "chemistry/descriptors" in listing.stdout
    assert 'Error importing plugin "broken"' in listing.stderr


def test_env_switches_allow_and_block_plugins():
    only, _ = _run_hub(["plugins", "--json"], env_extra={"HUB_PLUGINS": "chemistry"})
    assert [p["name"] for p in json.loads(only.stdout)] == ["chemistry"]
    blocked, _ = _run_hub(["plugins", "--json"], env_extra={"HUB_DISABLE_PLUGINS": "chemistry,vision"})
    names = {p["name"] for p in json.loads(blocked.stdout)}
    assert "chemistry" not in names and "vision" not in names and "biology" in names
