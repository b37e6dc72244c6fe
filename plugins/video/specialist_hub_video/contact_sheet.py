"""Contact sheets: one thumbnail per shot (its middle frame) with the shot's number and times.

What ``--annotate DIR`` writes for video/shots. The thumbnails come from a second decoding pass
that stops after the last shot's middle frame, so it costs nothing unless asked for, and memory
holds the small thumbnails only.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from specialist_hub.kit import derived_file

from .video import VideoSource

THUMBNAIL_WIDTH = 192
COLUMNS = 6
CAPTION_HEIGHT = 20
GAP = 4


def shot_thumbnails(source: VideoSource, shots: list[dict]) -> list[Image.Image]:
    """The middle frame of each ``{start, end, start_frame, end_frame}`` shot, THUMBNAIL_WIDTH wide."""
    height = max(1, round(THUMBNAIL_WIDTH * source.height / source.width))
    middles = [(shot["start_frame"] + shot["end_frame"]) // 2 for shot in shots]
    found = {index: frame.reformat(width=THUMBNAIL_WIDTH, height=height, format="rgb24").to_image()
             for index, _, frame in source.frames_at(middles)}
    blank = Image.new("RGB", (THUMBNAIL_WIDTH, height), "gray")
    return [found.get(index, blank) for index in middles]


def contact_sheet(source: VideoSource, shots: list[dict]) -> Image.Image:
    """A grid of the shots' thumbnails, each captioned ``#n start-end s``."""
    thumbnails = shot_thumbnails(source, shots)
    columns = max(1, min(COLUMNS, len(thumbnails)))
    rows = max(1, -(-len(thumbnails) // columns))
    cell_width, cell_height = THUMBNAIL_WIDTH + GAP, (thumbnails[0].height if thumbnails else 0) + CAPTION_HEIGHT + GAP
    sheet = Image.new("RGB", (columns * cell_width + GAP, rows * cell_height + GAP), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=13)
    for number, (thumbnail, shot) in enumerate(zip(thumbnails, shots)):
        left = GAP + (number % columns) * cell_width
        top = GAP + (number // columns) * cell_height
        sheet.paste(thumbnail, (left, top))
        draw.text((left + 2, top + thumbnail.height + 3), f"#{number + 1}  {shot['start']:.2f}-{shot['end']:.2f} s",
                  fill="black", font=font)
    return sheet


def write_contact_sheet(source: VideoSource, shots: list[dict], folder: str) -> str:
    """Write the contact sheet of ``source`` into ``folder``; its path."""
    path = derived_file(folder, source.path, "-shots.png")
    contact_sheet(source, shots).save(path)
    return str(path)
