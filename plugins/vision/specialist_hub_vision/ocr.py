"""Text detection and recognition with the PP-OCRv4 ONNX models shipped in rapidocr-onnxruntime."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .images import LoadedImage, VisionModel


@functools.lru_cache(maxsize=1)
def ocr_engine():
    """One RapidOCR engine per process (loading its three ONNX sessions takes about a second).

    Every option is passed per call, so models with different options can share it.
    """
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def reading_order(lines: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """Lines sorted top to bottom, then left to right within a row, and the text they spell.

    Lines whose vertical centres lie within half a line height of a row's centre share the row;
    a row's texts are joined with spaces and rows with newlines.
    """
    rows: list[list[dict[str, Any]]] = []
    for line in sorted(lines, key=lambda l: _centre_y(l["box"])):
        if rows:
            last = rows[-1][-1]
            height = max(_height(line["box"]), _height(last["box"]))
            if abs(_centre_y(line["box"]) - _centre_y(last["box"])) < height / 2:
                rows[-1].append(line)
                continue
        rows.append([line])
    rows = [sorted(row, key=lambda l: min(x for x, _ in l["box"])) for row in rows]
    ordered = [line for row in rows for line in row]
    return ordered, "\n".join(" ".join(line["text"] for line in row) for row in rows)


def _centre_y(box: list[list[float]]) -> float:
    return sum(y for _, y in box) / len(box)


def _height(box: list[list[float]]) -> float:
    ys = [y for _, y in box]
    return max(ys) - min(ys)


class OcrModel(VisionModel):
    def load(self) -> None:
        super().load()
        self.engine = ocr_engine()

    def compute(self, item: LoadedImage) -> dict[str, Any]:
        settings = {"text_score": self.options["min_confidence"], "box_thresh": self.options["box_threshold"],
                    "unclip_ratio": 1.6}
        # RapidOCR takes numpy arrays as BGR (OpenCV's order).
        raw = self.engine(np.asarray(item.image)[:, :, ::-1], **settings)[0] or []
        found = [{"box": [[round(float(x), 1), round(float(y), 1)] for x, y in box], "text": text,
                  "confidence": float(score)} for box, text, score in raw]
        lines, text = reading_order(found)
        return {
            "text": text,
            "lines": lines,
            "line_count": len(lines),
            "annotated_path": self.annotate(item, [(line["box"], line["text"]) for line in lines]),
        }
