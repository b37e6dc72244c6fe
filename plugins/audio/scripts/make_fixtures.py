"""Regenerate the committed audio fixtures in specialist_hub_audio/examples/.

Needs espeak-ng on PATH (``apt-get install espeak-ng``); CI does not run this script, it only
reads its outputs. Every fixture has a physical or constructed truth recorded here:

* ``speech.flac`` (16 kHz mono): 1.0 s silence, phrase 1, 1.5 s silence, phrase 2, 0.5 s
  silence. The phrases' exact sample spans are written to ``speech.json``.
* ``tone_220hz.wav`` (16 kHz mono, 1 s): a 220 Hz sine at amplitude 0.5.
* ``tone_1khz_stereo.flac`` (48 kHz stereo, 1 s): EBU Tech 3341 test signal 1 shortened: a
  1 kHz sine at -23.0 dBFS peak in both channels, whose BS.1770 loudness is -23.0 LUFS.
* ``arpeggio.flac`` (22.05 kHz mono, 3.3 s): piano-like tones of :data:`ARPEGGIO` (C4 E4 G4, then
  C3 and C5 together); the notes are written to ``arpeggio.json``.
* ``clicks_120bpm.flac`` (22.05 kHz mono, 8.25 s): a 4/4 metronome at 120 BPM, clicks from 0.5 to 8.0 s.
* ``cadence_c_major.flac`` (22.05 kHz mono, 4.5 s): piano-like I-IV-V-I in C major (C F G C), 1 s each.
* ``cuckoo.flac`` (22.05 kHz mono, 6 s): whistled "cu-coo" calls (680 then 560 Hz) once a second, the
  pattern of the Common Cuckoo's song.

The tests make more music (other keys, rates, tempi) and songs with the same :func:`render`,
:func:`clicks`, :func:`cadence` and :func:`song`.
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
MUSIC_RATE = 22050
#: (MIDI pitch, onset s, duration s) of each note of arpeggio.flac.
ARPEGGIO = ((60, 0.5, 0.4), (64, 1.0, 0.4), (67, 1.5, 0.4), (48, 2.0, 0.8), (72, 2.0, 0.8))


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


def piano(pitch: int, seconds: float, rate: int) -> np.ndarray:
    """A piano-like tone: 8 harmonics at 1/k² whose k-th decays as exp(-k·t), 5 ms attack, 20 ms release."""
    t = np.arange(int(seconds * rate)) / rate
    f0 = 440.0 * 2 ** ((pitch - 69) / 12)
    tone = sum(np.sin(2 * np.pi * k * f0 * t) / k ** 2 * np.exp(-k * t) for k in range(1, 9) if k * f0 < rate / 2)
    return tone * np.minimum(t / 0.005, 1) * np.minimum((seconds - t) / 0.02, 1)


def render(notes, rate: int, tail: float = 0.5) -> np.ndarray:
    """The sum of piano tones for (MIDI pitch, onset s, duration s) notes, peak 0.5, ``tail`` s of silence after."""
    out = np.zeros(int((max(onset + length for _, onset, length in notes) + tail) * rate))
    for pitch, onset, length in notes:
        tone = piano(pitch, length, rate)
        out[int(onset * rate): int(onset * rate) + len(tone)] += tone
    return (0.5 * out / np.abs(out).max()).astype(np.float32)


def clicks(bpm: float, seconds: float, rate: int, beats_per_bar: int = 4, start: float = 0.5) -> np.ndarray:
    """A metronome: 10 ms decaying clicks every beat from ``start``, 1.5 kHz on each bar's first beat, 1 kHz
    on the others (peak 0.5)."""
    out, n = np.zeros(int(seconds * rate)), np.arange(int(0.01 * rate))
    for beat, time in enumerate(np.arange(start, seconds - 0.05, 60 / bpm)):
        pitch = 1500 if beat % beats_per_bar == 0 else 1000
        click = np.sin(2 * np.pi * pitch * n / rate) * np.exp(-n / (0.002 * rate))
        out[int(time * rate): int(time * rate) + len(n)] += click[: len(out) - int(time * rate)]
    return (0.5 * out).astype(np.float32)


def cadence(tonic: int, minor: bool = False, seconds: float = 1.0) -> list[tuple[int, float, float]]:
    """Notes of I-IV-V-I (i-iv-V-i in minor; V stays major) on MIDI ``tonic``: root in the bass an
    octave below, close triad above, each chord ``seconds`` long."""
    third = 3 if minor else 4
    chords = [(0, third, 7), (5, 5 + third, 12), (7, 11, 14), (0, third, 7)]
    return [(tonic + offset, i * seconds, seconds) for i, chord in enumerate(chords)
            for offset in (chord[0] - 12, *chord)]


def whistle(start_hz: float, end_hz: float, seconds: float, rate: int, amplitude: float = 0.3) -> np.ndarray:
    """A pure whistle gliding linearly from ``start_hz`` to ``end_hz`` under a sin² envelope."""
    t = np.arange(int(seconds * rate)) / rate
    phase = 2 * np.pi * np.cumsum(np.linspace(start_hz, end_hz, len(t))) / rate
    return amplitude * np.sin(np.pi * t / seconds) ** 2 * np.sin(phase)


def song(notes, seconds: float, rate: int) -> np.ndarray:
    """Whistles (onset s, start Hz, end Hz, duration s) mixed into ``seconds`` of silence."""
    out = np.zeros(int(seconds * rate))
    for onset, start_hz, end_hz, length in notes:
        tone = whistle(start_hz, end_hz, length, rate)
        out[int(onset * rate): int(onset * rate) + len(tone)] += tone[: len(out) - int(onset * rate)]
    return out.astype(np.float32)


def cuckoo(seconds: float) -> list[tuple[float, float, float, float]]:
    """The Common Cuckoo's "cu-coo": a short note near 680 Hz, then a longer one a minor third lower."""
    return [note for t in np.arange(0.5, seconds - 0.6, 1.0)
            for note in ((t, 680, 670, 0.18), (t + 0.3, 560, 540, 0.3))]


