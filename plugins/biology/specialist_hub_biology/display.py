"""Sequences in notebook tables (the ``register_renderers`` hook): the sequence wrapped in blocks
of ten, the regions the model reports (genes, disordered stretches) coloured in it, and a map of
those regions along the whole record."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

LINE, BLOCK = 60, 10
#: Residues written out; a longer record shows its start, and the map shows all of it.
SHOWN = 600
MAP_WIDTH, TRACK_HEIGHT = 320, 12
COLOURS = ("#00a152", "#ff6d00", "#2962ff", "#d500f9", "#00b8d4")
_LETTERS = re.compile(r"^[A-Za-z*\-.]+$")


def sequence_cell(value: Any, output: Mapping[str, Any] | None = None, **_: Any) -> str | None:
    """The sequence wrapped and coloured, with a region map; None when the value is no sequence."""
    if not isinstance(value, str):
        return None
    sequence = "".join(value.split()).upper()
    if not sequence or not _LETTERS.match(sequence):
        return None
    regions = regions_of(output or {})
    fields = list(dict.fromkeys(field for field, *_ in regions))
    colour = {field: COLOURS[i % len(COLOURS)] for i, field in enumerate(fields)}
    shading: list[str | None] = [None] * min(len(sequence), SHOWN)
    for field, start, end, _strand in regions:
        for index in range(max(start - 1, 0), min(end, len(shading))):
            shading[index] = shading[index] or colour[field]
    lines = [_line(sequence, shading, first) for first in range(0, len(shading), LINE)]
    if len(sequence) > SHOWN:
        lines.append(f"… {len(sequence) - SHOWN:,} more")
    legend = " ".join(f'<span style="background:{colour[f]}55">{html.escape(f)}</span>' for f in fields)
    return (f'<div class="hub-sequence" data-regions="{len(regions)}">'
            f"{region_map(regions, len(sequence), colour) if regions else ''}"
            f'<pre style="margin:2px 0;max-height:14em;overflow:auto;white-space:pre">{chr(10).join(lines)}</pre>'
            f'<div class="hub-caption">{len(sequence):,} residues {legend}</div></div>')


def _line(sequence: str, shading: list[str | None], first: int) -> str:
    """One line of 60 residues in blocks of ten, after its 1-based position, with shaded runs."""
    parts = [f"{first + 1:>7} "]
    for start in range(first, min(first + LINE, len(shading)), BLOCK):
        index = start
        while index < min(start + BLOCK, len(shading)):
            run_end = index
            while run_end < min(start + BLOCK, len(shading)) and shading[run_end] == shading[index]:
                run_end += 1
            text = html.escape(sequence[index:run_end])
            parts.append(f'<span style="background:{shading[index]}55">{text}</span>' if shading[index] else text)
            index = run_end
        parts.append(" ")
    return "".join(parts).rstrip()


def regions_of(output: Mapping[str, Any]) -> list[tuple[str, int, int, str]]:
    """(field, start, end, strand) of every region in the output's lists: ``[first, last]`` pairs or
    items with ``start``/``end`` (1-based, inclusive, as Prodigal and metapredict report them)."""
    regions = []
    for field, value in output.items():
        for item in value if isinstance(value, list) else ():
            if isinstance(item, Mapping) and _whole(item.get("start")) and _whole(item.get("end")):
                regions.append((field, item["start"], item["end"], str(item.get("strand", ""))))
            elif isinstance(item, (list, tuple)) and len(item) == 2 and all(map(_whole, item)):
                regions.append((field, item[0], item[1], ""))
    return regions


def region_map(regions: list[tuple[str, int, int, str]], length: int, colour: Mapping[str, str]) -> str:
    """An SVG line for the whole record: regions on the forward strand above, reverse below."""
    scale = MAP_WIDTH / max(length, 1)
    height = 2 * TRACK_HEIGHT + 2
    blocks = "".join(
        f'<rect x="{(start - 1) * scale:.1f}" y="{TRACK_HEIGHT + 2 if strand == "-" else 0}" '
        f'width="{max(1.0, (end - start + 1) * scale):.1f}" height="{TRACK_HEIGHT}" fill="{colour[field]}">'
        f"<title>{html.escape(field)} {start:,}–{end:,} {strand}</title></rect>"
        for field, start, end, strand in regions)
    return (f'<svg class="hub-region-map" width="{MAP_WIDTH}" height="{height}" viewBox="0 0 {MAP_WIDTH} {height}">'
            f'<rect y="{TRACK_HEIGHT}" width="{MAP_WIDTH}" height="2" fill="#8888"/>{blocks}</svg>')


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
