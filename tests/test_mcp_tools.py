"""hub mcp in process: tool definitions generated from every installed spec, the file-root policy, and
calls through the SDK's client to small test models (per-record errors, a model that fails to load, a
native crash, trust fields, non-finite numbers, client roots)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import jsonschema
import pytest
from hub_test_plugins import CrashPlugin, FailingLoadPlugin, LengthPlugin, NonFinitePlugin, TrustPlugin
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_session import Session

from specialist_hub.mcp import MCPSettings, exposed_specs, open_tools
from specialist_hub.mcp.roots import FileRoots, OutsideRoots
from specialist_hub.mcp.server import create_server
from specialist_hub.mcp.tools import JSON_TYPES, model_tools, tool_names
from specialist_hub.registry import Registry
from specialist_hub.server import ServeSettings

MAX_INPUTS = 8
MAX_LOADED = 2


def test_every_installed_spec_gives_a_valid_tool_without_host_options():
    registry = Registry()
    specs = registry.list_models()
    tools = model_tools(specs, registry, 50)
    names = [tool.name for tool in tools]
    assert len(set(names)) == len(names) == len(specs)
    for tool in tools:
        assert re.fullmatch(r"[a-z0-9_]{1,64}", tool.name), tool.name
        definition, spec = tool.definition, tool.spec
        for schema in (definition["inputSchema"], definition["outputSchema"]):
            jsonschema.Draft202012Validator.check_schema(schema)
            assert schema["type"] == "object"
        properties = definition["inputSchema"]["properties"]
        assert properties["inputs"]["maxItems"] == 50
        assert set(properties) - {"inputs"} == {o.name for o in spec.options if not o.host}, spec.id
        for option in spec.options:
            if option.host:
                continue
            assert properties[option.name]["type"] == JSON_TYPES[option.type]
            if option.default is not None:  # the declared default is a valid argument
                jsonschema.validate(option.default, properties[option.name])
        fields = definition["outputSchema"]["properties"]["results"]["items"]["properties"]["output"]["properties"]
        assert list(fields) == list(spec.output_names)
        for field in spec.outputs:
            assert (f"Unit: {field.unit}." in fields[field.name]["description"]) == bool(field.unit)
        assert spec.license in definition["description"] and spec.summary in definition["description"]
    delegating = [(tool, option) for tool in tools for option in tool.spec.options if option.runs and not option.host]
    assert delegating  # video/frames, video/audio: their model option lists the models they may run
    for tool, option in delegating:
        ids = tool.definition["inputSchema"]["properties"][option.name]["enum"]
        assert option.default in ids and all(registry.get(i).input_kind == option.runs for i in ids)


def test_tool_names_stay_unique_when_ids_collide():
    names = tool_names(["a/b-c", "a/b_c", "chemistry/qed", "x/" + "y" * 80])
    assert names["chemistry/qed"] == "chemistry_qed"
    assert len(set(names.values())) == 4 and all(len(name) <= 64 for name in names.values())
    assert names == tool_names(["x/" + "y" * 80, "a/b_c", "chemistry/qed", "a/b-c"])  # stable, whatever the order


def test_file_roots_resolve_inside_and_refuse_escapes(tmp_path):
    root, outside, outputs = tmp_path / "root", tmp_path / "outside", tmp_path / "outputs"
    for folder in (root / "sub", outside, outputs):
        folder.mkdir(parents=True)
    for path in (root / "sub" / "a.png", outside / "b.png", outputs / "mask.png"):
        path.write_bytes(b"x")
    (root / "escape.png").symlink_to(outside / "b.png")
    roots = FileRoots([root], own=[outputs])
    assert roots.resolve("sub/a.png") == str(root / "sub" / "a.png")
    assert roots.resolve(str(outputs / "mask.png")) == str(outputs / "mask.png")  # another tool's output
    for escape in ("../outside/b.png", str(outside / "b.png"), "escape.png", "/etc/passwd"):
        with pytest.raises(OutsideRoots, match="outside the folders this server may read"):
            roots.resolve(escape)
    # a client's roots narrow the server's, never widen them
    with pytest.raises(OutsideRoots, match="outside the roots this client declared"):
        roots.resolve("sub/a.png", [root / "other"])
    assert roots.resolve("sub/a.png", [root / "sub"]) == str(root / "sub" / "a.png")
    with pytest.raises(OutsideRoots):
        roots.resolve(str(outside / "b.png"), [outside])


@pytest.fixture(scope="module")
def tools(tmp_path_factory):
    registry = Registry([LengthPlugin(), CrashPlugin(), FailingLoadPlugin(), TrustPlugin(), NonFinitePlugin()],
                        entry_points=False, max_loaded=MAX_LOADED)
    settings = MCPSettings(ServeSettings(isolate=True, max_batch=MAX_INPUTS), roots=(str(tmp_path_factory.mktemp("r")),))
    with open_tools(registry, exposed_specs(registry), settings) as tools:
        yield tools


@pytest.fixture(scope="module")
def session(tools):
    session = Session(lambda: Client(create_server(tools)))
    yield session
    session.close()


def test_tools_follow_the_registry_and_hide_host_options(session):
    tools = session.tools()
    assert "test_needs_missing" not in tools  # its dependency is not installed
    assert {"search_models", "model_card", "test_length", "test_crashes", "test_broken_load"} <= set(tools)
    schema = tools["test_length"].input_schema
    assert schema["properties"]["scale"] == {"type": "integer", "description": "Multiply the count", "default": 1}
    assert "word_list" not in schema["properties"]  # host="path": a client neither sees nor sets it
    assert schema["properties"]["inputs"]["maxItems"] == MAX_INPUTS
    refused = session.call("test_length", {"inputs": ["hello"], "word_list": "/etc/passwd"})
    assert refused.is_error and "'word_list' was unexpected" in refused.content[0].text


def test_bad_inputs_are_errors_in_their_own_records(session):
    result = session.call("test_length", {"inputs": ["hello", "no such", "abc"], "scale": 2})
    assert not result.is_error
    records = result.structured_content["results"]
    assert [r["position"] for r in records] == [0, 1, 2]
    assert [r["output"]["letters"] for r in records if r["ok"]] == [2 * len("hello"), 2 * len("abc")]
    assert records[1]["error"]["type"] == "InputError" and "not a word" in records[1]["error"]["message"]
    assert result.structured_content["failed"] == 1
    assert "#1 'no such' test/length failed: InputError" in result.content[0].text


def test_wrong_arguments_are_tool_errors(session):
    for arguments, message in (({"inputs": []}, "should be non-empty"), ({"inputs": ["a"] * 9}, "is too long"),
                               ({"inputs": ["a"], "scale": "x"}, "'x' is not of type 'integer'"), ({}, "'inputs'")):
        result = session.call("test_length", arguments)
        assert result.is_error and message in result.content[0].text, (arguments, result.content[0].text)
    with pytest.raises(MCPError, match="Unknown tool 'nope'"):
        session.call("nope", {"inputs": ["a"]})


def test_a_model_that_fails_to_load_is_an_error_with_the_hubs_message(session):
    result = session.call("test_broken_load", {"inputs": ["hello"]})
    assert result.is_error and "weights file is corrupt" in result.content[0].text


def test_a_native_crash_fails_its_record_and_the_server_goes_on(session):
    result = session.call("test_crashes", {"inputs": ["hello", "crash", "abc"]})
    records = result.structured_content["results"]
    assert [r["ok"] for r in records] == [True, False, True]
    assert records[1]["error"]["type"] == "WorkerCrashed"
    after = session.call("test_crashes", {"inputs": ["again"]}).structured_content["results"][0]
    assert after["ok"], after["error"]
    assert after["output"]["letters"] == 5


def test_out_of_domain_predictions_are_flagged_in_the_text(session):
    result = session.call("test_trusted", {"inputs": ["hello", "xyz"]})
    content = result.structured_content
    assert [r["output"]["in_domain"] for r in content["results"]] == [True, False]
    assert content["out_of_domain"] == 1
    text = result.content[0].text
    assert "1 OUT OF DOMAIN" in text and "outside the applicability domain (similarity 0 < threshold 0.5)" in text


def test_numbers_json_cannot_hold_come_back_as_null(session):
    output = session.call("test_non_finite", {"inputs": ["a"]}).structured_content["results"][0]["output"]
    assert output == {"value": None, "values": [None, 1.5, None], "nested": {"x": None}}


def test_search_and_card(session):
    hits = session.call("search_models", {"query": "word letters"}).structured_content["models"]
    assert hits and all(hit["id"].startswith("test/") for hit in hits)
    assert {"id", "tool", "summary", "license"} <= set(hits[0])
    card = session.call("model_card", {"model": "test_length"})
    assert card.content[0].text.startswith("# test/length") and card.structured_content["id"] == "test/length"
    assert session.call("model_card", {"model": "test/nope"}).is_error


def test_client_roots_narrow_what_a_media_tool_may_read(tmp_path):
    """With a client that answers roots/list (the handshake protocol), a file in the server's root but
    outside every client root is refused; inside a client root it is read."""
    registry = Registry()
    shared, private = tmp_path / "shared", tmp_path / "private"
    shared.mkdir()
    private.mkdir()
    example = registry.get("vision/codes").examples[0]
    for folder in (shared, private):
        (folder / "codes.png").write_bytes(Path(example.input).read_bytes())

    async def list_roots(context):
        from mcp_types import ListRootsResult, Root

        return ListRootsResult(roots=[Root(uri=shared.as_uri())])

    settings = MCPSettings(ServeSettings(isolate=False), roots=(str(tmp_path),))
    with open_tools(registry, [registry.get("vision/codes")], settings) as tools:
        session = Session(lambda: Client(create_server(tools), mode="legacy", list_roots_callback=list_roots))
        try:
            read = session.call("vision_codes", {"inputs": ["shared/codes.png"]})
            refused = session.call("vision_codes", {"inputs": [os.fspath(private / "codes.png")]})
        finally:
            session.close()
    assert [c["text"] for c in read.structured_content["results"][0]["output"]["codes"]] == [
        c["text"] for c in example.expected["codes"]]
    assert refused.is_error and "outside the roots this client declared" in refused.content[0].text


def test_models_stay_loaded_in_their_workers_least_recently_used_first_out(session, tools):
    for model in ("test_length", "test_trusted", "test_length", "test_non_finite"):
        assert session.call(model, {"inputs": ["hello"]}).structured_content["ok"] == 1
    assert list(tools.service.loaded_models()) == ["test/length", "test/non-finite"]  # test/trusted was evicted


def test_a_stdio_server_starts_without_the_http_stack():
    """hub mcp over stdio needs the service, not hub serve's HTTP app: FastAPI stays unimported (the SDK
    itself brings starlette and uvicorn)."""
    import subprocess
    import sys

    code = ("import sys; from specialist_hub.cli import main; from specialist_hub.mcp import server; "
            "from specialist_hub.server import ServeSettings, api_key_from; "
            "print('fastapi' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "False"


def test_an_option_pattern_is_the_schemas_whole_value_pattern():
    """A str option's pattern (matched against the whole value) becomes the JSON Schema pattern, anchored;
    one with inline flags, which JSON Schema's regular expressions lack, is stated in the description."""
    registry = Registry()
    primers, xtb = (tool.definition["inputSchema"]["properties"]
                    for tool in model_tools([registry.get("biology/primers"), registry.get("chemistry/xtb")], registry, 8))
    target = jsonschema.Draft202012Validator(primers["target"])
    assert target.is_valid("100-250") and target.is_valid("")
    assert not target.is_valid("abc") and not target.is_valid("100-250x") and not target.is_valid("x100-250")
    assert "pattern" not in xtb["charge"] and "(?i)" in xtb["charge"]["description"]
