"""Shared PDF base for every document: DejaVu Sans embedded (renders Armenian), styles, page-number footer."""
import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
BRAND = colors.HexColor("#0b4f8a")
MUTED = colors.HexColor("#55606d")
LINE = colors.HexColor("#d5dbe1")
SHADE = colors.HexColor("#f0f4f8")
MARGIN = 20 * mm


def register_fonts() -> None:
    """Register DejaVu Sans and its bold face with reportlab once per process (the TTFs ship in core/fonts)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles every document uses (all in DejaVu Sans)."""
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, spaceAfter=6)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=FONT_BOLD, fontSize=9, leading=12,
                                    spaceAfter=0),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=22, leading=28,
                                alignment=TA_CENTER, textColor=BRAND, spaceAfter=12),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=18, alignment=TA_CENTER,
                                   spaceAfter=8),
        "centered": ParagraphStyle("centered", parent=base, alignment=TA_CENTER, textColor=MUTED),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=15, leading=20, textColor=BRAND,
                             spaceBefore=6, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=8,
                             spaceAfter=4),
    }


def para(text: str | None, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped for reportlab's markup, line breaks kept."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


class _FooterCanvas(canvas.Canvas):
    """Defers each page until the end so the footer can say "page N of M"."""

    footer_text = ""
    page_format = "%(page)s / %(total)s"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setStrokeColor(LINE)
        self.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
        self.setFont(FONT, 8)
        self.setFillColor(MUTED)
        self.drawString(MARGIN, 10 * mm, self.footer_text)
        self.drawRightString(width - MARGIN, 10 * mm, self.page_format % {"page": self._pageNumber, "total": total})
        self.restoreState()


def build_pdf(story: list, *, title: str, footer_text: str = "", page_format: str = "%(page)s / %(total)s",
              author: str = "QA Portal") -> bytes:
    """Lay out the flowables on A4 with the shared margins and footer, and return the PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                 bottomMargin=MARGIN + 4 * mm, title=title, author=author)
    canvas_class = type("FooterCanvas", (_FooterCanvas,), {"footer_text": footer_text, "page_format": page_format})
    document.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()
