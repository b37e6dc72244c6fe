"""Write plugins/audio/tests/data/voices/: eight sentences spoken by three espeak-ng voices (16 kHz mono FLAC),
with voices.csv (path, voice, sentence) for the hub train tests: the voice is the class, the sentence the group.

Needs the espeak-ng program (apt-get install espeak-ng); run once, the files are committed.
"""

from __future__ import annotations

import csv
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
import torchaudio.functional as AF

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "voices"
RATE = 16000
VOICES = {"us-male": "en-us+m1", "us-female": "en-us+f3", "scottish": "en-gb-scotland+m4"}
SENTENCES = ["The birch canoe slid on the smooth planks.", "Glue the sheet to the dark blue background.",
             "It is easy to tell the depth of a well.", "These days a chicken leg is a rare dish.",
             "Rice is often served in round bowls.", "The juice of lemons makes fine punch.",
             "The box was thrown beside the parked truck.", "The hogs were fed chopped corn and garbage.",
             ]  # Harvard sentences (IEEE 1969), list 1


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for voice, espeak in VOICES.items():
            for number, sentence in enumerate(SENTENCES):
                wav = Path(folder) / "out.wav"
                subprocess.run(["espeak-ng", "-v", espeak, "-s", "170", "-w", str(wav), sentence], check=True)
                samples, rate = sf.read(wav, dtype="float32")
                samples = AF.resample(torch.from_numpy(samples), rate, RATE).numpy()
                name = f"{voice}-{number}.flac"
                sf.write(OUT / name, np.clip(samples, -1, 1), RATE, subtype="PCM_16")
                rows.append((name, voice, f"s{number}"))
    with (OUT / "voices.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "voice", "sentence"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
