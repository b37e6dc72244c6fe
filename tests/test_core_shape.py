"""The core's shape: strict JSON everywhere, local registries honoured everywhere, registration in
phases, options by stage, a bounded model cache, verified weights, and no import cycle."""

from __future__ import annotations

import ast
import hashlib
import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner
from hub_test_plugins import CountsLoads, LengthPlugin, NonFinitePlugin, WordKindPlugin, WordModelPlugin, text_spec

import specialist_hub
from specialist_hub import Weights, WeightsError, hookimpl
from specialist_hub.cli import main
from specialist_hub.errors import HubError, UnknownInputKindError
from specialist_hub.registry import Registry

CORE = Path(specialist_hub.__file__).parent


def reject_constant(token):
    raise ValueError(f"not strict JSON: {token}")


def strict_loads(text):
    return json.loads(text, parse_constant=reject_constant)


@pytest.fixture
def non_finite(use_registry):
    return use_registry(Registry([NonFinitePlugin()], entry_points=False))


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_every_text_format_is_strict_json_for_non_finite_numbers(non_finite, fmt, tmp_path):
    out = tmp_path / f"out.{ {'table': 'txt'}.get(fmt, fmt) }"
    for target in (["-o", str(out)], []):
        result = CliRunner().invoke(main, ["predict", "-m", "test/non-finite", "x", "-f", fmt, *target])
        assert result.exit_code == 0, result.output
        text = out.read_text() if target else result.stdout
        if fmt == "json":
            (row,) = strict_loads(text)
            assert row["output"] == {"value": None, "values": [None, 1.5, None], "nested": {"x": None}}
        elif fmt == "jsonl":
            assert strict_loads(text.splitlines()[0])["output"]["values"] == [None, 1.5, None]
        elif fmt == "csv":
            import csv
            import io

            (row,) = csv.DictReader(io.StringIO(text))
            assert row["value"] == ""  # null, not the token nan
            assert strict_loads(row["values"]) == [None, 1.5, None]
            assert strict_loads(row["nested"]) == {"x": None}
        else:
            assert "nan" not in text.lower() and "inf" not in text.lower()


def test_parquet_holds_nulls_for_non_finite_numbers(non_finite, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "out.parquet"
    assert CliRunner().invoke(main, ["predict", "-m", "test/non-finite", "x", "-o", str(out)]).exit_code == 0
    table = pq.read_table(out)
    assert table.column("value").to_pylist() == [None]
    assert table.column("values").to_pylist()[0] == [None, 1.5, None]  # an Arrow list of doubles, nulls for NaN/inf
    assert table.column("nested").to_pylist()[0] == {"x": None}


def test_server_answers_strict_json_for_non_finite_numbers(non_finite):
    from fastapi.testclient import TestClient

    from specialist_hub.server import create_app

    client = TestClient(create_app(registry=non_finite), base_url="http://127.0.0.1")
    response = client.post("/models/test/non-finite/predict", json={"inputs": ["x"]})
    assert response.status_code == 200
    assert strict_loads(response.text)[0]["output"]["nested"] == {"x": None}


def test_a_plugin_input_kind_works_through_a_local_registry_and_its_workers(tmp_path):
    registry = Registry([WordKindPlugin(), WordModelPlugin()], entry_points=False)
    (only,) = specialist_hub.predict("test/on-words", "hello", registry=registry)
    assert only.output["letters"] == 5
    words = tmp_path / "many.words"
    words.write_text("a bb ccc dddd " * 5)
    out = tmp_path / "out.jsonl"
    summary = specialist_hub.predict_file("test/on-words", str(words), str(out), workers=2, batch_size=3,
                                          registry=registry)
    assert summary.records == 20 and summary.failed == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["output"]["letters"] for r in rows] == [1, 2, 3, 4] * 5
    assert [r["position"] for r in rows] == list(range(20))


def test_a_registry_pickles_as_the_recipe_that_built_it():
    rebuilt = pickle.loads(pickle.dumps(Registry([WordKindPlugin(), WordModelPlugin()], entry_points=False)))
    assert "test/on-words" in rebuilt.specs and "word" in rebuilt.input_kinds


