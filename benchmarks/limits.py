"""Peak memory of the hostile inputs of issue 21, each next to the same run on a harmless input.

Every case runs in a fresh process: ``hub predict`` (with its worker process, as users run it) or
the server app driven by FastAPI's TestClient. Two peaks are printed: the whole process tree's
resident memory, sampled every 5 ms (parent and workers together), and the largest single
process's high-water mark, exact (``wait4``'s ``ru_maxrss``). "above idle" is the attack's tree
peak less the harmless run's; the target is under 1 GB.

  gzip bomb      a 0.6 MB ``.smi.gz`` holding one 600 MB line: refused by the record limit (exit 3; 413)
  max_pixels     a 17000x17000 PNG with the client option max_pixels=3e8: refused (422), the
                 limit is the server's; without the option the record fails at the server's limit
  7000² batch    eight 7000x7000 PNGs in one batch of ``hub predict -m vision/faces``
  fmin sweep     ten requests to audio/pitch with ten fmin values (a call-time option: one load)

and those of issue 32, each bounded by what it costs the model (the bound is printed beside it):

  long SMILES    a one-million-atom chain through chemistry/qed: refused at max_atoms before RDKit parses it
                 (it ran over 200 s at 1 GB)
  C120 alkane    chemistry/xtb: refused at its max_atoms (it ran over 400 s)
  8 kb RNA       biology/rna-fold: refused at max_length (it ran over 300 s)
  hour of audio  an hour of silence through audio/notes, audio/key, audio/chords and audio/speech-quality,
                 streamed in windows (notes and key peaked at 3.47 and 2.64 GB when they held the whole
                 recording; chords and speech-quality ran past 240 s); each beside the same model on a
                 1 s tone
  protonate      a server request for max_variants=4096 over pH 0-14 on a 20-site polyacid: refused (422),
                 above the server's variant_limit (it held the model for about 70 s)
  1 Mb template  biology/primers: refused at max_length (primer3 took 12 s and 1.2 GB on it; with a target at
                 its start, where no pair fits, 100 kb ran over 600 s)
  17 Mb contig   biology/bgc and biology/rna-genes: refused at max_length (16 Mb, the largest bacterial genomes)
  1M-atom rxn    chemistry/atom-map: refused at the 509 heavy atoms its 512 tokens hold, before RDKit parses it
                 (canonicalising it ran over 300 s)
  plan-cache flood  40 server requests to biology/primers, each with its own 4 MB target: the server's RSS
                 above idle after them, with the plan cache's PLAN_CACHE_MAX_OPTION_CHARS and with that bound
                 lifted (the cache then keeps every set; the issue saw 258 -> 562 MB for good)

Run:  python benchmarks/limits.py [WORD ...]   (only the cases whose name holds one of the words)
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

HUB = [sys.executable, "-m", "specialist_hub"]
TONE = Path(__file__).parents[1] / "plugins/audio/specialist_hub_audio/examples/tone_220hz.wav"
BIOLOGY_EXAMPLES = Path(__file__).parents[1] / "plugins/biology/specialist_hub_biology/examples"
#: Requests of the plan-cache flood, each with a target of this many characters.
FLOOD_REQUESTS, FLOOD_TARGET_CHARS = 40, 4_000_000
#: Posts one file per options object to a model of the server app and prints the status codes
#: and the registry's load counts. argv: model id, file, JSON list of options objects.
SERVER = """
import json, sys
from pathlib import Path
from fastapi.testclient import TestClient
from specialist_hub.registry import Registry
from specialist_hub.server import create_app
model, path, options = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
registry = Registry()
statuses = []
with TestClient(create_app(registry=registry), base_url="http://127.0.0.1") as client:
    for option in options:
        response = client.post(f"/models/{model}/predict", files={"files": (path.name, path.read_bytes())},
                               data={"options": json.dumps(option)})
        statuses.append(response.status_code)
