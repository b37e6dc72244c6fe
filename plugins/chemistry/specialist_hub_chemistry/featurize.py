"""Molecule features for ``hub train``: RDKit's 2D descriptors and Morgan count fingerprints, and
the Bemis-Murcko scaffold split (Bemis & Murcko, J. Med. Chem. 39, 2887 (1996)), as chemprop's
and MoleculeNet's scaffold splits use it."""

from __future__ import annotations

import math

import numpy as np
from rdkit import Chem, rdBase
from rdkit.Chem import Descriptors, rdFingerprintGenerator
from rdkit.Chem.Scaffolds import MurckoScaffold

from specialist_hub.training.features import Featurizer

from .molecules import parse_molecule

FINGERPRINT_BITS = 2048
#: Descriptors whose range spans many orders of magnitude enter as log10(1 + x).
LOG_SCALED = ("Ipc",)
#: Features beyond this magnitude are clipped, so float32 heads (ONNX) never see an infinity.
CLIP = 1e6


class RDKitFeaturizer(Featurizer):
    """All of RDKit's 2D descriptors (``Descriptors.CalcMolDescriptors``) followed by a Morgan count
    fingerprint (radius 2, 2048 bits); the applicability domain compares Morgan bits by Tanimoto."""

    domain_metric = "tanimoto"

    def load(self) -> None:
        self.descriptor_names = [name for name, _ in Descriptors.descList]
        self.generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=FINGERPRINT_BITS)

    def preprocess(self, value):
        return parse_molecule(value)

    def key(self, item) -> str:
        return Chem.MolToSmiles(item)

    def features(self, items):
        rows = np.empty((len(items), len(self.descriptor_names) + FINGERPRINT_BITS), dtype=np.float64)
        for row, mol in zip(rows, items):
            values = Descriptors.CalcMolDescriptors(mol, missingVal=math.nan)
            row[: len(self.descriptor_names)] = [values[name] for name in self.descriptor_names]
            row[len(self.descriptor_names):] = self.generator.GetCountFingerprintAsNumPy(mol)
        for name in LOG_SCALED:
            column = self.descriptor_names.index(name)
            rows[:, column] = np.log10(1.0 + np.abs(rows[:, column]))
        rows[~np.isfinite(rows)] = np.nan
        return np.clip(rows, -CLIP, CLIP)

    def feature_names(self):
        return [*self.descriptor_names, *(f"morgan_{i}" for i in range(FINGERPRINT_BITS))]

    def domain_vectors(self, items, features):
        return features[:, len(self.descriptor_names):] > 0

    def versions(self):
        return {"rdkit": rdBase.rdkitVersion}


def scaffold_groups(values) -> list[str]:
    """Each molecule's Bemis-Murcko scaffold (canonical SMILES; empty for acyclic molecules)."""
    return [MurckoScaffold.MurckoScaffoldSmiles(mol=parse_molecule(value), includeChirality=False) for value in values]
