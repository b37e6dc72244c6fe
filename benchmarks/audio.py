"""Audio plugin overhead: real-time factor of audio/vad and audio/pitch, hub vs the libraries.

One workload: the espeak-ng speech fixture tiled to 1 minute by default (16 kHz mono WAV). For each
model, in one run:
  * `hub predict` as a subprocess (file in, JSON file out; start-up and model loading included)
    against a subprocess running the library directly on the same file (soundfile read, the
    library's own loader and entry point: silero_vad.get_speech_timestamps, torchcrepe.predict);
  * warm, in-process: the hub Python API (model already loaded) against the library call.
RTF = processing time / audio duration (lower is faster). Ratios > 1 mean the hub is slower.
Run: python benchmarks/audio.py [minutes]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

HUB = [sys.executable, "-m", "specialist_hub"]
SPEECH = Path(__file__).resolve().parents[1] / "plugins/audio/specialist_hub_audio/examples/speech.flac"

VAD_DIRECT = """
import sys, soundfile as sf, torch
from silero_vad import load_silero_vad, get_speech_timestamps
audio = torch.from_numpy(sf.read(sys.argv[1], dtype="float32")[0])
print(len(get_speech_timestamps(audio, load_silero_vad())))
"""
PITCH_DIRECT = """
import sys, soundfile as sf, torch, torchcrepe
audio = torch.from_numpy(sf.read(sys.argv[1], dtype="float32")[0])[None]
f0, p = torchcrepe.predict(audio, 16000, 160, model="tiny", decoder=torchcrepe.decode.weighted_argmax,
                           batch_size=256, return_periodicity=True)
print(f0.shape)
"""


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def subprocess_seconds(command: list[str]) -> float:
    return timed(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL))


def main(minutes: float = 1.0) -> None:
    import specialist_hub as sh

    speech, rate = sf.read(SPEECH, dtype="float32")
    audio = np.tile(speech, int(np.ceil(minutes * 60 * rate / len(speech))))[: int(minutes * 60 * rate)]
    duration = len(audio) / rate
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.wav"
        sf.write(path, audio, rate)
        print(f"audio: {duration:.0f} s of 16 kHz speech; RTF = seconds per second of audio")
        for model, script, direct_call in (
            ("audio/vad", VAD_DIRECT, vad_direct),
            ("audio/pitch", PITCH_DIRECT, pitch_direct),
        ):
            cli = subprocess_seconds([*HUB, "predict", "-m", model, "--input", str(path), "-o",
                                      str(Path(tmp) / "out.json"), "-q"])
            library_cli = subprocess_seconds([sys.executable, "-c", script, str(path)])
            loaded = sh.load(model)
            api = timed(lambda model=loaded: model.predict(str(path)))
            library = direct_call(str(path))
            print(f"\n{model}")
            print(f"  {'library, subprocess':<30}{library_cli:7.2f} s  RTF {library_cli / duration:.4f}  1.00x")
            print(f"  {'hub predict, subprocess':<30}{cli:7.2f} s  RTF {cli / duration:.4f}  "
                  f"{cli / library_cli:.2f}x")
            print(f"  {'library, warm in-process':<30}{library:7.2f} s  RTF {library / duration:.4f}  1.00x")
            print(f"  {'hub Python API, warm':<30}{api:7.2f} s  RTF {api / duration:.4f}  {api / library:.2f}x")


def vad_direct(path: str) -> float:
    import torch
    from silero_vad import get_speech_timestamps

    from specialist_hub_audio.vad import load_silero

    model = load_silero()
    return timed(lambda: get_speech_timestamps(torch.from_numpy(sf.read(path, dtype="float32")[0]), model))


def pitch_direct(path: str) -> float:
    import torch
    import torchcrepe

    def run():
        audio = torch.from_numpy(sf.read(path, dtype="float32")[0])[None]
        torchcrepe.predict(audio, 16000, 160, model="tiny", decoder=torchcrepe.decode.weighted_argmax,
                           batch_size=256, return_periodicity=True)

    run()  # load torchcrepe's global model first, as the hub's is already loaded
    return timed(run)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