print(json.dumps({"statuses": statuses, "loads": registry.load_counts}))
"""


def plan_cache_flood(lifted: bool) -> None:
    """Print the server process's RSS after one biology/primers request and after the flood, as JSON.
    Each target is blanks then ``1001-1100`` (its pattern allows blanks), a different number of them per
    request; ``lifted`` sets PLAN_CACHE_MAX_OPTION_CHARS out of reach, so the cache keeps every set."""
    from fastapi.testclient import TestClient

    from specialist_hub.server import create_app, service

    if lifted:
        service.PLAN_CACHE_MAX_OPTION_CHARS = 1 << 62
    lines = (BIOLOGY_EXAMPLES / "KK037166.fna").read_text().splitlines()
    template = "".join(line for line in lines if not line.startswith(">"))
    statuses = []
    with TestClient(create_app(), base_url="http://127.0.0.1") as client:
        def post(options: dict) -> None:
            response = client.post("/models/biology/primers/predict", json={"inputs": [template], "options": options})
            statuses.append(response.status_code)

        post({"target": "1001-1100"})
        idle = tree_rss(os.getpid())
        for index in range(FLOOD_REQUESTS):
            post({"target": " " * (FLOOD_TARGET_CHARS - 9 - index) + "1001-1100"})
        print(json.dumps({"idle": idle, "after": tree_rss(os.getpid()), "statuses": statuses[1:]}))


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants now."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        pending += map(int, children)
    return total


def measure(command: list[str]) -> tuple[int, int, int, str, float]:
    """(exit code, sampled peak of the process tree, exact peak of its largest process, stdout, wall seconds)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    return process.returncode, peak[0], usage.ru_maxrss * 1024, output, time.perf_counter() - started


def server(model: str, path: Path, options: list[dict]) -> list[str]:
    return [sys.executable, "-c", SERVER, model, str(path), json.dumps(options)]


def gzip_bomb(path: Path, lines_before: bytes, megabytes: int) -> Path:
    """A gzip file of ``lines_before`` then one line of ``megabytes`` MB, as concatenated members
    (gzip readers read them as one stream): built in milliseconds, never held in memory."""
    member = gzip.compress(b"C" * (1 << 20), 9)
    with open(path, "wb") as handle:
        handle.write(gzip.compress(lines_before))
        for _ in range(megabytes):
            handle.write(member)
        handle.write(gzip.compress(b"\nCCN\n"))
    return path


def input_paths(folder: Path) -> dict[str, Path]:
    return {"bomb": folder / "bomb.smi.gz", "small_smiles": folder / "small.smi.gz", "small_png": folder / "small.png",
            "huge_png": folder / "huge.png", "batch": folder / "batch", "polymer": folder / "polymer.smi",
            "alkane": folder / "alkane.smi", "long_rna": folder / "long_rna.txt", "short_rna": folder / "short_rna.txt",
            "hour": folder / "hour.flac", "polyacid": folder / "polyacid.smi", "template": folder / "template.txt",
            "contig": folder / "contig.txt", "polymerisation": folder / "polymerisation.rsmi",
            "reaction": folder / "reaction.rsmi"}


def make_inputs(folder: Path) -> None:
    """Write the inputs (run in a process of its own: Pillow keeps the memory of the images it made,
    and a process started from this one would count it in its peak)."""
    from PIL import Image

    files = input_paths(folder)
    gzip_bomb(files["bomb"], b"CCO\nc1ccccc1\n", 600)
    files["small_smiles"].write_bytes(gzip.compress(b"CCO\nc1ccccc1\n"))
    Image.new("RGB", (64, 64), (200, 180, 160)).save(files["small_png"])
    Image.new("L", (17000, 17000), 128).save(files["huge_png"], compress_level=9)
    files["batch"].mkdir()
    Image.new("RGB", (7000, 7000), (200, 180, 160)).save(files["batch"] / "0.png", compress_level=9)
    for index in range(1, 8):
        shutil.copy(files["batch"] / "0.png", files["batch"] / f"{index}.png")
    files["polymer"].write_text("C" * 1_000_000 + " polymer\n")
    files["alkane"].write_text("C" * 120 + " C120\n")
    files["long_rna"].write_text("GCGGAUUUAGCUCAGUUGGGAGAGCGCCAGACUGAAGAUCUGGAGGUCCUGUGUUCGAUCCACAGAAUUCGCACCA" * 106 + "\n")
    files["short_rna"].write_text("GCGGAUUUAGCUCAGUUGGGAGAGCGCCAGACUGAAGAUCUGGAGGUCCUGUGUUCGAUCCACAGAAUUCGCACCA\n")
    files["polyacid"].write_text("C" + "C(C(=O)O)C" * 20 + " polyacid\n")
    write_silence(files["hour"], 3600)
    files["template"].write_text("ACGT" * 250_000 + "\n")
    files["contig"].write_text("ACGT" * 4_250_000 + "\n")
    files["polymerisation"].write_text("C" * 500_000 + ">>" + "C" * 500_000 + " polymerisation\n")
    files["reaction"].write_text("CC(C)S.CN(C)C=O.Fc1cccnc1F.O=C([O-])[O-].[K+].[K+]>>CC(C)Sc1ncccc1F SNAr\n")


