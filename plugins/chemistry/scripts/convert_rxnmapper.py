"""Builds data/rxnmapper/: RXNMapper's ALBERT weights as safetensors, for chemistry/atom-map.

rxnmapper 0.4.3 (MIT) ships its model as a pickled ``pytorch_model.bin`` and pins transformers < 5,
so the hub ships its own copy: the tensors of the ALBERT encoder (the masked-LM head and the pooler
are not used for mapping) read once with ``torch.load(weights_only=True)`` and written as
safetensors under the names ``AlbertModel`` expects, with rxnmapper's config.json, vocab.txt and
LICENSE copied unchanged. Prints the sha256 of the source and of every file written, for the spec.
Usage: pip download rxnmapper==0.4.3 --no-deps -d /tmp/rxn && unzip -q /tmp/rxn/rxnmapper-0.4.3-py3-none-any.whl
-d /tmp/rxn/whl && python plugins/chemistry/scripts/convert_rxnmapper.py /tmp/rxn/whl
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import torch
from safetensors.torch import save_file

from specialist_hub.weights import sha256_of

TARGET = Path(__file__).resolve().parents[1] / "specialist_hub_chemistry" / "data" / "rxnmapper"
MODEL = Path("rxnmapper/models/transformers/albert_heads_8_uspto_all_1310k")
LICENSE = Path("rxnmapper-0.4.3.dist-info/licenses/LICENSE")
ENCODER = "albert."


def convert(unpacked_wheel: Path) -> None:
    source = unpacked_wheel / MODEL / "pytorch_model.bin"
    state = torch.load(source, map_location="cpu", weights_only=True)
    encoder = {name[len(ENCODER):]: tensor.contiguous() for name, tensor in state.items()
               if name.startswith(ENCODER) and not name.startswith(ENCODER + "pooler.")}
    TARGET.mkdir(parents=True, exist_ok=True)
    save_file(encoder, TARGET / "model.safetensors", metadata={"format": "pt"})
    for name in ("config.json", "vocab.txt"):
        shutil.copyfile(unpacked_wheel / MODEL / name, TARGET / name)
    shutil.copyfile(unpacked_wheel / LICENSE, TARGET / "LICENSE")
    print(f"source {source.name}: sha256 {sha256_of(source)}, {source.stat().st_size} bytes, {len(state)} tensors")
    for path in sorted(TARGET.iterdir()):
        print(f"{path.name}: sha256 {sha256_of(path)}, {path.stat().st_size} bytes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("unpacked_wheel", type=Path, help="folder the rxnmapper 0.4.3 wheel was unzipped into")
    convert(parser.parse_args().unpacked_wheel)
