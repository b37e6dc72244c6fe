"""Molecules in notebook tables (the ``register_renderers`` hook): an RDKit depiction of each input,
with the atoms a model reports highlighted."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from specialist_hub import InputError

from .drawing import molecule_svg

WIDTH, HEIGHT = 200, 150
#: Output keys that hold atom indices (0-based, in the order of the input as parsed).
ATOM_KEYS = ("atoms", "highlight_atoms")


def molecule_cell(value: Any, output: Mapping[str, Any] | None = None, **_: Any) -> str | None:
    """The input drawn as inline SVG, or None when it does not parse (the table shows the text)."""
    try:
        svg = molecule_svg(value, WIDTH, HEIGHT, highlight_atoms=reported_atoms(output))
    except InputError:
        return None
    svg = svg[svg.index("<svg"):]  # inline SVG takes no XML declaration
    title = value.strip() if isinstance(value, str) and "\n" not in value else (output or {}).get("canonical_smiles")
    return f'<div class="hub-molecule" title="{html.escape(str(title or ""))}">{svg}</div>'


def reported_atoms(output: Mapping[str, Any] | None) -> list[int]:
    """Atom indices under an ``atoms``/``highlight_atoms`` key of the output, or of the items of its
    list fields (one per matched alert, say)."""
    places = [output or {}]
    places += [item for value in (output or {}).values() if isinstance(value, list)
               for item in value if isinstance(item, Mapping)]
    found: dict[int, None] = {}
    for place in places:
        for key in ATOM_KEYS:
            atoms = place.get(key)
            if isinstance(atoms, list):
                found.update((atom, None) for atom in atoms if isinstance(atom, int) and not isinstance(atom, bool))
    return list(found)