def write_silence(path: Path, seconds: int, rate: int = 22050) -> None:
    """``seconds`` of digital silence as FLAC, written a minute at a time (a few kB on disk)."""
    import numpy as np
    import soundfile as sf

    with sf.SoundFile(path, "w", rate, 1, format="FLAC") as handle:
        for _ in range(seconds // 60):
            handle.write(np.zeros(60 * rate, dtype=np.float32))


def outcome(command: list[str], code: int, output: str) -> str:
    """The exit code of a ``hub`` run; a server run's HTTP statuses and how often it loaded a model."""
    if command[:len(HUB)] == HUB or code != 0:
        return f"exit {code}"
    report = json.loads(output)
    statuses = Counter(report["statuses"])
    loads = sum(report["loads"].values())
    return ", ".join(f"{status} x{count}" for status, count in statuses.items()) + f", {loads} load(s)"


def main(words: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, __file__, "--make-inputs", tmp], check=True)
        files = input_paths(folder)
        out = str(folder / "out.jsonl")
        big = sorted(str(p) for p in files["batch"].iterdir())
        fmins = [{"fmin": 50.0 + 10 * i} for i in range(10)]
        cases = [
            ("gzip bomb, hub predict", [*HUB, "predict", "-m", "chemistry/descriptors", str(files["bomb"]), "-o", out],
             [*HUB, "predict", "-m", "chemistry/descriptors", str(files["small_smiles"]), "-o", out]),
            ("gzip bomb, server upload", server("chemistry/descriptors", files["bomb"], [{}]),
             server("chemistry/descriptors", files["small_smiles"], [{}])),
            ("max_pixels=3e8 from a client", server("vision/faces", files["huge_png"], [{"max_pixels": 300_000_000}]),
             server("vision/faces", files["small_png"], [{}])),
            ("17000² PNG at the server's limit", server("vision/faces", files["huge_png"], [{}]),
             server("vision/faces", files["small_png"], [{}])),
            ("8 x 7000² PNGs, hub predict faces", [*HUB, "predict", "-m", "vision/faces", *big, "--batch-size", "8",
                                                   "-o", out],
             [*HUB, "predict", "-m", "vision/faces", str(files["small_png"]), "-o", out]),
            ("fmin sweep, 10 requests", server("audio/pitch", TONE, fmins), server("audio/pitch", TONE, fmins[:1])),
        ]
        def hub_predict(model: str, path: Path) -> list[str]:
            return [*HUB, "predict", "-m", model, str(path), "-o", out]

        small_smiles = files["small_smiles"]
        wide = {"max_variants": 4096, "ph_min": 0.0, "ph_max": 14.0}
        bounded = [
            ("1M-atom SMILES, qed", hub_predict("chemistry/qed", files["polymer"]),
             hub_predict("chemistry/qed", small_smiles), "max_atoms 2,000"),
            ("C120 alkane, xtb", hub_predict("chemistry/xtb", files["alkane"]), hub_predict("chemistry/xtb", small_smiles),
             "max_atoms 60"),
            ("8 kb RNA, rna-fold", hub_predict("biology/rna-fold", files["long_rna"]),
             hub_predict("biology/rna-fold", files["short_rna"]), "max_length 2,000"),
            *((f"an hour of silence, {name}", hub_predict(f"audio/{name}", files["hour"]),
               hub_predict(f"audio/{name}", TONE), "streamed, no bound")
              for name in ("notes", "key", "chords", "speech-quality")),
            ("protonate 4096 variants pH 0-14", server("chemistry/protonate", files["polyacid"], [wide]),
             server("chemistry/protonate", files["polyacid"], [{}]), "variant_limit 256"),
            ("1 Mb template, primers", hub_predict("biology/primers", files["template"]),
             hub_predict("biology/primers", BIOLOGY_EXAMPLES / "KK037166.fna"), "max_length 50,000"),
            ("17 Mb contig, bgc", hub_predict("biology/bgc", files["contig"]),
             hub_predict("biology/bgc", BIOLOGY_EXAMPLES / "CP001621_81001-88000.fna"), "max_length 16,000,000"),
            ("17 Mb contig, rna-genes", hub_predict("biology/rna-genes", files["contig"]),
             hub_predict("biology/rna-genes", BIOLOGY_EXAMPLES / "CP001621_81001-88000.fna"),
             "max_length 16,000,000"),
            ("1M-atom reaction, atom-map", hub_predict("chemistry/atom-map", files["polymerisation"]),
             hub_predict("chemistry/atom-map", files["reaction"]), "509 heavy atoms (512 tokens)"),
        ]
        sizes = ", ".join(f"{name} {os.path.getsize(files[name]) / 1e3:.0f} kB" for name in ("bomb", "huge_png"))
        print(f"inputs: {sizes}, batch PNGs {os.path.getsize(big[0]) / 1e3:.0f} kB each\n")
        print(f"{'case':<36}{'result':>22}{'tree peak':>12}{'idle':>9}{'above idle':>12}{'largest process':>17}"
              f"{'wall':>8}{'idle wall':>11}  bound")
        chosen = [case for case in [(*case, "") for case in cases] + bounded
                  if not words or any(word in case[0] for word in words)]
        for name, attack, idle, bound in chosen:
            code, peak, largest, output, wall = measure(attack)
            _, idle_peak, _, _, idle_wall = measure(idle)
            result = outcome(attack, code, output)
            print(f"{name:<36}{result:>22}{peak / 2**20:>9.0f} MB{idle_peak / 2**20:>6.0f} MB"
                  f"{(peak - idle_peak) / 2**20:>9.0f} MB{largest / 2**20:>14.0f} MB{wall:>7.1f}s{idle_wall:>10.1f}s"
                  f"  {bound}")
        if not words or any(word in "plan-cache flood" for word in words):
            from specialist_hub.server.service import PLAN_CACHE_MAX_OPTION_CHARS

            print(f"\nplan-cache flood: {FLOOD_REQUESTS} biology/primers requests, each its own "
                  f"{FLOOD_TARGET_CHARS / 1e6:.0f} MB target; the server's RSS after one request and after them")
            for label, lifted in ((f"PLAN_CACHE_MAX_OPTION_CHARS {PLAN_CACHE_MAX_OPTION_CHARS:,}", False),
                                  ("bound lifted (the cache keeps every set)", True)):
                run = subprocess.run([sys.executable, __file__, "--flood", str(lifted)], capture_output=True,
                                     text=True, check=True)
                report = json.loads(run.stdout.splitlines()[-1])
                statuses = ", ".join(f"{status} x{count}" for status, count in Counter(report["statuses"]).items())
                print(f"  {label:<44}{statuses:>10}{report['idle'] / 2**20:>8.0f} MB idle{report['after'] / 2**20:>8.0f}"
                      f" MB after{(report['after'] - report['idle']) / 2**20:>8.0f} MB above idle")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make-inputs"]:
        make_inputs(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["--flood"]:
        plan_cache_flood(sys.argv[2] == "True")
    else:
        main(sys.argv[1:])