@pytest.mark.parametrize("order", [(WordKindPlugin, WordModelPlugin), (WordModelPlugin, WordKindPlugin)])
def test_registration_order_does_not_matter(order):
    registry = Registry([plugin() for plugin in order], entry_points=False)
    assert all(info.ok for info in registry.plugins.values()), registry.plugins
    assert registry.get("test/on-words").input_kind == "word"


def test_an_unknown_input_kind_is_a_hub_error_naming_the_known_ones():
    registry = Registry([WordModelPlugin()], entry_points=False)
    error = registry.plugins["WordModelPlugin"].error
    assert "Unknown input kind 'word'" in error and "molecule" in error
    with pytest.raises(UnknownInputKindError, match="known input kinds: .*sequence"):
        registry.input_kind("word")
    assert issubclass(UnknownInputKindError, HubError) and not issubclass(UnknownInputKindError, KeyError)


class CountingPlugin:
    @hookimpl
    def register_models(self, register):
        register(text_spec("counting", factory="hub_test_plugins:CountsLoads"))


def test_call_time_options_reuse_the_loaded_weights_and_load_time_options_do_not():
    registry = Registry([CountingPlugin()], entry_points=False)
    CountsLoads.loads = 0
    first = registry.load("test/counting")
    tripled = registry.load("test/counting", scale=3)  # a call-time option
    assert CountsLoads.loads == 1
    assert tripled.predict("abc")[0].output["letters"] == 9 and first.predict("abc")[0].output["letters"] == 3
    registry.load("test/counting", word_list="/usr/share/dict/words")  # a load-time option
    assert CountsLoads.loads == 2 and registry.load_counts["test/counting"] == 2


def test_the_model_cache_is_bounded_least_recently_used_first():
    registry = Registry([CountingPlugin()], entry_points=False, max_loaded=2)
    CountsLoads.loads = 0
    a = registry.load("test/counting", word_list="a")
    registry.load("test/counting", word_list="b")
    assert registry.load("test/counting", word_list="a") is a  # a is now the most recent
    registry.load("test/counting", word_list="c")  # evicts b
    assert [m.options["word_list"] for m in registry.loaded()] == ["a", "c"]
    registry.load("test/counting", word_list="b")
    assert CountsLoads.loads == 4


@pytest.fixture
def weights_package(tmp_path, monkeypatch):
    package = tmp_path / "hub_weights_fixture"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "weights.bin").write_bytes(b"\x00\x01trained numbers\x02" * 100)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("HUB_CACHE_DIR", str(tmp_path / "cache"))
    return package


def weights_plugin(package: Path):
    data = (package / "weights.bin").read_bytes()
    weights = Weights("weights.bin", hashlib.sha256(data).hexdigest(), len(data), "test fixture",
                      package=package.name)

    class WeightsPlugin:
        @hookimpl
        def register_models(self, register):
            register(text_spec("weighted", weights=(weights,)))

    return WeightsPlugin()


def test_shipped_weights_are_verified_and_a_tampered_file_is_refused(weights_package):
    plugin = weights_plugin(weights_package)
    assert Registry([plugin], entry_points=False).load("test/weighted").predict("ab")[0].ok
    assert (weights_package.parent / "cache" / "verified-weights.json").exists()  # later loads skip hashing
    with open(weights_package / "weights.bin", "r+b") as handle:
        handle.write(b"\xff")  # one byte changed
    with pytest.raises(WeightsError, match=r"does not match its declared sha256.*reinstall"):
        Registry([plugin], entry_points=False).load("test/weighted")
    (weights_package / "weights.bin").unlink()
    with pytest.raises(WeightsError, match="missing"):
        Registry([plugin], entry_points=False).load("test/weighted")


def test_every_built_in_weights_file_with_a_package_is_verified():
    from specialist_hub.weights import locate, sha256_of

    registry = specialist_hub.registry.get_registry()
    checked = 0
    for spec in registry.list_models():
        for weights in spec.weights:
            if weights.package and not registry.missing_requirements(spec):
                assert sha256_of(locate(weights, spec.id)) == weights.sha256, (spec.id, weights.file)
                checked += 1
    assert checked >= 10


