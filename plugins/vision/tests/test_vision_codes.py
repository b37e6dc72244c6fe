"""vision/codes reads codes pasted into photos, at any rotation, and every format zxing-cpp writes.

Expected texts come from the symbologies' specifications (check digits, GS1 application
identifiers, UPC-A as its 13-digit EAN form), not from earlier output of the model.
"""

from __future__ import annotations

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from skimage import data

import specialist_hub as hub
from specialist_hub.testing import assert_examples_pass

#: Written format -> (content written, text read back, format read back, formats option to read with).
ROUND_TRIP = {
    "Code39": ("HUB-2024", "HUB-2024", "Code 39", ""),
    # Code 32 (Italian pharmacode): 8 digits, a Luhn-style check digit (8), printed with an 'A'.
    "Code32": ("12345678", "A123456788", "Code 32", ""),
    "Code39Ext": ("Hub-2024", "Hub-2024", "Code 39 Extended", ""),
    # PZN8: check digit = sum(digit * (1..7)) mod 11 = 105 mod 11 = 6, read with its leading '-'.
    "PZN": ("1234562", "-12345626", "Pharmazentralnummer", ""),
    "Code39Std": ("HUB 2024", "HUB 2024", "Code 39", ""),
    "Telepen": ("Hub 2024", "Hub 2024", "Telepen Alpha", ""),
    "TelepenAlpha": ("Hub 2024", "Hub 2024", "Telepen Alpha", ""),
    # Telepen's numeric bars also decode as ASCII: only a reader told to expect numeric reads them so.
    "TelepenNumeric": ("20242024", "20242024", "Telepen Numeric", "TelepenNumeric"),
    "Code128": ("Specialist Hub 2024", "Specialist Hub 2024", "Code 128", ""),
    "EANUPC": ("4006381333931", "4006381333931", "EAN-13", ""),
    "EAN13": ("4006381333931", "4006381333931", "EAN-13", ""),
    "EAN8": ("96385074", "96385074", "EAN-8", ""),
    # UPC-A is EAN-13 with a leading 0 (GS1); UPC-E 0123456(5) expands to UPC-A 012345000065.
    "UPCA": ("036000291452", "0036000291452", "EAN-13", ""),
    "UPCE": ("01234565", "0012345000065", "UPC-E", ""),
    "ISBN": ("9780306406157", "9780306406157", "EAN-13", ""),
    "Codabar": ("A40156B", "A40156B", "Codabar", ""),
    "Code93": ("HUB-2024", "HUB-2024", "Code 93", ""),
    "ITF": ("12345678", "12345678", "ITF", ""),
    "ITF14": ("00012345678905", "00012345678905", "ITF", ""),
    "PDF417": ("Specialist Hub 2024", "Specialist Hub 2024", "PDF417", ""),
    "CompactPDF417": ("Specialist Hub 2024", "Specialist Hub 2024", "PDF417", ""),
    "MicroPDF417": ("Specialist Hub", "Specialist Hub", "MicroPDF417", ""),
    "QRCode": ("https://example.org/hub", "https://example.org/hub", "QR Code", ""),
    "QRCodeModel2": ("https://example.org/hub", "https://example.org/hub", "QR Code", ""),
    "MicroQRCode": ("HUB2024", "HUB2024", "Micro QR Code", ""),
    "RMQRCode": ("Specialist Hub", "Specialist Hub", "rMQR Code", ""),
    "MaxiCode": ("Specialist Hub 2024", "Specialist Hub 2024", "MaxiCode", ""),
    "DXFilmEdge": ("12-3", "12-3", "DX Film Edge", ""),
    "DataMatrix": ("Specialist Hub 2024", "Specialist Hub 2024", "Data Matrix", ""),
    # GS1 DataBar carries a GTIN-14: AI (01), a leading 0 and the mod-10 check digit (0).
    "DataBar": ("0950110153001", "(01)09501101530010", "DataBar Omni", ""),
    "DataBarOmni": ("0950110153001", "(01)09501101530010", "DataBar Omni", ""),
    "DataBarStk": ("0950110153001", "(01)09501101530010", "DataBar Stacked", ""),
    "DataBarStkOmni": ("0950110153001", "(01)09501101530010", "DataBar Stacked", ""),
    "DataBarLtd": ("0950110153001", "(01)09501101530010", "DataBar Limited", ""),
    "DataBarExp": ("(01)98898765432106(3202)012345(15)991231",) * 2 + ("DataBar Expanded", ""),
    "DataBarExpStk": ("(01)98898765432106(3202)012345(15)991231",) * 2 + ("DataBar Expanded Stacked", ""),
    "Aztec": ("Specialist Hub 2024", "Specialist Hub 2024", "Aztec", ""),
    "AztecCode": ("Specialist Hub 2024", "Specialist Hub 2024", "Aztec", ""),
    # An Aztec rune holds one byte, read as three digits.
    "AztecRune": ("42", "042", "Aztec", ""),
}
#: zxing-cpp writes these alone but reads them only as add-ons of an EAN/UPC code (tested below).
ADD_ONS = {"EAN2", "EAN5"}


def written(content: str, format_name: str, scale: int = 3) -> np.ndarray:
    return np.asarray(zxingcpp.create_barcode(content, getattr(zxingcpp.BarcodeFormat, format_name)).to_image(scale=scale))


