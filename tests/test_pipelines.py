"""Pipelines: steps fed from the input, from earlier fields or from each item of a list (fan-out,
batched), with conditions; refused before running when they name what does not exist."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hub_test_plugins import CountsCalls, LengthPlugin, SentencePlugin

import specialist_hub
from specialist_hub.cli import main
from specialist_hub.errors import PipelineError
from specialist_hub.pipeline import Condition, Pipeline, Step
from specialist_hub.registry import Registry

WORDS = Pipeline("test/word-lengths", "Every word's length", steps=(
    Step("split", "test/split"),
    Step("lengths", "test/counted", input="split.words[]"),
    Step("whole", "test/length", when="split.count == 1"),
))


@pytest.fixture
def registry(use_registry):
    return use_registry(Registry([LengthPlugin(), SentencePlugin()], entry_points=False))


def test_a_fan_out_step_gets_every_item_of_the_batch_in_one_call(registry):
    registry = registry.replace(pipelines=[WORDS])
    CountsCalls.calls = []
    sentences = ["the cat sat", "on", "the mat again", "boom and bust"]
    results = specialist_hub.predict("test/word-lengths", sentences, registry=registry)
    # Batches of two sentences (test/length's batch size): one forward per batch for all its words;
    # the second batch holds 'boom', so it is retried word by word to isolate it.
    assert CountsCalls.calls == [3 + 1, 3 + 3] + [1] * 6
    first, single, _, exploding = results
    assert [item["letters"] for item in first.output["lengths"]] == [3, 3, 3]
    assert first.output["split.count"] == 3 and first.output["whole.letters"] is None  # condition false
    assert single.output["whole.letters"] == 2  # condition true: the step ran
    assert exploding.ok and exploding.output["lengths"][1] == {"letters": 3, "upper": "AND"}
    assert exploding.output["lengths"][0]["error"]["type"] == "RuntimeError"  # 'boom' fails alone
    assert first.output["provenance"] == ["test/split 1", "test/counted 1", "test/length 1"]


def test_a_pipeline_is_listed_and_carded_with_its_steps(registry, use_registry):
    registry = use_registry(registry.replace(pipelines=[WORDS]))
    spec = registry.get(WORDS.id)
    assert spec.task == "pipeline" and spec.input_kind == "text"
    assert "`lengths`: test/counted on split.words[]" in spec.card["intended_use"]
    assert "[pipeline]" in CliRunner().invoke(main, ["list"]).stdout


@pytest.mark.parametrize("steps, message", [
    ((Step("a", "test/split"), Step("b", "test/length", input="a.wrods[]")),
     "step 'a' has no field 'wrods'; its fields: a.words, a.count"),
    ((Step("a", "test/split"), Step("b", "test/lenght")), "no model 'test/lenght'"),
    ((Step("a", "test/split"), Step("b", "test/length", input="a.words")), "feed its items with 'a.words[]'"),
    ((Step("a", "test/split"), Step("b", "test/length", input="a.count[]")), "a.count is a int, not a list"),
    ((Step("a", "test/split"), Step("b", "test/length", when="a.cuont > 1")), "unknown field(s) a.cuont"),
    ((Step("a", "test/split"), Step("b", "test/length", when="__import__('os')")), "only comparisons"),
    ((Step("a", "test/split", input="x.y"),), "the first step must read the pipeline's input"),
])
def test_a_wrong_pipeline_is_refused_before_anything_runs(registry, steps, message):
    with pytest.raises(PipelineError) as error:
        registry.replace(pipelines=[Pipeline("test/bad", "bad", steps=steps)])
    assert message in str(error.value)


def test_a_toml_pipeline_with_a_typo_fails_before_running_naming_the_fields(registry, tmp_path):
    job = tmp_path / "job.toml"
    job.write_text('id = "test/job"\n[[steps]]\nname = "split"\nmodel = "test/split"\n'
                   '[[steps]]\nname = "lengths"\nmodel = "test/length"\ninput = "split.word[]"\n')
    result = CliRunner().invoke(main, ["predict", "--pipeline", str(job), "a b", "--no-isolate"])
    assert result.exit_code == 2 and "no field 'word'; its fields: split.words, split.count" in result.stderr


def test_a_toml_pipeline_runs_in_worker_processes(registry, tmp_path):
    job = tmp_path / "job.toml"
    job.write_text('id = "test/job"\n[[steps]]\nname = "split"\nmodel = "test/split"\n'
                   '[[steps]]\nname = "lengths"\nmodel = "test/length"\ninput = "split.words[]"\n')
    result = CliRunner().invoke(main, ["predict", "--pipeline", str(job), "a bb", "ccc", "dd e", "-f", "jsonl",
                                       "--workers", "2", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [[i["letters"] for i in r["output"]["lengths"]] for r in rows] == [[1, 2], [3], [2, 1]]


def test_wide_gives_one_row_per_input_with_model_field_columns(registry):
    result = CliRunner().invoke(main, ["predict", "-m", "test/split,test/length", "--wide", "abc", "-f", "csv",
                                       "--no-isolate"])
    header, row = result.stdout.splitlines()[:2]
    assert "split.count" in header and "length.letters" in header and row.startswith("0,,abc,test/wide")


def test_where_keeps_the_rows_that_pass(registry):
    result = CliRunner().invoke(main, ["predict", "-m", "test/length", "ab", "abcd", "1", "abc", "-f", "jsonl",
                                       "--where", "letters >= 3", "--no-isolate"])
    assert [json.loads(line)["input"] for line in result.stdout.splitlines()] == ["abcd", "abc"]
    assert "2 prediction(s) left out by --where" in result.stderr and result.exit_code == 1  # "1" failed


@pytest.mark.parametrize("text, values, expected", [
    ("a > 1 and not b", {"a": 2, "b": False}, True), ("a > 1", {"a": None}, False),
    ("x.y == 'C9H8O4' or z in [1, 2]", {"x.y": "C9H8O4"}, True), ("-a < 0", {"a": 3}, True),
])
def test_conditions(text, values, expected):
    assert Condition(text)(values) is expected


def test_profile_where_keeps_exactly_what_pandas_keeps(tmp_path):
    import pandas as pd

    smiles = ["CC(=O)Oc1ccccc1C(=O)O", "c1ccccc1O", "CCO", "Oc1ccccc1O", "CN1CCC[C@H]1c1cccnc1", "not a smiles",
              "CC(C)Cc1ccc(C(C)C(=O)O)cc1", "O=C1NC(=S)SC1=Cc1ccccc1"]
    where = "qed.qed > 0.5 and alerts.passes"
    everything = specialist_hub.predict("chemistry/profile", smiles, registry=Registry()).to_dataframe()
    expected = everything[(everything["qed.qed"] > 0.5) & (everything["alerts.passes"] == True)]  # noqa: E712
    out = tmp_path / "kept.csv"
    specialist_hub.predict_file("chemistry/profile", smiles, str(out), where=where, registry=Registry())
    kept = pd.read_csv(out)
    assert kept["input"].tolist() == expected["input"].tolist() and len(kept) >= 2
