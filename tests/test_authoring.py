"""What a new plugin author runs into (issue 23): broken plugins, spec errors, numpy outputs,
light registration, weights helpers, and competing domain defaults."""

import hashlib
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner
from hub_test_plugins import BrokenPlugin, LengthPlugin, text_spec

from specialist_hub import Model, OutputField, SpecFamily, Weights, WeightsError, hookimpl
from specialist_hub.cli import main
from specialist_hub.defaults import choose_defaults, configured_defaults
from specialist_hub.errors import InvalidSpecError
from specialist_hub.registry import Registry
from specialist_hub.testing import assert_registration_is_light
from specialist_hub.weights import describe_file, weights_file

# -- 1. a plugin that fails to load --------------------------------------------------------------


def run_hub(args, pythonpath, plugins):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(pythonpath), os.environ.get("PYTHONPATH", "")]),
           "HUB_PLUGINS": plugins}
    return subprocess.run([sys.executable, "-m", "specialist_hub", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_a_broken_plugin_fails_the_check_and_is_named_where_its_model_is_asked_for(broken_distribution):
    """The installed plugin "broken" raises when its module is imported."""
    check = run_hub(["check"], broken_distribution, "broken,template")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "PASS" in check.stdout  # the working plugin is still checked
    assert "ERROR       plugin broken" in check.stdout and "broken on purpose" in check.stdout
    as_json = json.loads(run_hub(["check", "--json"], broken_distribution, "broken").stdout)
    assert as_json == [{"model": "", "example": 0, "status": "error", "plugin": "broken", "mismatches": [],
                        "message": as_json[0]["message"]}]
    predict = run_hub(["predict", "-m", "biology/primer-tm", "ACGT"], broken_distribution, "broken")
    assert predict.returncode == 2
    assert 'Error importing plugin "broken"' in predict.stderr and "broken on purpose" in predict.stderr


def test_a_plugin_whose_registration_fails_fails_a_domain_check(use_registry):
    use_registry(Registry([BrokenPlugin(), LengthPlugin()], entry_points=False))
    result = CliRunner().invoke(main, ["check", "--domain", "test"])
    assert result.exit_code == 1
    assert "plugin BrokenPlugin" in result.stdout and "registration failed on purpose" in result.stdout


# -- 2. required spec fields ---------------------------------------------------------------------


def test_a_spec_names_every_missing_required_field_at_once():
    with pytest.raises(InvalidSpecError) as error:
        SpecFamily("text", input_kind="text", install_hint="")("x", task="t", summary="s", factory="m:C",
                                                                outputs=(OutputField("a", "int", "A"),))
    assert "lacks 2 required field(s): license (" in str(error.value) and "; citation (" in str(error.value)
    with pytest.raises(InvalidSpecError, match="lacks 1 required field.*outputs"):
        text_spec(outputs=())


# -- 4. numpy values in outputs ------------------------------------------------------------------


class NumpyOutputs(Model):
    def forward(self, batch):
        return [{"letters": np.int64(len(word)), "upper": word.upper()} for word in batch]


class NumpyEverywhere(Model):
    def forward(self, batch):
        return [{"count": np.int32(3), "mean": np.float32(0.5), "zero_d": np.array(2.5), "flag": np.bool_(True),
                 "values": np.arange(3), "nested": {"best": [np.float64(1.0), np.int16(2)]}} for _ in batch]


def test_numpy_scalars_and_arrays_become_python_values():
    spec = text_spec("numpy", factory="test_authoring:NumpyEverywhere", outputs=(
        OutputField("count", "int", ""), OutputField("mean", "float", ""), OutputField("zero_d", "float", ""),
        OutputField("flag", "bool", ""), OutputField("values", "list", ""), OutputField("nested", "dict", "")))
    (prediction,) = NumpyEverywhere(spec, {}).predict(["ab"])
    assert prediction.ok, prediction.error
    assert prediction.output == {"count": 3, "mean": 0.5, "zero_d": 2.5, "flag": True, "values": [0, 1, 2],
                                 "nested": {"best": [1.0, 2]}}
    types = [type(v) for v in (*prediction.output.values(), *prediction.output["values"],
                               *prediction.output["nested"]["best"])]
    assert set(types) <= {int, float, bool, list, dict}
    (int64,) = NumpyOutputs(text_spec(), {}).predict(["abc"])
    assert int64.ok and type(int64.output["letters"]) is int


# -- 8. light registration -----------------------------------------------------------------------


@pytest.fixture
def numpy_plugin_module(tmp_path, monkeypatch):
    (tmp_path / "hub_plugin_numpy_at_top.py").write_text(textwrap.dedent("""
        import numpy
        from specialist_hub import hookimpl

        @hookimpl
        def register_models(register):
            pass
    """))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    return "hub_plugin_numpy_at_top"


def test_registration_may_load_no_third_party_module_by_default(numpy_plugin_module):
    with pytest.raises(AssertionError, match="imports numpy at registration"):
        assert_registration_is_light(numpy_plugin_module)
    assert_registration_is_light(numpy_plugin_module, forbidden=["torch", "sklearn"])
    with pytest.raises(AssertionError, match="numpy"):
        assert_registration_is_light(numpy_plugin_module, forbidden=["numpy.linalg"])


# -- 3. weights: locate, verify, describe --------------------------------------------------------


@pytest.fixture
def weights_package(tmp_path, monkeypatch):
    package = tmp_path / "hub_plugin_weighted"
    (package / "weights").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "weights" / "coefficients.json").write_text('{"slope": 2.0}')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "cache"))
    return package