@pytest.fixture(scope="module")
def codes():
    return hub.load("vision/codes")


def test_the_round_trip_covers_every_format_zxing_cpp_writes():
    creatable = {f.name for f in zxingcpp.barcode_formats_list(zxingcpp.BarcodeFormat.AllCreatable)}
    readable = {f.name for f in zxingcpp.barcode_formats_list(zxingcpp.BarcodeFormat.AllReadable)}
    assert set(ROUND_TRIP) == creatable - ADD_ONS
    assert creatable - readable == ADD_ONS


@pytest.mark.parametrize("format_name", sorted(ROUND_TRIP))
def test_round_trip(codes, format_name):
    content, text, read_format, formats = ROUND_TRIP[format_name]
    (prediction,) = codes.configured({"formats": formats}).predict(written(content, format_name))
    assert [(c["text"], c["format"]) for c in prediction.output["codes"]] == [(text, read_format)]


@pytest.mark.parametrize("mode, texts", [("ignore", ["4006381333931"]), ("read", ["400638133393152495"]),
                                         ("require", ["400638133393152495"])])
def test_ean_add_ons(codes, mode, texts):
    with_five = written("4006381333931 52495", "EAN13")
    assert [c["text"] for c in codes.configured({"ean_add_on": mode}).predict(with_five)[0].output["codes"]] == texts
    plain = codes.configured({"ean_add_on": mode}).predict(written("4006381333931", "EAN13"))[0].output["codes"]
    assert [c["text"] for c in plain] == ([] if mode == "require" else ["4006381333931"])
    two = codes.configured({"ean_add_on": mode}).predict(written("96385074 42", "EAN8"))[0].output["codes"]
    assert [c["text"] for c in two] == (["96385074"] if mode == "ignore" else ["9638507442"])


def test_qr_and_ean13_pasted_turned_into_a_photo(codes, make_examples):
    (left, top), degrees = make_examples.QR_PLACE
    qr, ean = codes.predict(make_examples.codes_photo())[0].output["codes"]
    assert (qr["text"], qr["format"]) == (make_examples.QR_TEXT, "QR Code")
    assert (ean["text"], ean["format"]) == (make_examples.EAN13, "EAN-13")
    assert ean["content_type"] == "Text" and bytes.fromhex(ean["bytes_hex"]).decode() == make_examples.EAN13
    # Pasted turned 8° counter-clockwise, i.e. -8° clockwise; its corners lie inside the pasted label.
    assert abs(qr["orientation"] + degrees) <= 1
    size = make_examples.qr_image(make_examples.QR_TEXT).size[0] * 1.15  # the turned label's bounding box
    assert all(left <= x <= left + size and top <= y <= top + size for x, y in qr["corners"])


def test_several_codes_at_any_rotation(codes):
    """A QR code turned 90°, a Data Matrix upside down and an Aztec code turned 25°, on the astronaut."""
    photo = Image.fromarray(data.astronaut())
    # text -> (format written, degrees turned clockwise, where pasted)
    pasted = {"quarter turn": ("QRCode", 90, (30, 280)), "upside down": ("DataMatrix", 180, (300, 30)),
              "turned": ("Aztec", 25, (300, 300))}
    centres = {}
    for text, (format_name, clockwise, place) in pasted.items():
        label = Image.fromarray(written(text, format_name, scale=4)).convert("RGBA")
        label = label.rotate(-clockwise, resample=Image.Resampling.BICUBIC, expand=True)
        photo.paste(label, place, label)
        centres[text] = (place[0] + label.width / 2, place[1] + label.height / 2)
    output = codes.predict(photo)[0].output
    assert [c["text"] for c in output["codes"]] == ["upside down", "quarter turn", "turned"]  # reading order
    for code in output["codes"]:
        clockwise = pasted[code["text"]][1]
        assert abs((code["orientation"] - clockwise + 180) % 360 - 180) <= 2
        assert np.hypot(*(np.mean(code["corners"], axis=0) - centres[code["text"]])) < 5


def test_unknown_format_names_the_known_ones(codes):
    prediction = codes.configured({"formats": "QRCode, Barcode99"}).predict(written("x", "QRCode"))[0]
    assert not prediction.ok and "Barcode99" in prediction.error["message"]
    assert "DataMatrix" in prediction.error["message"]


def test_annotated_copy_outlines_each_code(tmp_path, make_examples):
    from specialist_hub_vision.plugin import CODES_EXAMPLE

    output = hub.predict("vision/codes", CODES_EXAMPLE, annotate_dir=str(tmp_path))[0].output
    annotated, original = np.asarray(Image.open(output["annotated_path"])), np.asarray(Image.open(CODES_EXAMPLE))
    (x0, y0), (x1, y1) = output["codes"][0]["corners"][:2]
    x, y = round((x0 + x1) / 2), round((y0 + y1) / 2)
    assert not np.array_equal(annotated[y - 2:y + 3, x], original[y - 2:y + 3, x])  # the top edge is drawn
    assert np.array_equal(annotated[-20:, :20], original[-20:, :20])


def test_examples_pass():
    assert_examples_pass("vision/codes")
