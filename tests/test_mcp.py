"""`hub mcp` over stdio, driven by the official SDK's client as an agent would: one server process
for the module, started as a client starts it (command and args)."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mcp import Client, StdioServerParameters
from mcp_session import Session
from rdkit import Chem
from rdkit.Chem import QED, Descriptors

from specialist_hub.cli import main
from specialist_hub.registry import Registry

ASPIRIN, CAFFEINE = "CC(=O)Oc1ccccc1C(=O)O", "Cn1cnc2c1c(=O)n(C)c(=O)n2C"
MODELS = "chemistry/qed,vision/codes,vision/segment-person"
PIPELINE = """id = "test/drug-likeness"
summary = "QED and descriptors of one molecule"

[[steps]]
name = "qed"
model = "chemistry/qed"

[[steps]]
name = "descriptors"
model = "chemistry/descriptors"
"""


@pytest.fixture(scope="module")
def registry():
    return Registry()


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return tmp_path_factory.mktemp("root")


@pytest.fixture(scope="module")
def session(root, tmp_path_factory):
    pipeline = tmp_path_factory.mktemp("jobs") / "drug-likeness.toml"
    pipeline.write_text(PIPELINE)
    params = StdioServerParameters(command=sys.executable, cwd=str(root), env={**os.environ, "HUB_LICENSE": ""},
                                   args=["-m", "specialist_hub", "mcp", "--model", MODELS, "--pipeline", str(pipeline)])
    session = Session(lambda: Client(params))
    yield session
    session.close()


def records(result):
    assert not result.is_error, result.content[0].text
    return result.structured_content["results"]


def test_the_tools_are_the_chosen_models_with_schemas_from_their_specs(session, registry):
    tools = session.tools()
    assert set(tools) == {"search_models", "model_card", "chemistry_qed", "vision_codes", "vision_segment_person",
                          "test_drug_likeness"}
    qed = tools["chemistry_qed"]
    spec = registry.get("chemistry/qed")
    assert spec.summary in qed.description and spec.license in qed.description
    assert "SMILES" in qed.input_schema["properties"]["inputs"]["items"]["description"]
    fields = qed.output_schema["properties"]["results"]["items"]["properties"]["output"]["properties"]
    assert "Unit: g/mol." in fields["molecular_weight"]["description"]
    codes = tools["vision_codes"].input_schema["properties"]
    assert "max_pixels" not in codes and "annotate_dir" not in codes  # bounds and host paths stay the server's
    assert codes["ean_add_on"]["enum"] == list(registry.get("vision/codes").options[1].choices)
    assert "output_dir" not in tools["vision_segment_person"].input_schema["properties"]


def test_qed_of_aspirin_is_rdkits(session):
    result = session.call("chemistry_qed", {"inputs": [ASPIRIN]})
    output = records(result)[0]["output"]
    molecule = Chem.MolFromSmiles(ASPIRIN)
    assert output["qed"] == pytest.approx(QED.qed(molecule), abs=1e-9)
    assert output["molecular_weight"] == pytest.approx(QED.properties(molecule).MW, abs=1e-6)
    text = result.content[0].text
    assert "molecular_weight g/mol" in text and f"qed={QED.qed(molecule):.4g}" in text


def test_one_bad_smiles_is_one_error_among_the_results(session):
    result = session.call("chemistry_qed", {"inputs": [ASPIRIN, "C1CC(", CAFFEINE]})
    got = records(result)
    assert [record["ok"] for record in got] == [True, False, True]
    assert got[1]["error"]["type"] == "InputError" and got[1]["input"] == "C1CC("
    assert got[2]["output"]["qed"] == pytest.approx(QED.qed(Chem.MolFromSmiles(CAFFEINE)), abs=1e-9)
    assert result.structured_content["failed"] == 1


def test_media_paths_must_lie_under_the_root(session, root, registry):
    example = registry.get("vision/codes").examples[0]
    (root / "scan.png").write_bytes(Path(example.input).read_bytes())
    read = records(session.call("vision_codes", {"inputs": ["scan.png"]}))[0]["output"]
    assert [(c["text"], c["format"]) for c in read["codes"]] == [(c["text"], c["format"]) for c in example.expected["codes"]]
    (root / "link.png").symlink_to(example.input)  # a link out of the root is outside too
    for outside in (str(example.input), "../scan.png", "link.png"):
        refused = session.call("vision_codes", {"inputs": ["scan.png", outside]})
        assert refused.is_error and "outside the folders this server may read" in refused.content[0].text


def test_a_file_a_model_writes_comes_back_as_a_resource_link(session, root, registry):
    from PIL import Image

    example = registry.get("vision/segment-person").examples[0]
    (root / "person.png").write_bytes(Path(example.input).read_bytes())
    result = session.call("vision_segment_person", {"inputs": ["person.png"], "mask": True})
    output = records(result)[0]["output"]
    links = [block for block in result.content if block.type == "resource_link"]
    assert [str(link.uri) for link in links] == [output["mask_path"]]  # named by its URI, not a server path
    assert output["mask_path"].startswith("hub://outputs/") and links[0].mime_type == "image/png"
    read = session.run(lambda client: client.read_resource(links[0].uri))
    mask = Image.open(io.BytesIO(base64.b64decode(read.contents[0].blob)))
    share = sum(1 for value in mask.get_flattened_data() if value >= 128) / (mask.width * mask.height)
    assert share == pytest.approx(example.expected["foreground_fraction"], abs=0.01)
    # one tool's file is another's input, by the same URI
    assert records(session.call("vision_codes", {"inputs": [output["mask_path"]]}))[0]["output"]["count"] == 0
    listed = session.run(lambda client: client.list_resources()).resources
    assert output["mask_path"] in [str(resource.uri) for resource in listed]


def test_a_pipeline_tool_runs_its_steps(session):
    output = records(session.call("test_drug_likeness", {"inputs": [ASPIRIN]}))[0]["output"]
    molecule = Chem.MolFromSmiles(ASPIRIN)
    assert output["qed.qed"] == pytest.approx(QED.qed(molecule), abs=1e-9)
    assert output["descriptors.molecular_weight"] == pytest.approx(Descriptors.MolWt(molecule), abs=1e-3)


def test_search_models_and_model_card(session):
    hits = session.call("search_models", {"query": "drug-likeness"}).structured_content["models"]
    assert hits[0]["id"] == "chemistry/qed" and hits[0]["tool"] == "chemistry_qed"
    card = session.call("model_card", {"model": "chemistry_qed"})
    assert card.content[0].text.startswith("# chemistry/qed") and "Bickerton" in card.content[0].text


def test_license_commercial_hides_non_commercial_models(registry):
    def listed(*args):
        result = CliRunner().invoke(main, ["mcp", "--list", "--json", *args])
        assert result.exit_code == 0, result.output
        return {tool["title"] for tool in json.loads(result.stdout)[2:]}

    non_commercial = {spec.id for spec in registry.list_models() if not spec.commercial_use}
    assert "chemistry/similar-drugs" in non_commercial
    assert non_commercial & listed()
    assert not non_commercial & listed("--license", "commercial")


@pytest.mark.parametrize("document", ["README.md", "docs/mcp.md"])
def test_the_documented_client_configuration_starts_hub_mcp(document, tmp_path):
    """The config blocks a user pastes into a client: `hub` with arguments `hub mcp` accepts."""
    text = (Path(__file__).resolve().parents[1] / document).read_text()
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, flags=re.S) if "mcpServers" in block]
    assert blocks
    for block in blocks:
        for server in block["mcpServers"].values():
            assert Path(server["command"]).name == "hub" and server["args"][0] == "mcp"
            args = [str(tmp_path) if arg.startswith("/") else arg for arg in server["args"][1:]]  # the example folders
            result = CliRunner().invoke(main, ["mcp", *args, "--list"])
            assert result.exit_code == 0, result.output
            assert "chemistry_qed" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--rate-limit", "10/minute"], "guard --transport http"),
    (["--model", "chemistry/qed", "--domain", "chemistry"], "not both"),
    (["--model", "chemistry/qde"], "chemistry/qed"),  # the close match
    (["--max-inputs", "0"], "--max-inputs"),
])
def test_hub_mcp_usage_errors_exit_2(args, message):
    result = CliRunner().invoke(main, ["mcp", *args])
    assert result.exit_code == 2 and message in result.output, result.output
