"""biology/nucleotide-properties against the SantaLucia & Hicks 2004 table and OligoCalc's MW formula."""

import math

import pytest

import specialist_hub

# SantaLucia & Hicks, Annu. Rev. Biophys. Biomol. Struct. 33, 415 (2004), Table 1: dH (kcal/mol), dS (cal/K/mol).
NN_2004 = {"AA": (-7.6, -21.3), "AT": (-7.2, -20.4), "TA": (-7.2, -21.3), "CA": (-8.5, -22.7),
           "GT": (-8.4, -22.4), "CT": (-7.8, -21.0), "GA": (-8.2, -22.2), "CG": (-10.6, -27.2),
           "GC": (-9.8, -24.4), "GG": (-8.0, -19.9)}
INITIATION, TERMINAL_AT = (0.2, -5.7), (2.2, 6.9)
R = 1.9872  # cal/K/mol
COMPLEMENT = str.maketrans("ACGT", "TGCA")


def santalucia_tm(seq: str, na_molar: float, strand_molar: float, complement_molar: float) -> float:
    """Two-state Tm of a non-self-complementary duplex, written out from the paper (no Biopython)."""
    dh, ds = INITIATION
    for end in (seq[0], seq[-1]):
        if end in "AT":
            dh, ds = dh + TERMINAL_AT[0], ds + TERMINAL_AT[1]
    for i in range(len(seq) - 1):
        pair = seq[i:i + 2]
        h, s = NN_2004.get(pair) or NN_2004[pair[::-1].translate(COMPLEMENT)]
        dh, ds = dh + h, ds + s
    ds += 0.368 * (len(seq) - 1) * math.log(na_molar)  # SantaLucia 1998 entropy salt correction
    effective = strand_molar - complement_molar / 2 if strand_molar != complement_molar else strand_molar / 2
    return 1000 * dh / (ds + R * math.log(effective)) - 273.15


def oligocalc_mw(seq: str) -> float:
    """OligoCalc (Kibbe 2007) anhydrous molecular weight of a single-stranded DNA oligo, 5'-OH."""
    return sum({"A": 313.21, "T": 304.2, "C": 289.18, "G": 329.21}[b] for b in seq) - 61.96


PRIMERS = ["GTAAAACGACGGCCAGT", "CAGGAAACAGCTATGAC", "AGAGTTTGATCCTGGCTCAG", "GGTTACCTTGTTACGACTT"]


@pytest.mark.parametrize("primer", PRIMERS)
def test_tm_and_mw_match_the_papers(primer):
    out = specialist_hub.predict("biology/nucleotide-properties", primer)[0].output
    assert out["melting_temperature"] == pytest.approx(santalucia_tm(primer, 0.05, 25e-9, 25e-9), abs=0.01)
    assert out["molecular_weight"] == pytest.approx(oligocalc_mw(primer), abs=0.1)
    assert out["gc_content"] == pytest.approx((primer.count("G") + primer.count("C")) / len(primer))


def test_salt_and_strand_concentration_options():
    primer = PRIMERS[2]
    out = specialist_hub.predict("biology/nucleotide-properties", primer, na_mm=200.0, strand_nm=500.0,
                                 complement_nm=10.0)[0].output
    assert out["melting_temperature"] == pytest.approx(santalucia_tm(primer, 0.2, 500e-9, 10e-9), abs=0.01)


def test_sequence_utilities():
    out = specialist_hub.predict("biology/nucleotide-properties", "ATGGCCCTGTGGATGCGCCTCCTGCCCTAA")[0].output
    # Human insulin signal-peptide start (NM_000207): MALWMRLLP, then the stop codon.
    assert out["translation"] == "MALWMRLLP*"
    assert out["reverse_complement"] == "TTAGGGCAGGAGGCGCATCCACAGGGCCAT"
    assert out["gc_skew"] == pytest.approx((8 - 11) / 19)
    rna = specialist_hub.predict("biology/nucleotide-properties", "GGCAUUCC")[0].output
    assert (rna["molecule"], rna["reverse_complement"], rna["translation"]) == ("RNA", "GGAAUGCC", "GI")
    ambiguous = specialist_hub.predict("biology/nucleotide-properties", "ACGTNNACGT")[0].output
    assert ambiguous["gc_content"] == 0.5 and ambiguous["molecular_weight"] is None
    assert ambiguous["melting_temperature"] is None
