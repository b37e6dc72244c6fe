"""Audio features for ``hub train``: log-mel and MFCC statistics of fixed-length windows pooled per
clip, and Resemblyzer's speaker embedding for who-is-speaking tasks.

Every clip is read through :class:`~.audio.AudioSource` (any file or array the audio models take),
mixed to mono at 16 kHz and cut to at most :data:`MAX_SECONDS`, so memory stays bounded whatever
the recording's length. A clip shorter than one window is one (zero-padded) window.
"""

from __future__ import annotations

import math

import numpy as np

from specialist_hub.training.features import Featurizer, pooled
from specialist_hub.weights import converted_weights, package_folder

from .audio import AudioSource, open_audio

RATE = 16000
#: Seconds of each clip featurised: longer recordings are cut (the card says so).
MAX_SECONDS = 600.0
#: The windows the default features are computed on and pooled over (seconds).
WINDOW_S, HOP_S = 1.0, 0.5
#: Log-mel bands and MFCCs per window (25 ms frames every 10 ms, as speech front ends use).
N_MELS, N_MFCC, N_FFT, FRAME_HOP = 64, 20, 400, 160

#: Resemblyzer 0.1.4's pretrained.pt (GE2E speaker encoder, Apache-2.0) and its safetensors copy.
RESEMBLYZER_SOURCE_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
RESEMBLYZER_SAFETENSORS_SHA256 = "b6ebfab0062beab45402fcdfef811e3929f2bee78489109576c36ad7831d3fb9"
#: Resemblyzer's hparams: 40 mel bands of 25 ms frames every 10 ms, partial utterances of 160 frames
#: (1.6 s) taken 1.3 times a second, the last kept if it covers 75 %, volume raised to -30 dBFS.
VOICE_MELS, VOICE_PARTIAL, VOICE_RATE, VOICE_COVERAGE, VOICE_DBFS = 40, 160, 1.3, 0.75, -30.0


def clip_samples(source: AudioSource, shortest: int = 1) -> np.ndarray:
    """The clip's mono 16 kHz samples (its first MAX_SECONDS), zero-padded to ``shortest``."""
    samples = source.read_mono(RATE, MAX_SECONDS).astype(np.float32)
    return np.pad(samples, (0, max(0, shortest - len(samples))))


