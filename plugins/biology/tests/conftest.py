"""Biology plugin tests run offline: no test may download a checkpoint."""

import gzip
import os
from importlib.resources import files

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

#: Prodigal's reference outputs ship inside the pyrodigal package (its own test data).
PRODIGAL_DATA = files("pyrodigal.tests") / "data"


def read_fasta(name: str) -> list[tuple[str, str]]:
    """(header, sequence) pairs of a gzipped FASTA from pyrodigal's test data."""
    records: list[tuple[str, str]] = []
    with gzip.open(PRODIGAL_DATA / name, "rt") as handle:
        for line in handle:
            if line.startswith(">"):
                records.append((line[1:].strip(), ""))
            else:
                records[-1] = (records[-1][0], records[-1][1] + line.strip())
    return records


@pytest.fixture(scope="session")
def prodigal_data():
    """Folder of Prodigal's reference files, and a reader for its gzipped FASTA files."""
    return PRODIGAL_DATA, read_fasta
