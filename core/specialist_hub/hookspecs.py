"""Hook specifications: the extension points a Specialist Hub plugin can implement.

A plugin is a module (or object) exposed through the ``specialist_hub`` entry-point group whose
functions are marked with :data:`hookimpl`. Hooks are always called with keyword arguments, so an
implementation may accept fewer arguments than the spec lists.

The hooks run in phases, each over every plugin before the next begins: input kinds, models,
HTTP routes, CLI commands. A model may therefore use an input kind that any plugin registers.

Rule for every hook: do not import heavy libraries (torch, rdkit, transformers...) while
registering. Registration runs on ``hub list``; put heavy imports in the model's factory module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click
    from fastapi import APIRouter

    from .inputs import InputKind
    from .spec import ModelSpec

PROJECT_NAME = "specialist_hub"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_models(register: Callable[[ModelSpec], None]) -> None:
    """Register the plugin's models.

    :param register: call it once per model with a :class:`~specialist_hub.spec.ModelSpec`.
        The core owns duplicate detection: an id registered by two plugins is an error that names
        both. The spec's ``factory`` is a ``"module:Class"`` string imported only when the model
        is used, so registration stays cheap.
    :return: nothing; return values are ignored.
    """


@hookspec
def register_routes(register: Callable[[Callable[[APIRouter], None]], None]) -> None:
    """Contribute HTTP routes to ``hub serve`` (as datasette's ``register_routes``).

    :param register: call it with a function ``add(router)``; the server calls it once at start-up
        with its :class:`fastapi.APIRouter`, behind the same API key as the model routes. Import
        FastAPI and any heavy library inside ``add``, not at the top of the plugin module.
    :return: nothing; return values are ignored.
    """


@hookspec
def register_commands(register: Callable[[click.Command], None]) -> None:
    """Contribute sub-commands to the ``hub`` command line (as ``llm``'s ``register_commands``).

    :param register: call it once per :class:`click.Command`; a name already taken by the core or
        another plugin is reported as that plugin's error. Import heavy libraries inside the
        command's function.
    :return: nothing; return values are ignored.
    """


@hookspec
def register_input_kinds(register: Callable[[InputKind], None]) -> None:
    """Register new input kinds (beyond molecule, sequence, image and audio).

    :param register: call it once per :class:`~specialist_hub.inputs.InputKind`. An input kind
        names the Python values it accepts and the file formats it reads, so ``hub predict``
        can stream records of that kind from files, stdin and the command line.
    :return: nothing; return values are ignored.
    """
