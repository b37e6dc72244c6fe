"""Regenerate the committed audio fixtures in specialist_hub_audio/examples/.

Needs espeak-ng on PATH (``apt-get install espeak-ng``); CI does not run this script, it only
reads its outputs. Every fixture has a physical or constructed truth recorded here:

* ``speech.flac`` (16 kHz mono): 1.0 s silence, phrase 1, 1.5 s silence, phrase 2, 0.5 s
  silence. The phrases' exact sample spans are written to ``speech.json``.
* ``tone_220hz.wav`` (16 kHz mono, 1 s): a 220 Hz sine at amplitude 0.5.
* ``tone_1khz_stereo.flac`` (48 kHz stereo, 1 s): EBU Tech 3341 test signal 1 shortened: a
  1 kHz sine at -23.0 dBFS peak in both channels, whose BS.1770 loudness is -23.0 LUFS.
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
import torchaudio.functional as AF

EXAMPLES = Path(__file__).resolve().parents[1] / "specialist_hub_audio" / "examples"
RATE = 16000
PHRASES = ("The quick brown fox jumps over the lazy dog.", "Speech detection works well.")
SILENCES = (1.0, 1.5, 0.5)  # before phrase 1, between the phrases, after phrase 2


def speak(text: str) -> np.ndarray:
    """espeak-ng's rendering of ``text`` at 16 kHz, trimmed to its first and last audible sample."""
    wav = subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "--stdout", text],
                         check=True, capture_output=True).stdout
    samples, rate = sf.read(io.BytesIO(wav), dtype="float32")
    samples = AF.resample(torch.from_numpy(samples), rate, RATE).numpy()
    audible = np.flatnonzero(np.abs(samples) > 1e-3)
    return samples[audible[0]: audible[-1] + 1]


def make_speech() -> None:
    parts, spans, cursor = [], [], 0
    for silence, phrase in zip(SILENCES, (*PHRASES, None)):
        parts.append(np.zeros(int(silence * RATE), dtype=np.float32))
        cursor += len(parts[-1])
        if phrase is not None:
            parts.append(speak(phrase))
            spans.append({"text": phrase, "start": cursor / RATE, "end": (cursor + len(parts[-1])) / RATE})
            cursor += len(parts[-1])
    sf.write(EXAMPLES / "speech.flac", np.concatenate(parts), RATE, subtype="PCM_16")
    truth = {"sample_rate": RATE, "duration": cursor / RATE, "speech": spans}
    (EXAMPLES / "speech.json").write_text(json.dumps(truth, indent=2) + "\n")


def sine(freq: float, amplitude: float, seconds: float, rate: int) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(int(seconds * rate)) / rate)).astype(np.float32)


def main() -> None:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    make_speech()
    sf.write(EXAMPLES / "tone_220hz.wav", sine(220.0, 0.5, 1.0, RATE), RATE, subtype="PCM_16")
    tone = sine(1000.0, 10 ** (-23 / 20), 1.0, 48000)
    sf.write(EXAMPLES / "tone_1khz_stereo.flac", np.stack([tone, tone], axis=1), 48000, subtype="PCM_24")
    for path in sorted(EXAMPLES.iterdir()):
        print(f"{path.name:28s}{path.stat().st_size:>8d} bytes")


if __name__ == "__main__":
    main()
