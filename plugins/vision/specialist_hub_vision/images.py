"""Image loading and annotation shared by every vision model.

All models see the same thing: an upright (EXIF-applied) 8-bit RGB ``PIL.Image``, whatever the
input was (a path, a PIL image or a numpy array). Every way an input can be unusable — missing,
not an image, truncated, too large — becomes an InputError naming the file and the reason, so one
bad file fails only its own record.

Decoding waits until a model needs the pixels: ``preprocess`` reads only the header (format,
size, the pixel limit), so a batch holds file names and sizes, and each image is decoded in
``forward`` and freed after it (eight 7000x7000 PNGs of 47 KB would be 1.2 GB decoded at once).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from specialist_hub import InputError, ItemModel
from specialist_hub.inputs import media_file
from specialist_hub.kit import derived_file

#: PIL modes with more than 8 bits per channel, rescaled through numpy rather than clipped by PIL.
_HIGH_BIT_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N", "F"}
_ANNOTATION_COLOURS = ("#ff2d2d", "#00c853", "#2962ff", "#ffab00", "#d500f9", "#00b8d4")


class LoadedImage(NamedTuple):
    """A decoded input image and where it came from (``None`` for in-memory images)."""

    image: Image.Image
    source: str | None


def allow_pixels(max_pixels: int) -> None:
    """Raise Pillow's process-wide decompression-bomb limit to ``max_pixels`` if it is lower.

    Pillow refuses images above twice ``Image.MAX_IMAGE_PIXELS`` on its own; the hub's per-model
    ``max_pixels`` check (which refuses per record, with a clear message) must be the one that
    applies, so Pillow's limit is never left below it.
    """
    if Image.MAX_IMAGE_PIXELS is not None and max_pixels > Image.MAX_IMAGE_PIXELS:
        Image.MAX_IMAGE_PIXELS = max_pixels


class ImageInput:
    """An input image whose header has been checked but whose pixels are not decoded yet.

    ``size`` is known without decoding, so batches can be cut by pixels; :meth:`decode` (or
    :attr:`image`) decodes it anew each time and keeps nothing, so the pixels live only as long
    as the caller holds them.
    """

    __slots__ = ("value", "source", "size", "max_pixels")

    def __init__(self, value: str | Image.Image, source: str | None, size: tuple[int, int], max_pixels: int):
        self.value, self.source, self.size, self.max_pixels = value, source, size, max_pixels

    @property
    def pixels(self) -> int:
        return self.size[0] * self.size[1]

    def decode(self) -> LoadedImage:
        """The upright 8-bit RGB image; InputError if the file turns out truncated or corrupt."""
        if isinstance(self.value, Image.Image):
            return LoadedImage(to_rgb(ImageOps.exif_transpose(self.value)), None)
        with _open(Path(self.value), self.max_pixels) as image:
            try:
                image.load()  # the first frame only, for GIFs and other multi-frame files
            except (OSError, SyntaxError, ValueError) as exc:
                raise InputError(f"{self.value}: truncated or corrupt image data ({exc})") from None
            ImageOps.exif_transpose(image, in_place=True)  # our own copy: no second one of the pixels
            return LoadedImage(to_rgb(image), self.source)

    @property
    def image(self) -> Image.Image:
        """The decoded image, for models that read ``item.image`` (decoded on each access)."""
        return self.decode().image


def open_image(value: Any, max_pixels: int) -> ImageInput:
    """A path, PIL image or numpy array checked as an image within ``max_pixels``, not decoded."""
    if isinstance(value, (str, os.PathLike)):
        source = os.fspath(value)
        with _open(Path(source), max_pixels) as image:
            return ImageInput(source, source, image.size, max_pixels)
    if isinstance(value, Image.Image):
        image, what = value, "image"
    elif hasattr(value, "__array_interface__") or hasattr(value, "__array__"):
        image, what = array_to_image(np.asarray(value)), "array"
    else:
        raise InputError(f"expected an image path, a PIL image or a numpy array, got {type(value).__name__}")
    _check_size(image, what, max_pixels)
    return ImageInput(image, None, image.size, max_pixels)


def load_image(value: Any, max_pixels: int) -> LoadedImage:
    """An upright 8-bit RGB image from a path, a PIL image or a numpy array, decoded now."""
    return open_image(value, max_pixels).decode()


def pixel_runs(items: Sequence[ImageInput], budget: int) -> Iterator[list[int]]:
    """Indices of consecutive runs of ``items`` with at most ``budget`` pixels together (one image
    alone when it is larger), so a batched model decodes no more than that at once."""
    run: list[int] = []
    pixels = 0
    for index, item in enumerate(items):
        if run and pixels + item.pixels > budget:
            yield run
            run, pixels = [], 0
        run.append(index)
        pixels += item.pixels
    if run:
        yield run


def _open(path: Path, max_pixels: int) -> Image.Image:
    """The file opened lazily (header read, pixels not decoded) and checked against ``max_pixels``."""
    media_file(path, "an image")
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit; the max_pixels check below decides instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
    except UnidentifiedImageError:
        raise InputError(f"{path}: not an image file Pillow can read (unknown format or corrupt header)") from None
    except Image.DecompressionBombError as exc:
        raise InputError(f"{path}: refused as a possible decompression bomb ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc})") from None
    try:
        _check_size(image, str(path), max_pixels)
    except InputError:
        image.close()
        raise
    return image


def _check_size(image: Image.Image, what: str, max_pixels: int) -> None:
    width, height = image.size
    if width * height > max_pixels:
        raise InputError(
            f"{what}: {width}x{height} = {width * height:,} pixels is above the limit of {max_pixels:,} "
            f"(a possible decompression bomb); raise it with --option max_pixels=N if the image is trusted"
        )
    if width == 0 or height == 0:
        raise InputError(f"{what}: the image is empty ({width}x{height})")


def array_to_image(array: np.ndarray) -> Image.Image:
    """A PIL image from an RGB(A) or grayscale array (height, width[, channels]).

    uint8 is taken as is, uint16 is scaled to 8 bits, floats are taken as 0-1 (the scikit-image
    and matplotlib convention), booleans as black/white.
    """
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if not (array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (3, 4))):
        raise InputError(
            f"array of shape {array.shape}: expected (height, width), (height, width, 3) RGB or "
            f"(height, width, 4) RGBA"
        )
    if array.dtype == np.bool_:
        array = array.astype(np.uint8) * 255
    elif array.dtype == np.uint16:
        array = (array.astype(np.float32) / 257.0 + 0.5).astype(np.uint8)
    elif np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all():
            raise InputError("array contains NaN or infinite values")
        array = (np.clip(array, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    elif np.issubdtype(array.dtype, np.integer):
        if array.size and (array.min() < 0 or array.max() > 255):
            raise InputError("integer array values outside 0-255: pass uint8, uint16, or floats in 0-1")
        array = array.astype(np.uint8)
    else:
        raise InputError(f"array of dtype {array.dtype} is not an image")
    return Image.fromarray(np.ascontiguousarray(array))


def to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB; transparent pixels are composited on white (as a viewer shows them)."""
    if image.mode == "RGB":
        return image
    if image.mode in _HIGH_BIT_MODES:
        array = np.asarray(image, dtype=np.float64)
        peak = 65535.0 if image.mode.startswith("I") and array.max(initial=0) > 255 else 255.0
        if image.mode == "F" and array.max(initial=0) <= 1.0:
            peak = 1.0
        return Image.fromarray((np.clip(array / peak, 0, 1) * 255 + 0.5).astype(np.uint8)).convert("RGB")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        background.alpha_composite(image.convert("RGBA"))
        return background.convert("RGB")
    return image.convert("RGB")


