"""Fuzzing: generated inputs of every kind through every built-in model that runs offline. Each
input must come back as its own result or record error, in order; nothing may escape."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specialist_hub import Waveform
from specialist_hub.registry import Registry

REGISTRY = Registry()
SMILES_ALPHABET = "CNOSPFIclnos()[]=#+-@123456789%./\\Hh*BrZe "
SEQUENCE_ALPHABET = "ACDEFGHIKLMNPQRSTVWYUXBZO*acgtun -\n"

TEXT_LIKE = {
    "molecule": st.text(SMILES_ALPHABET, max_size=60),
    "sequence": st.text(SEQUENCE_ALPHABET, max_size=300),
    "text": st.text(max_size=80),
}
MEDIA = {
    "image": st.builds(lambda h, w, c, seed: np.random.default_rng(seed).integers(0, 256, (h, w, c), dtype=np.uint8),
                       st.integers(1, 24), st.integers(1, 24), st.sampled_from([1, 3, 4]), st.integers(0, 2**32 - 1)),
    "audio": st.builds(lambda n, rate, seed: Waveform(np.random.default_rng(seed).uniform(-1, 1, n).astype(np.float32),
                                                      rate),
                       st.integers(1, 8000), st.sampled_from([8000, 16000, 22050, 44100]), st.integers(0, 2**32 - 1)),
}
STRATEGIES = {**TEXT_LIKE, **MEDIA}
#: Every built-in model that runs here offline (Hugging Face checkpoints are not cached in tests).
FUZZED = [spec.id for spec in REGISTRY.list_models()
          if spec.input_kind in STRATEGIES and spec.id not in REGISTRY.pipelines
          and not REGISTRY.missing_requirements(spec) and "checkpoint" not in {o.name for o in spec.options}]


@pytest.mark.parametrize("model_id", FUZZED)
def test_generated_inputs_never_escape_as_exceptions(model_id):
    model = REGISTRY.load(model_id, device="cpu")

    @given(st.lists(STRATEGIES[model.spec.input_kind], min_size=1, max_size=8))
    @settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(inputs):
        predictions = model.predict(inputs)
        assert [p.position for p in predictions] == list(range(len(inputs)))
        assert all(p.ok == (p.error is None) for p in predictions)

    check()
