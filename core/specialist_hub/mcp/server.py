"""The MCP server: lists the tools generated from the specs and runs calls on the hub's runtime.

Built on the official SDK's low-level ``Server``, so every schema a client sees is the one
:mod:`.tools` derived from the spec (never one inferred from a Python signature). Calls run through
``hub serve``'s service: checked options, models in supervised worker processes (a native crash
fails a record, never the server), loaded once and kept (least recently used first out), concurrent
calls to one model batched together. A bad input is an error inside its own record of a normal
result; a call the hub refuses (an unknown option, a path outside the roots, a model that cannot
load) is a tool result with ``isError`` and the hub's message.
"""

from __future__ import annotations

import base64
import contextlib
import json
import mimetypes
import os
import sys
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import jsonschema  # type: ignore[import-untyped]
import mcp_types as types
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.models import InitializationOptions
from mcp.server.subscriptions import InMemorySubscriptionBus, ListenHandler, ToolsListChanged
from mcp.shared.exceptions import MCPError

from .. import __version__
from ..cards import render_markdown
from ..errors import HubError, UnknownModelError, UsageError
from ..inputs import Record
from ..registry import Registry
from ..results import finite
from ..server.service import OUTPUTS_ROUTE
from ..spec import ModelSpec
from .roots import FileRoots, paths_of_uris
from .tools import INPUTS, ModelTool, discovery_tools, model_tools, structured_result, text_result

if TYPE_CHECKING:
    from ..server.service import HubService

SERVER_NAME = "specialist-hub"
#: How results and resource links name the files models write: ``hub://outputs/NAME`` (never a path on
#: the server), read with ``resources/read`` and accepted as the input of another tool.
OUTPUT_URI = "hub://outputs/"
#: Largest output file ``resources/read`` hands out.
MAX_RESOURCE_BYTES = 64 * 1024 * 1024
#: Output files ``resources/list`` shows, newest first.
MAX_LISTED_RESOURCES = 100
#: The domain of the models ``hub train`` writes (``user/NAME``), which can change while a server runs.
TRAINED_DOMAIN = "user"
#: Seconds between two looks at the installed packages and trained models (some microseconds each).
WATCH_INTERVAL_S = 5.0
#: Seconds a client has to answer ``roots/list``.
ROOTS_TIMEOUT_S = 10.0
INSTRUCTIONS = ("Small specialised models (chemistry, biology, vision, audio, video) as tools. Each model tool takes "
                "a batch in 'inputs' and returns one record per input, in order, with units; a bad input is an error "
                "in its own record. Use search_models to find a model and model_card for its full card.")

#: Where a call may ask the client for its roots: None when the client declares none.
ClientRoots = Callable[[], Awaitable[list[Path] | None]]


def _error(message: str) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": message}], "isError": True}


def installed_packages() -> tuple:
    """The folders Python imports from, as they are now (each one's modification time): installing,
    upgrading or removing a distribution, a plugin's included, changes its folder. Some microseconds."""
    times = []
    for folder in sys.path:
        with contextlib.suppress(OSError):  # an entry that is a zip file, or gone
            times.append(os.stat(folder or ".").st_mtime_ns)
    return tuple(times)


def trained_models() -> tuple:
    """The models ``hub train`` wrote, as they are now: each one's name and manifest time (a fraction of a
    millisecond to read, so it is read at every call to a trained model)."""
    from ..training.artifact import MANIFEST, trained_model_folders

    state = []
    for folder in trained_model_folders():
        with contextlib.suppress(OSError):  # a model being replaced right now (read again next time)
            state.append((folder.name, (folder / MANIFEST).stat().st_mtime_ns))
    return tuple(state)


