"""hub train, end to end on Delaney's measured solubilities (plugins/chemistry/tests/data/delaney.csv).

The held-out compounds are whole Bemis-Murcko scaffolds the model never saw, so the figures are the
ones a chemist gets on new chemistry. References: the measured values themselves; Delaney's published
ESOL equation (J. Chem. Inf. Comput. Sci. 44, 1000 (2004)) computed here with RDKit, which a model
trained on ~900 of these compounds must beat on the rest; and the nominal coverage of the intervals.
"""

from __future__ import annotations

import csv
import json
import math
import os
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from specialist_hub.cli import main
from specialist_hub.registry import Registry, set_registry
from specialist_hub.testing import trained_models_folder
from specialist_hub.training.splits import grouped_folds

pytest.importorskip("lightgbm")
pytest.importorskip("rdkit")

DELANEY = Path(__file__).resolve().parents[1] / "plugins" / "chemistry" / "tests" / "data" / "delaney.csv"
PICKLE_OPCODES = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")


def esol_equation(smiles: str) -> float:
    """Delaney's published ESOL equation: logS = 0.16 - 0.63 cLogP - 0.0062 MW + 0.066 RB - 0.74 AP."""
    from rdkit import Chem
    from rdkit.Chem import Crippen, Descriptors, Lipinski

    mol = Chem.MolFromSmiles(smiles)
    aromatic = sum(atom.GetIsAromatic() for atom in mol.GetAtoms()) / mol.GetNumHeavyAtoms()
    return (0.16 - 0.63 * Crippen.MolLogP(mol) - 0.0062 * Descriptors.MolWt(mol)
            + 0.066 * Lipinski.NumRotatableBonds(mol) - 0.74 * aromatic)


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """Delaney's set cut into ~80 % training and ~20 % held-out compounds by whole scaffolds."""
    from rdkit import Chem
    from rdkit.Chem.Scaffolds import MurckoScaffold

    rows = list(csv.DictReader(DELANEY.open()))
    scaffold = [MurckoScaffold.MurckoScaffoldSmiles(mol=Chem.MolFromSmiles(r["smiles"])) for r in rows]
    # One fold of a balanced scaffold split (as chemprop's scaffold_balanced), drawn as hub train's own
    # folds are, so the held-out compounds are new scaffolds exchangeable with those it calibrated on.
    test_rows = set(grouped_folds(scaffold, n_folds=5, seed=1)[0][1].tolist())
    folder = tmp_path_factory.mktemp("delaney")
    paths = {}
    for part, keep in (("train", False), ("test", True)):
        paths[part] = folder / f"{part}.csv"
        with paths[part].open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "smiles", "logS", "solubility_class"])
            for i, row in enumerate(rows):
                if (i in test_rows) == keep:
                    value = float(row["measured_log_solubility"])
                    writer.writerow([f"mol{i}", row["smiles"], value, "soluble" if value > -3 else "insoluble"])
    assert 150 < sum(1 for _ in paths["test"].open()) < 400
    return paths


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    with trained_models_folder(tmp_path_factory.mktemp("models")) as folder:
        yield folder


def hub(*args):
    previous = set_registry(Registry())  # entry points: the user plugin sees the models folder now
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        set_registry(previous)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def solubility(models, split):
    """One model with two targets: log S (regression) and its solubility class."""
    result = hub("train", "-d", "chem", "--input", str(split["train"]), "--target", "logS", "--target",
                 "solubility_class", "--name", "sol", "--head", "lightgbm", "--head", "linear", "--unit", "log10(mol/L)",
                 "--quiet")
    assert result.exit_code == 0, result.output
    return result


def held_out(split):
    return list(csv.DictReader(split["test"].open()))


def predictions(model_id, split, *extra):
    result = hub("predict", "-m", model_id, "--input", str(split["test"]), "-f", "jsonl", *extra)
    assert result.exit_code == 0, result.output
    return jsonl(result.stdout)


