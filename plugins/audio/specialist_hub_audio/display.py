"""Audio in notebook tables (the ``register_renderers`` hook): a player for each input and a
timeline of the segments the model reports (speech, transcript pieces)."""

from __future__ import annotations

import base64
import html
import io
import os
import wave
from collections.abc import Mapping
from typing import Any

import numpy as np

from specialist_hub import InputError

from .audio import AudioSource, open_audio

#: Files up to this size play from a data URI inside the notebook; larger ones from their path.
INLINE_BYTES = 1_500_000
MIME_TYPES = {".wav": "audio/wav", ".flac": "audio/flac", ".ogg": "audio/ogg", ".oga": "audio/ogg",
              ".mp3": "audio/mpeg", ".aiff": "audio/aiff", ".aif": "audio/aiff"}
TIMELINE_WIDTH, TIMELINE_HEIGHT = 320, 16


def audio_cell(value: Any, output: Mapping[str, Any] | None = None, **_: Any) -> str | None:
    """An ``<audio>`` player and the segments drawn along the input's duration; None if unreadable."""
    try:
        source = open_audio(value)
        src = player_source(value, source)
    except InputError:
        return None
    segments = segments_of(output or {})
    player = (f'<audio controls preload="metadata" src="{html.escape(src)}"></audio>' if src
              else "<div>(too long to embed; play it from its file)</div>")
    caption = f"{source.duration:.2f} s"
    marks = ""
    if segments or "segments" in (output or {}):  # an empty timeline says "none found"
        marks = timeline(segments, source.duration)
        caption += f" · {len(segments)} segment{'' if len(segments) == 1 else 's'}"
    return f'<div class="hub-audio">{player}{marks}<div class="hub-caption">{caption}</div></div>'


def player_source(value: Any, source: AudioSource) -> str:
    """A data URI of the file (or of 16-bit WAV for in-memory samples) when small, else the path."""
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if os.path.getsize(path) > INLINE_BYTES:
            return path
        mime = MIME_TYPES.get(os.path.splitext(path)[1].lower(), "audio/wav")
        with open(path, "rb") as handle:
            return f"data:{mime};base64,{base64.b64encode(handle.read()).decode()}"
    if source.frames * 2 > INLINE_BYTES:
        return ""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(source.sample_rate)
        for block in source.mono():
            out.writeframes((np.clip(block, -1.0, 1.0) * 32767).astype("<i2").tobytes())
    return f"data:audio/wav;base64,{base64.b64encode(buffer.getvalue()).decode()}"


def segments_of(output: Mapping[str, Any]) -> list[tuple[float, float, str]]:
    """(start, end, label) of every item with ``start`` and ``end`` seconds in the output's lists."""
    segments = []
    for value in output.values():
        for item in value if isinstance(value, list) else ():
            if isinstance(item, Mapping) and all(_number(item.get(key)) for key in ("start", "end")):
                label = next((str(item[key]) for key in ("text", "label", "speaker") if item.get(key)), "")
                segments.append((float(item["start"]), float(item["end"]), label))
    return segments


def timeline(segments: list[tuple[float, float, str]], duration: float) -> str:
    """An SVG bar as wide as the player with one shaded block per segment (its times on hover)."""
    scale = TIMELINE_WIDTH / duration if duration > 0 else 0.0
    blocks = "".join(
        f'<rect class="hub-segment" x="{start * scale:.1f}" y="0" width="{max(1.0, (end - start) * scale):.1f}" '
        f'height="{TIMELINE_HEIGHT}" fill="#2962ff" fill-opacity="0.6"><title>{start:.2f}–{end:.2f} s'
        f'{": " + html.escape(label) if label else ""}</title></rect>'
        for start, end, label in segments)
    return (f'<svg class="hub-timeline" data-segments="{len(segments)}" width="{TIMELINE_WIDTH}" '
            f'height="{TIMELINE_HEIGHT}" viewBox="0 0 {TIMELINE_WIDTH} {TIMELINE_HEIGHT}">'
            f'<rect width="{TIMELINE_WIDTH}" height="{TIMELINE_HEIGHT}" fill="#8883"/>{blocks}</svg>')


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
