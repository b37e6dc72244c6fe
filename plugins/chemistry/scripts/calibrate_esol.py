"""Builds data/esol_trust.npz: ESOL's calibration residuals and its applicability-domain reference.

The recipe (Delaney's set split into calibration and test halves, Morgan/Tanimoto domain) is
calibrate_trust.py's, shared with chemistry/solubility.
Usage: python plugins/chemistry/scripts/calibrate_esol.py
"""

from __future__ import annotations

from calibrate_trust import calibrate

if __name__ == "__main__":
    calibrate("chemistry/esol")
