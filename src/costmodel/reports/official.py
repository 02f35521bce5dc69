"""Vietnamese administrative documents in the form of Decree 30/2020/NĐ-CP, as editable .docx.

The Department submits reports as Word documents that its officials edit, sign
and file. :class:`OfficialDocument` writes one with python-docx in the form that
Decree 30/2020/NĐ-CP on clerical work (Art. 8 and Appendix I) prescribes
(``../shared/context/reader-standards.md`` §5):

* A4 portrait; margins top :data:`MARGIN_TOP_MM`, bottom :data:`MARGIN_BOTTOM_MM`,
  left :data:`MARGIN_LEFT_MM`, right :data:`MARGIN_RIGHT_MM` (the Decree allows
  20-25, 20-25, 30-35 and 15-20 mm);
* Times New Roman (:data:`FONT_NAME`) set on the document defaults and every
  style used, for Latin, East-Asian and complex scripts alike (``w:rFonts``
  without theme fonts, so Word does not substitute its theme font), black;
  body :data:`BODY_PT` pt, justified, first line indented
  :data:`FIRST_LINE_INDENT_MM` mm, 6 pt between paragraphs;
* the heading block, a borderless two-column table: left the superior body
  (capitals, upright), the issuing body (capitals, bold) with a short rule under
  it and the number and symbol (``Số: ……/BC-STTTT``, the number a field the
  records office fills); right the national title (capitals, bold), the motto
  (bold) with a rule as long as the motto, and the place and date in italics
  (:func:`date_line`);
* the document type and summary, centred and bold, with a short rule; the
  addressee(s) after ``Kính gửi:``;
* the body (:meth:`~OfficialDocument.heading`, :meth:`~OfficialDocument.paragraph`,
  :meth:`~OfficialDocument.bullets`, :meth:`~OfficialDocument.table`,
  :meth:`~OfficialDocument.image`, :meth:`~OfficialDocument.note`); a wide
  table may sit on landscape pages (:meth:`~OfficialDocument.landscape`, then
  :meth:`~OfficialDocument.portrait`), with the same margins, headers and page
  numbering;
* the end: ``Nơi nhận:`` (12 pt bold italic) and its entries (11 pt, one per
  line, ``-`` before and ``;`` after, the last ``Lưu: VT.``) on the left; the
  signer's authority and position (capitals, bold), room for the signature and
  seal, and the signer's name (bold) on the right;
* appendices (:meth:`~OfficialDocument.appendix`) after the signature block,
  each on a new page (portrait or landscape) headed ``Phụ lục I`` and its
  title, with the line ``(Kèm theo Báo cáo số …/BC-STTTT ngày … của …)``;
* page numbers centred at the top from page 2 (the first page has its own,
  number-less header);
* when the document is a draft, a red bold banner (``DỰ THẢO — …``) in the
  header of every page, the first included.

Every fixed word of the form comes from the reader vocabulary
(``vocab/official.csv``), in Vietnamese or English. The output is deterministic:
the same content gives the same bytes (core properties dated from the
document, not from the clock; zip entries with fixed timestamps).

:func:`docx_to_pdf` converts the document with LibreOffice Writer when it is
installed. Times New Roman is not part of a Linux system: LibreOffice then
uses Liberation Serif, which has the same metrics (line breaks and page breaks
fall in the same places); Word on the reader's machine uses Times New Roman.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pandas as pd
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_TABLE_DIRECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from costmodel.reports.vocabulary import LANGS, term, text

__all__ = [
    "BODY_PT",
    "FONT_NAME",
    "MARGIN_BOTTOM_MM",
    "MARGIN_LEFT_MM",
    "MARGIN_RIGHT_MM",
    "MARGIN_TOP_MM",
    "PAGE_HEIGHT_MM",
    "PAGE_WIDTH_MM",
    "LANDSCAPE_TEXT_WIDTH_MM",
    "TEXT_WIDTH_MM",
    "Issuer",
    "OfficialDocument",
    "Signer",
    "Span",
    "addressee_lines",
    "date_line",
    "default_recipients",
    "docx_text",
    "docx_to_pdf",
    "number_line",
    "recipient_lines",
]

# ---------------------------------------------------------------------------
# The form's sizes (Decree 30/2020/NĐ-CP, Appendix I), named once
# ---------------------------------------------------------------------------

#: A4 portrait.
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
#: Margins, inside the Decree's ranges (top 20-25, bottom 20-25, left 30-35, right 15-20 mm).
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
#: Distance of the page header (page number, draft banner) from the top edge of the page.
HEADER_DISTANCE_MM = 10
FOOTER_DISTANCE_MM = 10
#: Width of the text between the margins.
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
#: Width of the text on a landscape page (same margins: the binding edge stays on the left).
LANDSCAPE_TEXT_WIDTH_MM = PAGE_HEIGHT_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
FONT_NAME = "Times New Roman"
#: Body text (13-14 pt), the document type and summary (13-14, 14 pt), Kính gửi (14 pt).
BODY_PT = 14
#: Superior and issuing bodies (12-13 pt), national title (12-13 pt), motto (13-14 pt).
ISSUER_PT = 12
NATIONAL_TITLE_PT = 12
MOTTO_PT = 13
#: Number and symbol (13 pt), place and date (13-14 pt, italic).
NUMBER_PT = 13
DATE_PT = 13
#: Signer's authority, position and name (13-14 pt, bold).
SIGNER_PT = 14
#: "Nơi nhận:" (12 pt, bold italic) and its entries (11 pt).
RECIPIENTS_LABEL_PT = 12
RECIPIENTS_PT = 11
#: Page number (13-14 pt) and the draft banner.
PAGE_NUMBER_PT = 13
BANNER_PT = 12
BANNER_COLOR = RGBColor(0xC0, 0x00, 0x00)
#: Tables and their notes (the Decree sets no size for tables; 12 pt keeps wide tables legible).
TABLE_PT = 12
CAPTION_PT = 13
#: First-line indent of body paragraphs (1-1.27 cm), space between paragraphs (at least 6 pt),
#: line spacing (single to 1.5 lines).
FIRST_LINE_INDENT_MM = 12.7
PARAGRAPH_SPACE_PT = 6
LINE_SPACING = 1.15
#: Heading block: two columns, reaching 10 mm into the 30 mm left margin so that the national
#: title and the issuing body fit on one line each at 12 pt, as officials lay it out.
HEADING_INDENT_MM = -10
HEADING_LEFT_MM = 78
HEADING_RIGHT_MM = TEXT_WIDTH_MM - HEADING_INDENT_MM - HEADING_LEFT_MM
#: The rule under the issuing body and under the summary: a share of the line (1/3 to 1/2).
SHORT_RULE_SHARE = 0.4
RULE_SIZE_EIGHTHS_PT = 6
#: Gap between a line of text and the rule under it.
RULE_GAP_PT = 3
#: Signature block: left the recipients, right the signer; room left for signature and seal.
END_LEFT_MM = 80
END_RIGHT_MM = TEXT_WIDTH_MM - END_LEFT_MM
SIGNATURE_SPACE_LINES = 4
#: Kính gửi with several addressees: label column and entries column.
TO_LABEL_MM = 40
TO_ENTRIES_MM = 110

_EMU_PER_MM = 36000
_TWIPS_PER_MM = 1440 / 25.4
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_NUMERIC = re.compile(r"^[-+–−]?\s?[\d.,\u00a0 ]*\d[\d.,\u00a0 ]*(\s?%)?$|^–$")
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}

# Advance widths of Times New Roman (= Liberation Serif, metric-compatible), in 1/1000 em,
# for the characters of the heading lines once Vietnamese diacritics are removed; used to draw
# the rules under the motto and the issuing body at the length of their line.
_WIDTH_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -.,:/()"
_WIDTHS = {
    False: (
        "722 667 667 722 611 556 722 722 333 389 722 611 889 722 722 556 722 667 556 611 722 722 944 722 722 611 "
        "444 500 444 500 444 333 500 500 278 278 500 278 778 500 500 500 500 333 389 278 500 500 722 500 500 444 "
        "500 500 500 500 500 500 500 500 500 500 250 333 250 250 278 278 333 333"
    ),
    True: (
        "722 667 722 722 667 611 778 778 389 500 778 667 944 722 778 611 778 722 556 667 722 722 1000 722 722 667 "
        "500 556 444 556 444 333 500 556 278 333 556 278 833 556 500 556 556 444 389 333 556 500 722 500 500 444 "
        "500 500 500 500 500 500 500 500 500 500 250 333 250 250 333 278 333 333"
    ),
}
_WIDTH_TABLE = {bold: dict(zip(_WIDTH_CHARS, map(int, w.split()), strict=True)) for bold, w in _WIDTHS.items()}

# Schema order of the children of the elements this module writes directly (ECMA-376 Part 1).
_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs "
    "em lang eastAsianLayout specVanish oMath"
).split()
_TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing tblInd "
    "tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
).split()
_TCPR_ORDER = "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark".split()


# ---------------------------------------------------------------------------
# Lines of the form (pure functions, in the reader's language)
# ---------------------------------------------------------------------------


def _resolve(lang: str | None) -> str:
    if lang is None:
        from costmodel._options import options

        lang = options.lang
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def date_line(place: str, when: dt.date | None, lang: str | None = None) -> str:
    """The place and date line, written in full.

    Vietnamese follows Decree 30/2020/NĐ-CP, Appendix I: the day, month and year
    are written in full in Arabic figures, and a day below 10 and the months
    1 and 2 take a leading zero ("ngày 05 tháng 02 năm 2024"; months 3 to 12 are
    written as they are: "tháng 4"). English writes the day without a zero and
    the month by name. A date not yet fixed (``None``) leaves dots to fill.

    Parameters
    ----------
    place : str
        The place name, capitalised (for a provincial department: the province).
    when : datetime.date or None
        The date of the document.
    lang : {"vi", "en"}, optional
        Default :data:`costmodel.options.lang`.

    Returns
    -------
    str

    Examples
    --------
    >>> date_line("Bà Rịa - Vũng Tàu", dt.date(2024, 4, 5), "vi")
    'Bà Rịa - Vũng Tàu, ngày 05 tháng 4 năm 2024'
    >>> date_line("Bà Rịa - Vũng Tàu", dt.date(2024, 2, 15), "vi")
    'Bà Rịa - Vũng Tàu, ngày 15 tháng 02 năm 2024'
    >>> date_line("Ba Ria - Vung Tau", dt.date(2024, 4, 5), "en")
    'Ba Ria - Vung Tau, 5 April 2024'
    >>> date_line("Bà Rịa - Vũng Tàu", None, "vi")
    'Bà Rịa - Vũng Tàu, ngày …… tháng …… năm ……'
    """
    lang = _resolve(lang)
    if when is None:
        blank = term("official.blank", lang)
        return text("official.date_line", lang, place=place, day=blank, month=blank, year=blank)
    if lang == "vi":
        day = f"{when.day:02d}"
        month = f"{when.month:02d}" if when.month <= 2 else str(when.month)
    else:
        day = str(when.day)
        month = term("official.month_names", lang).split(",")[when.month - 1].strip()
    return text("official.date_line", lang, place=place, day=day, month=month, year=when.year)


def number_line(number: int | str | None, symbol: str, lang: str | None = None) -> str:
    """The number and symbol line: ``Số: 05/BC-STTTT``.

    A number below 10 takes a leading zero (Decree 30/2020/NĐ-CP, Appendix I);
    no number yet (``None``: the records office gives it when the document is
    issued) leaves dots.

    Examples
    --------
    >>> number_line(None, "BC-STTTT", "vi")
    'Số: ……/BC-STTTT'
    >>> number_line(5, "BC-STTTT", "vi"), number_line("125", "BC-STTTT", "en")
    ('Số: 05/BC-STTTT', 'No.: 125/BC-STTTT')
    """
    lang = _resolve(lang)
    if number is None or (isinstance(number, str) and not number.strip()):
        shown = term("official.blank", lang)
    elif isinstance(number, int):
        shown = f"{number:02d}"
    else:
        shown = number.strip()
    return text("official.number_line", lang, number=shown, symbol=symbol)


def _listed(items: Sequence[str], last: str) -> list[str]:
    """``- a;`` ... ``- z`` + last: one line per entry as the Decree lists them."""
    out = []
    for i, item in enumerate(items):
        item = item.strip().rstrip(";.")
        out.append(f"- {item}{last if i == len(items) - 1 else ';'}")
    return out


def addressee_lines(addressees: Sequence[str], lang: str | None = None) -> list[str]:
    """The ``Kính gửi`` lines: one line for one addressee, else a label and one line each.

    Examples
    --------
    >>> addressee_lines(["Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu"], "vi")
    ['Kính gửi: Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu.']
    >>> addressee_lines(["Ủy ban nhân dân tỉnh", "Sở Tài chính"], "vi")
    ['Kính gửi:', '- Ủy ban nhân dân tỉnh;', '- Sở Tài chính.']
    """
    lang = _resolve(lang)
    label = term("official.to", lang) + ":"
    items = [a for a in addressees if a.strip()]
    if not items:
        return []
    if len(items) == 1:
        return [f"{label} {items[0].strip().rstrip('.;')}."]
    return [label, *_listed(items, ".")]


def recipient_lines(
    recipients: Sequence[str], archive: Sequence[str] = ("VT",), as_above: bool = False, lang: str | None = None
) -> list[str]:
    """The entries under ``Nơi nhận:``: ``- name;`` each, the last ``- Lưu: VT.``.

    Parameters
    ----------
    recipients : sequence of str
        Bodies receiving the document, in order.
    archive : sequence of str
        Where the issuer files its copies: ``VT`` (the records office), then the
        drafting unit's abbreviation and the number of copies if wanted.
    as_above : bool
        Put ``Như trên`` (the addressees of ``Kính gửi``) first.
    lang : {"vi", "en"}, optional

    Examples
    --------
    >>> recipient_lines(["Kiểm toán Nhà nước", "Thanh tra tỉnh"], as_above=True, lang="vi")
    ['- Như trên;', '- Kiểm toán Nhà nước;', '- Thanh tra tỉnh;', '- Lưu: VT.']
    """
    lang = _resolve(lang)
    items = ([term("official.as_above", lang)] if as_above else []) + [r for r in recipients if r.strip()]
    items.append(text("official.archive", lang, units=", ".join(archive)))
    return _listed(items, ".")


def default_recipients(lang: str | None = None) -> tuple[str, ...]:
    """The recipients of an explanatory report of the DIC besides the addressee.

    The State Audit and the Provincial Inspectorate receive the explanation of
    their conclusions; the Department of Finance appraises prices; the DIC's
    leadership keeps a copy (reader-standards §5).
    """
    keys = ("recipient_audit", "recipient_inspectorate", "recipient_finance", "recipient_leaders")
    return tuple(term(f"official.default.{k}", lang) for k in keys)


def _text_width_mm(line: str, size_pt: float, bold: bool) -> float:
    """Printed width of one line in Times New Roman (estimate from the font's advance widths)."""
    table = _WIDTH_TABLE[bold]
    fallback = table["n"]
    total = 0
    for ch in unicodedata.normalize("NFD", line.replace("Đ", "D").replace("đ", "d")):
        if unicodedata.combining(ch):
            continue
        total += table.get(ch, fallback)
    return total / 1000 * size_pt * 25.4 / 72


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out, n = out + numeral, n - value
    return out


# ---------------------------------------------------------------------------
# Parameters of a document
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    """The issuing body of the heading block.

    Attributes
    ----------
    name : str
        The issuing body in capitals ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG"), bold.
    superior : str
        Its superior body in capitals ("UBND TỈNH BÀ RỊA - VŨNG TÀU"), above it,
        upright; empty for a body without one.
    abbreviation : str
        The issuer's abbreviation in the document symbol ("STTTT" in "BC-STTTT").
    in_text : str
        The issuing body as written in running text ("Sở Thông tin và
        Truyền thông"); empty: the name as it is.
    """

    name: str
    superior: str = ""
    abbreviation: str = ""
    in_text: str = ""

    @property
    def prose(self) -> str:
        """The name to use in running text (:attr:`in_text`, else :attr:`name`)."""
        return self.in_text.strip() or self.name

    @classmethod
    def province_default(cls, lang: str | None = None) -> Issuer:
        """The DIC of Bà Rịa - Vũng Tàu under the Provincial People's Committee."""
        return cls(
            name=term("official.default.issuer", lang),
            superior=term("official.default.superior", lang),
            abbreviation=term("official.default.issuer_abbr", lang),
            in_text=term("official.default.issuer_in_text", lang),
        )


@dataclass(frozen=True)
class Signer:
    """The signature block.

    Attributes
    ----------
    position : str
        The signer's position in capitals ("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC").
    name : str
        The signer's full name; empty leaves dots to fill.
    authority : str
        The line of authority above the position when the signer signs for
        someone else ("KT. GIÁM ĐỐC" above "PHÓ GIÁM ĐỐC"; "TM. ỦY BAN NHÂN DÂN"),
        empty when the head of the body signs.
    """

    position: str
    name: str = ""
    authority: str = ""


@dataclass(frozen=True)
class Span:
    """A run of text of a paragraph with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


Runs = str | Sequence["Span | str"]


def _spans(content: Runs) -> list[Span]:
    """Spans of a paragraph: a string with ``**bold**`` parts, or spans and strings."""
    if isinstance(content, str):
        out, pos = [], 0
        for m in _BOLD.finditer(content):
            if m.start() > pos:
                out.append(Span(content[pos : m.start()]))
            out.append(Span(m.group(1), bold=True))
            pos = m.end()
        if pos < len(content):
            out.append(Span(content[pos:]))
        return out
    return [s if isinstance(s, Span) else Span(str(s)) for s in content]


# ---------------------------------------------------------------------------
# Low-level OOXML helpers
# ---------------------------------------------------------------------------


def _put(parent, child, order: Sequence[str]):
    """Insert ``child`` into ``parent`` in schema order, replacing a child with the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    local = child.tag.split("}", 1)[1]
    successors = {qn(f"w:{t}") for t in order[order.index(local) + 1 :]}
    for existing in parent:
        if existing.tag in successors:
            existing.addprevious(child)
            return child
    parent.append(child)
    return child


def _el(tag: str, **attrs: str):
    el = OxmlElement(f"w:{tag}")
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    return el


def _set_fonts(rpr, lang: str) -> None:
    """Times New Roman for every script, no theme fonts, black, and the text's language."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _put(rpr, _el("rFonts"), _RPR_ORDER)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT_NAME)
    tag = {"vi": "vi-VN", "en": "en-GB"}[lang]
    _put(rpr, _el("lang", val=tag, eastAsia=tag, bidi="ar-SA"), _RPR_ORDER)


def _twips(mm: float) -> str:
    return str(round(mm * _TWIPS_PER_MM))


def _rule(paragraph, width_mm: float, area_mm: float) -> None:
    """Make an empty paragraph a centred horizontal rule ``width_mm`` long (a top border between indents)."""
    side = max((area_mm - width_mm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.first_line_indent = Mm(0)
    fmt.space_before = Pt(RULE_GAP_PT)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    borders = _el("pBdr")
    borders.append(_el("top", val="single", sz=str(RULE_SIZE_EIGHTHS_PT), space="1", color="000000"))
    _put(paragraph._p.get_or_add_pPr(), borders, _PPR_ORDER)
    paragraph.add_run().font.size = Pt(2)


def _table_layout(table, widths_mm: Sequence[float], indent_mm: float = 0, borders: bool = False,
                  cell_margin_mm: float | None = None) -> None:  # fmt: skip
    """Fixed column widths (grid and cells), the table's indent, and its borders (all or none)."""
    tbl = table._tbl
    tblpr = tbl.tblPr
    total = sum(widths_mm)
    _put(tblpr, _el("tblW", w=_twips(total), type="dxa"), _TBLPR_ORDER)
    _put(tblpr, _el("tblInd", w=_twips(indent_mm), type="dxa"), _TBLPR_ORDER)
    edge = {"val": "single", "sz": "4", "space": "0", "color": "000000"} if borders else {"val": "nil"}
    box = _el("tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        box.append(_el(side, **edge))
    _put(tblpr, box, _TBLPR_ORDER)
    _put(tblpr, _el("tblLayout", type="fixed"), _TBLPR_ORDER)
    if cell_margin_mm is not None:
        mar = _el("tblCellMar")
        for side in ("left", "right"):
            mar.append(_el(side, w=_twips(cell_margin_mm), type="dxa"))
        _put(tblpr, mar, _TBLPR_ORDER)
    table.autofit = False
    table.table_direction = WD_TABLE_DIRECTION.LTR
    grid = tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), _twips(w))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


