"""Each domain plugin's notebook renderer, checked against the libraries called directly."""

from __future__ import annotations

import base64
import io
import json
import re
from importlib.resources import files

import pytest

from specialist_hub import Waveform
from specialist_hub.registry import Registry


def data_of(uri: str) -> bytes:
    return base64.b64decode(uri.split(",", 1)[1])


def test_every_domain_plugin_registers_its_renderer_lazily():
    kinds = dict(Registry().renderers)
    assert {"molecule", "sequence", "image", "audio"} <= set(kinds)
    assert all(isinstance(kinds[kind], str) for kind in ("molecule", "sequence", "image", "audio"))


def test_molecules_are_drawn_by_rdkit_with_the_reported_atoms_highlighted():
    pytest.importorskip("rdkit")
    from rdkit import Chem
    from rdkit.Chem.Draw import rdMolDraw2D

    from specialist_hub_chemistry.display import HEIGHT, WIDTH, molecule_cell, reported_atoms

    output = {"alerts": [{"name": "phenol", "atoms": [5, 6]}, {"name": "ring", "atoms": [0, 5]}], "n_alerts": 2}
    assert reported_atoms(output) == [5, 6, 0]
    drawer = rdMolDraw2D.MolDraw2DSVG(WIDTH, HEIGHT)
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, Chem.MolFromSmiles("c1ccccc1O"), highlightAtoms=[5, 6, 0])
    drawer.FinishDrawing()
    reference = drawer.GetDrawingText()
    cell = molecule_cell("c1ccccc1O", output)
    assert reference[reference.index("<svg"):] in cell and cell.count("<svg") == 1
    assert 'title="c1ccccc1O"' in cell
    assert molecule_cell("C1CC", None) is None  # unparsable: the table shows the text


def test_images_get_a_thumbnail_with_the_boxes_drawn():
    Image = pytest.importorskip("PIL.Image")
    from specialist_hub_vision.display import THUMBNAIL, image_cell, shapes_of

    white = Image.new("RGB", (400, 200), "white")
    output = {"faces": [{"box": [100, 50, 300, 150], "score": 0.9}], "count": 1}
    cell = image_cell(white, output)
    assert 'data-shapes="1"' in cell
    thumbnail = Image.open(io.BytesIO(data_of(re.search(r'src="([^"]+)"', cell).group(1)))).convert("RGB")
    scale = THUMBNAIL / 400
    assert thumbnail.size == (THUMBNAIL, 160)
    assert thumbnail.getpixel((round(100 * scale), round(100 * scale))) == (0xFF, 0x2D, 0x2D)  # the box's left edge
    assert thumbnail.getpixel((round(200 * scale), round(100 * scale))) == (255, 255, 255)  # inside it: the image
    ocr = {"lines": [{"box": [[1, 1], [9, 1], [9, 5], [1, 5]], "text": "Hub", "confidence": 0.97}],
           "codes": [{"corners": [[0, 0], [4, 0], [4, 4]], "format": "QR Code", "text": "x"}]}
    assert shapes_of(ocr) == [([[1, 1], [9, 1], [9, 5], [1, 5]], "Hub 0.97"), ([[0, 0], [4, 0], [4, 4]], "x")]
    assert image_cell("no/such/image.png", output) is None


def test_images_get_their_keypoints_landmarks_and_the_spec_s_connections_drawn():
    Image = pytest.importorskip("PIL.Image")
    from types import SimpleNamespace

    from specialist_hub_vision.display import LINE_COLOUR, POINT_COLOUR, image_cell

    white = Image.new("RGB", (200, 100), "white")
    spec = SimpleNamespace(display={"connections": {"poses": [[0, 1], [1, 2]]}})
    output = {"poses": [{"landmarks": {"nose": {"x": 20, "y": 20, "visibility": 0.9},
                                       "eye": {"x": 120, "y": 20, "visibility": 0.9},
                                       "ear": {"x": 120, "y": 80, "visibility": 0.1}}}],  # not visible: not drawn
              "faces": [{"box": [150, 10, 190, 40], "keypoints": {"nose_tip": [170, 30]}}]}
    cell = image_cell(white, output, spec=spec)
    assert 'data-points="3" data-lines="1"' in cell and 'data-shapes="1"' in cell
    drawn = Image.open(io.BytesIO(data_of(re.search(r'src="([^"]+)"', cell).group(1)))).convert("RGB")
    assert drawn.getpixel((20, 20)) == drawn.getpixel((170, 30)) == POINT_COLOUR
    assert drawn.getpixel((70, 20)) == LINE_COLOUR  # the nose-eye line; none to the hidden ear
    assert drawn.getpixel((120, 50)) == (255, 255, 255)
    assert 'data-lines="0"' in image_cell(white, output)  # without the spec's hint: points only


