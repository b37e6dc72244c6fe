"""Speech quality with DNSMOS: P.835 SIG/BAK/OVRL and P.808 MOS on onnxruntime, streamed window by window.

Scores are only comparable with published ones when computed the reference's way, so everything
follows Microsoft's ``dnsmos_local.py`` as packaged in speechmos: 9.01 s windows every second,
clips shorter than a window repeated until one fits, the reference's window count and its
floating-point window ends (a window that ends one sample short is skipped), and its polynomial
calibration of the raw P.835 outputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain, islice

import numpy as np

from specialist_hub import InputError
from specialist_hub.weights import locate

from .audio import AudioModel, AudioSource, onnx_session

RATE = 16000
INPUT_SECONDS = 9.01
WINDOW = int(INPUT_SECONDS * RATE)
WINDOWS_PER_RUN = 8  # windows stacked into one onnxruntime call
#: Cubic/quadratic maps from the raw network outputs to MOS (speechmos DNSMOS.get_polyfit_val).
CALIBRATION = {
    False: {"sig": (-0.08397278, 1.22083953, 0.0052439), "bak": (-0.13166888, 1.60915514, -0.39604546),
            "ovrl": (-0.06766283, 1.11546468, 0.04602535)},
    True: {"sig": (-0.01019296, 0.02751166, 1.19576786, -0.24348726),
           "bak": (-0.04976499, 0.44276479, -0.1644611, 0.96883132),
           "ovrl": (-0.00533021, 0.005101, 1.18058466, -0.11236046)},
}


def reference_windows(blocks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    """The 16 kHz windows the reference scores, from a stream of mono blocks, holding ~20 s at most.

    The reference scores window ``i`` (``[i, i + 9.01)`` s) for ``i < int(seconds - 9.01) + 1``
    with whole seconds, i.e. window 0 always and window ``i`` once 10 + i seconds exist.
    """
    head, total = [], 0
    for block in blocks:
        head.append(block)
        total += len(block)
        if total >= WINDOW:
            break
    else:
        audio = np.concatenate(head) if head else np.zeros(0, dtype=np.float32)
        if not len(audio):
            raise InputError("no samples to score")
        while len(audio) < WINDOW:  # the reference repeats short clips
            audio = np.append(audio, audio)
        head, blocks = [audio], iter(())
    buffer, offset, total, index = np.zeros(0, dtype=np.float32), 0, 0, 0  # buffer[0] is sample `offset`

    def window() -> np.ndarray | None:
        start, end = index * RATE, int((index + INPUT_SECONDS) * RATE)
        return buffer[start - offset: end - offset] if end - start == WINDOW else None

    for block in chain(head, blocks):
        buffer = np.concatenate([buffer, block])
        total += len(block)
        while (index + 10) * RATE <= total:
            if (span := window()) is not None:
                yield span
            index += 1
            buffer, offset = buffer[index * RATE - offset:], index * RATE
    if index == 0 and (span := window()) is not None:
        yield span


class SpeechQualityModel(AudioModel):
    #: The reference loops a clip shorter than its 9.01 s window; below a second the loop of a few
    #: syllables (or of one sample) is what would be scored, not speech.
    MIN_SECONDS = 1.0

    def load(self):
        import librosa

        self.librosa = librosa
        personalized = self.options["personalized"]
        primary = "pdnsmos_models/sig_bak_ovr.onnx" if personalized else "dnsmos_models/sig_bak_ovr.onnx"
        files = {w.path: w for w in self.spec.weights}
        self.p835 = onnx_session(locate(files[primary], self.spec.id))
        self.p808 = onnx_session(locate(files["dnsmos_models/model_v8.onnx"], self.spec.id))
        self.calibration = {name: np.poly1d(c) for name, c in CALIBRATION[personalized].items()}

    def p808_features(self, window: np.ndarray) -> np.ndarray:
        """(frames, 120) log-mel input of the P.808 network, as the reference computes it."""
        mel = self.librosa.feature.melspectrogram(y=window[:-160], sr=RATE, n_fft=321, hop_length=160, n_mels=120)
        return ((self.librosa.power_to_db(mel, ref=np.max) + 40) / 40).T

    def compute(self, source: AudioSource):
        """The reference's means over windows, kept as running sums: memory does not grow with the input."""
        sums, count = dict.fromkeys((*self.calibration, "p808"), 0.0), 0
        windows = reference_windows(source.mono(RATE))
        while batch := list(islice(windows, WINDOWS_PER_RUN)):
            raw = self.p835.run(None, {"input_1": np.stack(batch)})[0].astype(np.float64)
            for column, name in enumerate(("sig", "bak", "ovrl")):
                sums[name] += float(self.calibration[name](raw[:, column]).sum())
            features = np.stack([self.p808_features(w) for w in batch]).astype(np.float32)
            sums["p808"] += float(self.p808.run(None, {"input_1": features})[0][:, 0].astype(np.float64).sum())
            count += len(batch)
        return {**{f"{name}_mos": total / count for name, total in sums.items()}, "windows": count}
