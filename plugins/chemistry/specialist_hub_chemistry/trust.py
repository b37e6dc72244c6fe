"""Trust data of chemistry models: calibration residuals and a Tanimoto applicability domain.

Each trusted model ships ``data/<name>_trust.npz`` (built by a script in plugins/chemistry/scripts):
``residuals`` for its conformal intervals (models with intervals only), ``fingerprints`` (packed 2048-bit Morgan radius-2
fingerprints of the reference set) and the similarity ``threshold``. The domain similarity of a
molecule is its nearest neighbour's Tanimoto similarity in the reference set (RDKit's bulk
Tanimoto), so a peptide is told apart from the small organics ESOL knows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rdkit import DataStructs
from rdkit.Chem import rdFingerprintGenerator

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
        self.domain_reference = []
        for row in bits:
            vector = DataStructs.ExplicitBitVect(FINGERPRINT_BITS)
            vector.SetBitsFromList(np.flatnonzero(row).tolist())
            self.domain_reference.append(vector)
        self.fingerprints = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=FINGERPRINT_BITS)

    def calibration_residuals(self, field: str) -> np.ndarray:
        return self.residuals

    def domain_similarities(self, items: list[ParsedMolecule]) -> list[float]:
        fingerprints = self.fingerprints.GetFingerprints([self.domain_molecule(item).mol for item in items])
        return [max(DataStructs.BulkTanimotoSimilarity(fingerprint, self.domain_reference)) for fingerprint in fingerprints]

    def domain_molecule(self, item) -> ParsedMolecule:
        """The parsed molecule inside a preprocessed item (the item itself unless a model wraps it)."""
        return item
