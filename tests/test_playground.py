"""The web playground driven in headless Chromium (the system browser; nothing is downloaded).

conftest.py installs Debian's ``chromium`` when it is missing (or stops the run with the command).
"""

from __future__ import annotations

import json
import math
import socket
import threading
from pathlib import Path

import pytest
import uvicorn

from specialist_hub.registry import Registry
from specialist_hub.server import ServeSettings, create_app

pytestmark = pytest.mark.browser
KEY = "playground-key"


class Server:
    """uvicorn on a free loopback port, in a thread."""

    def __init__(self, app):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self):
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            self.thread.join(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()


@pytest.fixture(scope="module")
def registry():
    return Registry()


@pytest.fixture(scope="module")
def hub(registry):
    with Server(create_app(registry=registry)) as server:
        yield server.url


@pytest.fixture
def page(browser):
    page = browser.new_page()
    remote = []
    page.on("request", lambda request: remote.append(request.url)
            if not request.url.startswith(("http://127.0.0.1", "blob:", "data:")) else None)
    yield page
    page.close()
    assert remote == [], f"the playground fetched from outside the server: {remote}"


def open_model(page, url, model_id):
    page.goto(f"{url}/?model={model_id}")
    page.wait_for_selector("body[data-ready=true]")
    assert page.input_value("#model") == model_id


def test_chemistry_smiles_to_table_and_drawing(page, hub):
    page.goto(hub)
    page.wait_for_selector("body[data-ready=true]")
    page.select_option("#domain", "chemistry")
    page.select_option("#model", "chemistry/descriptors")
    page.fill("#text-input", "CC(=O)Oc1ccccc1C(=O)O\nC1CC")
    page.click("#predict")
    page.wait_for_selector("#result-table")
    assert page.text_content("#status") == "1 ok, 1 failed"
    assert page.text_content("#result-table tbody tr:first-child td[data-field=formula]") == "C9H8O4"  # PubChem 2244
    assert "InputError" in page.text_content("#result-table tbody tr:nth-child(2)")
    header = page.text_content("#result-table thead")
    assert "molecular_weight (g/mol)" in header
    image = page.wait_for_selector(".molecule img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image)
    assert page.locator(".molecule").count() == 1  # only the parsed molecule is drawn


def _domain_defaults():
    registry = Registry()
    specs = []
    for domain in registry.domains:
        defaults = [s for s in registry.list_models(domain)
                    if s.default and s.examples and s.id != "chemistry/descriptors"]
        specs += [s for s in defaults[:1] if not registry.missing_requirements(s)]
    return specs


@pytest.mark.parametrize("spec", _domain_defaults(), ids=lambda spec: spec.id)
def test_each_domain_default_model(page, hub, registry, spec):
    """The first example of each other domain's default model, typed or uploaded, then drawn."""
    example = spec.examples[0]
    open_model(page, hub, spec.id)
    if not registry.input_kind(spec.input_kind).literal_arguments:
        page.set_input_files("#file-input", str(example.input))
    else:
        page.fill("#text-input", example.input)
    page.click("#predict")
    page.wait_for_selector("#result-table")
    assert page.text_content("#status") == "1 ok", page.text_content("#results")
    for field, expected in example.expected.items():
        if isinstance(expected, str) or (isinstance(expected, int) and not isinstance(expected, bool)):
            cell = page.text_content(f"#result-table td[data-field={field}]")
            assert cell == (expected if isinstance(expected, str) else str(expected)), field
    if spec.input_kind == "image":
        canvas = page.wait_for_selector("canvas.annotated")
        assert int(canvas.get_attribute("data-shapes")) >= 1  # boxes of the example drawn on the image
    if spec.input_kind == "audio":
        canvas = page.wait_for_selector("canvas.waveform")
        cell = page.locator("#result-table td[data-field=segments]")
        segments = json.loads(cell.text_content()) if cell.count() else []
        assert int(canvas.get_attribute("data-segments")) == len(segments)  # time segments over the waveform
    if spec.input_kind == "video":
        strip = page.wait_for_selector(".shot-strip")
        shots = json.loads(page.text_content("#result-table td[data-field=shots]"))
        assert int(strip.get_attribute("data-shots")) == len(shots) == page.locator(".shot").count() > 1
        assert int(page.get_attribute(".timeline", "data-cuts")) == len(shots) - 1 == page.locator(".cut").count()
        # One thumbnail per shot, drawn from the uploaded file by the browser's own decoder.
        page.wait_for_function(f"document.querySelectorAll('.shot canvas[data-drawn=true]').length == {len(shots)}")


def test_video_quality_segments_on_the_timeline(page, hub, registry):
    spec = registry.get("video/quality")
    if registry.missing_requirements(spec):
        pytest.skip("the video plugin's requirements are not installed")
    open_model(page, hub, spec.id)
    page.set_input_files("#file-input", str(spec.examples[0].input))
    page.click("#predict")
    page.wait_for_selector("#result-table")
    assert page.text_content("#status") == "1 ok", page.text_content("#results")
    fields = ("black_segments", "frozen_segments", "flash_segments")
    found = {f: json.loads(page.text_content(f"#result-table td[data-field={f}]")) for f in fields}
    timeline = page.wait_for_selector(".timeline")
    assert int(timeline.get_attribute("data-segments")) == sum(map(len, found.values())) >= 2
    for field, segments in found.items():
        assert page.locator(f".timeline .segment.{field.removesuffix('_segments')}").count() == len(segments)


def available(registry, model_id):
    spec = registry.get(model_id)
    if registry.missing_requirements(spec):
        pytest.skip(f"{model_id}'s requirements are not installed")
    return spec


def predict_image(page, url, model_id, path, checked=()):
    """Upload one image to the model (with the named bool options ticked); the drawn canvas."""
    open_model(page, url, model_id)
    for option in checked:
        page.check(f"input[data-option={option}]")
    page.set_input_files("#file-input", str(path))
    page.click("#predict")
    page.wait_for_selector("#result-table")
    assert page.text_content("#status") == "1 ok", page.text_content("#results")
    return page.wait_for_selector("canvas.annotated")


def cell(page, field):
    return json.loads(page.text_content(f"#result-table td[data-field={field}]"))


def pixel(page, x, y):
    """The drawn canvas's RGBA at image pixel (x, y) (the canvas has the image's own size)."""
    return page.evaluate("([x, y]) => Array.from(document.querySelector('canvas.annotated').getContext('2d')"
                         ".getImageData(x, y, 1, 1).data)", [math.floor(x), math.floor(y)])


POINT_COLOUR = [255, 234, 0, 255]  # app.js draws points #ffea00 over the lines


def test_pose_landmarks_and_skeleton_drawn_on_the_image(page, hub, registry):
    spec = available(registry, "vision/pose")
    canvas = predict_image(page, hub, spec.id, spec.examples[0].input)
    landmarks = list(cell(page, "poses")[0]["landmarks"].values())
    visible = [point["visibility"] >= 0.5 for point in landmarks]
    bones = [(a, b) for a, b in spec.display["connections"]["poses"] if visible[a] and visible[b]]
    assert int(canvas.get_attribute("data-points")) == sum(visible) and len(bones) >= 10
    assert int(canvas.get_attribute("data-lines")) == len(bones)  # the skeleton of the spec's display hint
    assert pixel(page, landmarks[0]["x"], landmarks[0]["y"]) == POINT_COLOUR  # the nose


def test_face_mesh_points_and_face_keypoints_drawn(page, hub, registry):
    spec = available(registry, "vision/face-landmarks")
    canvas = predict_image(page, hub, spec.id, spec.examples[0].input)
    faces = cell(page, "faces")
    assert len(faces) == 1 and int(canvas.get_attribute("data-shapes")) == 1  # the face's box
    assert int(canvas.get_attribute("data-points")) == 478
    assert int(canvas.get_attribute("data-lines")) == len(spec.display["connections"]["faces"])
    for index in (1, 468, 473):  # the nose tip and the two iris centres
        assert pixel(page, *faces[0]["landmarks"][index][:2]) == POINT_COLOUR
    canvas = predict_image(page, hub, "vision/faces", spec.examples[0].input)
    assert int(canvas.get_attribute("data-points")) == 6  # BlazeFace's keypoints
    right_eye = cell(page, "faces")[0]["keypoints"]["right_eye"]
    assert pixel(page, *right_eye) == POINT_COLOUR


def test_person_mask_overlaid_on_the_image(page, hub, registry):
    spec = available(registry, "vision/segment-person")
    canvas = predict_image(page, hub, spec.id, spec.examples[0].input, checked=["mask"])
    # The overlay is the PNG the model wrote, fetched from the server: its share of the image is the model's.
    share = float(page.wait_for_selector("canvas.annotated[data-mask]").get_attribute("data-mask"))
    assert share == pytest.approx(cell(page, "foreground_fraction"), abs=0.002) and share > 0.3
    assert canvas.get_attribute("data-shapes") == "1"  # and the person's box
    name = Path(page.text_content("#result-table td[data-field=mask_path]")).name
    assert page.request.get(f"{hub}/outputs/{name}").headers["content-type"] == "image/png"
    for elsewhere in ("..%2F..%2Fetc%2Fpasswd", ".hidden", "missing.png"):  # only the output folder's own files
        assert page.request.get(f"{hub}/outputs/{elsewhere}").status == 404


def test_values_outside_the_applicability_domain_are_marked(page, hub, registry):
    spec = available(registry, "chemistry/esol")
    from rdkit import Chem

    peptide = Chem.MolToSmiles(Chem.MolFromSequence("GIGKFLHSAKKFGKAFVGEIMNS"))  # magainin 2: far from Delaney's descriptors
    open_model(page, hub, spec.id)
    page.fill("#text-input", f"c1ccccc1\n{peptide}")
    page.click("#predict")
    page.wait_for_selector("#result-table")
    rows = page.locator("#result-table tbody tr")
    assert page.text_content("#status") == "2 ok"
    assert rows.nth(0).get_attribute("class") == "" and rows.nth(0).locator(".domain-badge").count() == 0
    marked = rows.nth(1)
    assert marked.get_attribute("class") == "out-of-domain"
    assert "outside the applicability domain (distance" in marked.get_attribute("title")  # its leverage
    assert marked.locator(".domain-badge").text_content() == "⚠ outside applicability domain"
    assert marked.locator("td[data-field=in_domain]").text_content() == "false"
    page.wait_for_selector(".molecule img")
    assert page.locator(".molecule.out-of-domain").count() == 1 and page.locator(".molecule").count() == 2


def test_the_page_asks_for_the_api_key(browser, registry):
    with Server(create_app(ServeSettings(api_keys=[KEY]), registry)) as server:
        page = browser.new_page()
        try:
            page.goto(server.url)
            page.wait_for_selector("#key-box:not([hidden])")
            page.fill("#api-key", KEY)
            page.click("#save-key")
            page.wait_for_selector("body[data-ready=true]")
            assert page.locator("#model option").count() > 0
        finally:
            page.close()


def test_the_api_docs_render_every_operation(page, hub):
    """Swagger UI reads the OpenAPI 3.1 that FastAPI writes (4.x said "Unable to render this definition")."""
    page.goto(f"{hub}/docs")
    page.wait_for_selector(".opblock")
    assert "Unable to render this definition" not in page.content()
    assert page.locator(".version-stamp, .info .title").first.text_content().startswith("Specialist Hub")
    paths = set(page.locator(".opblock-summary-path").all_text_contents())
    assert {"/health", "/models", "/models/{domain}/{name}", "/models/{domain}/{name}/predict",
            "/outputs/{name}", "/metrics"} <= {path.replace("\u200b", "") for path in paths}
    page.click("#operations-models-predict_models__domain___name__predict_post .opblock-summary")
    page.wait_for_selector(".opblock-body .parameters")
    assert page.locator(".opblock-body .parameters").first.text_content().count("format") >= 1
