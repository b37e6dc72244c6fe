"""Registers the vision models. Imports nothing heavy: OpenCV, ONNX Runtime, torch and the
Hugging Face libraries load only when a model is used."""

from __future__ import annotations

import tempfile
from pathlib import Path

from specialist_hub import Example, Option, OutputField, SpecFamily, Weights, hookimpl
from specialist_hub.hf import checkpoint_option
from specialist_hub.kit import CLASSIFIER_OUTPUTS, top_k_option

EXAMPLES = Path(__file__).parent / "examples"
OCR_EXAMPLE = str(EXAMPLES / "ocr_text.png")
FACE_EXAMPLE = str(EXAMPLES / "astronaut_face.png")
COFFEE_EXAMPLE = str(EXAMPLES / "coffee.png")
#: Where ``hub check`` lets vision/generate write its example image.
GENERATE_EXAMPLE_DIR = str(Path(tempfile.gettempdir()) / "specialist_hub_examples")

MAX_PIXELS = Option(
    "max_pixels", "int", 50_000_000,
    "Refuse (per record) images with more pixels than this, as possible decompression bombs",
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
HF_REQUIRES = ("torch", "transformers", "PIL", "numpy")
HF_CHECKPOINT_NOTE = (
    "The weights are downloaded from the Hugging Face Hub on first use and cached; offline, pass a "
    "local directory made by `save_pretrained()` with `--option checkpoint=DIR`."
)


vision_spec = SpecFamily("vision", input_kind="image", install_hint='pip install "specialist-hub[vision]"')


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
    card={
        "intended_use": "Reading printed text (documents, screenshots, signs, labels) in Chinese and "
                        "English, fully offline on the CPU.",
        "training_data": "PaddleOCR's PP-OCRv4 mobile models (Chinese + English character set), trained by "
                         "Baidu on public and synthetic text datasets; see the PaddleOCR documentation.",
        "metrics": "Reads back exactly the lines rendered in the shipped example and in the tests "
                   "(Pillow's default font, 28-32 px); see the limitations for spaces.",
        "limitations": "The recogniser (PP-OCRv4's Chinese/English model) often drops the space between two "
                       "words, especially next to digits or capitals ('Invoice 7731 paid' is read "
                       "'Invoice7731 paid'; the characters are right). Handwriting, strongly curved text and "
                       "scripts other than Chinese/Latin are read poorly. Reading order is row by row, so "
                       "multi-column layouts interleave their columns.",
    },
)

FACES = image_spec(
    "faces",
    task="face-detection",
    summary="Frontal face boxes and scores (OpenCV Haar cascade, Viola-Jones/Lienhart)",
    annotate=True,
    batch_size=16,
    factory="specialist_hub_vision.faces:FacesModel",
    requires=("cv2", "PIL", "numpy"),
    license="Apache-2.0 (OpenCV); cascade: Intel License Agreement (BSD-style)",
    citation=(
        "Viola & Jones, Rapid object detection using a boosted cascade of simple features, CVPR 2001; "
        "Lienhart & Maydt, An extended set of Haar-like features for rapid object detection, ICIP 2002."
    ),
    url="https://github.com/opencv/opencv/tree/4.x/data/haarcascades",
    outputs=(
        OutputField("faces", "list", f"Per face, best first: box {BOX}, score (final cascade stage sum; "
                                     f"larger is more face-like; not a probability)"),
        OutputField("count", "int", "Number of faces found"),
    ),
    options=(
        Option("scale_factor", "float", 1.1, "Image-pyramid step: smaller finds more faces, more slowly",
               stage="call", minimum=1.01, maximum=2.0),
        Option("min_neighbors", "int", 5, "Overlapping detections needed to keep a face: higher, fewer false alarms",
               stage="call", minimum=0, maximum=100),
        Option("min_size", "int", 30, "Smallest face side to look for, in pixels", stage="call", minimum=1),
    ),
    weights=(
        Weights("haarcascade_frontalface_alt2.xml",
                "7b0c967d9abbdfbde025eb9c786947d151b6426040d07a8f9562ed8fd90724b4", 540616,
                "opencv-python (cv2.data.haarcascades)"),
    ),
    examples=(
        Example(FACE_EXAMPLE, {"count": 1},
                reference="The crop of scikit-image's astronaut photo shows one person (Eileen Collins)"),
        Example(COFFEE_EXAMPLE, {"count": 0}, reference="scikit-image's coffee photo shows no person"),
    ),
    card={
        "intended_use": "Finding upright, roughly frontal faces quickly on a CPU, e.g. to count or crop "
                        "people in photos. No identification.",
        "training_data": "Lienhart's 20x20 frontal-face cascade (gentle AdaBoost), trained on a few "
                         "thousand frontal face images (Intel, 2002).",
        "metrics": "On scikit-image's `lfw_subset` (100 LFW faces and 100 background patches, 25x25, "
                   "upscaled 4x with Pillow's bilinear filter to 100x100), default options, opencv-python 4.14: "
                   "**87/100 faces detected (87%), 0/100 non-faces with a detection (0% false positives)**. "
                   "Checked by the test suite.",
        "limitations": "Profiles, tilted (> ~15°) or occluded faces and faces under 30 px are missed; "
                       "the score is not calibrated. Far below modern CNN detectors on hard benchmarks.",
    },
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
    card={
        "intended_use": "General-purpose tagging of photos into the 1000 ImageNet classes, or any label set "
                        "of a fine-tuned transformers image classifier passed as `checkpoint`.",
        "training_data": "ImageNet-1k (ILSVRC 2012) for the default checkpoint.",
        "metrics": "Default checkpoint: 71.8% top-1 ImageNet accuracy (Sandler et al. 2018, MobileNetV2 1.0/224).",
        "limitations": "ImageNet labels only; scores are not calibrated. " + HF_CHECKPOINT_NOTE,
    },
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
    card={
        "intended_use": "Finding and counting everyday objects (the 80 COCO classes for the default "
                        "checkpoint) in photos.",
        "training_data": "COCO 2017 detection (118k images) for the default checkpoint, after ImageNet-1k "
                         "pre-training.",
        "metrics": "Default checkpoint: 28.7 box AP on COCO val2017 (Fang et al. 2021, YOLOS-Ti).",
        "limitations": "Small and crowded objects are often missed by YOLOS-tiny; scores are not calibrated. "
                       + HF_CHECKPOINT_NOTE,
    },
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
    card={
        "intended_use": "Reproducible image generation from any diffusers pipeline: unconditional samples "
                        "(input lines are sample numbers) or text-to-image (input lines are prompts).",
        "training_data": "CIFAR-10 training set (50k 32x32 images) for the default checkpoint.",
        "metrics": "Default checkpoint: FID 3.17, Inception score 9.46 on CIFAR-10 with 1000 steps "
                   "(Ho et al. 2020). Same seed, steps and checkpoint give the same image (tested).",
        "limitations": "Runs the pipeline with its defaults besides steps (no guidance, size or negative-prompt "
                       "options). Slow on CPU for large pipelines. " + HF_CHECKPOINT_NOTE,
    },
)


@hookimpl
def register_models(register):
    vision_spec.register_all(register)
