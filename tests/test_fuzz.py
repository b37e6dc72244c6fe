"""Fuzzing: generated inputs of every kind through every built-in model that runs offline. Each
input must come back as its own result or record error, in order; nothing may escape. And
generated multipart bodies against the server: an answer or a clear error, never a 5xx."""

from __future__ import annotations

import gzip
import io
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from specialist_hub import Model, ModelSpec, OutputField, Waveform, hookimpl
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


# -- the server's multipart bodies ----------------------------------------------------------------

class ImageSize(Model):
    """An image model without weights: each upload's width and height, or Pillow's error naming the file."""

    def preprocess(self, value):
        from PIL import Image

        with Image.open(value) as image:
            return image.size

    def forward(self, batch):
        return [{"width": width, "height": height} for width, height in batch]


class ImagePlugin:
    @hookimpl
    def register_models(self, register):
        register(ModelSpec(id="test/image-size", task="size", summary="Width and height", input_kind="image",
                           factory="test_fuzz:ImageSize", license="MIT", citation="none",
                           outputs=(OutputField("width", "int", "Pixels"), OutputField("height", "int", "Pixels"))))


def png() -> bytes:
    from PIL import Image

    stream = io.BytesIO()
    Image.new("RGB", (3, 2)).save(stream, format="PNG")
    return stream.getvalue()


BOUNDARY = "hub-fuzz-boundary"


def mostly(usual, odd):
    """``usual`` nine times in ten, else ``odd``: a generated body is worth most when it nearly works."""
    return st.integers(0, 9).flatmap(lambda n: usual if n else odd)


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                         max_size=3), max_leaves=8)
OPTIONS_TEXT = mostly(
    st.sampled_from(['{"scale": 2}', "{}", ""])
    | st.builds(json.dumps, st.dictionaries(st.sampled_from(["scale", "standardize", "word_list", "output_dir"]),
                                            JSON_VALUES, max_size=3)),
    st.sampled_from(["null", "[1]", "[" * 5000, '{"scale": 1' + "0" * 5000 + "}"]) | st.text(max_size=20))
CONTENTS = mostly(st.sampled_from([b"ab\ncd\n", b"text,id\nab,w1\n", b"zzz\nab\n", b"CCO\nc1ccccc1 benzene\n",
                                   b"", png(), gzip.compress(b"ab\n")]),
                  st.binary(max_size=64) | OPTIONS_TEXT.map(str.encode))
FILE_NAMES = st.builds(str.__add__, mostly(st.sampled_from(["w", "a b", "../up", "x.y"]), st.text(max_size=12)),
                       st.sampled_from(["", ".txt", ".csv", ".smi", ".sdf", ".png", ".txt.gz", ".parquet", ".xyz"]))
CONTENT_TYPES = mostly(st.none() | st.sampled_from(["text/plain", "application/octet-stream", "image/png"]),
                       st.text(max_size=12))
FILE_PART = st.tuples(st.just("files"), mostly(FILE_NAMES, st.none()), CONTENT_TYPES, CONTENTS)
OPTIONS_PART = st.tuples(st.just("options"), mostly(st.none(), FILE_NAMES), st.none(), OPTIONS_TEXT.map(str.encode))
ODD_PART = st.tuples(st.sampled_from(["file", "option", "Files", ""]) | st.text(max_size=8),
                     st.none() | FILE_NAMES, CONTENT_TYPES, CONTENTS)
PARTS = st.lists(st.integers(0, 9).flatmap(lambda n: FILE_PART if n < 6 else OPTIONS_PART if n < 9 else ODD_PART),
                 max_size=5)
BODY_TYPES = mostly(st.just(f"multipart/form-data; boundary={BOUNDARY}"),
                    st.sampled_from([f'multipart/form-data; boundary="{BOUNDARY}"',
                                     f"multipart/form-data; boundary={BOUNDARY}; charset=latin-1",
                                     f"multipart/form-data; boundary={BOUNDARY}; charset=no-such-codec",
                                     "multipart/form-data", "multipart/form-data; boundary=another"]))
ONE_TEXT_FIELD = {"content_type": f"multipart/form-data; boundary={BOUNDARY}", "cut": None, "model": "test/length",
                  "fmt": None}
GOOD_UPLOAD = {"files": [("files", ("words.txt", b"ab\nabc\n"))], "data": {"options": '{"scale": 2}'}}


def multipart(parts) -> bytes:
    """A multipart body written by hand, so names, file names and types can be anything (even broken)."""
    body = b""
    for name, filename, content_type, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        headers = f"Content-Disposition: {disposition}\r\n" + (f"Content-Type: {content_type}\r\n"
                                                               if content_type is not None else "")
        body += f"--{BOUNDARY}\r\n{headers}\r\n".encode() + content + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


@pytest.fixture(scope="module")
def upload_client():
    from fastapi.testclient import TestClient
    from hub_test_plugins import LengthPlugin

    from specialist_hub.server import ServeSettings, create_app

    registry = Registry([LengthPlugin(), ImagePlugin()], entry_points=True)
    app = create_app(ServeSettings(max_batch=8, max_body_bytes=50_000), registry)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        yield client


@given(parts=PARTS, content_type=BODY_TYPES, cut=mostly(st.none(), st.integers(0, 300)),
       model=st.sampled_from(["test/length", "test/image-size", "chemistry/descriptors"]),
       fmt=mostly(st.none(), st.sampled_from(["csv", "srt"])))
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
# Found by this test, each a 500 or a server path in the answer before the fix: options nested past
# the recursion limit, an integer of more digits than Python converts, a CSV without its column.
@example(parts=[("files", "w.txt", None, b"ab\n"), ("options", None, None, b"[" * 5000)], **ONE_TEXT_FIELD)
@example(parts=[("files", "w.txt", None, b"ab\n"), ("options", None, None, b'{"scale": 1' + b"0" * 5000 + b"}")],
         **ONE_TEXT_FIELD)
@example(parts=[("files", "w.csv", "text/csv", b"zzz\nab\n")], **ONE_TEXT_FIELD)
def test_generated_multipart_bodies_get_an_answer_or_a_clear_error(upload_client, parts, content_type, cut, model, fmt):
    """Never a 5xx, never a server path; an error is the documented ``{"detail": ...}`` body; a good
    request is still answered after each."""
    body = multipart(parts)[:cut]
    response = upload_client.post(f"/models/{model}/predict", params={"format": fmt} if fmt else {}, content=body,
                                  headers={"content-type": content_type})
    assert response.status_code < 500, (response.status_code, response.text[:500])
    assert "hub-serve-" not in response.text  # the temporary folder the uploads were saved in
    if response.status_code >= 400:
        error = response.json()
        assert isinstance(error["detail"], str) and error["detail"], error
    elif fmt is None:
        records = response.json()
        assert [r["position"] for r in records] == list(range(len(records)))
        assert all(r["ok"] == (r.get("error") is None) for r in records)
    good = upload_client.post("/models/test/length/predict", **GOOD_UPLOAD)
    assert [r["output"]["letters"] for r in good.json()] == [4, 6]
