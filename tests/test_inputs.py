import gzip
import io

import pytest

from specialist_hub.errors import UsageError
from specialist_hub.inputs import AudioKind, ImageKind, MoleculeKind, ReadOptions, SequenceKind, iter_records


def values(kind, sources, **options):
    return [(r.value, r.id, r.position, r.read_error) for r in iter_records(kind, sources, ReadOptions(**options))]


def test_smiles_file_with_header_names_and_comments(tmp_path):
    path = tmp_path / "mols.smi"
    path.write_text("SMILES Name\nCCO ethanol\n# skip\n\nc1ccccc1  benzene ring\nC\n")
    assert values(MoleculeKind(), [str(path)]) == [
        ("CCO", "ethanol", 0, None), ("c1ccccc1", "benzene ring", 1, None), ("C", None, 2, None)]


def test_csv_finds_columns_by_name_and_reports_short_rows(tmp_path):
    path = tmp_path / "mols.csv"
    path.write_text("Compound_ID,SMILES,value\nA1,CCO,1\nA2\n")
    rows = values(MoleculeKind(), [str(path)])
    assert rows[0] == ("CCO", "A1", 0, None)
    assert rows[1][1:] == ("A2", 1, "line 3 has no 'SMILES' value")
    chosen = values(MoleculeKind(), [str(path)], column="value", id_column="SMILES")
    assert chosen[0][:2] == ("1", "CCO")
    with pytest.raises(UsageError, match="no column 'smi'"):
        values(MoleculeKind(), [str(path)], column="smi")


def test_sdf_gz_records_keep_titles(tmp_path):
    block = "{name}\n  test\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0 0.0 0.0 C   0  0\nM  END\n"
    path = tmp_path / "mols.sdf.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(block.format(name="first") + "$$$$\n" + block.format(name="second") + "$$$$\n")
    rows = values(MoleculeKind(), [str(path)])
    assert [r[1] for r in rows] == ["first", "second"]
    assert rows[0][0].startswith("first\n") and "M  END" in rows[0][0]


def test_fasta_streams_ids_and_joins_lines(tmp_path):
    path = tmp_path / "seqs.fa.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(">sp|P1 first protein\nMKV\nLLA\n>empty\n>p3\nACDE\n")
    assert values(SequenceKind(), [str(path)]) == [
        ("MKVLLA", "sp|P1", 0, None), ("", "empty", 1, None), ("ACDE", "p3", 2, None)]


def test_stdin_fasta_or_plain_lines():
    fasta = iter_records(SequenceKind(), ["-"], stdin=lambda: io.StringIO("\n>a\nMK\n>b\nLL\n"))
    assert [(r.value, r.id) for r in fasta] == [("MK", "a"), ("LL", "b")]
    plain = iter_records(SequenceKind(), ["-"], stdin=lambda: io.StringIO("MK\nLL\n"))
    assert [r.value for r in plain] == ["MK", "LL"]


def test_missing_input_file_with_a_known_extension_is_a_usage_error():
    with pytest.raises(UsageError, match="Input file not found: nope.smi"):
        values(MoleculeKind(), ["nope.smi"])


def test_media_directories_are_walked_sorted_and_filtered(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("b/2.png", "a.JPG", "notes.txt", "b/1.webp"):
        (tmp_path / name).write_bytes(b"x")
    rows = values(ImageKind(), [str(tmp_path), "missing.png"])
    assert [r[0] for r in rows] == [str(tmp_path / "a.JPG"), str(tmp_path / "b/1.webp"),
                                    str(tmp_path / "b/2.png"), "missing.png"]


def test_python_values_single_or_many():
    assert AudioKind().is_single(([0.0, 0.1], 16000))
    assert not AudioKind().is_single([("a.wav"), ("b.wav")])
    assert MoleculeKind().is_single("CCO") and not MoleculeKind().is_single(["CCO"])
