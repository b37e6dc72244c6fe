"""Writes tests/data/rxnmapper_reference.tsv: rxnmapper 0.4.3's own mappings of tests/data/reactions.rsmi.

The reference chemistry/atom-map is tested against. rxnmapper pins transformers < 5, so it runs in a
venv of its own, with the torch and RDKit of the hub's venv (a .pth file appends the hub's
site-packages after the venv's own, so the venv's transformers 4 wins):
    python -m venv /tmp/rxnvenv && /tmp/rxnvenv/bin/pip install "transformers>=4,<5" "setuptools<81" \
        rxn-chem-utils scipy pandas "rdkit==$(python -c 'import rdkit; print(rdkit.__version__)')"
    /tmp/rxnvenv/bin/pip install --no-deps rxnmapper==0.4.3
    echo "$(python -c 'import site; print(site.getsitepackages()[0])')" \
        > /tmp/rxnvenv/lib/python3.11/site-packages/zz_hub.pth
    /tmp/rxnvenv/bin/python plugins/chemistry/scripts/rxnmapper_reference.py
Each reaction is mapped with canonicalize_rxns true and false; rxnmapper cannot map reactions with
agents ('>A>') as written, so those rows are left out for false.
"""

from __future__ import annotations

import csv
from pathlib import Path

import rdkit
import torch
import transformers
from rxnmapper import RXNMapper

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def main() -> None:
    with open(DATA / "reactions.rsmi") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle][1:]
    mapper = RXNMapper()
    with open(DATA / "rxnmapper_reference.tsv", "w", newline="") as handle:
        handle.write(f"# rxnmapper 0.4.3, transformers {transformers.__version__}, torch {torch.__version__}, "
                     f"rdkit {rdkit.__version__}\n")
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["name", "canonicalize", "mapped_rxn", "confidence"])
        for canonicalize in (True, False):
            for smiles, name in rows:
                if not canonicalize and smiles.split(">")[1]:
                    continue
                result = mapper.get_attention_guided_atom_maps([smiles], canonicalize_rxns=canonicalize)[0]
                out.writerow([name, str(canonicalize).lower(), result["mapped_rxn"], repr(result["confidence"])])


if __name__ == "__main__":
    main()
