"""The construction plan of a synthetic test video, and the truth it implies.

A :class:`Layout` says which scenes follow each other (panning textures, black, a still picture
with burnt-in text) and for how many frames, so the shot boundaries, black and frozen stretches
and the text are known exactly before any model looks at the video. The example shipped with
the plugin, the tests and the benchmark build their videos from layouts; this module imports
nothing heavy (the plugin's registration reads the example's truth from here).
"""

from __future__ import annotations

from dataclasses import dataclass

#: What a scene shows: a texture panning across the frame, black, one still picture, or
#: full-screen flashing (black and white frames alternating).
SCENE_KINDS = ("pan", "black", "still", "flash")


@dataclass(frozen=True)
class Scene:
    kind: str
    frames: int
    #: Text burnt into every frame of the scene (empty: none).
    text: str = ""


@dataclass(frozen=True)
class Layout:
    scenes: tuple[Scene, ...]
    fps: int = 25
    width: int = 320
    height: int = 180

    @property
    def frame_count(self) -> int:
        return sum(scene.frames for scene in self.scenes)

    @property
    def duration(self) -> float:
        return self.frame_count / self.fps

    def spans(self, kind: str | None = None) -> list[tuple[int, int]]:
        """(first frame, last frame) of every scene, or of the scenes of one ``kind``."""
        spans, start = [], 0
        for scene in self.scenes:
            if kind is None or scene.kind == kind:
                spans.append((start, start + scene.frames - 1))
            start += scene.frames
        return spans

    @property
    def cuts(self) -> list[int]:
        """The first frame of every scene after the first: where a new shot starts."""
        return [start for start, _ in self.spans()[1:]]

    def seconds(self, frame: int) -> float:
        return round(frame / self.fps, 6)


#: The video shipped as plugins/video/specialist_hub_video/examples/example.mp4 (made by
#: plugins/video/scripts/make_example.py with the speech of the audio plugin's speech.flac):
#: two panning shots, 2.4 s of black, then a 2.4 s still with burnt-in text.
EXAMPLE_TEXT = "Specialist Hub"
EXAMPLE = Layout((Scene("pan", 50), Scene("pan", 50), Scene("black", 60), Scene("still", 60, EXAMPLE_TEXT)))
#: Where the phrases of the example's soundtrack lie: the audio plugin's speech.flac, as its
#: make_fixtures.py recorded them in speech.json (a test keeps the two equal).
SPEECH_PHRASES = ({"start": 1.0, "end": 4.0336875}, {"start": 5.5336875, "end": 7.422})
