"""Bounded work and honest answers at the model level (issue 32): a record is bounded by what it
costs the model (heavy atoms, bases, seconds of audio) before the work starts, a bad option value
is a usage error before the run, and an input with nothing to compute fails instead of giving a
plausible number. Nothing here is timed: each limit is checked by what it refuses and says."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specialist_hub import Option
from specialist_hub.cli import main
from specialist_hub.errors import InvalidSpecError, OptionError, PipelineError
from specialist_hub.pipeline import Condition
from specialist_hub.registry import Registry

REGISTRY = Registry()
TRNA_PHE = "GCGGAUUUAGCUCAGUUGGGAGAGCGCCAGACUGAAGAUCUGGAGGUCCUGUGUUCGAUCCACAGAAUUCGCACCA"


def predict(model_id: str, inputs: list, **options):
    return REGISTRY.load(model_id, **options).predict(inputs)


def hub_predict(tmp_path, *arguments: str):
    """``hub predict`` in process on the given arguments, JSON lines into a file: (exit code, records, stderr)."""
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["predict", *arguments, "-o", str(out), "--no-isolate"])
    records = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    return result.exit_code, records, result.stderr


# -- option values refused before the run -----------------------------------------------------------

@pytest.mark.parametrize(("model_id", "option", "said"), [
    ("biology/primers", "tm_min=70", "'tm_min' (70.0) must not exceed 'tm_opt' (60.0)"),
    ("biology/primers", "size_opt=30", "'size_opt' (30) must not exceed 'size_max' (27)"),
    ("biology/primers", "product_size_min=500", "'product_size_min' (500) must not exceed 'product_size_max' (300)"),
    ("biology/primers", "target=abc", "Option 'target' (Region START-END"),
    ("chemistry/xtb", "charge=1e3", "Option 'charge' (Net charge"),
    ("chemistry/protonate", "ph_min=9", "'ph_min' (9.0) must not exceed 'ph_max' (8.4)"),
])
def test_a_bad_option_value_is_a_usage_error_before_the_run(tmp_path, model_id, option, said):
    template = "ATGC" * 100 if model_id.startswith("biology") else "CCO"
    code, records, stderr = hub_predict(tmp_path, "-m", model_id, "-O", option, template)
    assert code == 2, stderr
    assert said in stderr
    assert records == []  # refused before any record ran (was exit 1 with a failed record)


def test_good_values_of_the_checked_options_still_run():
    (designed,) = predict("biology/primers", ["ATGC" * 100], target=" 150 - 250 ", tm_min=55.0, tm_opt=55.0)
    assert designed.ok, designed.error
    (water,) = predict("chemistry/xtb", ["O"], charge="+0", optimize=False)
    assert water.ok and water.output["charge"] == 0


def test_pattern_and_at_most_are_checked_when_a_spec_is_built():
    with pytest.raises(InvalidSpecError, match="pattern applies to str options"):
        Option("n", "int", 1, "d", pattern="[0-9]+")
    with pytest.raises(InvalidSpecError, match="at_most applies to number options"):
        Option("s", "str", "", "d", at_most="n")
    spec = REGISTRY.get("biology/primers")
    with pytest.raises(OptionError, match="must match"):
        spec.resolve_options({"target": "100-200-300"})


# -- molecules: heavy atoms counted before RDKit parses ---------------------------------------------

MOLFILE_V2000 = """ethanol with hydrogens
     RDKit          3D

  9  8  0  0  0  0  0  0  0  0999 V2000
   -0.8883    0.1670   -0.0273 C   0  0  0  0  0  0  0  0  0  0  0  0
    0.4658   -0.5116   -0.0368 C   0  0  0  0  0  0  0  0  0  0  0  0
    1.4311    0.3563    0.4878 O   0  0  0  0  0  0  0  0  0  0  0  0
   -0.8487    1.1119   -0.5851 H   0  0  0  0  0  0  0  0  0  0  0  0
   -1.6380   -0.4841   -0.4951 H   0  0  0  0  0  0  0  0  0  0  0  0
   -1.1744    0.3894    1.0062 H   0  0  0  0  0  0  0  0  0  0  0  0
    0.7564   -0.7598   -1.0694 H   0  0  0  0  0  0  0  0  0  0  0  0
    0.4253   -1.4481    0.5323 H   0  0  0  0  0  0  0  0  0  0  0  0
    2.2906   -0.1028    0.4906 H   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  1  0
  2  3  1  0
  1  4  1  0
  1  5  1  0
  1  6  1  0
  2  7  1  0
  2  8  1  0
  3  9  1  0
M  END
"""
MOLFILE_V3000 = """water
     RDKit          2D

  0  0  0  0  0  0  0  0  0  0999 V3000
