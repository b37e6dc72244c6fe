"""Trust data of chemistry models: calibration residuals and a Tanimoto applicability domain.

Each model with :class:`TanimotoDomain` ships ``data/<name>_trust.npz`` (built by
plugins/chemistry/scripts/calibrate_trust.py): ``residuals`` for its conformal intervals (models
with intervals only), ``fingerprints`` (packed 2048-bit Morgan radius-2 fingerprints of the
reference set) and the similarity ``threshold``. The domain similarity of a molecule is its
nearest neighbour's Tanimoto similarity in the reference set, so a peptide is told apart from the
small organics of Delaney's set. A batch is searched at once: the shared on-bits of every molecule
and reference are one matrix product of 0/1 matrices, and |a & b| / (|a| + |b| - |a & b|) is the
same value as RDKit's ``BulkTanimotoSimilarity`` (the tests check it) at less cost.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rdkit import DataStructs
from rdkit.Chem import rdFingerprintGenerator
from threadpoolctl import ThreadpoolController

from specialist_hub.training.trust import NearestNeighbours

from .molecules import ParsedMolecule

DATA = Path(__file__).parent / "data"
FINGERPRINT_BITS = 2048


class TanimotoDomain:
    """Mixin for MoleculeModels with trust data: residuals, reference fingerprints, threshold."""

    trust_file = ""

    def load_trust(self) -> None:
        with np.load(DATA / self.trust_file, allow_pickle=False) as data:
            self.residuals = data["residuals"].astype(float) if "residuals" in data.files else None
            bits = np.unpackbits(data["fingerprints"], axis=1)[:, :FINGERPRINT_BITS]
            self.domain_threshold = float(data["threshold"])
        self.domain_search = NearestNeighbours(bits, "tanimoto")  # one matrix product per batch
        self.fingerprints = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=FINGERPRINT_BITS)
        self.thread_pools = ThreadpoolController()  # found once: looking the libraries up takes ms per call

    def calibration_residuals(self, field: str) -> np.ndarray:
        return self.residuals

    def domain_similarities(self, items: list[ParsedMolecule]) -> list[float]:
        fingerprints = self.fingerprints.GetFingerprints([self.domain_molecule(item).mol for item in items])
        packed = b"".join(DataStructs.BitVectToBinaryText(fingerprint) for fingerprint in fingerprints)
        bits = np.unpackbits(np.frombuffer(packed, np.uint8), bitorder="little").reshape(len(items), FINGERPRINT_BITS)
        with self.thread_pools.limit(limits=1, user_api="blas"):  # idle BLAS threads spin and slow torch down
            return self.domain_search.nearest(bits).tolist()

    def domain_molecule(self, item) -> ParsedMolecule:
        """The parsed molecule inside a preprocessed item (the item itself unless a model wraps it)."""
        return item