class AudioFeaturizer(Featurizer):
    """Base of the audio featurisers: clips opened as every audio model opens them, compared by cosine."""

    def preprocess(self, value) -> AudioSource:
        return open_audio(value)

    def key(self, item: AudioSource) -> str:
        return item.name

    #: Samples a clip is zero-padded to before featurising.
    shortest = 1

    def features(self, items):
        return np.stack([self.clip_vector(clip_samples(item, self.shortest)) for item in items])

    def clip_vector(self, samples: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def versions(self):
        import librosa

        return {"librosa": librosa.__version__}


class MelFeaturizer(AudioFeaturizer):
    """Per 1 s window (hop 0.5 s): the mean of 64 log-mel bands and the mean and standard deviation
    of 20 MFCCs; the clip's vector is the mean and standard deviation of its windows (208 values)."""

    shortest = int(WINDOW_S * RATE)

    def clip_vector(self, samples):
        import librosa

        mel = librosa.feature.melspectrogram(y=samples, sr=RATE, n_fft=N_FFT, hop_length=FRAME_HOP, n_mels=N_MELS)
        log_mel = librosa.power_to_db(mel, ref=1.0, top_db=None)
        mfcc = librosa.feature.mfcc(S=log_mel, n_mfcc=N_MFCC)
        width, hop = int(WINDOW_S * RATE / FRAME_HOP), int(HOP_S * RATE / FRAME_HOP)
        starts = range(0, max(1, log_mel.shape[1] - width + 1), hop)
        windows = [np.concatenate((log_mel[:, s:s + width].mean(axis=1), mfcc[:, s:s + width].mean(axis=1),
                                   mfcc[:, s:s + width].std(axis=1))) for s in starts]
        return pooled(windows)

    def feature_names(self):
        names = [*(f"log_mel_{i}" for i in range(N_MELS)), *(f"mfcc_{i}" for i in range(N_MFCC)),
                 *(f"mfcc_{i}_std" for i in range(N_MFCC))]
        return [f"{name}_{stat}" for stat in ("mean", "std") for name in names]


class ResemblyzerFeaturizer(AudioFeaturizer):
    """Resemblyzer's 256-d speaker embedding (a GE2E LSTM encoder, Wan et al., ICASSP 2018): the L2-normed
    mean of its partial-utterance embeddings, computed as ``VoiceEncoder.embed_utterance`` does, from the
    weights in the resemblyzer wheel (sha256-checked, converted once to safetensors). Its voice-activity
    trimming (webrtcvad) is not applied: silence in a clip stays in."""

    def load(self) -> None:
        import torch
        from safetensors.torch import load_file

        folder = package_folder("resemblyzer")
        if folder is None:
            from specialist_hub.errors import MissingDependencyError

            raise MissingDependencyError(self.spec.id, ["resemblyzer"], self.spec.install_hint)
        weights = load_file(str(converted_weights(folder / "pretrained.pt", RESEMBLYZER_SOURCE_SHA256, "resemblyzer",
                                                  RESEMBLYZER_SAFETENSORS_SHA256, self.spec.id, entry="model_state")))
        self.lstm = torch.nn.LSTM(VOICE_MELS, 256, 3, batch_first=True)
        self.linear = torch.nn.Linear(256, 256)
        self.lstm.load_state_dict({k[len("lstm."):]: v for k, v in weights.items() if k.startswith("lstm.")})
        self.linear.load_state_dict({k[len("linear."):]: v for k, v in weights.items() if k.startswith("linear.")})
        self.lstm.eval(), self.linear.eval()

    def clip_vector(self, samples):
        import librosa
        import torch

        rms = math.sqrt(float(np.mean(samples.astype(np.float64) ** 2)))
        if rms > 0:
            gain = 10 ** ((VOICE_DBFS - 20 * math.log10(rms)) / 20)
            samples = samples * max(1.0, gain)  # raised to -30 dBFS, never lowered (increase_only)
        slices = partial_slices(len(samples))
        samples = np.pad(samples, (0, max(0, slices[-1].stop * FRAME_HOP - len(samples))))
        mel = librosa.feature.melspectrogram(y=samples, sr=RATE, n_fft=N_FFT, hop_length=FRAME_HOP,
                                             n_mels=VOICE_MELS).astype(np.float32).T
        with torch.inference_mode():
            _, (hidden, _) = self.lstm(torch.from_numpy(np.stack([mel[s] for s in slices])))
            partials = torch.relu(self.linear(hidden[-1]))
            partials = partials / torch.norm(partials, dim=1, keepdim=True)
        mean = partials.mean(dim=0).double().numpy()
        return mean / np.linalg.norm(mean)

    def feature_names(self):
        return [f"voice_{i}" for i in range(256)]


def partial_slices(n_samples: int) -> list[slice]:
    """The mel-frame ranges of Resemblyzer's partial utterances (``VoiceEncoder.compute_partial_slices``)."""
    frames = int(np.ceil((n_samples + 1) / FRAME_HOP))
    step = int(np.round((RATE / VOICE_RATE) / FRAME_HOP))
    slices = [slice(i, i + VOICE_PARTIAL) for i in range(0, max(1, frames - VOICE_PARTIAL + step + 1), step)]
    last = slices[-1]
    coverage = (n_samples - last.start * FRAME_HOP) / ((last.stop - last.start) * FRAME_HOP)
    return slices[:-1] if coverage < VOICE_COVERAGE and len(slices) > 1 else slices

