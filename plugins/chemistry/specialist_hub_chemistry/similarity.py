"""Nearest neighbours by Morgan-fingerprint Tanimoto similarity in a reference library.

A library (the DrugBank approved drugs that ADMET-AI ships, or the user's own file) is indexed
once into a cache folder named by the file's sha256 and the fingerprint settings:
``fingerprints.bin`` (packed bits, one row of 64-bit words per molecule), ``bit_counts.bin``,
``records.jsonl`` (name, id, SMILES per molecule) with ``offsets.bin`` to find a line, and
``index.json``. All are plain arrays and text, never pickles. A search streams the
fingerprints in fixed-size chunks through one buffer, so memory stays bounded however large the
library is; Tanimoto = |a & b| / (|a| + |b| - |a & b|) with NumPy's popcount, the same value as
RDKit's ``BulkTanimotoSimilarity`` (the tests check it).
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdFingerprintGenerator

from specialist_hub import OptionError
from specialist_hub.inputs import file_suffix, open_text
from specialist_hub.weights import cache_dir, package_folder, sha256_of

from .molecules import MoleculeModel

INDEX_VERSION = 1
#: Library rows per search chunk: 65,536 x 2,048-bit fingerprints = 16 MB of buffer.
CHUNK_ROWS = 65536
DRUGBANK = ("admet_ai", "resources/data/drugbank_approved.csv")
SMILES_COLUMNS = ("smiles", "canonical_smiles", "isomeric_smiles", "smi")
NAME_COLUMNS = ("name", "title", "compound_name", "pref_name")
ID_COLUMNS = ("id", "identifier", "compound_id", "mol_id", "chembl_id", "drugbank_id", "zinc_id")
FORMATS = (".smi", ".smiles", ".txt", ".csv", ".tsv", ".sdf", ".parquet")


def _column(header: list[str], candidates: tuple[str, ...]) -> str | None:
    lowered = {name.strip().lower(): name for name in header}
    return next((lowered[c] for c in candidates if c in lowered), None)


def _table_rows(rows: Iterator[dict], header: list[str], path: Path) -> Iterator[tuple[str, str, str]]:
    smiles, name, ident = (_column(header, c) for c in (SMILES_COLUMNS, NAME_COLUMNS, ID_COLUMNS))
    if smiles is None:
        raise OptionError(f"Option 'reference': {path} has no SMILES column (looked for {', '.join(SMILES_COLUMNS)}).")
    for row in rows:
        yield row[smiles] or "", (row[name] or "") if name else "", (row[ident] or "") if ident else ""


def library_rows(path: Path) -> Iterator[tuple[Chem.Mol | str, str, str]]:
    """(molecule or SMILES, name, id) for each record of a library file, streamed."""
    suffix = file_suffix(path)
    if suffix in (".smi", ".smiles", ".txt"):
        with open_text(path) as handle:
            for line in handle:
                parts = line.strip().split(None, 1)
                if parts and not parts[0].startswith("#") and parts[0].lower() not in ("smiles", "smi"):
                    yield parts[0], parts[1].strip() if len(parts) > 1 else "", ""
    elif suffix in (".csv", ".tsv"):
        with open_text(path) as handle:
            reader = csv.DictReader(handle, delimiter="\t" if suffix == ".tsv" else ",")
            yield from _table_rows(reader, list(reader.fieldnames or []), path)
    elif suffix == ".sdf":
        opener = gzip.open if str(path).lower().endswith(".gz") else open
        with opener(path, "rb") as stream:
            for mol in Chem.ForwardSDMolSupplier(stream):
                if mol is not None:
                    yield mol, mol.GetProp("_Name") if mol.HasProp("_Name") else "", ""
    elif suffix == ".parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise OptionError('Reading a Parquet library needs pyarrow: pip install "specialist-hub[tables]"') from None
        table = pq.ParquetFile(path)
        header = table.schema_arrow.names
        for batch in table.iter_batches(batch_size=65536):
            yield from _table_rows(iter(batch.to_pylist()), header, path)
    else:
        raise OptionError(f"Option 'reference': cannot read {path.name}; use one of {', '.join(FORMATS)} (or .gz).")


class FingerprintIndex:
    """A library's fingerprints on disk, searched chunk by chunk."""

    def __init__(self, folder: Path):
        self.folder = folder
        meta = json.loads((folder / "index.json").read_text())
        self.size, self.words, self.skipped = meta["size"], meta["words"], meta["skipped"]
        self.bit_counts = np.fromfile(folder / "bit_counts.bin", dtype=np.uint16)
        self.offsets = np.fromfile(folder / "offsets.bin", dtype=np.uint64)

    @classmethod
    def build(cls, source: Path, folder: Path, generator, words: int) -> FingerprintIndex:
        """Fingerprint every readable record of ``source`` into ``folder`` (written aside, then
        moved into place, so an interrupted build leaves no half index)."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
        size = skipped = 0
        try:
            with (open(staging / "fingerprints.bin", "wb") as fps, open(staging / "bit_counts.bin", "wb") as counts,
                  open(staging / "records.jsonl", "wb") as records, open(staging / "offsets.bin", "wb") as offsets):
                for value, name, ident in library_rows(source):
                    mol = value if isinstance(value, Chem.Mol) else Chem.MolFromSmiles(value)
                    if mol is None or mol.GetNumAtoms() == 0:
                        skipped += 1
                        continue
                    bits = packed(generator, mol)
                    fps.write(bits.tobytes())
                    counts.write(np.uint16(np.bitwise_count(bits).sum()).tobytes())
                    offsets.write(np.uint64(records.tell()).tobytes())
                    smiles = value if isinstance(value, str) else Chem.MolToSmiles(mol)  # as the library writes it
                    line = json.dumps({"name": name, "id": ident, "smiles": smiles}, ensure_ascii=False)
                    records.write(line.encode() + b"\n")
                    size += 1
            (staging / "index.json").write_text(json.dumps(
                {"version": INDEX_VERSION, "source": str(source), "size": size, "words": words, "skipped": skipped}))
            try:
                os.replace(staging, folder)
            except OSError:  # another process finished the same index first
                shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return cls(folder)

    def record(self, row: int) -> dict:
        with open(self.folder / "records.jsonl", "rb") as handle:
            handle.seek(int(self.offsets[row]))
            return json.loads(handle.readline())

    def search(self, queries: np.ndarray, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """The ``k`` best (rows, similarities) per query row of packed fingerprints, best first."""
        query_counts = np.bitwise_count(queries).sum(axis=1)
        best = [(np.empty(0, np.int64), np.empty(0)) for _ in queries]
        buffer = np.empty((CHUNK_ROWS, self.words), dtype=np.uint64)
        with open(self.folder / "fingerprints.bin", "rb") as handle:
            for start in range(0, self.size, CHUNK_ROWS):
                rows = min(CHUNK_ROWS, self.size - start)
                chunk = buffer[:rows]
                handle.readinto(memoryview(chunk).cast("B"))
                counts = self.bit_counts[start:start + rows].astype(np.int64)
                for i, (query, query_count) in enumerate(zip(queries, query_counts)):
                    shared = np.bitwise_count(chunk & query).sum(axis=1, dtype=np.int64)
                    union = counts + query_count - shared
                    similarity = np.divide(shared, union, out=np.zeros(rows), where=union > 0)
                    top = np.arange(rows)
                    if rows > k:  # every row tied with the k-th best stays, so ties resolve by row
                        top = np.flatnonzero(similarity >= np.partition(similarity, rows - k)[rows - k])
                    merged_rows = np.concatenate([best[i][0], top + start])
                    merged = np.concatenate([best[i][1], similarity[top]])
                    keep = np.lexsort((merged_rows, -merged))[:k]  # ties: the earlier library row first
                    best[i] = (merged_rows[keep], merged[keep])
        return best


def packed(generator, mol: Chem.Mol) -> np.ndarray:
    """A molecule's Morgan fingerprint as 64-bit words."""
    return np.packbits(generator.GetFingerprintAsNumPy(mol)).view(np.uint64)


