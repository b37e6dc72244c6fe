"""Images in notebook tables (the ``register_renderers`` hook): a thumbnail of each input with the
boxes, polygons and labels the model reports drawn on it, and its keypoints and landmarks with the
lines between them that the spec's ``display`` hint names (as the playground draws them)."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping
from typing import Any

from PIL import Image, ImageDraw

from specialist_hub import InputError

from .images import draw_annotations, load_image
from .plugin import MAX_PIXELS

#: Longest side of a thumbnail, in pixels.
THUMBNAIL = 320
#: Keys of an output item that hold its geometry, and those that name it.
GEOMETRY_KEYS = ("box", "bbox", "corners", "points", "polygon")
CAPTION_KEYS = ("label", "text", "class", "format")
#: Keys of an output item that hold its points, and the colours points and connecting lines are drawn in.
POINT_KEYS = ("keypoints", "landmarks")
POINT_COLOUR, LINE_COLOUR = (0xFF, 0xEA, 0x00), (0x00, 0xE6, 0x76)
#: Landmarks less visible than this (pose landmarks out of frame) are not drawn.
MIN_VISIBILITY = 0.5


def image_cell(value: Any, output: Mapping[str, Any] | None = None, spec: Any = None, **_: Any) -> str | None:
    """The input as an inline thumbnail with its shapes and landmarks drawn; None when it cannot be read."""
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
    connections = getattr(spec, "display", {}).get("connections", {})
    points, lines = landmarks_of(output, connections)
    draw_landmarks(drawn, [(x * scale, y * scale) for x, y in points],
                   [((a * scale, b * scale), (c * scale, d * scale)) for (a, b), (c, d) in lines])
    name = value if isinstance(value, str) else ""
    return (f'<img class="hub-image" data-shapes="{len(shapes)}" data-points="{len(points)}" '
            f'data-lines="{len(lines)}" width="{drawn.width}" height="{drawn.height}" '
            f'alt="{html.escape(name)}" title="{html.escape(name)}" src="{data_uri(drawn)}">')


def landmarks_of(output: Mapping[str, Any], connections: Mapping[str, Any]) -> tuple[list, list]:
    """(points, lines): the keypoints and landmarks of every item of the output's list fields, and
    the lines between landmarks that ``connections`` ({field: [[i, j], ...]}) names."""
    points, lines = [], []
    for field, value in output.items():
        for item in value if isinstance(value, list) else ():
            if not isinstance(item, Mapping):
                continue
            for key in POINT_KEYS:
                group = item.get(key)
                found = [point_of(p) for p in (group.values() if isinstance(group, Mapping) else group or ())]
                points += [p for p in found if p]
                if key == "landmarks":
                    lines += [(found[a], found[b]) for a, b in connections.get(field, ())
                              if max(a, b) < len(found) and found[a] and found[b]]
    return points, lines


def point_of(value: Any) -> tuple[float, float] | None:
    """A point given as ``[x, y(, z)]`` or ``{x, y, visibility?}``; None when not one or not visible."""
    if isinstance(value, (list, tuple)) and len(value) >= 2 and _number(value[0]) and _number(value[1]):
        return value[0], value[1]
    if isinstance(value, Mapping) and _number(value.get("x")) and _number(value.get("y")):
        visibility = value.get("visibility")
        return None if _number(visibility) and visibility < MIN_VISIBILITY else (value["x"], value["y"])
    return None


def draw_landmarks(image: Image.Image, points: list, lines: list) -> None:
    """Lines, then points over them, drawn into ``image``."""
    draw = ImageDraw.Draw(image)
    width = max(1, min(image.size) // 250)
    for start, end in lines:
        draw.line([start, end], fill=LINE_COLOUR, width=width)
    for x, y in points:
        draw.rectangle([x - width, y - width, x + width, y + width], fill=POINT_COLOUR)


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