def test_face_mesh_in_a_notebook_table_has_all_its_points_and_connections():
    import specialist_hub as hub

    spec = hub.get_spec("vision/face-landmarks")
    html = hub.predict(spec.id, [spec.examples[0].input])._repr_html_()
    assert 'data-points="478"' in html  # the 468-point mesh and the two irises' 5 points each
    assert f'data-lines="{len(spec.display["connections"]["faces"])}"' in html


def test_audio_plays_from_the_file_itself_with_its_segments_marked():
    sf = pytest.importorskip("soundfile")
    from specialist_hub_audio.display import TIMELINE_WIDTH, audio_cell

    examples = files("specialist_hub_audio") / "examples"
    speech = str(examples / "speech.flac")
    truth = json.loads((examples / "speech.json").read_text())["speech"]
    cell = audio_cell(speech, {"segments": truth, "duration": 7.922})
    src = re.search(r'<audio controls preload="metadata" src="([^"]+)"', cell).group(1)
    assert src.startswith("data:audio/flac;base64,") and data_of(src) == (examples / "speech.flac").read_bytes()
    duration = sf.info(speech).duration
    assert 'data-segments="2"' in cell and f"{duration:.2f} s · 2 segments" in cell
    starts = [float(x) for x in re.findall(r'class="hub-segment" x="([\d.]+)"', cell)]
    assert starts == pytest.approx([p["start"] / duration * TIMELINE_WIDTH for p in truth], abs=0.05)
    assert "The quick brown fox" in cell


def test_audio_in_memory_plays_as_wav():
    np = pytest.importorskip("numpy")
    sf = pytest.importorskip("soundfile")
    from specialist_hub_audio.display import audio_cell

    samples = 0.5 * np.sin(2 * np.pi * 440 * np.arange(8000) / 8000)
    cell = audio_cell(Waveform(samples, 8000), {})
    decoded, rate = sf.read(io.BytesIO(data_of(re.search(r'src="([^"]+)"', cell).group(1))))
    assert rate == 8000 and np.abs(decoded - samples).max() < 1 / 16000
    assert audio_cell((samples, 0), {}) is None  # refused as the models refuse it


def test_sequences_are_wrapped_with_the_reported_regions_shaded():
    from specialist_hub_biology.display import sequence_cell
    from specialist_hub_biology.plugin import GENES

    sequence = "ACGT" * 30
    cell = sequence_cell(sequence, {"genes": [{"start": 5, "end": 14, "strand": "+"}]})
    text = cell.split("<pre", 1)[1].split("</pre>", 1)[0]
    shaded = re.findall(r'<span style="background:#00a152\w*">(\w+)</span>', text)
    assert "".join(shaded) == sequence[4:14] and shaded == [sequence[4:10], sequence[10:14]]  # blocks of ten
    assert "\n     61 ACGTACGTAC" in text and 'data-regions="1"' in cell
    genome = GENES.examples[0]  # Prodigal's published genes of KK037166
    record = "".join(line.strip() for line in genome.input.read_text().splitlines()[1:])
    cell = sequence_cell(record, dict(genome.expected))
    assert 'data-regions="19"' in cell and cell.count("<rect") == 20 and "… 19,400 more" in cell
    assert sequence_cell("not/a/path.fasta", None) is None
