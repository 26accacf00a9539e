"""The social preview image of each language (Open Graph, Twitter Card), drawn at build time.

A link pasted in a press release or a social post shows this image. It is drawn with
Pillow and DejaVu Sans (Debian's fonts-dejavu-core, which `make` installs; Pillow's own
font has no accented letters), without network, as a few flat colours so the PNG stays
far under 100 KB.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import PIL
from content_model import Content, DataError, Language
from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 630)
"""The size Open Graph and Twitter's large card both display without cropping."""
IMAGE_PATH = "assets/social.png"
"""Inside each language's root: `/fr/assets/social.png`, `/en/assets/social.png`."""

_BLUE = (9, 87, 151)  # the site's primary colour (site/assets/vnb.css)
_DARK = (34, 54, 84)
_WHITE = (255, 255, 255)
_PALE = (230, 236, 243)
_MARGIN = 80
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / name
    if not path.is_file():
        raise DataError(path, "(font)", "missing: install fonts-dejavu-core (make build does)")
    return ImageFont.truetype(str(path), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return "\n".join(lines)


def draw_social_image(data: Content, lang: Language) -> Image.Image:
    strings = data.strings[lang].site["social"]
    image = Image.new("RGB", SIZE, _BLUE)
    draw = ImageDraw.Draw(image)
    band = SIZE[1] - 130
    draw.rectangle((0, band, SIZE[0], SIZE[1]), fill=_DARK)
    title = _font("DejaVuSans-Bold.ttf", 80)
    body = _font("DejaVuSans.ttf", 42)
    small = _font("DejaVuSans.ttf", 32)
    width = SIZE[0] - 2 * _MARGIN
    draw.text((_MARGIN, 90), data.program.name, font=title, fill=_WHITE)
    draw.multiline_text(
        (_MARGIN, 230),
        _wrap(draw, strings["tagline"], body, width),
        font=body,
        fill=_PALE,
        spacing=14,
    )
    draw.text((_MARGIN, band + 45), strings["footer"], font=small, fill=_WHITE)
    return image


def _image_key(data: Content, lang: Language) -> str:
    """What the image depends on: its texts, this drawing code, the fonts, Pillow."""
    digest = hashlib.sha256()
    texts = {"name": data.program.name, "social": data.strings[lang].site["social"]}
    digest.update(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    digest.update(Path(__file__).read_bytes())
    digest.update(PIL.__version__.encode())
    for font in sorted(FONT_DIR.glob("DejaVuSans*.ttf")):
        stat = font.stat()
        digest.update(f"{font.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def write_social_image(
    data: Content, lang: Language, docs_dir: Path, cache_dir: Path | None = None
) -> Path:
    """Writes the language's image into its staged docs folder (MkDocs copies it).

    `cache_dir`: the image the previous build drew is copied from there when its texts,
    fonts and drawing code are the same (drawing it takes a tenth of a second).
    """
    target = docs_dir / IMAGE_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = cache_dir / f"social-{lang}-{_image_key(data, lang)}.png" if cache_dir else None
    if kept is not None and kept.is_file():
        shutil.copyfile(kept, target)
        return target
    # A 16-colour palette: flat shapes and anti-aliased text need no more.
    draw_social_image(data, lang).quantize(colors=16).save(target, optimize=True)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        for old in kept.parent.glob(f"social-{lang}-*.png"):
            old.unlink()
        shutil.copyfile(target, kept)
    return target
