"""SRT and WebVTT subtitles (``hub predict -m audio/speech-to-text talk.wav -o talk.srt`` or ``talk.vtt``).

Cues come from ``audio/speech-to-text`` (each speech window's timed Whisper segments, or the
window itself with its whole text when Whisper gave no timestamps) or from ``audio/transcribe``
with ``timestamps=true``. A subtitle file belongs to one recording, so it holds one input's cues.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from specialist_hub.errors import UsageError
from specialist_hub.results import Prediction
from specialist_hub.writers import Writer

#: The pipeline step whose fan-out holds one transcript per speech window.
WINDOWS_FIELD = "transcribe"


def cues(output: dict[str, Any]) -> Iterator[tuple[float, float, str]]:
    """(start s, end s, text) of every non-empty cue, in time order."""
    windows = output.get(WINDOWS_FIELD)
    if isinstance(windows, list):
        for window in windows:
            if "error" in window:
                continue
            timed = [s for s in window.get("segments") or [] if s["text"].strip()]
            if timed:
                yield from ((s["start"], s["end"], s["text"]) for s in timed)
            elif window.get("text", "").strip():
                yield window["window"]["start"], window["window"]["end"], window["text"]
    else:
        yield from ((s["start"], s["end"], s["text"]) for s in output.get("segments") or []
                    if isinstance(s, dict) and str(s.get("text", "")).strip())


def timestamp(seconds: float, separator: str) -> str:
    """``HH:MM:SS,mmm`` (SRT) or ``HH:MM:SS.mmm`` (WebVTT)."""
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis // 1000:02d}{separator}{millis % 1000:03d}"


class SubtitleWriter(Writer):
    separator = ","
    fields = (WINDOWS_FIELD, "segments")
    #: SRT has no comments: a failed recording is only counted (the CLI says so).
    holds_failures = False

    def __init__(self, stream, specs, resumed=False):
        super().__init__(stream, specs, resumed)
        self.recording: str | None = None
        self.number = 0

    def write(self, prediction: Prediction) -> None:
        name = prediction.id or prediction.input or f"input {prediction.position + 1}"
        if not prediction.ok or not prediction.output:
            self.failed(name, prediction.error or {})
            return
        if self.recording is not None:
            raise UsageError(f"A subtitle file holds one recording's cues; {self.recording} and {name} were "
                             f"given: write one file per input.")
        self.recording = name
        for start, end, text in cues(prediction.output):
            self.number += 1
            self.stream.write(f"{self.number}\n{timestamp(start, self.separator)} --> "
                              f"{timestamp(end, self.separator)}\n{self.text(text)}\n\n")

    def text(self, text: str) -> str:
        return re.sub(r"\s+", " ", text).strip()  # a blank line would end the cue

    def failed(self, name: str, error: dict[str, Any]) -> None:
        """A recording that failed has no cues; where the format has comments, say why."""


class SrtWriter(SubtitleWriter):
    """SubRip: numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, a blank line after each."""


class VttWriter(SubtitleWriter):
    """WebVTT (W3C): a ``WEBVTT`` header, then cues timed ``HH:MM:SS.mmm``; ``&``, ``<``, ``>`` escaped."""

    separator = "."
    holds_failures = True

    def __init__(self, stream, specs, resumed=False):
        super().__init__(stream, specs, resumed)
        if not resumed:
            stream.write("WEBVTT\n\n")

    def failed(self, name: str, error: dict[str, Any]) -> None:
        note = self.text(f"{name} failed, no cues: {error.get('type')}: {error.get('message')}").replace("-->", "->")
        self.stream.write(f"NOTE {note}\n\n")

    def text(self, text: str) -> str:
        return super().text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
