"""SDF output: the molecules with their predictions as SD properties, read back by RDKit's
supplier, and served by the API on request."""

from __future__ import annotations

import json

from click.testing import CliRunner
from rdkit import Chem

from specialist_hub.cli import main

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"


def test_sdf_holds_each_molecule_and_its_prediction(tmp_path):
    out = tmp_path / "scored.sdf"
    inputs = [ASPIRIN, "not a smiles", "c1ccccc1O"]
    result = CliRunner().invoke(main, ["predict", "-m", "chemistry/qed", *inputs, "-o", str(out), "--no-isolate"])
    assert result.exit_code == 1  # one record failed; the others are written
    records = list(Chem.SDMolSupplier(str(out)))
    assert len(records) == 3
    jsonl = CliRunner().invoke(main, ["predict", "-m", "chemistry/qed", *inputs, "-f", "jsonl", "--no-isolate"])
    expected = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert float(records[0].GetProp("qed")) == expected[0]["output"]["qed"]
    assert Chem.MolToSmiles(records[0]) == expected[0]["output"]["canonical_smiles"]
    assert records[1].GetNumAtoms() == 0 and records[1].GetProp("error_type") == "InputError"
    assert records[2].GetProp("_Name") == "record_3"


def test_the_server_answers_in_a_plugin_format_on_request():
    from fastapi.testclient import TestClient

    from specialist_hub.registry import Registry
    from specialist_hub.server import create_app

    client = TestClient(create_app(registry=Registry()), base_url="http://127.0.0.1")
    body = {"inputs": [ASPIRIN]}
    sdf = client.post("/models/chemistry/qed/predict", params={"format": "sdf"}, json=body)
    assert sdf.status_code == 200 and sdf.text.rstrip().endswith("$$$$")
    assert "> <qed>" in sdf.text.replace(">  <", "> <")
    csv = client.post("/models/chemistry/qed/predict", params={"format": "csv"}, json=body)
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("position,id,input")
    refused = client.post("/models/chemistry/qed/predict", params={"format": "parquet"}, json=body)
    assert refused.status_code == 400 and "Parquet" in refused.json()["detail"]
    unknown = client.post("/models/chemistry/qed/predict", params={"format": "docx"}, json=body)
    assert unknown.status_code == 400 and "sdf" in unknown.json()["detail"]