class SimilarDrugsModel(MoleculeModel):
    def load(self):
        radius, size = self.options["radius"], self.options["fp_size"]
        self.generator = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=size)
        if self.options["reference"]:
            source = Path(self.options["reference"]).expanduser()
            if not source.is_file():
                raise OptionError(f"Option 'reference': no file {source}.")
        else:
            source = package_folder(DRUGBANK[0]) / DRUGBANK[1]
        key = f"v{INDEX_VERSION}-r{radius}-b{size}-{sha256_of(source)[:32]}"
        folder = cache_dir() / "similar-drugs" / key
        words = size // 64
        self.index = (FingerprintIndex(folder) if (folder / "index.json").is_file()
                      else FingerprintIndex.build(source, folder, self.generator, words))
        if self.index.size == 0:
            raise OptionError(f"Option 'reference': no readable molecule in {source}.")

    def forward(self, batch):
        queries = np.stack([packed(self.generator, item.mol) for item in batch])
        k = min(self.options["top_k"], self.index.size)
        return self.index.search(queries, k)

    def postprocess(self, raw, item):
        rows, similarities = raw
        floor = self.options["min_similarity"]
        matches = [{**self.index.record(int(row)), "similarity": float(value)}
                   for row, value in zip(rows, similarities) if value >= floor]
        best = matches[0] if matches else {}
        return {"nearest": best.get("name") or best.get("id") or best.get("smiles"),
                "nearest_id": best.get("id"), "similarity": best.get("similarity"),
                "matches": matches, "library_size": self.index.size}

