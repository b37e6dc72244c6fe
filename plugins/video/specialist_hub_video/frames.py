"""Any image model of the hub on representative frames: one per shot, or one every N seconds.

Shots come from ``video/shots`` (its middle frame stands for the shot). Frames are picked in one
decoding pass and handed to the image model in batches of its own batch size, so memory holds a
batch of pictures at most, whatever the length of the video.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from specialist_hub import InputError
from specialist_hub.inputs import chunked

from .delegate import DelegatingModel, outcome
from .video import VideoSource


class FramesModel(DelegatingModel):
    def compute(self, source: VideoSource) -> dict[str, Any]:
        inner = self.inner_model()
        records = []
        for batch in chunked(self.picked_frames(source), inner.spec.batch_size):
            predictions = inner.predict([image for _, image in batch])
            records += [{**where, **outcome(prediction)} for (where, _), prediction in zip(batch, predictions)]
        if records and not any(record["ok"] for record in records):  # some frames may fail; all is the input or options
            raise InputError(f"{inner.spec.id} failed on every one of the {len(records)} frames; the first: "
                             f"{records[0]['error']['message']}")
        return {"model": inner.spec.id, "sampled": len(records), "frames": records}

    def picked_frames(self, source: VideoSource) -> Iterator[tuple[dict[str, Any], Any]]:
        """({frame, time_s, shot}, RGB PIL image) of each representative frame, in order."""
        every = self.options["every_s"]
        if every > 0:
            due = 0.0
            for index, time, frame in source.decode():
                if time >= due - 1e-6:
                    yield {"frame": index, "time_s": time, "shot": None}, frame.to_image()
                    due += every * (1 + int((time - due) // every))
            return
        middles = {(shot["start_frame"] + shot["end_frame"]) // 2: number
                   for number, shot in enumerate(self.shots(source))}
        for index, time, frame in source.frames_at(middles):
            yield {"frame": index, "time_s": time, "shot": middles[index]}, frame.to_image()

    def shots(self, source: VideoSource) -> list[dict]:
        (shots,) = self.models.load("video/shots", device=self.device).predict(source.path)
        if not shots.ok:
            raise InputError(f"video/shots found no shots: {shots.error['message']}")
        return shots.output["shots"]