def _row_flags(row, header: bool = False) -> None:
    """Keep a row on one page; repeat it at the top of every page when it is the header."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(_el("cantSplit"))
    if header:
        trpr.append(_el("tblHeader"))


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (``PAGE``) as begin/instruction/separate/result/end runs."""
    run = paragraph.add_run()
    run._r.append(_el("fldChar", fldCharType="begin"))
    run = paragraph.add_run()
    instr = _el("instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(_el("fldChar", fldCharType="separate"))
    paragraph.add_run(shown)
    run = paragraph.add_run()
    run._r.append(_el("fldChar", fldCharType="end"))


def _fixed_zip(data: bytes, when: dt.date) -> bytes:
    """The same package with every entry dated ``when`` (python-docx stamps the clock's time)."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------


@dataclass
class _Counters:
    level: list[int] = field(default_factory=lambda: [0, 0, 0])
    tables: int = 0
    figures: int = 0
    appendices: int = 0


def _page_setup(section, landscape: bool) -> None:
    """A4 in the given orientation with the Decree's margins and header distance."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Mm(PAGE_HEIGHT_MM), Mm(PAGE_WIDTH_MM)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(HEADER_DISTANCE_MM)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)


class OfficialDocument:
    """An administrative document in the form of Decree 30/2020/NĐ-CP, built block by block.

    Parameters
    ----------
    issuer : Issuer
        The issuing body (:meth:`Issuer.province_default` for the DIC of Bà Rịa - Vũng Tàu).
    summary : str
        The summary (trích yếu) under the document type, e.g. "Giải trình về việc
        thuê hệ thống hội nghị truyền hình trực tuyến".
    signer : Signer
        The signature block.
    doc_type : str
        A document type of the vocabulary: ``report`` (BÁO CÁO, symbol BC),
        ``submission`` (TỜ TRÌNH, TTr) or ``plan`` (KẾ HOẠCH, KH).
    place : str, optional
        Place name of the date line; default the province (vocabulary).
    date : datetime.date, optional
        Date of the document; ``None`` leaves dots to fill. Also dates the
        file's core properties (``created``, ``modified``).
    number : int or str, optional
        The number given by the records office; ``None`` leaves dots.
    addressees : sequence of str
        After ``Kính gửi:``; empty for none.
    recipients : sequence of str
        Under ``Nơi nhận:``, after ``Như trên`` (when there are addressees);
        ``Lưu: VT`` and ``archive`` close the list.
    archive : sequence of str
        Where the issuer files its copies (default ``VT``, the records office).
    draft : bool
        Carry the draft banner in the header of every page.
    draft_banner : str, optional
        The banner's text when ``draft``; default the vocabulary's
        "DỰ THẢO — số liệu hợp đồng và số liệu sử dụng là giả định".
    lang : {"vi", "en"}, optional
        The language of the form's fixed words; default :data:`costmodel.options.lang`.

    Examples
    --------
    >>> doc = OfficialDocument(
    ...     issuer=Issuer.province_default("vi"), summary="Giải trình về việc thuê hệ thống",
    ...     signer=Signer("GIÁM ĐỐC"), date=dt.date(2024, 4, 5), lang="vi")
    >>> doc.heading("Tình hình thực hiện")
    >>> doc.paragraph("Sở đã **rà soát** hợp đồng.")
    >>> data = doc.to_bytes()
    >>> "Sở đã rà soát hợp đồng." in docx_text(data)
    True
    """

    def __init__(
        self,
        *,
        issuer: Issuer,
        summary: str,
        signer: Signer,
        doc_type: str = "report",
        place: str | None = None,
        date: dt.date | None = None,
        number: int | str | None = None,
        addressees: Sequence[str] = (),
        recipients: Sequence[str] = (),
        archive: Sequence[str] = ("VT",),
        draft: bool = False,
        draft_banner: str | None = None,
        lang: str | None = None,
    ):
        self.lang = _resolve(lang)
        if not summary.strip():
            raise ValueError("the summary (trích yếu) is empty")
        if not issuer.name.strip():
            raise ValueError("the issuing body's name is empty")
        self.issuer = issuer
        self.summary = summary.strip()
        self.signer = signer
        self.doc_type = doc_type
        self.type_name = term(f"official.doc_type.{doc_type}", self.lang)
        self.type_abbr = term(f"official.doc_abbr.{doc_type}", self.lang)
        self.place = place if place is not None else term("official.default.place", self.lang)
        self.date = date
        self.number = number
        self.addressees = tuple(addressees)
        self.recipients = tuple(recipients)
        self.archive = tuple(archive)
        self.draft = draft
        self.banner = (draft_banner or term("official.draft_banner", self.lang)) if draft else None
        self._blocks: list[Callable[[docx.document.Document], None]] = []
        self._counters = _Counters()
        #: Text width of the page the next block goes on (landscape or portrait).
        self._width_mm = float(TEXT_WIDTH_MM)
        self._landscape = False
        #: Position in the blocks where the appendices start (after the signature block).
        self._appendix_start: int | None = None

    # -- form lines ---------------------------------------------------------

    @property
    def symbol(self) -> str:
        """The document symbol: type abbreviation and issuer abbreviation (``BC-STTTT``)."""
        return "-".join(p for p in (self.type_abbr, self.issuer.abbreviation) if p)

    # -- body blocks --------------------------------------------------------

    def heading(self, title: str, level: int = 1, numbered: bool = True) -> None:
        """A heading of the body, numbered ``I.``, ``1.``, ``a)`` by level (1 to 3).

        Numbers restart under each heading of the level above. The heading
        uses Word's ``Heading N`` style (restyled: Times New Roman, black, bold;
        level 3 bold italic), so it shows in Word's navigation pane.
        """
        if level not in (1, 2, 3):
            raise ValueError(f"heading level must be 1, 2 or 3, got {level}")
        prefix = ""
        if numbered:
            c = self._counters.level
            c[level - 1] += 1
            for deeper in range(level, 3):
                c[deeper] = 0
            n = c[level - 1]
            prefix = {1: f"{_roman(n)}. ", 2: f"{n}. ", 3: f"{chr(ord('a') + n - 1)}) "}[level]

        def render(doc):
            p = doc.add_paragraph(style=f"Heading {level}")
            p.add_run(prefix + title)

        self._blocks.append(render)

    def paragraph(self, content: Runs, *, indent: bool = True, italic: bool = False,
                  align: str = "justify") -> None:  # fmt: skip
        """A body paragraph: a string with ``**bold**`` spans, or a sequence of :class:`Span` and strings."""
        spans = _spans(content)

        def render(doc):
            p = doc.add_paragraph(style="Body Text")
            if not indent:
                p.paragraph_format.first_line_indent = Mm(0)
            if align != "justify":
                p.alignment = _ALIGN[align]
            for s in spans:
                run = p.add_run(s.text)
                run.bold = s.bold or None
                run.italic = (s.italic or italic) or None

        self._blocks.append(render)

    def bullets(self, items: Iterable[Runs]) -> None:
        """A list, one paragraph per item, each starting with a dash as official texts do."""
        for item in items:
            spans = _spans(item)
            self.paragraph([Span("- "), *spans])

    def note(self, content: str) -> None:
        """A note in italics (``Ghi chú: …``)."""
        self.paragraph([Span(text("official.note", self.lang, text=content), italic=True)])

    def page_break(self) -> None:
        """Start the next block on a new page."""
        self._blocks.append(lambda doc: doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE))

    def _section(self, landscape: bool) -> None:
        self._landscape = landscape
        self._width_mm = float(LANDSCAPE_TEXT_WIDTH_MM if landscape else TEXT_WIDTH_MM)

        def render(doc):
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            _page_setup(section, landscape)
            # the headers stay linked to the first section's other-pages header: the banner and the page number
            section.different_first_page_header_footer = False

        self._blocks.append(render)

    def landscape(self) -> None:
        """Continue on a new landscape page (a wide table); :meth:`portrait` goes back.

        The margins, the draft banner and the page numbers carry on; tables and
        figures after it span the landscape text width
        (:data:`LANDSCAPE_TEXT_WIDTH_MM`).
        """
        self._section(True)

    def portrait(self) -> None:
        """Continue on a new portrait page (after :meth:`landscape`)."""
        self._section(False)

    def appendix(self, title: str, *, landscape: bool = False) -> None:
        """Start an appendix (phụ lục): after the signature block, on a new page.

        Appendices are numbered ``Phụ lục I``, ``Phụ lục II``; each is headed by
        its number and title (centred, bold) and the line saying which document
        it goes with (``Kèm theo Báo cáo số …/BC-STTTT ngày … của …``, italic),
        as Decree 30/2020/NĐ-CP, Appendix I presents them. Every block added
        after this call belongs to the appendix.
        """
        if self._appendix_start is None:
            self._appendix_start = len(self._blocks)
        self._section(landscape)
        self._counters.appendices += 1
        self._counters.level = [0, 0, 0]
        number = text("official.appendix_number", self.lang, n=_roman(self._counters.appendices))
        issuer = self.issuer.prose
        when = date_line("", self.date, self.lang).lstrip(", ").strip()
        attached = text(
            "official.appendix_attached",
            self.lang,
            type=self.type_name.capitalize(),
            number=number_line(self.number, self.symbol, self.lang).split(":", 1)[1].strip(),
            date=when,
            issuer=issuer,
        )

        def render(doc):
            for line, bold, italic in ((number, True, False), (title, True, False), (attached, False, True)):
                p = doc.add_paragraph(style="Normal")
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.keep_with_next = True
                run = p.add_run(line)
                run.bold = bold or None
                run.italic = italic or None
            doc.add_paragraph(style="Normal").paragraph_format.space_after = Pt(PARAGRAPH_SPACE_PT)

        self._blocks.append(render)

    def table(
        self,
        data: pd.DataFrame,
        title: str | None = None,
        *,
        header: bool = True,
        unit_line: str | None = None,
        align: Mapping[str, str] | Sequence[str] | None = None,
        widths: Sequence[float] | None = None,
        bold_rows: Iterable[int] = (),
        note: str | None = None,
        font_pt: float = TABLE_PT,
        cell_margin_mm: float | None = None,
    ) -> None:
        """A table with borders whose header row repeats on every page.

        Parameters
        ----------
        data : pandas.DataFrame
            The cells as the reader sees them (strings formatted by the caller,
            e.g. with :func:`costmodel.reports.vocabulary.money`); the column
            names are the header.
        title : str, optional
            Caption above the table, numbered ``Bảng N.`` in order.
        header : bool
            Write the column names as a header row (bold, centred, repeated).
        unit_line : str, optional
            The unit above the table on the right, e.g. "Đơn vị tính: đồng".
        align : mapping or sequence of {"left", "right", "center"}, optional
            Per column; by default numbers (all non-empty cells numeric) are
            right-aligned and text left-aligned.
        widths : sequence of float, optional
            Relative column widths; by default from the length of the contents.
            The table spans the text width.
        bold_rows : iterable of int
            Positions (0-based, in ``data``) of rows in bold, such as totals.
        note : str, optional
            A note under the table.
        font_pt : float
            Size of the table's text.
        cell_margin_mm : float, optional
            Left and right padding of every cell (Word's default, 1.9 mm, when
            not given); a table of many amounts fits the page with 1 mm.
        """
        cells = data.astype(str).where(data.notna(), "").to_numpy().tolist()
        columns = [str(c) for c in data.columns]
        ncols = len(columns)
        if ncols == 0:
            raise ValueError("a table needs at least one column")
        if align is None:
            aligns = ["right" if _numeric_column([r[j] for r in cells]) else "left" for j in range(ncols)]
        elif isinstance(align, Mapping):
            aligns = [align.get(c, "left") for c in columns]
        else:
            aligns = list(align)
        if len(aligns) != ncols or any(a not in _ALIGN for a in aligns):
            raise ValueError(f"align needs one of left/right/center per column ({ncols})")
        if widths is None:
            widths = [_column_weight(columns[j], [r[j] for r in cells]) for j in range(ncols)]
        if len(widths) != ncols:
            raise ValueError(f"widths needs one number per column ({ncols})")
        total = float(sum(widths))
        widths_mm = [self._width_mm * w / total for w in widths]
        bold = set(bold_rows)
        caption = None
        if title:
            self._counters.tables += 1
            caption = text("official.table_caption", self.lang, n=self._counters.tables, title=title)

        def render(doc):
            if caption:
                p = doc.add_paragraph(style="Caption")
                p.add_run(caption)
            if unit_line:
                p = doc.add_paragraph(style="Normal")
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                p.paragraph_format.keep_with_next = True
                p.paragraph_format.space_after = Pt(2)
                run = p.add_run(unit_line)
                run.italic = True
                run.font.size = Pt(font_pt)
            rows = ([columns] if header else []) + cells
            t = doc.add_table(rows=len(rows), cols=ncols)
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            _table_layout(t, widths_mm, borders=True, cell_margin_mm=cell_margin_mm)
            for i, values in enumerate(rows):
                is_header = header and i == 0
                row_bold = is_header or (i - (1 if header else 0)) in bold
                _row_flags(t.rows[i], header=is_header)
                for j, value in enumerate(values):
                    _cell_text(t.rows[i].cells[j], value, "center" if is_header else aligns[j], row_bold, font_pt)
            if note:
                p = doc.add_paragraph(style="Normal")
                p.paragraph_format.space_before = Pt(3)
                run = p.add_run(text("official.note", self.lang, text=note))
                run.italic = True
                run.font.size = Pt(font_pt)
            else:
                doc.add_paragraph(style="Normal").paragraph_format.space_after = Pt(0)

        self._blocks.append(render)

    def image(self, png: bytes, caption: str | None = None, width_mm: float | None = None) -> None:
        """A picture (PNG or JPEG bytes), centred, no wider than the text; caption ``Hình N.`` below.

        The width is the picture's own (pixels over its resolution), reduced to
        ``width_mm`` and to the text width (:data:`TEXT_WIDTH_MM`, or
        :data:`LANDSCAPE_TEXT_WIDTH_MM` on a landscape page).
        """
        info = DocxImage.from_blob(png)
        natural_mm = info.px_width / (info.horz_dpi or 72) * 25.4
        width = min(natural_mm, width_mm or self._width_mm, self._width_mm)
        label = None
        if caption:
            self._counters.figures += 1
            label = text("official.figure_caption", self.lang, n=self._counters.figures, title=caption)

        def render(doc):
            p = doc.add_paragraph(style="Normal")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.keep_with_next = bool(label)
            p.add_run().add_picture(io.BytesIO(png), width=Emu(round(width * _EMU_PER_MM)))
            if label:
                c = doc.add_paragraph(style="Caption")
                c.paragraph_format.keep_with_next = False
                c.paragraph_format.space_after = Pt(PARAGRAPH_SPACE_PT)
                c.add_run(label)

        self._blocks.append(render)

    # -- output ---------------------------------------------------------------

    def to_docx(self) -> docx.document.Document:
        """The python-docx document (a new one on each call)."""
        doc = docx.Document()
        self._styles(doc)
        self._page(doc)
        self._heading_block(doc)
        self._title(doc)
        split = len(self._blocks) if self._appendix_start is None else self._appendix_start
        for block in self._blocks[:split]:
            block(doc)
        if doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE:  # the signature block goes on a portrait page
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            _page_setup(section, False)
            section.different_first_page_header_footer = False
        self._end(doc)
        for block in self._blocks[split:]:
            block(doc)
        self._properties(doc)
        return doc

    def to_bytes(self) -> bytes:
        """The document as .docx bytes; the same content gives the same bytes."""
        buf = io.BytesIO()
        self.to_docx().save(buf)
        return _fixed_zip(buf.getvalue(), self.date or dt.date(1980, 1, 1))

    def save(self, path: str | Path) -> Path:
        """Write the .docx file; returns its path."""
        path = Path(path)
        path.write_bytes(self.to_bytes())
        return path

    # -- rendering of the form ------------------------------------------------

    def _styles(self, doc) -> None:
        styles = doc.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr, self.lang)
        for tag in ("sz", "szCs"):
            _put(rpr, _el(tag, val=str(BODY_PT * 2)), _RPR_ORDER)
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        _put(ppr, _el("spacing", after="0", line="240", lineRule="auto"), _PPR_ORDER)

        def base(style, size, bold=None, italic=None):
            font = style.font
            _set_fonts(style.element.get_or_add_rPr(), self.lang)
            font.size = Pt(size)
            font.bold = bold
            font.italic = italic
            font.color.rgb = RGBColor(0, 0, 0)

        normal = styles["Normal"]
        base(normal, BODY_PT)
        normal.paragraph_format.space_after = Pt(0)
        body = styles["Body Text"]
        base(body, BODY_PT)
        fmt = body.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Mm(FIRST_LINE_INDENT_MM)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(PARAGRAPH_SPACE_PT)
        fmt.line_spacing = LINE_SPACING
        fmt.widow_control = True
        for level in (1, 2, 3):
            h = styles[f"Heading {level}"]
            base(h, BODY_PT, bold=True, italic=(level == 3) or None)
            fmt = h.paragraph_format
            fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = Mm(FIRST_LINE_INDENT_MM)
            fmt.space_before = Pt(PARAGRAPH_SPACE_PT)
            fmt.space_after = Pt(PARAGRAPH_SPACE_PT)
            fmt.line_spacing = LINE_SPACING
            fmt.keep_with_next = True
        caption = styles["Caption"]
        base(caption, CAPTION_PT, bold=True, italic=None)
        fmt = caption.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_before = Pt(PARAGRAPH_SPACE_PT)
        fmt.space_after = Pt(2)
        fmt.keep_with_next = True
        header = styles["Header"]
        base(header, PAGE_NUMBER_PT)
        header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def _page(self, doc) -> None:
        section = doc.sections[0]
        _page_setup(section, False)
        section.different_first_page_header_footer = True
        first = section.first_page_header
        first.is_linked_to_previous = False
        other = section.header
        other.is_linked_to_previous = False
        first_p = first.paragraphs[0]
        other_p = other.paragraphs[0]
        if self.banner:
            for p in (first_p, other_p):
                p.style = doc.styles["Header"]
                run = p.add_run(self.banner)
                run.bold = True
                run.font.size = Pt(BANNER_PT)
                run.font.color.rgb = BANNER_COLOR
            other_p = other.add_paragraph(style="Header")
        other_p.style = doc.styles["Header"]
        other_p.paragraph_format.space_after = Pt(PARAGRAPH_SPACE_PT)
        _field(other_p, "PAGE", "2")

    def _heading_block(self, doc) -> None:
        t = doc.add_table(rows=2, cols=2)
        _table_layout(t, (HEADING_LEFT_MM, HEADING_RIGHT_MM), indent_mm=HEADING_INDENT_MM, cell_margin_mm=0)
        left, right = t.rows[0].cells
        lines = []
        if self.issuer.superior:
            lines.append((self.issuer.superior, ISSUER_PT, False))
        lines.append((self.issuer.name, ISSUER_PT, True))
        _lines(left, lines)
        issuer_width = min(_text_width_mm(self.issuer.name, ISSUER_PT, True), HEADING_LEFT_MM)
        _rule(left.add_paragraph(), SHORT_RULE_SHARE * issuer_width, HEADING_LEFT_MM)
        title, motto = term("official.national_title", self.lang), term("official.motto", self.lang)
        _lines(right, [(title, NATIONAL_TITLE_PT, True), (motto, MOTTO_PT, True)])
        motto_width = min(_text_width_mm(motto, MOTTO_PT, True), HEADING_RIGHT_MM)
        _rule(right.add_paragraph(), motto_width, HEADING_RIGHT_MM)
        number_cell, date_cell = t.rows[1].cells
        _lines(number_cell, [(number_line(self.number, self.symbol, self.lang), NUMBER_PT, False)])
        _lines(date_cell, [(date_line(self.place, self.date, self.lang), DATE_PT, False)], italic=True)
        for cell in (number_cell, date_cell):
            cell.paragraphs[0].paragraph_format.space_before = Pt(6)

    def _title(self, doc) -> None:
        p = doc.add_paragraph(style="Normal")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(18)
        p.paragraph_format.keep_with_next = True
        p.add_run(self.type_name).bold = True
        p = doc.add_paragraph(style="Normal")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.add_run(self.summary).bold = True
        width = min(_text_width_mm(self.summary, BODY_PT, True), TEXT_WIDTH_MM)
        rule = doc.add_paragraph(style="Normal")
        _rule(rule, SHORT_RULE_SHARE * width, TEXT_WIDTH_MM)
        lines = addressee_lines(self.addressees, self.lang)
        if len(lines) == 1:
            p = doc.add_paragraph(style="Normal")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_before = Pt(12)
            p.add_run(lines[0])
        elif lines:
            t = doc.add_table(rows=1, cols=2)
            indent = (TEXT_WIDTH_MM - TO_LABEL_MM - TO_ENTRIES_MM) / 2
            _table_layout(t, (TO_LABEL_MM, TO_ENTRIES_MM), indent_mm=indent, cell_margin_mm=1)
            label, entries = t.rows[0].cells
            _lines(label, [(lines[0], BODY_PT, False)], align="right")
            _lines(entries, [(line, BODY_PT, False) for line in lines[1:]], align="left")
            for cell in (label, entries):
                cell.paragraphs[0].paragraph_format.space_before = Pt(12)
        spacer = doc.add_paragraph(style="Normal")
        spacer.paragraph_format.space_after = Pt(6)

    def _end(self, doc) -> None:
        doc.add_paragraph(style="Normal").paragraph_format.space_after = Pt(6)
        t = doc.add_table(rows=1, cols=2)
        _table_layout(t, (END_LEFT_MM, END_RIGHT_MM), cell_margin_mm=0)
        _row_flags(t.rows[0])
        left, right = t.rows[0].cells
        label = left.paragraphs[0]
        run = label.add_run(term("official.recipients", self.lang) + ":")
        run.bold = run.italic = True
        run.font.size = Pt(RECIPIENTS_LABEL_PT)
        for line in recipient_lines(self.recipients, self.archive, bool(self.addressees), self.lang):
            p = left.add_paragraph(style="Normal")
            p.add_run(line).font.size = Pt(RECIPIENTS_PT)
        lines = [(x, SIGNER_PT, True) for x in (self.signer.authority, self.signer.position) if x]
        _lines(right, lines)
        for _ in range(SIGNATURE_SPACE_LINES):
            right.add_paragraph(style="Normal")
        name = self.signer.name.strip() or term("official.blank", self.lang)
        p = right.add_paragraph(style="Normal")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(name).bold = True

    def _properties(self, doc) -> None:
        package = doc.part.package
        for rid, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:  # python-docx's template carries a picture of an empty page
                del package.rels[rid]
        props = doc.core_properties
        when = dt.datetime.combine(self.date or dt.date(1980, 1, 1), dt.time())
        props.title = self.summary
        props.subject = self.type_name
        props.author = self.issuer.name
        props.last_modified_by = self.issuer.name
        props.comments = ""
        props.keywords = ""
        props.category = self.type_name
        props.language = {"vi": "vi-VN", "en": "en-GB"}[self.lang]
        props.created = when
        props.modified = when
        props.last_printed = when
        props.revision = 1


