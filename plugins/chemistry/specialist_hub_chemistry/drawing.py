"""2-D depictions of molecules as SVG (RDKit's MolDraw2D), for the server, the CLI and notebooks."""

from __future__ import annotations

from collections.abc import Sequence

from rdkit.Chem.Draw import rdMolDraw2D

from .molecules import parse_molecule


def molecule_svg(value: str, width: int = 320, height: int = 240, highlight_atoms: Sequence[int] = ()) -> str:
    """The molecule (SMILES or molfile) drawn as SVG; InputError with RDKit's reason if it does not parse."""
    mol = parse_molecule(value)
    drawer = rdMolDraw2D.MolDraw2DSVG(width, height)
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol, highlightAtoms=list(highlight_atoms))
    drawer.FinishDrawing()
    return drawer.GetDrawingText()