class HubTools:
    """The tools of one server and how a call runs; independent of the transport."""

    def __init__(self, registry: Registry, specs: Sequence[ModelSpec], roots: FileRoots, service: HubService,
                 max_inputs: int, choose: Callable[[Registry], Sequence[ModelSpec]] | None = None):
        self.roots, self.service, self.max_inputs, self.choose = roots, service, max_inputs, choose
        self.output_dir = Path(service.output_dir)
        #: Packages and trained models as they were when the tools were chosen; None: the tools never change.
        self._installed = (installed_packages(), trained_models()) if choose is not None else None
        #: Counts the changes of the tool list, so that clients are told of each one.
        self.generation = 0
        self._use(registry, specs)

    def _use(self, registry: Registry, specs: Sequence[ModelSpec]) -> None:
        self.registry = registry
        self.models: dict[str, ModelTool] = {tool.name: tool for tool in model_tools(specs, registry, self.max_inputs)}
        self.by_id = {tool.spec.id: tool for tool in self.models.values()}
        self.definitions = discovery_tools(sorted({spec.domain for spec in specs})) + [
            dict(tool.definition) for tool in self.models.values()]
        self._validators = {d["name"]: jsonschema.Draft202012Validator(d["inputSchema"]) for d in self.definitions}

    def refresh(self, packages: bool = True) -> bool:
        """Choose the tools again if the trained models (and, with ``packages``, the installed packages)
        changed since they were chosen: a model trained, retrained or removed, a plugin installed while the
        server runs. A model whose spec changed loads anew on its next call. Whether the tool list changed."""
        if self._installed is None or self.choose is None:
            return False
        installed = (installed_packages() if packages else self._installed[0], trained_models())
        if installed == self._installed:
            return False
        self._installed = installed
        registry = self.registry.replace()
        specs = self.choose(registry)
        self.service.use_registry(registry, tuple(spec.id for spec in specs))
        before = self.definitions
        self._use(registry, specs)
        if self.definitions == before:
            return False
        self.generation += 1
        return True

    def input_schema(self, name: str) -> Mapping[str, Any] | None:
        validator = self._validators.get(name)
        return validator.schema if validator is not None else None

    async def call(self, name: str, arguments: Mapping[str, Any] | None, client_roots: ClientRoots) -> dict[str, Any]:
        """The result of one call, as the ``CallToolResult`` JSON object."""
        tool = self.models.get(name)
        if (tool is None or tool.spec.domain == TRAINED_DOMAIN) and self.refresh(packages=False):
            tool = self.models.get(name)  # a model trained (or retrained) after the client listed the tools
        validator = self._validators.get(name)
        if validator is None:
            raise MCPError(types.INVALID_PARAMS, f"Unknown tool {name!r}; tools/list names this server's tools, "
                                                 f"search_models finds one by what it does.")
        arguments = dict(arguments or {})
        problem = next(iter(sorted(validator.iter_errors(arguments), key=lambda e: list(e.absolute_path))), None)
        if problem is not None:
            where = ".".join(map(str, problem.absolute_path)) or "arguments"
            return _error(f"Invalid arguments for {name}: {where}: {problem.message}.")
        try:
            if name == "search_models":
                return self._search(arguments)
            if name == "model_card":
                return self._card(arguments["model"])
            assert tool is not None
            return await self._predict(tool, arguments, client_roots)
        except HubError as exc:
            return _error(f"Error: {exc}")
        except Exception as exc:  # noqa: BLE001 - a plugin's bug fails its call, never the server
            print(f"hub mcp: {name} raised {type(exc).__name__}: {exc}", file=sys.stderr)
            return _error(f"Error: {name} raised {type(exc).__name__}: {exc}")

    async def _predict(self, tool: ModelTool, arguments: dict[str, Any], client_roots: ClientRoots) -> dict[str, Any]:
        values = arguments.pop(INPUTS)
        if not tool.kind.literal_arguments:
            declared = await client_roots()
            values = [self._output_file(value) or self.roots.resolve(value, declared) for value in values]
        records = [Record(position, value) for position, value in enumerate(values)]
        model_id = tool.spec.id
        results = await self.service.results(model_id, self.service.submit(model_id, records, arguments))
        written: dict[str, None] = {}
        for record in results if tool.spec.writes_files else ():
            if record.get("output"):
                record["output"] = self._name_outputs(record["output"], written)
        structured = finite(structured_result(tool.spec, results))
        content: list[dict[str, Any]] = [{"type": "text", "text": text_result(structured)}]
        content += [self._link(self.output_dir / name) for name in written if (self.output_dir / name).is_file()]
        return {"content": content, "structuredContent": structured, "isError": False}

    def _name_outputs(self, value: Any, written: dict[str, None]) -> Any:
        """``value`` with each file the model wrote (the service names it ``/outputs/NAME``) named by its
        resource URI, which ``resources/read`` serves on every transport; the names go into ``written``."""
        if isinstance(value, str) and value.startswith(f"{OUTPUTS_ROUTE}/"):
            name = value[len(OUTPUTS_ROUTE) + 1:]
            written[name] = None
            return OUTPUT_URI + name
        if isinstance(value, list):
            return [self._name_outputs(item, written) for item in value]
        if isinstance(value, dict):
            return {key: self._name_outputs(item, written) for key, item in value.items()}
        return value

    def _output_file(self, value: str) -> str | None:
        """The path of an output file named by its resource URI (one tool's file as another's input)."""
        if not value.startswith(OUTPUT_URI):
            return None
        name = value[len(OUTPUT_URI):]
        path = self.output_dir / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise UsageError(f"No output file {value!r} on this server: give a URI a tool returned.")
        return str(path)

    def _link(self, path: Path) -> dict[str, Any]:
        return {"type": "resource_link", "uri": OUTPUT_URI + path.name, "name": path.name,
                "mimeType": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                "size": path.stat().st_size}

    def _search(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        terms = [term for term in str(arguments.get("query", "")).lower().split() if term]
        domain = arguments.get("domain")
        scored = []
        for tool in self.models.values():
            spec = tool.spec
            if domain and spec.domain != domain:
                continue
            fields = ((spec.id, 3), (spec.task, 2), (spec.summary, 2), (spec.card.get("intended_use", ""), 1))
            score = sum(weight for term in terms for text, weight in fields if term in text.lower())
            if score or not terms:
                scored.append((-score, spec.id, tool))
        hits = [{"id": tool.spec.id, "tool": tool.name, "summary": tool.spec.summary, "task": tool.spec.task,
                 "input_kind": tool.spec.input_kind, "license": tool.spec.license,
                 "commercial_use": tool.spec.commercial_use}
                for _, _, tool in sorted(scored, key=lambda item: item[:2])[:arguments.get("limit", 20)]]
        lines = [f"{hit['tool']} ({hit['id']}): {hit['summary']}. Licence: {hit['license']}" for hit in hits]
        text = "\n".join(lines) if lines else "No model matches; search with fewer or other words."
        return {"content": [{"type": "text", "text": text}], "structuredContent": {"models": hits}, "isError": False}

    def _card(self, model: str) -> dict[str, Any]:
        tool = self.models.get(model) or self.by_id.get(model)
        if tool is None:
            raise UnknownModelError(model, [*self.by_id, *self.models])
        spec = tool.spec
        described = json.loads(json.dumps(finite(self.registry.describe(spec)), default=str))
        markdown = render_markdown(spec, available=described["available"],
                                   install_hint=self.registry.install_hint(spec))
        return {"content": [{"type": "text", "text": markdown}], "structuredContent": {**described, "tool": tool.name},
                "isError": False}

    def list_outputs(self) -> list[dict[str, Any]]:
        files = sorted((p for p in self.output_dir.iterdir() if p.is_file()), key=lambda p: -p.stat().st_mtime)
        return [{k: v for k, v in self._link(path).items() if k != "type"} for path in files[:MAX_LISTED_RESOURCES]]

    def read_output(self, uri: str) -> dict[str, Any]:
        try:
            path = Path(self._output_file(uri) or "")
        except UsageError as exc:
            raise MCPError(types.INVALID_PARAMS, str(exc)) from None
        if not path.name:
            raise MCPError(types.INVALID_PARAMS, f"No resource {uri!r}: this server's resources are the files its "
                                                 f"tools write, {OUTPUT_URI}NAME.")
        size = path.stat().st_size
        if size > MAX_RESOURCE_BYTES:
            raise MCPError(types.INVALID_PARAMS, f"{path.name} is {size:,} bytes, over the {MAX_RESOURCE_BYTES:,} "
                                                 f"bytes this server hands out.")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = path.read_bytes()
        if mime.startswith("text/"):
            return {"contents": [{"uri": uri, "mimeType": mime, "text": data.decode("utf-8", "replace")}]}
        return {"contents": [{"uri": uri, "mimeType": mime, "blob": base64.b64encode(data).decode("ascii")}]}


def _client_roots(ctx: Any) -> ClientRoots:
    """Asks the client for its roots when it declares the capability; None when it does not or cannot
    answer (the server's roots still bound every path)."""

    async def roots() -> list[Path] | None:
        capabilities = ctx.session.client_capabilities
        if capabilities is None or capabilities.roots is None:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # roots are deprecated from protocol 2026-07-28 but still sent
                with anyio.fail_after(ROOTS_TIMEOUT_S):
                    listed = await ctx.session.list_roots()
        except Exception:  # noqa: BLE001 - no back-channel (newer protocol), or a client that fails to answer
            return None
        return paths_of_uris(str(root.uri) for root in listed.roots) or None

    return roots


class HubServer(Server):
    """The SDK's low-level server, telling clients that its tool list changes: on a
    ``subscriptions/listen`` stream (protocol 2026-07-28), else as a notification (older protocols)."""

    def __init__(self, *args: Any, **kwargs: Any):
        self.changes = InMemorySubscriptionBus()
        super().__init__(*args, on_subscriptions_listen=ListenHandler(self.changes), **kwargs)

    def create_initialization_options(self, notification_options: NotificationOptions | None = None,
                                      *args: Any, **kwargs: Any) -> InitializationOptions:
        return super().create_initialization_options(notification_options or NotificationOptions(tools_changed=True),
                                                     *args, **kwargs)


def create_server(tools: HubTools) -> HubServer:
    """The SDK's low-level server with the hub's handlers. The tool list follows the installation
    (:meth:`HubTools.refresh`): it is read again at each ``tools/list``, at each call to a trained model
    and every :data:`WATCH_INTERVAL_S` (:func:`follow_installation`); listening clients are told of a
    change, and a client whose call found it is sent ``notifications/tools/list_changed``."""
    listed: dict[int, types.ListToolsResult] = {}

    async def list_tools(ctx, params) -> types.ListToolsResult:
        if tools.refresh():
            await server.changes.publish(ToolsListChanged())
        if tools.generation not in listed:
            listed.clear()
            listed[tools.generation] = types.ListToolsResult(tools=[types.Tool.model_validate(d)
                                                                    for d in tools.definitions])
        return listed[tools.generation]

    async def call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        generation = tools.generation
        result = await tools.call(params.name, params.arguments, _client_roots(ctx))
        if tools.generation != generation:
            await server.changes.publish(ToolsListChanged())
            with contextlib.suppress(Exception):  # a client of the newer protocol hears it on its listen stream
                await ctx.session.send_tool_list_changed()
        return types.CallToolResult.model_validate(result)

    async def list_resources(ctx, params) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=[types.Resource.model_validate(r) for r in tools.list_outputs()])

    async def read_resource(ctx, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        return types.ReadResourceResult.model_validate(tools.read_output(str(params.uri)))

    server = HubServer(SERVER_NAME, version=__version__, instructions=INSTRUCTIONS, title="Specialist Hub",
                       get_tool_input_schema=tools.input_schema, on_list_tools=list_tools, on_call_tool=call_tool,
                       on_list_resources=list_resources, on_read_resource=read_resource)
    return server


async def follow_installation(server: HubServer, tools: HubTools) -> None:
    """Until cancelled: every :data:`WATCH_INTERVAL_S`, choose the tools again if plugins or trained
    models changed, and tell the listening clients."""
    while True:
        await anyio.sleep(WATCH_INTERVAL_S)
        if tools.refresh():
            await server.changes.publish(ToolsListChanged())


async def serve_stdio(tools: HubTools) -> None:
    """Serve over stdin/stdout. While it runs the SDK points file descriptor 1 at stderr, so nothing a
    model or a worker process prints can reach the protocol's stream."""
    from mcp.server.stdio import stdio_server

    server = create_server(tools)
    async with stdio_server() as (read_stream, write_stream), anyio.create_task_group() as group:
        group.start_soon(follow_installation, server, tools)
        await server.run(read_stream, write_stream, server.create_initialization_options())
        group.cancel_scope.cancel()