def draw_annotations(image: Image.Image, shapes: list[tuple[list[list[float]], str]]) -> Image.Image:
    """A copy of ``image`` with each polygon (4 points, or a 2-point box) outlined and captioned."""
    canvas = image.copy()
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=max(12, min(canvas.size) // 40))
    width = max(2, min(canvas.size) // 250)
    for index, (points, caption) in enumerate(shapes):
        colour = _ANNOTATION_COLOURS[index % len(_ANNOTATION_COLOURS)]
        if len(points) == 2:
            (x0, y0), (x1, y1) = points
            points = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
        xy = [tuple(p) for p in points]
        draw.line(xy + [xy[0]], fill=colour, width=width)
        if caption:
            left, top = min(p[0] for p in xy), min(p[1] for p in xy)
            # Above the shape, or just inside it when the shape touches the top edge.
            anchor = "lb" if draw.textbbox((left, top), caption, font=font, anchor="lb")[1] >= 0 else "lt"
            draw.rectangle(draw.textbbox((left, top), caption, font=font, anchor=anchor), fill=colour)
            draw.text((left, top), caption, fill="white", font=font, anchor=anchor)
    return canvas


class VisionModel(ItemModel):
    """Base for image models: checks each record, decodes it when :meth:`compute` needs it (one
    image at a time) and, on request, writes an annotated copy."""

    def load(self) -> None:
        allow_pixels(self.options["max_pixels"])

    def preprocess(self, value: Any) -> ImageInput:
        return open_image(value, self.options["max_pixels"])

    def forward(self, batch: list[ImageInput]) -> list[Any]:
        # Each image is freed when its compute returns, before the next one is decoded.
        return [self.compute(item.decode()) for item in batch]

    def annotate(self, item: LoadedImage | ImageInput, shapes: list[tuple[list[list[float]], str]]) -> str | None:
        """Write ``item`` with ``shapes`` drawn into the ``annotate_dir`` option; its path, or None.
        The file is named after the input and the model, so two models annotating one input into one
        folder (``hub predict -m vision/faces,vision/pose --annotate DIR``) write two files."""
        folder = self.options.get("annotate_dir", "")
        if not folder:
            return None
        image = item.image
        path = derived_file(folder, item.source, f"-{self.spec.name}.png",
                            b"" if item.source is not None else image.tobytes())
        draw_annotations(image, shapes).save(path)
        return str(path)
