"""``hub mcp``: every available model and pipeline as a typed tool of the Model Context Protocol.

:mod:`.tools` turns specs into tool definitions (plain JSON, no SDK needed, so ``hub mcp --list``
shows exactly what a client gets), :mod:`.roots` decides which files a client may have the models
read, :mod:`.server` answers the protocol with the official SDK, and :mod:`.http` adds ``hub serve``'s
API keys and rate limits to the streamable HTTP transport.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..registry import Registry
from ..spec import ModelSpec

if TYPE_CHECKING:
    from ..server.settings import ServeSettings
    from .server import HubTools



@dataclass(frozen=True)
class MCPSettings:
    """What a server exposes and how it runs calls; built once by ``hub mcp`` from its flags. The service
    settings are ``hub serve``'s own (batch bound, device, isolation, timeout, output folder, and for HTTP
    the port, API keys, rate limit and body size), so both servers follow the same rules."""

    serve: ServeSettings
    #: Folders whose files media tools may read (default: the working directory).
    roots: tuple[str, ...] = ()


def exposed_specs(registry: Registry, model_ids: Sequence[str] = (), domains: Sequence[str] = (),
                  pipeline_ids: Sequence[str] = ()) -> list[ModelSpec]:
    """The models and pipelines a server offers: the named ones (each must be installed), else those
    of the domains, else every installed one, and the given pipelines (``--pipeline``) in any case; the
    registry's licence filter applies throughout."""
    if model_ids and domains:
        raise UsageError("Give --model or --domain, not both.")
    if model_ids:
        specs = [registry.get(model_id) for model_id in dict.fromkeys(model_ids)]
        for spec in specs:
            registry.require(spec)
    else:
        wanted = {registry.resolve_domain(domain) for domain in domains}
        specs = [spec for spec in registry.list_models() if (not wanted or spec.domain in wanted)
                 and not registry.missing_requirements(spec)]
    chosen = {spec.id for spec in specs}
    return specs + [registry.get(pipeline_id) for pipeline_id in pipeline_ids if pipeline_id not in chosen]


@contextlib.contextmanager
def open_tools(registry: Registry, specs: Sequence[ModelSpec], settings: MCPSettings,
               choose: Callable[[Registry], Sequence[ModelSpec]] | None = None) -> Iterator[HubTools]:
    """The server's tools over ``hub serve``'s service, whose worker processes stop (and whose temporary
    output folder goes) when the block ends. With ``choose`` (how ``specs`` were chosen from a registry)
    the tools follow the installation: when plugins or trained models change, the registry is rebuilt and
    the tools chosen again."""
    from ..server.service import HubService
    from .roots import FileRoots
    from .server import HubTools

    with contextlib.ExitStack() as stack:
        output_dir = settings.serve.output_dir or stack.enter_context(
            tempfile.TemporaryDirectory(prefix="hub-mcp-outputs-"))
        os.makedirs(output_dir, exist_ok=True)
        output_dir = os.path.realpath(output_dir)
        roots = FileRoots(settings.roots or (os.getcwd(),), own=(output_dir,))
        service = HubService(settings.serve.replace(models=tuple(spec.id for spec in specs), output_dir=output_dir),
                             registry)
        stack.callback(service.close)
        yield HubTools(registry, specs, roots, service, settings.serve.max_batch, choose)
