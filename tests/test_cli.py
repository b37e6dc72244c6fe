import json

import pytest
from click.testing import CliRunner
from hub_test_plugins import LengthPlugin

from specialist_hub.cli import main
from specialist_hub.loaded import LoadedPlan
from specialist_hub.registry import Registry


@pytest.fixture(autouse=True)
def test_registry(use_registry):
    use_registry(Registry([LengthPlugin()], entry_points=False))


def hub(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_all_records_ok_exits_0_in_input_order():
    result = hub("predict", "--domain", "test", "alpha", "be", "gamma", "-f", "jsonl")
    assert result.exit_code == 0, result.output
    rows = jsonl(result.stdout)
    assert [r["output"]["letters"] for r in rows] == [5, 2, 5]
    assert [r["position"] for r in rows] == [0, 1, 2]
    assert rows[0]["model"] == "test/length" and rows[0]["model_version"] == "1"


def test_a_bad_record_exits_1_and_the_rest_are_written():
    result = hub("predict", "-m", "test/length", "alpha", "not a word", "boom", "omega", "-f", "jsonl")
    assert result.exit_code == 1
    rows = jsonl(result.stdout)
    assert [r["ok"] for r in rows] == [True, False, False, True]
    assert rows[1]["error"]["type"] == "InputError" and "not a word" in rows[1]["error"]["message"]
    assert rows[2]["error"] == {"type": "RuntimeError", "message": "forward exploded"}
    assert rows[3]["output"]["upper"] == "OMEGA"


@pytest.mark.parametrize("args, message", [
    (["--domain", "astronomy", "x"], "Unknown domain"),
    (["-m", "test/lenght", "x"], "Did you mean: test/length"),
    (["-m", "test/needs-missing", "x"], 'pip install "specialist-hub[xyz]"'),
    (["-m", "test/length", "-O", "scale=big", "x"], "expects a int"),
    (["-m", "test/length", "-O", "nonsense=1", "x"], "has no option 'nonsense'"),
    (["-m", "test/length", "--device", "tpu", "x"], "Unknown device"),
    (["x"], "--domain D"),
])
def test_usage_errors_exit_2_with_a_fix(args, message):
    result = hub("predict", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_options_reach_the_model():
    result = hub("predict", "-m", "test/length", "-O", "scale=3", "abc", "-f", "jsonl")
    assert jsonl(result.stdout)[0]["output"]["letters"] == 9


def test_several_models_give_one_row_per_input_and_model():
    result = hub("predict", "-m", "test/length,test/wrong", "ab", "cd", "-f", "jsonl")
    rows = jsonl(result.stdout)
    assert [(r["position"], r["model"]) for r in rows] == [
        (0, "test/length"), (0, "test/wrong"), (1, "test/length"), (1, "test/wrong")]
    assert rows[1]["error"]["type"] == "OutputSchemaError"
    assert result.exit_code == 1


def test_stdin_and_files(tmp_path):
    source = tmp_path / "words.txt"
    source.write_text("one\n\n# comment\nthree\n")
    from_file = hub("predict", "-d", "test", "--input", str(source), "-f", "jsonl")
    from_stdin = hub("predict", "-d", "test", "-", "-f", "jsonl", input="one\nthree\n")
    assert [r["output"]["letters"] for r in jsonl(from_file.stdout)] == [3, 5]
    assert jsonl(from_stdin.stdout) == jsonl(from_file.stdout)


def test_csv_output_flattens_fields_and_errors(tmp_path):
    out = tmp_path / "out.csv"
    result = hub("predict", "-d", "test", "abc", "1", "-o", str(out))
    assert result.exit_code == 1
    lines = out.read_text().splitlines()
    assert lines[0].split(",")[:10] == ["position", "id", "input", "model", "model_version", "package", "ok",
                                        "error_type", "error_message", "letters"]
    assert lines[1].startswith("0,,abc,test/length,1,,True,,,3,ABC")
    assert ",False,InputError," in lines[2]


def test_json_and_table_formats():
    as_json = json.loads(hub("predict", "-d", "test", "ab", "cd", "-f", "json").stdout)
    assert [r["output"]["letters"] for r in as_json] == [2, 2]
    table = hub("predict", "-d", "test", "ab", "-f", "table").stdout
    assert "letters" in table and "AB" in table


def test_parquet_output_keeps_rows_and_provenance(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "out.parquet"
    assert hub("predict", "-d", "test", "ab", "cde", "-o", str(out)).exit_code == 0
    table = pq.read_table(out)
    assert table.column("letters").to_pylist() == [2, 3]
    assert b"specialist_hub_version" in table.schema.metadata


def test_an_interrupted_run_leaves_the_target_alone_and_resumes(tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n")
    words = ["ab", "cde", "fghi", "jk", "lmnop"]
    real_predict = LoadedPlan.predict
    calls = []

    def crash_on_third_chunk(plan, chunk):
        calls.append([r.value for r in chunk])
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_predict(plan, chunk)

    monkeypatch.setattr(LoadedPlan, "predict", crash_on_third_chunk)
    hub("predict", "-d", "test", *words, "-o", str(out), "--batch-size", "2", "--no-isolate")
    assert out.read_text() == "previous results\n"
    calls.clear()
    monkeypatch.setattr(LoadedPlan, "predict", real_predict)
    resumed = hub("predict", "-d", "test", *words, "-o", str(out), "--batch-size", "2", "--resume", "--no-isolate")
    assert resumed.exit_code == 0, resumed.output
    assert "Resumed after 4 records" in resumed.stderr  # two chunks of two were complete
    assert [r["output"]["letters"] for r in jsonl(out.read_text())] == [2, 3, 4, 2, 5]
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_resume_refuses_a_different_run(tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    monkeypatch.setattr(LoadedPlan, "predict", lambda plan, chunk: (_ for _ in ()).throw(KeyboardInterrupt))
    hub("predict", "-d", "test", "ab", "-o", str(out), "--no-isolate")
    monkeypatch.undo()
    result = hub("predict", "-d", "test", "other", "-o", str(out), "--resume")
    assert result.exit_code == 2 and "is another run" in result.stderr
    assert hub("predict", "-d", "test", "ab", "-o", str(tmp_path / "fresh.csv"), "--resume").exit_code == 2


def test_list_info_plugins_and_check():
    listing = hub("list", "--json")
    rows = {r["id"]: r for r in json.loads(listing.stdout)}
    assert rows["test/needs-missing"]["available"] is False
    assert rows["test/needs-missing"]["install_hint"] == 'pip install "specialist-hub[xyz]"'
    assert "unavailable" in hub("list").stdout
    card = hub("info", "test/length", "--markdown").stdout
    assert "# test/length" in card and "| letters | int |" in card
    assert "LengthPlugin" in hub("plugins").stdout
    check = hub("check", "test/length", "test/drifting")
    assert check.exit_code == 1
    assert "PASS" in check.stdout
    assert "output.letters: expected 6 ± 1e-06, got 5" in check.stdout


def test_python_module_entry_point_runs():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "specialist_hub", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "0.1.0" in result.stdout
