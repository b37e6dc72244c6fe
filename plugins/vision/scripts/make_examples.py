"""Write the example images shipped in specialist_hub_vision/examples/ (run once; needs scikit-image).

- ocr_text.png: OCR_TEXT rendered with Pillow's default font, so the expected text is known exactly;
  ocr_text_turned_90.png: the same turned 90° clockwise.
- astronaut_face.png: a crop of scikit-image's astronaut photo (Eileen Collins, NASA, public
  domain) holding one face.
- coffee.png: scikit-image's coffee photo (Rachel Michetti, CC0), halved.
- codes_photo.png: the coffee photo with a QR code (written by zxing-cpp) and an EAN-13 (drawn here
  from the GS1 tables, independently of zxing-cpp) pasted onto it, each turned a few degrees.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from skimage import data

EXAMPLES = Path(__file__).resolve().parents[1] / "specialist_hub_vision" / "examples"
OCR_TEXT = ("Specialist Hub 2024", "reads text offline")
QR_TEXT = "https://scikit-image.org"
#: The EAN-13 example of the GS1 General Specifications / Wikipedia (check digit 1).
EAN13 = "4006381333931"
#: Where (left, top) and how far counter-clockwise (degrees) each code is pasted into the photo.
QR_PLACE, EAN_PLACE = ((30, 25), 8.0), ((225, 200), -6.0)

# EAN-13 digit patterns (1 = bar), GS1 General Specifications 5.2.1.2.
_EAN_L = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111",
          "0001011")
_EAN_R = tuple("".join("1" if bit == "0" else "0" for bit in code) for code in _EAN_L)
_EAN_G = tuple(code[::-1] for code in _EAN_R)
_EAN_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLG", "LGLGGL", "LGLGLG", "LGGLGL")


def render_text(lines: tuple[str, ...], size: int = 32) -> Image.Image:
    """Black text on white, one line per entry, in Pillow's built-in (Aileron) font."""
    font = ImageFont.load_default(size=size)
    image = Image.new("RGB", (40 + size * max(map(len, lines)) * 3 // 5, 30 + int(size * 1.6) * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((20, 15 + int(size * 1.6) * row), line, fill="black", font=font)
    return image


def ean13_image(digits: str, module: int = 2, height: int = 70) -> Image.Image:
    """An EAN-13 symbol with its quiet zones, black on white, drawn module by module."""
    left = "".join((_EAN_L if parity == "L" else _EAN_G)[int(d)]
                   for parity, d in zip(_EAN_PARITY[int(digits[0])], digits[1:7]))
    right = "".join(_EAN_R[int(d)] for d in digits[7:])
    modules = "0" * 11 + "101" + left + "01010" + right + "101" + "0" * 7
    image = Image.new("L", (len(modules) * module, height), 255)
    draw = ImageDraw.Draw(image)
    for index, bit in enumerate(modules):
        if bit == "1":
            draw.rectangle((index * module, 0, (index + 1) * module - 1, height - 1), fill=0)
    return image


def qr_image(text: str, scale: int = 3) -> Image.Image:
    import zxingcpp

    return Image.fromarray(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=scale))


def paste_turned(photo: Image.Image, label: Image.Image, place: tuple[int, int], degrees: float) -> None:
    """Paste ``label`` turned ``degrees`` counter-clockwise, its transparent corners showing the photo."""
    turned = label.convert("RGBA").rotate(degrees, resample=Image.Resampling.BICUBIC, expand=True)
    photo.paste(turned, place, turned)


def codes_photo(qr_place=QR_PLACE, ean_place=EAN_PLACE) -> Image.Image:
    """scikit-image's coffee photo (at 480x320) with the QR code and the EAN-13 pasted, slightly turned."""
    photo = Image.fromarray(data.coffee()).resize((480, 320), Image.Resampling.LANCZOS)
    paste_turned(photo, qr_image(QR_TEXT), *qr_place)
    paste_turned(photo, ean13_image(EAN13), *ean_place)
    return photo


def main() -> None:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    render_text(OCR_TEXT).save(EXAMPLES / "ocr_text.png", optimize=True)
    render_text(OCR_TEXT).rotate(-90, expand=True).save(EXAMPLES / "ocr_text_turned_90.png", optimize=True)
    Image.fromarray(data.astronaut()[30:250, 120:330]).save(EXAMPLES / "astronaut_face.png", optimize=True)
    coffee = Image.fromarray(data.coffee())
    coffee.resize((coffee.width // 2, coffee.height // 2), Image.Resampling.LANCZOS).save(
        EXAMPLES / "coffee.png", optimize=True)
    codes_photo().save(EXAMPLES / "codes_photo.png", optimize=True)


if __name__ == "__main__":
    main()
