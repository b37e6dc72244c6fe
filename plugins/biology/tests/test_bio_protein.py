"""biology/protein-properties against ExPASy ProtParam's printed output.

Reference rows are ExPASy ProtParam results (web.expasy.org/protparam) for UniProt chains, as
printed (MW and pI to 0.01, instability/aliphatic index to 0.01, GRAVY to 0.001); ubiquitin's
MW 8564.84 and pI 6.56 are the figures ExPASy shows for P0CG48 1-76.
"""

import pytest

import specialist_hub
from specialist_hub_biology.plugin import INSULIN_A, LYSOZYME, UBIQUITIN

HUMAN_LYSOZYME = ("KVFERCELARTLKRLGMDGYRGISLANWMCLAKWESGYNTRATNYNAGDRSTDYGIFQINSRYWCNDGKTPGAVNACHLSCSALLQDNIADAVACAKR"
                  "VVRDPQGIRAWVAWRNRCQNRDVRQYVQGCGV")
HBA = ("VLSPADKTNVKAAWGKVGAHAGEYGAEALERMFLSFPTTKTYFPHFDLSHGSAQVKGHGKKVADALTNAVAHVDDMPNALSALSDLHAHKLRVDPVNFKLLSHC"
       "LLVTLAAHLPAEFTPAVHASLDKFLASVSTVLTSKYR")
CALMODULIN = ("ADQLTEEQIAEFKEAFSLFDKDGDGTITTKELGTVMRSLGQNPTEAELQDMINEVDADGNGTIDFPEFLTMMARKMKDTDSEEEIREAFRVFDKDGNGYIS"
              "AAELRHVMTNLGEKLTDEEVDEMIREADIDGDGQVNYEEFVQMMTAK")

# name, sequence, MW, pI, extinction (cystines, reduced), instability index, aliphatic index, GRAVY
EXPASY = [
    ("ubiquitin P0CG48 1-76", UBIQUITIN, 8564.84, 6.56, (1490, 1490), 36.06, 100.00, -0.489),
    ("hen lysozyme P00698 19-147", LYSOZYME, 14313.14, 9.32, (37970, 37470), 16.09, 65.12, -0.472),
    ("human lysozyme P61626 19-148", HUMAN_LYSOZYME, 14700.67, 9.28, (36940, 36440), 32.13, 69.85, -0.485),
    ("insulin A chain P01308 90-110", INSULIN_A, 2383.71, 3.79, (3230, 2980), 22.54, 88.10, 0.214),
    ("insulin B chain P01308 25-54", "FVNQHLCGSHLVEALYLVCGERGFFYTPKT", 3429.96, 6.90, (3105, 2980), 9.85, 84.33, 0.220),
    ("haemoglobin alpha P69905 2-142", HBA, 15126.36, 8.73, (9970, 9970), 6.95, 91.42, 0.035),
    ("calmodulin P0DP23 2-149", CALMODULIN, 16706.39, 4.09, (2980, 2980), 27.50, 65.95, -0.671),
]


def printed(value: float, shown: float, decimals: int) -> bool:
    """Whether ``value`` is what ExPASy prints as ``shown`` (rounded to ``decimals``), ties either way."""
    return abs(value - shown) <= 0.5 * 10 ** -decimals + 1e-9


@pytest.fixture(scope="module")
def outputs():
    predictions = specialist_hub.predict("biology/protein-properties", [row[1] for row in EXPASY])
    assert all(p.ok for p in predictions)
    return [p.output for p in predictions]


@pytest.mark.parametrize("index", range(len(EXPASY)), ids=[row[0] for row in EXPASY])
def test_matches_expasy_protparam(outputs, index):
    _name, sequence, mw, pi, (cystines, reduced), ii, ai, gravy = EXPASY[index]
    out = outputs[index]
    assert out["length"] == len(sequence)
    assert printed(out["molecular_weight"], mw, 2)
    assert printed(out["isoelectric_point"], pi, 2)
    assert (out["extinction_coefficient_cystines"], out["extinction_coefficient_reduced"]) == (cystines, reduced)
    assert printed(out["instability_index"], ii, 2)
    assert out["stable"] == (ii < 40)
    assert printed(out["aliphatic_index"], ai, 2)
    assert printed(out["gravy"], gravy, 3)


# ExPASy ProtParam for P0CG48 start-76: the N-terminal residue changes the N-terminal pK (Bjellqvist).
@pytest.mark.parametrize("start, pi, mw", [
    (2, 6.79, 8433.65), (5, 6.77, 8045.19), (7, 5.71, 7817.88), (16, 5.24, 6888.75), (19, 7.18, 6531.39),
    (25, 9.31, 5888.73), (59, 9.99, 2097.45), (68, 12.00, 1020.25),
])
def test_ubiquitin_fragments_match_expasy(start, pi, mw):
    out = specialist_hub.predict("biology/protein-properties", UBIQUITIN[start - 1:])[0].output
    assert printed(out["isoelectric_point"], pi, 2)
    assert printed(out["molecular_weight"], mw, 2)


def test_charge_and_composition_fractions():
    # Biopython's documented IsoelectricPoint example: INGAR has charge +0.76 at pH 7.
    assert specialist_hub.predict("biology/protein-properties", "INGAR")[0].output["net_charge_ph7"] == \
        pytest.approx(0.76, abs=0.005)
    # Biopython >= 1.82 residue sets: helix EMALK, turn NPGSD, sheet VIYFWLT.
    out = specialist_hub.predict("biology/protein-properties", "WYFAGNPS")[0].output
    assert (out["aromaticity"], out["helix_fraction"], out["turn_fraction"], out["sheet_fraction"]) == \
        pytest.approx((3 / 8, 1 / 8, 4 / 8, 3 / 8))


def test_a_protein_with_ambiguous_residues_gets_the_properties_of_its_standard_residues():
    """ExPASy-style quantities are defined for the 20 standard residues only: with X (an assembly's unknown
    codon), B/Z/J (ambiguity codes) or U, the record keeps its properties over the other residues and
    says how many it left out, instead of failing as it did (``illegal character 'X'``)."""
    (plain,) = specialist_hub.predict("biology/protein-properties", UBIQUITIN)
    masked = UBIQUITIN[:30] + "X" + UBIQUITIN[30:50] + "BZJU" + UBIQUITIN[50:]
    (ambiguous,) = specialist_hub.predict("biology/protein-properties", masked)
    assert ambiguous.ok, ambiguous.error
    assert (ambiguous.output["length"], ambiguous.output["nonstandard_residues"]) == (81, 5)
    assert plain.output["nonstandard_residues"] == 0
    for name in ("molecular_weight", "isoelectric_point", "gravy", "aliphatic_index", "extinction_coefficient_reduced"):
        assert ambiguous.output[name] == pytest.approx(plain.output[name], abs=1e-9), name
    assert printed(ambiguous.output["molecular_weight"], 8564.84, 2)  # ExPASy's figure for P0CG48 1-76
    (amp,) = specialist_hub.predict("biology/antimicrobial", "GIGKFLHSAKKFGKAFVXGEIMNS")  # magainin 2 with an X
    assert amp.ok and amp.output["label"] == "AMP" and amp.output["nonstandard_residues"] == 1
    (only_unknown,) = specialist_hub.predict("biology/protein-properties", "XXXX")
    assert not only_unknown.ok and "no standard amino acid" in only_unknown.error["message"]
