"""Synthetic accessibility and natural-product likeness from RDKit's Contrib reference code.

RDKit ships both scorers (Ertl's own implementations) with their fragment-score tables under
``RDConfig.RDContribDir``; they are not importable as packages, so each module is loaded from its
file. Their tables are gzipped pickles written by RDKit: trusted as part of the installed RDKit,
never fetched from elsewhere.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
from types import ModuleType

from rdkit import RDConfig

from .molecules import MoleculeModel


def import_file(path: str | os.PathLike, name: str) -> ModuleType:
    """Import one Python file as module ``name`` without touching sys.path or its package."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_contrib(folder: str, module: str) -> ModuleType:
    return import_file(os.path.join(RDConfig.RDContribDir, folder, f"{module}.py"), f"_rdkit_contrib_{module}")


class SaScoreModel(MoleculeModel):
    def load(self):
        self.sascorer = load_contrib("SA_Score", "sascorer")
        self.sascorer.readFragmentScores()

    def compute(self, item):
        mol = item.mol
        return {"sa_score": self.sascorer.calculateScore(mol)}


class NpLikenessModel(MoleculeModel):
    def load(self):
        self.npscorer = load_contrib("NP_Score", "npscorer")
        with contextlib.redirect_stderr(io.StringIO()):  # readNPModel chats on stderr
            self.fscore = self.npscorer.readNPModel()

    def compute(self, item):
        mol = item.mol
        score, confidence = self.npscorer.scoreMolWConfidence(mol, self.fscore)
        return {"np_likeness": score, "confidence": confidence}
