"""Images in notebook tables (the ``register_renderers`` hook): a thumbnail of each input with the
boxes, polygons and labels the model reports drawn on it."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping
from typing import Any

from PIL import Image

from specialist_hub import InputError

from .images import draw_annotations, load_image
from .plugin import MAX_PIXELS

#: Longest side of a thumbnail, in pixels.
THUMBNAIL = 320
#: Keys of an output item that hold its geometry, and those that name it.
GEOMETRY_KEYS = ("box", "bbox", "corners", "points", "polygon")
CAPTION_KEYS = ("label", "text", "class", "format")


def image_cell(value: Any, output: Mapping[str, Any] | None = None, **_: Any) -> str | None:
    """The input as an inline thumbnail with its shapes drawn; None when it cannot be read."""
    try:
        image = load_image(value, MAX_PIXELS.default).image
    except InputError:
        return None
    output = output or {}
    rotation = output.get("rotation")
    if rotation in (90, 180, 270):  # vision/orientation: its OCR boxes are in the upright image
        image = image.rotate(rotation, expand=True)
    scale = min(1.0, THUMBNAIL / max(image.size))
    thumbnail = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                             Image.Resampling.LANCZOS)
    shapes = [([[x * scale, y * scale] for x, y in points], caption) for points, caption in shapes_of(output)]
    drawn = draw_annotations(thumbnail, shapes)
    name = value if isinstance(value, str) else ""
    return (f'<img class="hub-image" data-shapes="{len(shapes)}" width="{drawn.width}" height="{drawn.height}" '
            f'alt="{html.escape(name)}" title="{html.escape(name)}" src="{data_uri(drawn)}">')


def shapes_of(output: Mapping[str, Any]) -> list[tuple[list[list[float]], str]]:
    """(points, caption) of every item of the output's list fields that has a box or polygon."""
    shapes = []
    for field, value in output.items():
        for item in value if isinstance(value, list) else ():
            if not isinstance(item, Mapping):
                continue
            points = polygon(next((item[key] for key in GEOMETRY_KEYS if key in item), None))
            if points:
                shapes.append((points, caption(item, field.removesuffix("s"))))
    return shapes


def polygon(geometry: Any) -> list[list[float]] | None:
    """Points of a ``[x_min, y_min, x_max, y_max]`` box (as its two corners) or of a polygon."""
    if not isinstance(geometry, (list, tuple)):
        return None
    if len(geometry) == 4 and all(_number(v) for v in geometry):
        return [[geometry[0], geometry[1]], [geometry[2], geometry[3]]]
    if len(geometry) >= 2 and all(isinstance(p, (list, tuple)) and len(p) == 2 and all(map(_number, p))
                                  for p in geometry):
        return [list(p) for p in geometry]
    return None


def caption(item: Mapping[str, Any], kind: str) -> str:
    """The item's label (else ``kind``, e.g. ``face``) and its score."""
    name = next((str(item[key]) for key in CAPTION_KEYS if item.get(key) not in (None, "")), kind)
    score = item.get("score", item.get("confidence"))
    return " ".join(part for part in (name[:40], f"{score:.2f}" if _number(score) else "") if part)


def data_uri(image: Image.Image) -> str:
    """The image as a data URI: PNG or JPEG, whichever is smaller (drawings compress as PNG, photos as JPEG)."""
    encoded = []
    for fmt, mime, options in (("PNG", "image/png", {"optimize": True}), ("JPEG", "image/jpeg", {"quality": 85})):
        buffer = io.BytesIO()
        image.save(buffer, fmt, **options)
        encoded.append((len(buffer.getvalue()), mime, buffer.getvalue()))
    _, mime, data = min(encoded)
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