def _lines(cell, lines: Sequence[tuple[str, float, bool]], italic: bool = False, align: str = "center") -> None:
    """Write lines (text, size, bold) into a cell, one paragraph each, reusing its first paragraph."""
    for i, (line, size, bold) in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph(style="Normal")
        p.alignment = _ALIGN[align]
        run = p.add_run(line)
        run.font.size = Pt(size)
        run.bold = bold or None
        run.italic = italic or None


def _cell_text(cell, value: str, align: str, bold: bool, size: float) -> None:
    lines = value.split("\n")
    for i, line in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph(style="Normal")
        p.alignment = _ALIGN[align]
        fmt = p.paragraph_format
        fmt.space_before = Pt(2 if i == 0 else 0)
        fmt.space_after = Pt(2 if i == len(lines) - 1 else 0)
        run = p.add_run(line)
        run.font.size = Pt(size)
        run.bold = bold or None


def _numeric_column(values: Sequence[str]) -> bool:
    filled = [v.strip() for v in values if v.strip()]
    return bool(filled) and all(_NUMERIC.match(v) for v in filled)


def _column_weight(name: str, values: Sequence[str]) -> float:
    """Relative width of a column from its contents: longest header word, typical cell length."""
    words = max((len(w) for w in name.split()), default=1)
    longest = max((len(v) for v in values), default=0)
    return float(max(words + 2, min(longest, 45), 5))


