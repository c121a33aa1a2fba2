"""The storefront's PDF base: fpdf2 with a Unicode font, the house colours and safe text.

fpdf2 is the project's one PDF library (docs/architecture.md says why): pure
Python, no system library. Its built-in fonts are Latin-1 only ("£" prints,
"–" and "’" do not), so every document embeds Source Sans Pro, a TrueType
font under the SIL Open Font License that the font-source-sans-pro package
ships; fpdf2 embeds only the glyphs a document uses. Invoices use this now;
packing slips and statements should too, so they look alike.
"""

import unicodedata
from functools import lru_cache
from importlib.resources import files

from fpdf import FPDF

FONT = "SourceSans"
FONT_FILES = {"": "SourceSansPro-Regular.ttf", "B": "SourceSansPro-Semibold.ttf"}

# The storefront's colours (static/css/storefront.css), as RGB.
INK = (23, 33, 28)
MUTED = (91, 106, 98)
BRAND = (29, 107, 69)
BRAND_LIGHT = (230, 242, 234)
RULE = (223, 230, 225)


def font_path(style=""):
    return str(files("font_source_sans_pro") / "files" / FONT_FILES[style])


@lru_cache(maxsize=1)
def covered_characters():
    """The characters both font styles have a glyph for (read once per process)."""
    from fontTools.ttLib import TTFont

    covered = None
    for style in FONT_FILES:
        with TTFont(font_path(style), lazy=True) as font:
            cmap = set(font.getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered)


def printable(text):
    """`text` with what the font cannot draw replaced, so nothing prints as an empty box.

    A character the font lacks is replaced by its compatibility letters when
    the font has them ("ǅ" -> "Dž"), else by those letters unaccented, else by "?". Line breaks and tabs become spaces:
    layout decides where lines break.
    """
    covered = covered_characters()
    text = " ".join(str(text).split())
    if all(ord(char) in covered for char in text):
        return text
    out = []
    for char in text:
        if ord(char) in covered:
            out.append(char)
            continue
        out.append(_nearest(char, covered))
    return "".join(out)


class StorefrontPDF(FPDF):
    """An A4 portrait document in millimetres with the storefront's font, ready for a first page."""

    def __init__(self, *, title="", author="", created=None):
        super().__init__(orientation="P", unit="mm", format="A4")
        for style in FONT_FILES:
            self.add_font(FONT, style, font_path(style))
        self.set_margins(16, 16, 16)
        self.set_title(printable(title))
        self.set_author(printable(author))
        self.set_creator(printable(author))
        self.set_lang("en-GB")
        if created is not None:
            # The document's own date is the business date it records, so the
            # same invoice renders to the same bytes whenever it is downloaded.
            self.set_creation_date(created)
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)

    def use(self, size, style="", colour=INK):
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)

    @property
    def content_width(self):
        return self.w - self.l_margin - self.r_margin

    def wrap(self, text, width, *, anywhere=False):
        """`text` in lines no wider than `width`: at spaces, or anywhere inside a word too wide alone.

        fpdf2's multi_cell does the same but measures each line again for
        every character it adds; this measures each word once (a 60-line
        invoice renders several times faster). Measured in the current font.
        """
        measure = self.get_string_width
        if measure(text) <= width:
            return [text]
        if anywhere:
            lines, current, current_width = [], "", 0.0
            for char in text:
                char_width = measure(char)
                if current and current_width + char_width > width:
                    lines.append(current)
                    current, current_width = "", 0.0
                current, current_width = current + char, current_width + char_width
            return lines + [current]
        space = measure(" ")
        lines, current, current_width = [], "", 0.0
        for word in text.split(" "):
            word_width = measure(word)
            if current and current_width + space + word_width <= width:
                current, current_width = f"{current} {word}", current_width + space + word_width
                continue
            if current:
                lines.append(current)
            if word_width > width:
                *full, current = self.wrap(word, width, anywhere=True)
                lines.extend(full)
                current_width = measure(current)
            else:
                current, current_width = word, word_width
        return lines + [current]

    def shorten(self, text, width):
        """`text`, cut at the end with "…" if it is wider than `width` in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"


def _nearest(char, covered):
    letters = unicodedata.normalize("NFKD", char)
    for candidate in (
        unicodedata.normalize("NFC", letters),
        "".join(c for c in letters if not unicodedata.combining(c)),
    ):
        if candidate and all(ord(c) in covered for c in candidate):
            return candidate
    return "?"
