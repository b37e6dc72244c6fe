"""biology/primers against primer3 called directly, and each primer checked against its template by hand."""

import primer3
import pytest

import specialist_hub
from specialist_hub_biology.plugin import GENOME

COMPLEMENT = str.maketrans("ACGT", "TGCA")
SETTINGS = {"product_size_min": 120, "product_size_max": 220, "tm_min": 58.5, "tm_opt": 60.0, "tm_max": 61.5,
            "num_return": 4}


@pytest.fixture(scope="module")
def genome():
    return "".join(line.strip() for line in GENOME.read_text().splitlines() if not line.startswith(">"))


def primer3_direct(template: str, target: tuple[int, int]) -> list[tuple]:
    found = primer3.design_primers(
        {"SEQUENCE_TEMPLATE": template, "SEQUENCE_TARGET": [target[0] - 1, target[1] - target[0] + 1]},
        {"PRIMER_PRODUCT_SIZE_RANGE": [[120, 220]], "PRIMER_MIN_TM": 58.5, "PRIMER_OPT_TM": 60.0,
         "PRIMER_MAX_TM": 61.5, "PRIMER_NUM_RETURN": 4})
    return [(left["SEQUENCE"], left["COORDS"], left["TM"], right["SEQUENCE"], right["COORDS"], right["TM"],
             pair["PRODUCT_SIZE"], pair["PENALTY"])
            for left, right, pair in zip(found["PRIMER_LEFT"], found["PRIMER_RIGHT"], found["PRIMER_PAIR"])]


TARGETS = [(1001, 1080), (6001, 6050), (12001, 12100), (17501, 17560)]


@pytest.fixture(scope="module")
def designed(genome):
    templates = [genome[start - 401:end + 400] for start, end in TARGETS]  # 400 bases either side
    return [(template, specialist_hub.predict("biology/primers", template, target=f"401-{400 + end - start + 1}",
                                              **SETTINGS)[0].output)
            for template, (start, end) in zip(templates, TARGETS)]


def test_equals_primer3_directly(designed):
    for template, out in designed:
        target_end = len(template) - 400
        expected = primer3_direct(template, (401, target_end))
        got = [(p["left"]["sequence"], [p["left"]["start"] - 1, len(p["left"]["sequence"])], p["left"]["tm"],
                p["right"]["sequence"], [p["right"]["end"] - 1, len(p["right"]["sequence"])], p["right"]["tm"],
                p["product_size"], p["penalty"]) for p in out["pairs"]]
        assert got == expected and out["pair_count"] == len(expected) > 0


def test_primers_sit_on_the_template_within_the_tm_range(designed):
    for template, out in designed:
        for pair in out["pairs"]:
            left, right = pair["left"], pair["right"]
            assert template[left["start"] - 1:left["end"]] == left["sequence"]
            assert template[right["start"] - 1:right["end"]].translate(COMPLEMENT)[::-1] == right["sequence"]
            assert pair["product_size"] == right["end"] - left["start"] + 1
            assert left["start"] < 401 and right["end"] > len(template) - 400  # the product spans the target
            for oligo in (left, right):
                assert SETTINGS["tm_min"] <= oligo["tm"] <= SETTINGS["tm_max"]
                assert oligo["tm"] == pytest.approx(primer3.calc_tm(oligo["sequence"], mv_conc=50, dv_conc=1.5,
                                                                    dntp_conc=0.6, dna_conc=50), abs=1e-6)
                gc = sum(base in "GC" for base in oligo["sequence"]) / len(oligo["sequence"]) * 100
                assert oligo["gc_percent"] == pytest.approx(gc)


def test_marked_target_equals_the_target_option(genome):
    template = genome[5000:5600]
    marked = f"{template[:250]}[{template[250:330]}]{template[330:]}"
    by_mark, by_option = specialist_hub.predict("biology/primers", [marked, template], target="251-330")
    assert by_mark.output == by_option.output and by_mark.output["pair_count"] == 5


def test_bad_templates_and_settings_are_refused(genome):
    template = genome[:600]
    rna, unclosed, stray = specialist_hub.predict("biology/primers", ["ACGU" * 50, "ACG[TTT", "ACG]TT"])
    assert "contains U" in rna.error["message"]
    assert "never closed" in unclosed.error["message"]
    assert "closes no target" in stray.error["message"]
    outside = specialist_hub.predict("biology/primers", template, target="550-700")[0]
    assert "does not lie within" in outside.error["message"]
    with pytest.raises(specialist_hub.OptionError, match=r"'tm_min' \(62.0\) must not exceed 'tm_opt' \(60.0\)"):
        specialist_hub.predict("biology/primers", template, tm_min=62.0)  # before the run, not per record


def test_a_template_above_max_length_fails_alone_before_primer3_runs(genome, monkeypatch):
    """50 kb by default: primer3 tries every pair when none fits, 100 kb with a target at its start ran over 600 s."""
    templates = []
    design = primer3.design_primers
    monkeypatch.setattr(primer3, "design_primers",
                        lambda arguments, settings: templates.append(len(arguments["SEQUENCE_TEMPLATE"]))
                        or design(arguments, settings))
    too_long = (genome * 3)[:50_001]
    refused, designed = specialist_hub.predict("biology/primers", [too_long, genome[5000:5600]])
    assert not refused.ok
    assert "50,001 bases is above the limit of 50,000 bases of biology/primers" in refused.error["message"]
    assert "--option max_length=N" in refused.error["message"]
    assert designed.ok and designed.output["pair_count"] == 5
    assert templates == [600]  # primer3 never saw the long template
    limit = next(o for o in specialist_hub.get_spec("biology/primers").options if o.name == "max_length")
    assert limit.server_only  # a server client cannot raise it