def chickadee(seconds: float) -> list[tuple[float, float, float, float]]:
    """The Black-capped Chickadee's "fee-bee": two whistles near 4.0 and 3.6 kHz, every 2 s."""
    return [note for t in np.arange(0.5, seconds - 0.8, 2.0)
            for note in ((t, 4000, 3950, 0.35), (t + 0.45, 3600, 3500, 0.35))]


def make_music() -> None:
    sf.write(EXAMPLES / "cuckoo.flac", song(cuckoo(6.0), 6.0, MUSIC_RATE), MUSIC_RATE, subtype="PCM_16")
    sf.write(EXAMPLES / "clicks_120bpm.flac", clicks(120, 8.25, MUSIC_RATE), MUSIC_RATE, subtype="PCM_16")
    sf.write(EXAMPLES / "cadence_c_major.flac", render(cadence(60), MUSIC_RATE), MUSIC_RATE, subtype="PCM_16")
    sf.write(EXAMPLES / "arpeggio.flac", render(ARPEGGIO, MUSIC_RATE), MUSIC_RATE, subtype="PCM_16")
    notes = [{"pitch": pitch, "onset": onset, "offset": onset + length} for pitch, onset, length in ARPEGGIO]
    (EXAMPLES / "arpeggio.json").write_text(json.dumps({"sample_rate": MUSIC_RATE, "notes": notes}, indent=2) + "\n")


def main() -> None:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    make_speech()
    make_music()
    sf.write(EXAMPLES / "tone_220hz.wav", sine(220.0, 0.5, 1.0, RATE), RATE, subtype="PCM_16")
    tone = sine(1000.0, 10 ** (-23 / 20), 1.0, 48000)
    sf.write(EXAMPLES / "tone_1khz_stereo.flac", np.stack([tone, tone], axis=1), 48000, subtype="PCM_24")
    for path in sorted(EXAMPLES.iterdir()):
        print(f"{path.name:28s}{path.stat().st_size:>8d} bytes")


if __name__ == "__main__":
    main()
