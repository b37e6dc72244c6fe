"""chemistry/protonate reproduces Dimorphite-DL's own test expectations (tests/test_protonation.py)."""

import pytest

import specialist_hub as hub
from specialist_hub.testing import assert_examples_pass

# [input, protonated, deprotonated, Dimorphite-DL group], from Dimorphite-DL's SINGLE_SITE_GROUPS.
GROUPS = [
    ["BrC(C(O)=O)CBr", "O=C(O)C(Br)CBr", "O=C([O-])C(Br)CBr", "Carboxyl"],
    ["Brc1cc(O)cc(Br)c1", "Oc1cc(Br)cc(Br)c1", "[O-]c1cc(Br)cc(Br)c1", "Phenol"],
    ["Brc1ccc(C2NCCS2)cc1", "Brc1ccc(C2[NH2+]CCS2)cc1", "Brc1ccc(C2NCCS2)cc1", "Amines_primary_secondary_tertiary"],
    ["Brc1cc[nH+]cc1", "Brc1cc[nH+]cc1", "Brc1ccncc1", "Aromatic_nitrogen_unprotonated"],
    ["CS(N)(=O)=O", "CS(N)(=O)=O", "CS([NH-])(=O)=O", "Sulfonamide"],
    ["C(C)(C)(C)(S)", "CC(C)(C)S", "CC(C)(C)[S-]", "Thiol"],
]


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g[-1])
def test_single_sites_at_extreme_ph(group):
    smiles, protonated, deprotonated, _ = group
    model = hub.load("chemistry/protonate", precision=0.5)
    (acid,) = model.configured({"ph_min": -5.0, "ph_max": -5.0}).predict([smiles])
    (base,) = model.configured({"ph_min": 20.0, "ph_max": 20.0}).predict([smiles])
    assert acid.output["variants"] == [protonated] and base.output["variants"] == [deprotonated]


def test_range_gives_both_states_and_charges():
    (p,) = hub.predict("chemistry/protonate", ["c1ccncc1"], ph_min=4.0, ph_max=6.0)
    assert sorted(zip(p.output["variants"], p.output["charges"])) == [("c1cc[nH+]cc1", 1), ("c1ccncc1", 0)]
    assert p.output["n_variants"] == 2
    with pytest.raises(hub.OptionError, match=r"'ph_min' \(8.0\) must not exceed 'ph_max' \(7.0\)"):
        hub.predict("chemistry/protonate", ["CCO"], ph_min=8.0, ph_max=7.0)  # before the run, not per record
    assert_examples_pass("chemistry/protonate")
