"""Chemistry tests run offline; the slow ADMET-AI ensembles load once per session."""

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import csv
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def delaney():
    """Delaney's ESOL set (SMILES, measured log S), see data/README.md."""
    with open(DATA / "delaney.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["smiles"] for r in rows], [float(r["measured_log_solubility"]) for r in rows]


@pytest.fixture(scope="session")
def admet():
    import specialist_hub

    return specialist_hub.load("chemistry/admet", device="cpu")
