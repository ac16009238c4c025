"""Label fonts: Noto Sans CJK SC from a pip package (or Debian's copy) for Chinese and Latin text.

Fonts are never fetched at run time. Latin text falls back to Pillow's bundled font when no CJK font
is installed; Chinese text then raises `MissingFontError`. `MAPCURATE_FONT_DIR` (or the `font_dir`
argument) restricts the search to one folder, holding the same file names as the packages below.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

from curation.errors import MapcurateError

FONT_DIR_ENV = "MAPCURATE_FONT_DIR"
CJK_PACKAGE = "manimgx-fonts-cjk"

# (file name, face index of Simplified Chinese, variable font): searched in this order.
_CJK_FILES = (
    ("NotoSansCJK-VF.otf.ttc", 2, True),  # pip manimgx-fonts-cjk
    ("NotoSansCJK-Medium.ttc", 2, False),  # Debian fonts-noto-cjk
    ("NotoSansCJK-Regular.ttc", 2, False),  # Debian fonts-noto-cjk
    ("wqy-microhei.ttc", 0, False),  # Debian fonts-wqy-microhei
)
_DEBIAN_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/wqy")
_CJK_CHARS = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


class MissingFontError(MapcurateError):
    """Chinese labels must be drawn but no CJK font is installed."""


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int
    variable: bool


def needs_cjk(text: str) -> bool:
    """True when `text` holds CJK characters (which Pillow's bundled font cannot draw)."""
    return bool(_CJK_CHARS.search(text))


def _search_dirs(font_dir: str | os.PathLike[str] | None) -> list[Path]:
    chosen = font_dir if font_dir is not None else os.environ.get(FONT_DIR_ENV)
    if chosen:
        return [Path(chosen)]
    dirs = []
    try:
        import manimgx_fonts_cjk

        dirs.append(Path(manimgx_fonts_cjk.__file__).parent)
    except ImportError:
        pass
    return dirs + [Path(d) for d in _DEBIAN_DIRS]


def find_cjk_font(font_dir: str | os.PathLike[str] | None = None) -> FontFile | None:
    """The first installed CJK font file, or None."""
    for folder in _search_dirs(font_dir):
        for name, index, variable in _CJK_FILES:
            path = folder / name
            if path.is_file():
                return FontFile(str(path), index, variable)
    return None


def require_cjk_font(font_dir: str | os.PathLike[str] | None = None) -> FontFile:
    """The CJK font file; a one-line `MissingFontError` naming the package to install when there is none."""
    found = find_cjk_font(font_dir)
    if found is None:
        where = ", ".join(str(d) for d in _search_dirs(font_dir)) or "no folder"
        raise MissingFontError(f"a CJK font must be installed to draw Chinese labels (pip install {CJK_PACKAGE}, "
                               f"or apt-get install fonts-noto-cjk), but got none in {where}")
    return found


@cache
def _load(path: str, index: int, variable: bool, size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(path, size, index=index)
    if variable:
        font.set_variation_by_name("Medium")
    return font


def label_font(text: str, size: int, font_dir: str | os.PathLike[str] | None = None) -> ImageFont.FreeTypeFont:
    """The font to draw `text` at `size` px: the CJK font when installed (or required), else Pillow's bundled one."""
    found = require_cjk_font(font_dir) if needs_cjk(text) else find_cjk_font(font_dir)
    if found is None:
        return _load_default(size)
    return _load(found.path, found.index, found.variable, size)


@cache
def _load_default(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size)
    if not isinstance(font, ImageFont.FreeTypeFont):  # Pillow built without FreeType
        raise MissingFontError(f"Pillow must be built with FreeType to draw labels, but got {type(font).__name__}")
    return font