# ---------------------------------------------------------------------------
# Reading a document back, and PDF
# ---------------------------------------------------------------------------


def docx_text(data: bytes, headers: bool = True) -> str:
    """All the text of a .docx, paragraph by paragraph in document order (table cells included).

    With ``headers``, the page headers' text comes first. Meant for tests and
    for scanning a document for engine notation.
    """
    document = docx.Document(io.BytesIO(data))
    parts: list[str] = []
    if headers:
        for section in document.sections:
            for part in (section.first_page_header, section.header):
                parts += [p.text for p in part.paragraphs]
    for p in document.element.body.iter(qn("w:p")):
        parts.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return "\n".join(parts)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, timeout: float = 180) -> bytes | None:
    """Convert .docx bytes to PDF with LibreOffice Writer headless; ``None`` when LibreOffice is absent.

    LibreOffice runs with a temporary profile and ``HOME`` (it needs a writable
    one), so it works for any user and leaves nothing behind. Fonts: where
    Times New Roman is not installed (Linux), LibreOffice uses Liberation Serif,
    which is metric-compatible: the PDF's lines and pages break where Word's do.

    Raises
    ------
    RuntimeError
        When LibreOffice is installed but the conversion fails or takes longer
        than ``timeout`` seconds.
    """
    soffice = _soffice()
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="costmodel-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "document.docx"
        source.write_bytes(data)
        profile = folder / "profile"
        env = dict(os.environ, HOME=str(folder))
        cmd = [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"LibreOffice did not convert the document within {timeout:g} s") from None
        target = folder / "document.pdf"
        if done.returncode != 0 or not target.exists():
            message = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
            raise RuntimeError(f"LibreOffice could not convert the document (exit {done.returncode}): {message}")
        return target.read_bytes()