def test_regression_says_its_task_and_beats_the_published_equation_on_new_scaffolds(solubility, split):
    assert "logS: regression" in solubility.output
    rows, records = held_out(split), predictions("user/sol", split)
    assert [r["id"] for r in records] == [row["id"] for row in rows]
    measured = np.array([float(row["logS"]) for row in rows])
    predicted = np.array([r["output"]["logS"] for r in records])
    equation = np.array([esol_equation(row["smiles"]) for row in rows])
    rmse, equation_rmse = math.sqrt(np.mean((predicted - measured) ** 2)), math.sqrt(np.mean((equation - measured) ** 2))
    assert rmse < equation_rmse, (rmse, equation_rmse)
    assert rmse < 1.0


def test_held_out_90_percent_intervals_cover_85_to_95_percent(solubility, split):
    rows, records = held_out(split), predictions("user/sol", split)
    inside = [r["output"]["logS_low"] <= float(row["logS"]) <= r["output"]["logS_high"] for r, row in zip(records, rows)]
    assert 0.85 <= np.mean(inside) <= 0.95, np.mean(inside)
    wider = predictions("user/sol", split, "-O", "coverage=0.95")
    assert all(w["output"]["logS_high"] - w["output"]["logS_low"] > r["output"]["logS_high"] - r["output"]["logS_low"]
               for w, r in zip(wider, records))
    assert {"in_domain", "domain_similarity", "domain_threshold"} <= set(records[0]["output"])


def test_classifier_gives_label_probabilities_and_a_set_and_beats_the_equation(solubility, split):
    assert "solubility_class: classification (2 classes" in solubility.output
    rows, records = held_out(split), predictions("user/sol", split)
    truth = [row["solubility_class"] for row in rows]
    output = records[0]["output"]
    assert set(output["solubility_class_probabilities"]) == {"insoluble", "soluble"}
    assert math.isclose(sum(output["solubility_class_probabilities"].values()), 1.0, abs_tol=1e-9)
    accuracy = np.mean([r["output"]["solubility_class"] == t for r, t in zip(records, truth)])
    equation = np.mean([("soluble" if esol_equation(row["smiles"]) > -3 else "insoluble") == t
                        for row, t in zip(rows, truth)])
    assert accuracy >= equation, (accuracy, equation)
    covered = np.mean([t in r["output"]["solubility_class_set"] for r, t in zip(records, truth)])
    assert 0.85 <= covered <= 0.97, covered


def test_listed_like_a_built_in_model_and_workers_give_the_same_rows(solubility, split, tmp_path):
    listed = hub("list", "--domain", "user", "--json")
    assert "user/sol" in [m["id"] for m in json.loads(listed.stdout)]
    assert "log10(mol/L)" in hub("info", "user/sol").output
    checked = hub("check", "user/sol", "--json")  # its examples: this environment reproduces the model
    assert checked.exit_code == 0, checked.output
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert hub("predict", "-m", "user/sol", "--input", str(split["test"]), "-o", str(one)).exit_code == 0
    assert hub("predict", "-m", "user/sol", "--input", str(split["test"]), "-o", str(two), "--workers", "2").exit_code == 0
    assert one.read_text() == two.read_text()


def test_served_like_a_built_in_model(solubility, models):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "specialist_hub", "serve", "--models", "user/sol", "--port",
                               str(port)], env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        import httpx

        for _ in range(120):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        response = httpx.post(f"http://127.0.0.1:{port}/models/user/sol/predict",
                              json={"inputs": ["CCO", "not a molecule"]}, timeout=120)
        assert response.status_code == 200, response.text
        good, bad = response.json()
        assert good["ok"] and abs(good["output"]["logS"] - 1.1) < 1.0  # ethanol: measured log S 1.10 (Delaney)
        assert not bad["ok"] and bad["error"]["type"] == "InputError"
    finally:
        server.terminate()
        server.wait(30)


def test_the_artifact_holds_no_pickle_anywhere(solubility, models):
    folder = models / "sol"
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"manifest.json", "trust.npz", "card.md", "metrics.json"}
    for path in files:
        assert path.suffix not in (".pkl", ".pickle", ".joblib", ".pt", ".pth", ".bin"), path
        blobs = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                blobs += [archive.read(name) for name in archive.namelist()]
        for blob in blobs:
            assert not any(opcode in blob[:64] for opcode in PICKLE_OPCODES), path
    with np.load(folder / "trust.npz", allow_pickle=False) as trust:
        assert all(trust[name].dtype != object for name in trust.files)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["targets"][0]["head"]["file"].endswith((".lgb.txt", ".onnx"))
    assert set(manifest["files"]) == {p.relative_to(folder).as_posix() for p in files if p.name != "manifest.json"}


