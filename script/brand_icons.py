"""Render the integration's brand images (custom_components/status_tracker/brand/).

Home Assistant 2026.3+ serves a custom integration's own brand/ images. The icon
is a rounded square with a play triangle inside a progress ring: a request on
its way to being watchable. Run with the project's venv (Pillow comes with
Home Assistant): .venv/bin/python script/brand_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = Path(__file__).parent.parent / "custom_components" / "status_tracker" / "brand"
ACCENT = (3, 169, 244)


def _icon(size: int, *, dark: bool) -> Image.Image:
    scale = 4  # drawn large, then downsampled for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    plate = (28, 28, 30) if dark else (255, 255, 255)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=plate)
    margin = big // 7
    ring = (margin, margin, big - margin, big - margin)
    width = big // 14
    draw.arc(ring, 0, 360, fill=(90, 90, 95) if dark else (220, 225, 230), width=width)
    # Three quarters done.
    draw.arc(ring, -90, 180, fill=ACCENT, width=width)
    c = big / 2
    r = big / 5.5
    draw.polygon(
        [(c - r * 0.6, c - r), (c - r * 0.6, c + r), (c + r, c)],
        fill=ACCENT,
    )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    """Write the light and dark icons, 1x and 2x."""
    BRAND.mkdir(parents=True, exist_ok=True)
    for dark in (False, True):
        prefix = "dark_" if dark else ""
        _icon(256, dark=dark).save(BRAND / f"{prefix}icon.png", optimize=True)
        _icon(512, dark=dark).save(BRAND / f"{prefix}icon@2x.png", optimize=True)


if __name__ == "__main__":
    main()
