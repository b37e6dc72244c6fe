"""The example notebooks: stored without outputs, executed headless (nbclient) with any cell error a
failure, then converted to HTML (nbconvert) and looked at in Chromium, as a reader would see them.

Every ``examples/notebooks/*.ipynb`` is run, each in its own fresh kernel, all at once (they wait
mostly on model loading), from the notebook's folder as Jupyter runs it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

FOLDER = Path(__file__).resolve().parents[1] / "examples" / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
CELL_TIMEOUT = 300


def execute(path: Path):
    """The executed notebook, or the exception that stopped it (raised by that notebook's test)."""
    notebook = nbformat.read(path, as_version=4)
    try:
        # startup_timeout: nbclient's 60 s default was once too short for all the kernels starting at once
        nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, startup_timeout=CELL_TIMEOUT, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}}).execute()
    except Exception as exc:  # noqa: BLE001 - reported by the notebook's own test
        return exc
    return notebook


@pytest.fixture(scope="module")
def executed() -> dict:
    with ThreadPoolExecutor(len(NOTEBOOKS)) as pool:
        return dict(zip((path.stem for path in NOTEBOOKS), pool.map(execute, NOTEBOOKS)))


def test_there_is_a_notebook_per_domain():
    assert {"chemistry", "biology", "vision", "audio"} <= {path.stem for path in NOTEBOOKS}
    # and one that trains a model with hub.train, per domain
    assert {f"train-{d}" for d in ("chemistry", "biology", "vision", "audio", "video")} <= {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebooks_are_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


@pytest.mark.slow
@pytest.mark.parametrize("name", [path.stem for path in NOTEBOOKS])
def test_notebook_runs_without_errors(executed, name):
    result = executed[name]
    if isinstance(result, BaseException):
        raise result
    errors = [output for cell in result.cells for output in cell.get("outputs", []) if output.output_type == "error"]
    assert errors == []


# -- in the browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(executed, tmp_path_factory):
    """Each executed notebook as the HTML file nbconvert makes of it."""
    from nbconvert import HTMLExporter

    folder = tmp_path_factory.mktemp("notebooks")
    files = {}
    for name, notebook in executed.items():
        if isinstance(notebook, BaseException):
            continue
        body, _ = HTMLExporter().from_notebook_node(notebook)
        files[name] = folder / f"{name}.html"
        files[name].write_text(body, encoding="utf-8")
    return files


@pytest.fixture
def open_notebook(browser, pages):
    """Opens a converted notebook; the template's CDN scripts (MathJax, require.js) are refused."""
    opened = []

    def open_page(name):
        if name not in pages:
            pytest.fail(f"the {name} notebook did not run")
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else route.abort())
        page.goto(pages[name].as_uri())
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()


@pytest.mark.browser
def test_chemistry_table_draws_one_depiction_per_molecule(open_notebook):
    page = open_notebook("chemistry")
    table = page.locator(".hub-predictions").last
    parsed, broken = table.locator("tr.hub-ok"), table.locator("tr.hub-failed")
    assert parsed.count() == 12 and broken.count() == 1
    assert table.locator("td.hub-input svg").count() == 12
    for row in range(parsed.count()):
        box = parsed.nth(row).locator("td.hub-input svg").bounding_box()
        assert box["width"] > 100 and box["height"] > 60
    assert broken.locator("svg").count() == 0 and "InputError" in broken.locator("td.hub-error").text_content()


@pytest.mark.browser
def test_vision_results_show_their_boxes_on_the_images(open_notebook):
    page = open_notebook("vision")
    images = page.locator(".hub-predictions img.hub-image")
    assert [images.nth(i).get_attribute("data-shapes") for i in range(images.count())] == ["2", "2", "1"]
    page.wait_for_function("[...document.images].every(img => img.complete && img.naturalWidth > 0)")
    # The OCR image is black text on white: red pixels can only be its drawn boxes.
    red = images.first.evaluate("""img => {
        const canvas = document.createElement("canvas");
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        const context = canvas.getContext("2d");
        context.drawImage(img, 0, 0);
        const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
        let red = 0;
        for (let i = 0; i < pixels.length; i += 4) red += pixels[i] > 200 && pixels[i + 1] < 90 && pixels[i + 2] < 90;
        return red;
    }""")
    assert red > 100


@pytest.mark.browser
def test_audio_result_has_a_playable_player_and_its_segments(open_notebook):
    page = open_notebook("audio")
    player = page.locator(".hub-predictions audio").first
    duration = player.evaluate("""audio => new Promise((done, fail) => {
        if (audio.readyState >= 1) return done(audio.duration);
        audio.addEventListener("loadedmetadata", () => done(audio.duration));
        audio.addEventListener("error", () => fail(new Error("cannot decode")));
    })""")
    assert duration == pytest.approx(7.922, abs=0.01)  # speech.json
    assert player.evaluate("audio => audio.play().then(() => { audio.pause(); return true; })")
    assert page.locator(".hub-predictions svg.hub-timeline").first.get_attribute("data-segments") == "2"


@pytest.mark.browser
def test_biology_genome_shows_its_gene_map(open_notebook):
    page = open_notebook("biology")
    genome = page.locator(".hub-predictions .hub-sequence").first
    assert genome.get_attribute("data-regions") == "19"  # Prodigal's genes of KK037166
    assert genome.locator("svg.hub-region-map rect").count() == 20