def test_a_tampered_file_is_refused_with_both_hashes(solubility, models, tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / "models"
    shutil.copytree(models / "sol", copy / "sol")
    head = next((copy / "sol" / "heads").iterdir())
    head.write_bytes(head.read_bytes().replace(b"0.", b"1.", 1))
    monkeypatch.setenv("HUB_MODELS_DIR", str(copy))
    result = hub("predict", "-m", "user/sol", "CCO", "--no-isolate")
    assert result.exit_code == 2
    expected = json.loads((copy / "sol" / "manifest.json").read_text())["files"][head.relative_to(copy / "sol").as_posix()]
    assert "does not match its declared sha256" in result.output and expected in result.output
    assert "retrain or restore the model" in result.output


def test_the_packaged_wheel_predicts_identically_in_another_environment(solubility, models, split, tmp_path):
    dist = tmp_path / "dist"
    packaged = hub("package", "user/sol", "-o", str(dist), "--id", "lab/solubility")
    assert packaged.exit_code == 0, packaged.output
    (wheel,) = dist.glob("*.whl")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True)
    env = {**os.environ, "PYTHONPATH": str(site), "HUB_MODELS_DIR": str(tmp_path / "empty")}
    other = subprocess.run([sys.executable, "-m", "specialist_hub", "predict", "-m", "lab/solubility", "--input",
                            str(split["test"]), "-f", "jsonl"], env=env, capture_output=True, text=True)
    assert other.returncode == 0, other.stderr
    listed = subprocess.run([sys.executable, "-m", "specialist_hub", "list", "--json"], env=env, capture_output=True,
                            text=True)
    assert "user/sol" not in listed.stdout and "lab/solubility" in listed.stdout
    here = predictions("user/sol", split)
    there = jsonl(other.stdout)
    assert [r["output"] for r in there] == [r["output"] for r in here]


