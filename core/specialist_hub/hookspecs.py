"""Hook specifications: the extension points a Specialist Hub plugin can implement.

A plugin is a module (or object) exposed through the ``specialist_hub`` entry-point group whose
functions are marked with :data:`hookimpl`. Hooks are always called with keyword arguments, so an
implementation may accept fewer arguments than the spec lists.

The hooks run in phases, each over every plugin before the next begins: input kinds, models,
pipelines, HTTP routes, CLI commands, notebook renderers. A model may therefore use an input kind
that any plugin registers, and a pipeline any plugin's models.

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

    from .display import Renderer
    from .inputs import InputKind
    from .pipeline import Pipeline
    from .spec import ModelSpec
    from .training.features import FeaturizerSpec, SplitterSpec
    from .writers import OutputFormat

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
def register_pipelines(register: Callable[[Pipeline], None]) -> None:
    """Register the plugin's pipelines: whole jobs built from registered models.

    :param register: call it once per :class:`~specialist_hub.pipeline.Pipeline`. This phase runs
        after every plugin registered its models, so a pipeline may use any plugin's models; one
        that names a missing model or field is reported as the plugin's warning and left out (the
        plugin's models keep working). A pipeline is listed, checked, served and run like a model.
    :return: nothing; return values are ignored.
    """


@hookspec
def register_output_formats(register: Callable[[OutputFormat], None]) -> None:
    """Contribute output formats of the plugin's field (GFF3 for genomes, SRT for subtitles...).

    :param register: call it once per :class:`~specialist_hub.writers.OutputFormat` (name, file
        extensions, ``"module:Class"`` of a :class:`~specialist_hub.writers.Writer` subclass, imported
        only when used). ``hub predict -o FILE.EXT`` and ``--format NAME`` pick it; a writer receives
        every prediction of the run, in order, and writes only what its format holds.
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


@hookspec
def register_renderers(register: Callable[[str, Renderer], None]) -> None:
    """Draw the inputs of an input kind in notebook tables (molecule depictions, image thumbnails,
    audio players), so the core's HTML table needs no RDKit or PIL.

    :param register: call it as ``register(kind, render)``: ``kind`` is an input kind's name and
        ``render(value=..., output=..., spec=...)`` returns an HTML fragment for one table cell, or
        None to leave the cell to the next renderer of that kind (and at last to plain text); give
        it as a ``"module:function"`` string to import it only when a table is drawn. ``value`` is
        the input as the caller gave it when the call kept it (a SMILES, a path, a PIL image...),
        else the prediction's ``input`` text; ``output`` is the prediction's output (None when it
        failed), from which a renderer draws what the model reports (boxes, atoms, segments);
        ``spec`` is the model's :class:`~specialist_hub.spec.ModelSpec` (its ``display`` hint, for
        one). Accept ``**_`` too, so arguments added later do not break the renderer.
        Renderers are tried in plugin order; one that raises is skipped. Keep each fragment small
        (a thumbnail, not the full image): a table holds a bounded amount of drawn inputs.
    :return: nothing; return values are ignored.
    """


@hookspec
def register_featurizers(register: Callable[[FeaturizerSpec], None]) -> None:
    """Offer ``hub train`` a way to turn inputs of a kind into feature vectors (RDKit descriptors and
    fingerprints for molecules, a pretrained backbone's embedding for images).

    :param register: call it once per :class:`~specialist_hub.training.features.FeaturizerSpec`; its
        ``factory`` (a :class:`~specialist_hub.training.features.Featurizer` subclass) is imported only
        when a model is trained or a trained model predicts. One featuriser per input kind may be its
        ``default``. An id registered twice is the second plugin's error.
    :return: nothing; return values are ignored.
    """


@hookspec
def register_splitters(register: Callable[[SplitterSpec], None]) -> None:
    """Offer ``hub train`` the split its field needs: a function that gives each input the group it
    must share a fold with (a Bemis-Murcko scaffold, a sequence-identity cluster), so held-out
    figures measure generalisation to new chemistry or new families rather than to near-copies.

    :param register: call it once per :class:`~specialist_hub.training.features.SplitterSpec`; one per
        input kind may be its ``default`` (without one, ``hub train`` splits at random and says so).
    :return: nothing; return values are ignored.
    """
