"""The chemistry plugin's HTTP route and CLI command: molecule depictions.

Registered through the ``register_routes`` and ``register_commands`` hooks; RDKit and FastAPI are
imported only when a depiction is asked for, so registering stays light.
"""

from __future__ import annotations

from pathlib import Path

import click


def add_routes(router) -> None:
    """``GET /draw/molecule``: the playground's depictions."""
    from fastapi import Query
    from fastapi.responses import Response

    @router.get("/draw/molecule", tags=["drawing"], response_class=Response,
                responses={200: {"content": {"image/svg+xml": {}}, "description": "The 2-D depiction (RDKit)"},
                           422: {"description": "The SMILES or molfile does not parse"}})
    def draw_molecule(smiles: str = Query(..., min_length=1, max_length=5000, description="SMILES or molfile"),
                      width: int = Query(320, ge=50, le=2000), height: int = Query(240, ge=50, le=2000)):
        """The molecule drawn as SVG by RDKit (runs in a worker thread)."""
        from .drawing import molecule_svg

        return Response(molecule_svg(smiles, width, height), media_type="image/svg+xml")


@click.command("draw")
@click.argument("molecule")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="SVG file (default: stdout).")
@click.option("--width", default=320, show_default=True, type=click.IntRange(50, 4000))
@click.option("--height", default=240, show_default=True, type=click.IntRange(50, 4000))
def draw_command(molecule, output, width, height):
    """Draw a molecule (SMILES or molfile) as SVG with RDKit (chemistry plugin)."""
    from specialist_hub.errors import MissingDependencyError, OutputWriteError
    from specialist_hub.plan import check_writable_folder

    to_file = output not in (None, "-")
    if to_file:  # before drawing: a destination that cannot be written is a usage error
        check_writable_folder(Path(output).parent, "--output's folder")
    try:
        from .drawing import molecule_svg
    except ImportError as exc:
        raise MissingDependencyError("chemistry/draw", [exc.name or "rdkit"], 'pip install "specialist-hub[chem]"') from None
    svg = molecule_svg(molecule, width, height)
    if not to_file:
        click.echo(svg)
        return
    try:
        with click.open_file(output, "w", atomic=True) as handle:
            handle.write(svg)
    except OSError as exc:
        raise OutputWriteError(f"Cannot write {output} ({exc.strerror or type(exc).__name__}); it was left as it was "
                               f"(the file is replaced only once complete). Fix the folder or make room, then "
                               f"draw again.") from None
