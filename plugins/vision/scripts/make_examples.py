"""Write the example images shipped in specialist_hub_vision/examples/ (run once; needs scikit-image).

- ocr_text.png: OCR_TEXT rendered with Pillow's default font, so the expected text is known exactly.
- astronaut_face.png: a crop of scikit-image's astronaut photo (Eileen Collins, NASA, public
  domain) holding one face.
- coffee.png: scikit-image's coffee photo (Rachel Michetti, CC0), halved.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from skimage import data

EXAMPLES = Path(__file__).resolve().parents[1] / "specialist_hub_vision" / "examples"
OCR_TEXT = ("Specialist Hub 2024", "reads text offline")


def render_text(lines: tuple[str, ...], size: int = 32) -> Image.Image:
    """Black text on white, one line per entry, in Pillow's built-in (Aileron) font."""
    font = ImageFont.load_default(size=size)
    image = Image.new("RGB", (40 + size * max(map(len, lines)) * 3 // 5, 30 + int(size * 1.6) * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((20, 15 + int(size * 1.6) * row), line, fill="black", font=font)
    return image


def main() -> None:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    render_text(OCR_TEXT).save(EXAMPLES / "ocr_text.png", optimize=True)
    Image.fromarray(data.astronaut()[30:250, 120:330]).save(EXAMPLES / "astronaut_face.png", optimize=True)
    coffee = Image.fromarray(data.coffee())
    coffee.resize((coffee.width // 2, coffee.height // 2), Image.Resampling.LANCZOS).save(
        EXAMPLES / "coffee.png", optimize=True)


if __name__ == "__main__":
    main()
