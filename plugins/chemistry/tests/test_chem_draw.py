"""``hub draw -o``: a destination that cannot be written is refused before drawing (exit 2), and a
write that fails afterwards is the output error's message and exit code (4), not a traceback."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from specialist_hub.cli import main
from specialist_hub_chemistry import drawing


def test_draw_writes_the_svg_and_refuses_a_folder_it_cannot_write_before_drawing(tmp_path, monkeypatch):
    good = tmp_path / "new" / "ethanol.svg"
    assert CliRunner().invoke(main, ["draw", "CCO", "-o", str(good)]).exit_code == 0
    assert good.read_text().lstrip().startswith("<?xml") and "</svg>" in good.read_text()

    drawn = []
    monkeypatch.setattr(drawing, "molecule_svg", lambda *args: drawn.append(args) or "<svg/>")
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("a file")
    result = CliRunner().invoke(main, ["draw", "CCO", "-o", str(not_a_folder / "ethanol.svg")])
    assert result.exit_code == 2, result.output
    assert f"{not_a_folder} is a file, not a folder" in result.output and "Traceback" not in result.output
    assert drawn == []  # refused before the drawing


def test_a_write_that_fails_after_drawing_is_an_output_error(tmp_path, monkeypatch):
    folder = tmp_path / "out"
    target = folder / "ethanol.svg"
    real = drawing.molecule_svg

    def folder_removed_while_drawing(*args):
        shutil.rmtree(folder)
        return real(*args)

    monkeypatch.setattr(drawing, "molecule_svg", folder_removed_while_drawing)
    result = CliRunner().invoke(main, ["draw", "CCO", "-o", str(target)])
    assert result.exit_code == 4, result.output
    assert f"Cannot write {target} (No such file or directory)" in result.output
    assert "draw again" in result.output and isinstance(result.exception, SystemExit)  # not a traceback
    assert not folder.exists()


def test_a_smiles_with_non_ascii_characters_is_an_input_error_not_a_server_error():
    """Found by the server's schemathesis run: RDKit's parse-error log of such a SMILES cut a character in
    two and raised SystemError, a 500 from GET /draw/molecule; now it is refused as input, saying why."""
    from fastapi.testclient import TestClient

    import specialist_hub as hub
    from specialist_hub.registry import Registry
    from specialist_hub.server import create_app

    smiles = "0000\x80\x80\x80\x80\x80" + "\U00010000" * 7
    client = TestClient(create_app(registry=Registry()), base_url="http://127.0.0.1")
    response = client.get("/draw/molecule", params={"smiles": smiles, "height": 50})
    assert 400 <= response.status_code < 500, response.text
    bad, good = hub.predict("chemistry/descriptors", [smiles, "CCO"])
    assert bad.error["type"] == "InputError" and "ASCII" in bad.error["message"]
    assert good.ok and abs(good.output["molecular_weight"] - 46.069) < 0.01  # ethanol, C2H6O