@pytest.mark.parametrize("rows, args, message", [
    ([("CCO", 1.0)] * 3 + [("CCN", 2.0)] * 2, [], "usable records"),
    ([(s, 1.5) for s in ("C" * n for n in range(1, 30))], [], "constant"),
    ([(s, "high" if n % 2 else "x") for n, s in enumerate("C" * n for n in range(1, 30))], ["--task", "regression"],
     "not numeric"),
    ([(s, "a") for s in ("C" * n for n in range(1, 30))], ["--task", "classification"], "one class only"),
])
def test_bad_data_gets_a_clear_message_and_exit_2(models, tmp_path, rows, args, message):
    path = tmp_path / "bad.csv"
    path.write_text("smiles,y\n" + "".join(f"{s},{y}\n" for s, y in rows))
    result = hub("train", "-d", "chem", "-i", str(path), "-t", "y", "--name", "bad", "--quiet", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (models / "bad").exists()


def test_unparseable_and_conflicting_records_are_counted_not_lost(models, tmp_path):
    chains = ["C" * n + "O" for n in range(1, 40)]
    lines = [f"{s},{n % 2}" for n, s in enumerate(chains)] + ["not_a_smiles,1", "C1CC,0", "CO,1"]
    path = tmp_path / "messy.csv"
    path.write_text("smiles,active\n" + "\n".join(lines) + "\n")
    result = hub("train", "-d", "chem", "-i", str(path), "-t", "active", "--name", "messy", "--head", "linear",
                 "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["dropped"]["unparseable inputs skipped"]["count"] == 2
    # "CO" repeats the first chain (methanol, label 0) with label 1: a tie, so that record is dropped.
    assert report["dropped"]["duplicates with conflicting active labels (dropped: tied)"]["count"] == 1
    assert report["metrics"]["_training"]["records"] == len(chains)
    again = hub("train", "-d", "chem", "-i", str(path), "-t", "active", "--name", "messy", "--quiet")
    assert again.exit_code == 2 and "--force" in again.output


def test_docs_train_md_path_runs_as_written(models, tmp_path, monkeypatch):
    """docs/train.md's commands, verbatim, from a folder that has the repository's plugins/ data."""
    import re
    import shlex

    root = Path(__file__).resolve().parents[1]
    block = re.findall(r"```bash\n(.*?)```", (root / "docs" / "train.md").read_text(), flags=re.S)[0]
    (tmp_path / "plugins").symlink_to(root / "plugins")
    monkeypatch.chdir(tmp_path)
    for line in block.strip().splitlines():
        words = shlex.split(line)
        assert words[0] == "hub"
        result = hub(*words[1:])
        assert result.exit_code == 0, (line, result.output)
    wheel = re.search(r"pip install (dist/\S+\.whl)", (root / "docs" / "train.md").read_text()).group(1)
    assert (tmp_path / wheel).is_file()


def test_python_api_trains_and_predicts_in_the_same_process(models, tmp_path):
    import specialist_hub as hub

    rows = DELANEY.read_text().splitlines()
    path = tmp_path / "few.csv"
    path.write_text("\n".join(rows[:151]) + "\n")
    previous = set_registry(Registry())  # built before the model exists, as a notebook's would be
    try:
        report = hub.train(path, "measured_log_solubility", "in-process", domain="chem", heads=["linear"])
        assert report.metrics["measured_log_solubility"]["records"] >= 140
        (prediction,) = hub.predict("user/in-process", ["CCO"])
        assert prediction.ok and abs(prediction.output["measured_log_solubility"] - 1.1) < 1.5  # ethanol: 1.10
    finally:
        set_registry(previous)


def test_a_running_mcp_server_follows_models_trained_after_it_started(tmp_path):
    """An agent's server lists and calls a model trained while it runs; a retrained one (--force) is the
    new model on the next call, not the one its worker had loaded, and a listening client is told."""
    import functools

    import anyio
    from mcp import Client
    from mcp.shared.subscriptions import ToolsListChanged
    from mcp_session import Session

    import specialist_hub as hub
    from specialist_hub.mcp import MCPSettings, exposed_specs, open_tools
    from specialist_hub.mcp.server import create_server
    from specialist_hub.server import ServeSettings

    rows = DELANEY.read_text().splitlines()
    header, body = rows[0].split(","), list(csv.reader(rows[1:151]))
    target = header.index("measured_log_solubility")
    few, shifted = tmp_path / "few.csv", tmp_path / "shifted.csv"
    few.write_text("\n".join(rows[:151]) + "\n")
    with shifted.open("w", newline="") as handle:  # the same compounds, every log S 10 units higher
        csv.writer(handle).writerows([header] + [[*r[:target], float(r[target]) + 10, *r[target + 1:]] for r in body])

    def ethanol(result):
        assert not result.is_error, result.content[0].text
        return result.structured_content["results"][0]["output"]["measured_log_solubility"]

    async def retrain_while_listening(client):
        async with client.listen(tools_list_changed=True) as changes:
            await anyio.to_thread.run_sync(functools.partial(
                hub.train, shifted, "measured_log_solubility", "fresh", domain="chem", heads=["linear"], force=True))
            value = ethanol(await client.call_tool("user_fresh", {"inputs": ["CCO"]}))
            with anyio.fail_after(30):
                return value, await changes.__anext__()

    with trained_models_folder(tmp_path / "models"):
        registry = Registry()
        settings = MCPSettings(ServeSettings(isolate=True, max_batch=8))
        with open_tools(registry, exposed_specs(registry), settings, exposed_specs) as tools:
            session = Session(lambda: Client(create_server(tools)))
            previous = set_registry(Registry())
            try:
                assert "user_fresh" not in session.tools()
                hub.train(few, "measured_log_solubility", "fresh", domain="chem", heads=["linear"])
                (expected,) = hub.predict("user/fresh", ["CCO"])
                value = ethanol(session.call("user_fresh", {"inputs": ["CCO"]}))  # before listing the tools again
                assert value == pytest.approx(expected.output["measured_log_solubility"])
                assert abs(value - 1.1) < 1.5  # ethanol: measured log S 1.10 (Delaney)
                assert "user_fresh" in session.tools()
                shifted_value, change = session.run(retrain_while_listening)
                assert shifted_value == pytest.approx(value + 10, abs=0.5)
                assert isinstance(change, ToolsListChanged)
            finally:
                set_registry(previous)
                session.close()