def top_level_imports(path: Path) -> set[str]:
    """The core modules ``path`` imports when it is imported (not inside functions or TYPE_CHECKING)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.add(node.module.split(".")[0] if node.module else "")
            if not node.module:
                found.update(alias.name for alias in node.names)
    return found - {""}


def test_the_core_has_no_import_cycle():
    graph = {path.stem: top_level_imports(path) for path in CORE.glob("*.py")}
    visiting, done = set(), set()

    def visit(module, trail):
        assert module not in visiting, f"import cycle: {' -> '.join([*trail, module])}"
        if module in done or module not in graph:
            return
        visiting.add(module)
        for imported in graph[module]:
            visit(imported, [*trail, module])
        visiting.discard(module)
        done.add(module)

    for module in graph:
        visit(module, [])


def test_listing_carries_no_large_example():
    result = CliRunner().invoke(main, ["list", "--json", "--domain", "biology"])
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert len(json.dumps(rows["biology/genes"])) < 12_000
    assert rows["biology/genes"]["examples"][0]["input"].endswith("KK037166.fna")


def test_plugins_table_aligns_long_distribution_names(use_registry):
    registry = use_registry(Registry([LengthPlugin()], entry_points=False))
    registry.plugins["LengthPlugin"].distribution = "a-very-long-distribution-name-for-a-plugin"
    registry.plugins["LengthPlugin"].version = "10.20.30"
    lines = CliRunner().invoke(main, ["plugins"]).stdout.splitlines()
    assert lines[0].startswith("LengthPlugin  a-very-long-distribution-name-for-a-plugin 10.20.30  ")
    assert lines[0].endswith("models")


class NonCommercialPlugin:
    @hookimpl
    def register_models(self, register):
        register(text_spec("research-only", commercial_use=False, license="CC-BY-NC-SA-4.0 (weights)"))
        register(text_spec("free"))


def test_non_commercial_models_are_marked_hidden_and_refused_when_only_commercial_use_is_allowed(monkeypatch, use_registry):
    from specialist_hub.errors import LicenseError

    use_registry(Registry([NonCommercialPlugin()], entry_points=False))
    listing = CliRunner().invoke(main, ["list"]).stdout
    assert "[non-commercial]" in listing.split("test/research-only", 1)[1].splitlines()[0]
    commercial = CliRunner().invoke(main, ["list", "--license", "commercial"]).stdout
    assert "test/research-only" not in commercial and "test/free" in commercial
    refused = CliRunner().invoke(main, ["predict", "-m", "test/research-only", "abc", "--license", "commercial"])
    assert refused.exit_code == 2 and "CC-BY-NC-SA-4.0" in refused.stderr
    monkeypatch.setenv("HUB_LICENSE", "commercial")
    served = Registry([NonCommercialPlugin()], entry_points=False)
    with pytest.raises(LicenseError) as error:
        served.get("test/research-only")
    assert error.value.http_status == 403 and served.get("test/free").id == "test/free"


def test_a_bad_factory_names_the_model_classes_of_its_module():
    class TypoPlugin:
        @hookimpl
        def register_models(self, register):
            register(text_spec("typo", factory="hub_test_plugins:WordLenght"))

    with pytest.raises(HubError, match="Model classes there: .*WordLength"):
        Registry([TypoPlugin()], entry_points=False).load("test/typo")


def test_a_second_default_in_a_domain_does_not_take_over_unless_configured(monkeypatch):
    class RivalPlugin:
        @hookimpl
        def register_models(self, register):
            register(text_spec("rival", default=True))

    registry = Registry([LengthPlugin(), RivalPlugin()], entry_points=False)
    assert registry.default_model("test").id == "test/length"  # registered first, kept
    assert registry.notices and "test/rival" in " ".join(registry.notices)
    monkeypatch.setenv("HUB_DEFAULTS", "test=test/rival")
    assert Registry([LengthPlugin(), RivalPlugin()], entry_points=False).default_model("test").id == "test/rival"


def test_trust_fields_are_checked_by_the_conformance_helper():
    from specialist_hub.testing import assert_trust_fields

    assert_trust_fields("chemistry/esol", Registry())