M  V30 BEGIN CTAB
M  V30 COUNTS 3 2 0 0 0
M  V30 BEGIN ATOM
M  V30 1 O 0 0 0 0
M  V30 2 H 0.96 0 0 0
M  V30 3 H -0.24 0.93 0 0
M  V30 END ATOM
M  V30 BEGIN BOND
M  V30 1 1 1 2
M  V30 2 1 1 3
M  V30 END BOND
M  V30 END CTAB
M  END
"""


@pytest.mark.parametrize("record", [
    "CC(=O)Oc1ccccc1C(=O)O", "[2H]C([2H])([2H])Cl", "[H][H]", "[Hg+2].[Cl-].[Cl-]", "c1cc[nH]c1", "Br/C=C/Br",
    "[NH4+].[O-]S(=O)(=O)[O-]", "C1CC2CCC1C2", "[13CH3][C@@H](N)C(=O)O", "*c1ccccc1", "[He]", "B(F)(F)F",
    "C%10CCCCC%10", "[H+]", MOLFILE_V2000, MOLFILE_V3000,
])
def test_heavy_atoms_are_counted_without_parsing_as_rdkit_counts_them(record):
    from rdkit import Chem

    from specialist_hub_chemistry.molecules import heavy_atoms

    mol = Chem.MolFromMolBlock(record, removeHs=False) if "\n" in record else Chem.MolFromSmiles(record)
    # Every atom but hydrogen: a dummy atom (*) costs as much memory as a carbon, so it counts too.
    assert heavy_atoms(record, 1000) == sum(atom.GetAtomicNum() != 1 for atom in mol.GetAtoms())


def test_a_huge_smiles_fails_its_record_before_rdkit_reads_it(monkeypatch):
    from specialist_hub_chemistry import molecules

    def refuse(*_):
        raise AssertionError("RDKit was asked to parse the huge record")

    polymer = "C" * 1_000_000  # a million heavy atoms in a megabyte: ran 200 s at 1 GB on the CLI
    monkeypatch.setattr(molecules.Chem, "MolFromSmiles", refuse)
    (prediction,) = predict("chemistry/qed", [polymer])
    assert not prediction.ok
    assert "more than 2,000 heavy atoms" in prediction.error["message"]
    assert "--option max_atoms=N" in prediction.error["message"]


def test_the_atom_limit_is_the_hosts_and_each_model_may_set_its_own():
    qed, xtb = REGISTRY.get("chemistry/qed"), REGISTRY.get("chemistry/xtb")
    limits = {spec.id: next(o for o in spec.options if o.name == "max_atoms") for spec in (qed, xtb)}
    assert limits["chemistry/qed"].default == 2000 and limits["chemistry/xtb"].default == 60
    assert all(option.server_only for option in limits.values())
    with pytest.raises(OptionError, match="max_atoms"):
        REGISTRY.resolve_options(qed, {"max_atoms": 10**6}, from_client=["max_atoms"])
    (raised,) = predict("chemistry/qed", ["C" * 2500], max_atoms=3000)
    assert raised.ok, raised.error


def test_xtb_refuses_a_c120_alkane_and_a_bare_proton():
    alkane, proton = predict("chemistry/xtb", ["C" * 120, "[H+]"], optimize=False)
    assert not alkane.ok and "more than 60 heavy atoms" in alkane.error["message"]  # ran over 400 s
    # No electron: GFN2-xTB reported HOMO = LUMO = -23.9 eV for it.
    assert not proton.ok and "0 electrons" in proton.error["message"]


def test_protonate_bounds_its_variants_by_the_hosts_limit():
    spec = REGISTRY.get("chemistry/protonate")
    limit = next(o for o in spec.options if o.name == "variant_limit")
    assert limit.server_only
    with pytest.raises(OptionError, match="'max_variants' \\(4096\\) must not exceed 'variant_limit'"):
        REGISTRY.resolve_options(spec, {"max_variants": 4096, "ph_min": 0.0, "ph_max": 14.0},
                                 from_client=["max_variants", "ph_min", "ph_max"])


# -- sequences -------------------------------------------------------------------------------------

def test_rna_fold_refuses_a_sequence_above_its_length_limit():
    long_rna = TRNA_PHE * 27  # 2,052 bases; 8 kb ran over 300 s
    (refused, folded) = predict("biology/rna-fold", [long_rna, TRNA_PHE])
    assert not refused.ok
    assert "2,052 bases is above the limit of 2,000 bases" in refused.error["message"]
    assert "--option max_length=N" in refused.error["message"]
    assert folded.ok  # the short record beside it is unaffected
    (cofold,) = predict("biology/rna-fold", [f"{TRNA_PHE}&{TRNA_PHE}"], max_length=100)
    assert not cofold.ok and "152 bases" in cofold.error["message"]  # both strands count


def test_genes_refuses_a_contig_of_unknown_bases():
    (unknown,) = predict("biology/genes", ["N" * 5000])
    assert not unknown.ok  # was a 3 kb gene with confidence 100
    assert "unknown bases" in unknown.error["message"]


# -- audio -----------------------------------------------------------------------------------------

def write_wav(path, samples: np.ndarray, rate: int = 16000) -> str:
    import soundfile as sf

    sf.write(path, samples.astype(np.float32), rate, subtype="FLOAT")
    return str(path)


def test_nan_samples_in_a_file_fail_the_record(tmp_path):
    tone = np.sin(2 * math.pi * 440 * np.arange(3 * 22050) / 22050) * 0.5
    tone[40000] = np.nan
    path = write_wav(tmp_path / "nan.wav", tone, 22050)
    notes, key = predict("audio/notes", [path])[0], predict("audio/key", [path])[0]
    for prediction in (notes, key):  # were ok: true with no notes and a null key score
        assert not prediction.ok
        assert "sample 40000 (1.814 s) is NaN or infinite" in prediction.error["message"]


@pytest.mark.parametrize("model_id", ["audio/beats"])
def test_models_that_hold_the_whole_recording_refuse_audio_beyond_their_limit(tmp_path, model_id):
    spec = REGISTRY.get(model_id)
    limit = next(o for o in spec.options if o.name == "max_duration")
    assert limit.server_only and limit.default <= 600
    path = write_wav(tmp_path / "silence.wav", np.zeros(3 * 16000))
    (prediction,) = predict(model_id, [path], max_duration=2.0)
    assert not prediction.ok
    assert "3.0 s of audio is above the limit of 2 s" in prediction.error["message"]
    assert "--option max_duration=SECONDS" in prediction.error["message"]


@pytest.mark.parametrize("model_id", ["audio/notes", "audio/key", "audio/chords", "audio/speech-quality"])
def test_models_that_stream_long_audio_have_no_duration_bound(model_id):
    # They run any length in windows, in bounded memory (plugins/audio/tests check each against the
    # whole-recording answer); a bound would refuse what they can do.
    assert "max_duration" not in {option.name for option in REGISTRY.get(model_id).options}


def test_speech_quality_refuses_a_clip_too_short_to_score(tmp_path):
    (one_sample,) = predict("audio/speech-quality", [write_wav(tmp_path / "one.wav", np.array([0.1]))])
    assert not one_sample.ok  # the reference would loop the one sample into a 9 s window and score it
    assert "needs at least 1 s" in one_sample.error["message"]


# -- video -----------------------------------------------------------------------------------------

def test_video_frames_fails_the_record_when_every_frame_failed(tmp_path):
    from specialist_hub_video import plugin as video_plugin

    video = str(Path(video_plugin.__file__).parent / "examples" / "example.mp4")
    code, records, stderr = hub_predict(tmp_path, "-m", "video/frames", "-O", "model_options=max_pixels=10",
                                        "-O", "every_s=1", video)
    assert code == 1, stderr  # was exit 0 and ok: true with every frame's error inside
    (record,) = records
    assert not record["ok"]
    assert "failed on every one of the" in record["error"]["message"]
    assert "above the limit of 10" in record["error"]["message"]


# -- the --where grammar, fuzzed -------------------------------------------------------------------

FIELDS = ("qed.qed", "esol.logs", "alerts.count")
numbers = st.one_of(st.integers(-5, 5), st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 2)))
comparisons = st.builds(lambda field, op, value: f"{field} {op} {value!r}", st.sampled_from(FIELDS),
                        st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), numbers)
conditions = st.recursive(comparisons, lambda inner: st.one_of(
    st.builds(lambda a, op, b: f"({a}) {op} ({b})", inner, st.sampled_from(["and", "or"]), inner),
    st.builds(lambda a: f"not ({a})", inner)), max_leaves=12)
values = st.fixed_dictionaries(dict.fromkeys(FIELDS, numbers))


@given(conditions, values)
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_a_where_condition_decides_as_python_does(text, found):
    """With every field a number, the condition's answer is Python's own on the same expression."""
    names = {name: f"v{index}" for index, name in enumerate(FIELDS)}
    python = text
    for name, variable in names.items():
        python = python.replace(name, variable)
    expected = bool(eval(python, {"__builtins__": {}}, {names[k]: v for k, v in found.items()}))
    assert Condition(text)(found) == expected


@given(st.text(alphabet="qed.<>=!() andornt0123456789'\"x+-*/[]{}:,@_", max_size=60), values)
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_any_where_text_is_a_condition_or_a_clear_refusal(text, found):
    """Arbitrary text never escapes as another exception, neither when read nor when it decides."""
    try:
        condition = Condition(text)
    except PipelineError as error:
        assert str(error).startswith("Condition ")
        return
    assert condition({"qed": found["qed.qed"], **found}) in (True, False)
