"""Output keeps what the user gave (issue 33): the whole input in files, the input file's other
columns on request, list fields as Arrow lists, each field at its own precision in the terminal."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from specialist_hub.cli import main

#: Green fluorescent protein, UniProt P42212 (GFP_AEQVI), 238 residues.
GFP = ("MSKGEELFTGVVPILVELDGDVNGHKFSVSGEGEGDATYGKLTLKFICTTGKLPVPWPTLVTTFSYGVQCFSRYPDHMKQHDFFKSAMPE"
       "GYVQERTIFFKDDGNYKTRAEVKFEGDTLVNRIELKGIDFKEDGNILGHKLEYNYNSHNVYIMADKQKNGIKVNFKIRHNIEDGSVQLAD"
       "HYQQNTPIGDGPVLLPDNHYLSTQSALSKDPNEKRDHMVLLEFVTAAGITHGMDELYK")
#: Cyclosporin A (PubChem CID 5284373), 130 characters of SMILES.
CYCLOSPORIN = ("CC[C@H]1C(=O)N(CC(=O)N([C@H](C(=O)N[C@H](C(=O)N([C@H](C(=O)N[C@H](C(=O)N[C@@H](C(=O)N([C@H](C(=O)N"
               "([C@H](C(=O)N([C@H](C(=O)N([C@H](C(=O)N1)[C@@H]([C@H](C)C/C=C/C)O)C)C(C)C)C)CC(C)C)C)CC(C)C)C)C)C)"
               "CC(C)C)C)C(C)C)CC(C)C)C)C")


def hub(*args):
    return CliRunner().invoke(main, ["predict", "-q", *args])


def test_files_get_the_whole_input_and_only_the_terminal_table_shortens_it(tmp_path):
    assert len(GFP) == 238 and len(CYCLOSPORIN) > 96
    for model, value in (("biology/protein-properties", GFP), ("chemistry/descriptors", CYCLOSPORIN)):
        csv_path, parquet_path = tmp_path / "out.csv", tmp_path / "out.parquet"
        for path in (csv_path, parquet_path):
            result = hub("-m", model, value, "-o", str(path))
            assert result.exit_code == 0, result.output
        with csv_path.open() as handle:
            assert [row["input"] for row in csv.DictReader(handle)] == [value]
        assert pq.read_table(parquet_path).column("input").to_pylist() == [value]
        jsonl = hub("-m", model, value, "-f", "jsonl")
        assert json.loads(jsonl.stdout)["input"] == value
        table = hub("-m", model, value, "-f", "table").stdout
        assert value not in table and f"({len(value)} chars)" in table.splitlines()[0]