def test_hub_weights_prints_the_entry_to_paste(weights_package):
    file = weights_package / "weights" / "coefficients.json"
    data = file.read_bytes()
    result = CliRunner().invoke(main, ["weights", str(file)])
    assert result.exit_code == 0, result.output
    printed = eval(result.stdout.strip(), {"Weights": Weights})  # the line is Python for a ModelSpec
    assert printed == Weights("coefficients.json", hashlib.sha256(data).hexdigest(), len(data),
                              package="hub_plugin_weighted", path="weights/coefficients.json")
    assert describe_file(file, "hub_plugin_weighted") == printed
    elsewhere = CliRunner().invoke(main, ["weights", str(file), "--package", "json"])
    assert elsewhere.exit_code == 2 and "not inside the package 'json'" in elsewhere.stderr


def test_a_file_outside_any_package_is_described_with_a_warning(tmp_path):
    loose = tmp_path / "loose.bin"
    loose.write_bytes(b"\x00" * 10)
    result = CliRunner().invoke(main, ["weights", str(loose)])
    assert result.exit_code == 0 and "package=" not in result.stdout and "cannot verify it" in result.stderr


def test_weights_file_resolves_and_verifies_a_packaged_entry(weights_package):
    file = weights_package / "weights" / "coefficients.json"
    spec = text_spec("weighted", weights=(describe_file(file),))
    assert weights_file(spec) == file.resolve() == weights_file(spec, "coefficients.json").resolve()
    with pytest.raises(WeightsError, match=r"no packaged weights file 'other.bin' \(its packaged files: weights/"):
        weights_file(spec, "other.bin")
    declared = spec.weights[0].sha256
    file.write_text('{"slope": 3.0}')
    actual = hashlib.sha256(file.read_bytes()).hexdigest()
    with pytest.raises(WeightsError, match=f"expected {declared}, got {actual}"):
        weights_file(spec)


class WeightedPlugin:
    def __init__(self, spec):
        self.spec = spec

    @hookimpl
    def register_models(self, register):
        register(self.spec)


def test_hub_check_fails_on_a_tampered_weights_file_with_both_hashes(weights_package, use_registry):
    file = weights_package / "weights" / "coefficients.json"
    spec = text_spec("weighted", weights=(describe_file(file),))
    file.write_text('{"slope": 3.0}')
    use_registry(Registry([WeightedPlugin(spec)], entry_points=False))
    result = CliRunner().invoke(main, ["check", "test/weighted"])
    actual = hashlib.sha256(file.read_bytes()).hexdigest()
    assert result.exit_code == 1 and result.stdout.startswith("FAIL")
    assert f"expected {spec.weights[0].sha256}, got {actual}" in result.stdout


# -- 5. two defaults in one domain ---------------------------------------------------------------


def test_a_newcomer_default_does_not_displace_the_built_in_one():
    builtin, newcomer = text_spec("builtin", default=True), text_spec("newcomer", default=True)
    chosen, warnings = choose_defaults([newcomer, builtin], {"test/builtin"}, {})
    assert chosen == {"test": "test/builtin"}
    assert "2 models claim to be the test default (test/newcomer, test/builtin); test/builtin stays" in warnings[0]
    assert "HUB_DEFAULTS" in warnings[0]
    assert choose_defaults([newcomer, builtin], {"test/builtin"}, {"test": "test/newcomer"}) == (
        {"test": "test/newcomer"}, [])
    chosen, warnings = choose_defaults([builtin], {"test/builtin"}, {"test": "test/gone"})
    assert chosen == {"test": "test/builtin"} and "'test/gone' is not an installed test model" in warnings[0]


def test_the_user_chooses_defaults_in_the_environment_over_the_config_file(tmp_path):
    config = tmp_path / "config.ini"
    config.write_text('[defaults]\nchemistry = "chemistry/qed"\nbiology = biology/esm2\n')
    environ = {"HUB_CONFIG": str(config), "HUB_DEFAULTS": "biology=biology/genes, vision=vision/ocr"}
    assert configured_defaults(environ) == {"chemistry": "chemistry/qed", "biology": "biology/genes",
                                            "vision": "vision/ocr"}
    assert configured_defaults({"HUB_CONFIG": str(tmp_path / "absent.ini")}) == {}


def test_classifier_fields_give_margin_and_normalised_entropy():
    from specialist_hub.kit import top_k

    # hand-computed: H(0.5, 0.25, 0.25) = 1.5 bits, over log2(3) = 1.58496 bits
    fields = top_k([0.25, 0.5, 0.25], ["a", "b", "c"], 2)
    assert fields["label"] == "b" and [row["label"] for row in fields["top_k"]] == ["b", "a"]
    assert fields["margin"] == 0.25 and fields["entropy"] == pytest.approx(1.5 / 1.5849625007, abs=1e-9)
    assert top_k([1.0, 0.0, 0.0], ["a", "b", "c"], 1)["entropy"] == 0.0
    assert top_k([0.2] * 5, "abcde", 1)["entropy"] == pytest.approx(1.0) and top_k([0.2] * 5, "abcde", 1)["margin"] == 0
