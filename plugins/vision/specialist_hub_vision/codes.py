"""Barcodes and 2D codes (QR, Data Matrix, Aztec, PDF417, EAN/UPC, Code 128, ...) with zxing-cpp."""

from __future__ import annotations

import functools
from typing import Any

import zxingcpp

from specialist_hub import OptionError

from .images import LoadedImage, VisionModel

#: How EAN-2/EAN-5 add-on symbols next to an EAN/UPC code are treated (zxing-cpp's EanAddOnSymbol).
EAN_ADD_ON = {"ignore": zxingcpp.EanAddOnSymbol.Ignore, "read": zxingcpp.EanAddOnSymbol.Read,
              "require": zxingcpp.EanAddOnSymbol.Require}


@functools.lru_cache(maxsize=32)
def parse_formats(names: str) -> zxingcpp.BarcodeFormats:
    """The formats named in a comma-separated list (zxing-cpp's names: "QRCode, EAN-13"); empty: all."""
    try:
        return zxingcpp.barcode_formats_from_str(names)
    except ValueError as exc:
        readable = ", ".join(f.name for f in zxingcpp.barcode_formats_list(zxingcpp.BarcodeFormat.AllReadable))
        raise OptionError(f"formats={names!r}: {exc}; known formats: {readable}") from None


def without_bare_twins(codes: list[zxingcpp.Barcode]) -> list[zxingcpp.Barcode]:
    """Drop the add-on-less copy that zxing-cpp also reports, in ``read`` mode, of an EAN/UPC code
    whose add-on it read: same format, its text less the add-on digits, on scan lines touching it."""
    with_add_on = [code for code in codes if (code.extra or {}).get("EanAddOn")]

    def is_twin(code: zxingcpp.Barcode) -> bool:
        return any(code.format == full.format and full.text == code.text + full.extra["EanAddOn"]
                   and _touching(_bounds(code), _bounds(full)) for full in with_add_on)

    return [code for code in codes if not is_twin(code)]


def _bounds(code: zxingcpp.Barcode) -> tuple[int, int, int, int]:
    position = code.position
    points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return min(p.x for p in points), min(p.y for p in points), max(p.x for p in points), max(p.y for p in points)


def _touching(a: tuple[int, int, int, int], b: tuple[int, int, int, int], margin: int = 2) -> bool:
    return a[0] <= b[2] + margin and b[0] <= a[2] + margin and a[1] <= b[3] + margin and b[1] <= a[3] + margin


def describe(code: zxingcpp.Barcode) -> dict[str, Any]:
    position = code.position
    corners = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return {
        "text": code.text,
        "format": str(code.format),
        "content_type": code.content_type.name,
        "bytes_hex": code.bytes.hex(),
        "corners": [[point.x, point.y] for point in corners],
        "orientation": code.orientation,
        "error_correction": code.ec_level or None,
    }


class CodesModel(VisionModel):
    def compute(self, item: LoadedImage) -> dict[str, Any]:
        found = zxingcpp.read_barcodes(item.image, formats=parse_formats(self.options["formats"]), try_rotate=True,
                                       try_downscale=True, try_invert=True,
                                       ean_add_on_symbol=EAN_ADD_ON[self.options["ean_add_on"]])
        # Reading order (top to bottom, then left to right) makes the output independent of scan order.
        codes = sorted(map(describe, without_bare_twins(found)),
                       key=lambda c: (min(y for _, y in c["corners"]), min(x for x, _ in c["corners"])))
        return {
            "codes": codes,
            "count": len(codes),
            "annotated_path": self.annotate(item, [(c["corners"], f"{c['format']}: {c['text'][:40]}")
                                                   for c in codes]),
        }
