"""The example inputs of the image and audio templates, written with the standard library.

Their contents are what the templates' expected values are computed from by hand, so they are
built here from those numbers rather than shipped as opaque binaries.
"""

from __future__ import annotations

import io
import math
import struct
import wave
import zlib

#: Row by row: red, green / blue, white.
FOUR_COLOURS = ((255, 0, 0), (0, 255, 0)), ((0, 0, 255), (255, 255, 255))


def four_colours_png() -> bytes:
    """A 2x2 8-bit RGB PNG of :data:`FOUR_COLOURS`."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(value for pixel in row for value in pixel) for row in FOUR_COLOURS)
    header = struct.pack(">IIBBBBB", len(FOUR_COLOURS[0]), len(FOUR_COLOURS), 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def sine_wav(frequency: float = 440.0, seconds: float = 0.5, rate: int = 16000, amplitude: float = 0.5) -> bytes:
    """A mono 16-bit PCM WAV of a sine starting at phase 0."""
    frames = b"".join(struct.pack("<h", round(amplitude * 32767 * math.sin(2 * math.pi * frequency * n / rate)))
                      for n in range(round(seconds * rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()
