"""Hook specifications: the extension points a Specialist Hub plugin can implement.

A plugin is a module (or object) exposed through the ``specialist_hub`` entry-point group whose
functions are marked with :data:`hookimpl`. Hooks are always called with keyword arguments, so an
implementation may accept fewer arguments than the spec lists.

Rule for every hook: do not import heavy libraries (torch, rdkit, transformers...) while
registering. Registration runs on ``hub list``; put heavy imports in the model's factory module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
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
def register_input_kinds(register: Callable[[InputKind], None]) -> None:
    """Register new input kinds (beyond molecule, sequence, image and audio).

    :param register: call it once per :class:`~specialist_hub.inputs.InputKind`. An input kind
        names the Python values it accepts and the file formats it reads, so ``hub predict``
        can stream records of that kind from files, stdin and the command line.
    :return: nothing; return values are ignored.
    """
