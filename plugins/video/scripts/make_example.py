"""Write the example video shipped in specialist_hub_video/examples/ (run once; CI only reads it).

example.mp4 follows ``layout.EXAMPLE`` (320×180, 25 fps, H.264 CRF 28): two panning shots, 2.4 s of
black, a 2.4 s still picture with burnt-in text; its soundtrack is the audio plugin's speech.flac
(espeak-ng phrases at known times) as AAC. Every expected value of the video models' examples
follows from that construction.
"""

from __future__ import annotations

from pathlib import Path

from specialist_hub_video.layout import EXAMPLE
from specialist_hub_video.plugin import EXAMPLE_VIDEO
from specialist_hub_video.synthetic import write_video

SPEECH = Path(__file__).resolve().parents[2] / "audio" / "specialist_hub_audio" / "examples" / "speech.flac"


def main() -> None:
    EXAMPLE_VIDEO.parent.mkdir(parents=True, exist_ok=True)
    write_video(EXAMPLE_VIDEO, EXAMPLE, soundtrack=SPEECH, crf=28)
    print(f"{EXAMPLE_VIDEO}: {EXAMPLE_VIDEO.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
