"""The official document form (Decree 30/2020/NĐ-CP, reader-standards §5), read back with python-docx.

Expected sizes are those of the Decree's Appendix I: A4 (210 x 297 mm = 11906 x 16838 twips),
margins top 20-25, bottom 20-25, left 30-35, right 15-20 mm, Times New Roman, page numbers centred
at the top from page 2, dates with a leading zero for days 1-9 and months 1-2.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import docx
import pandas as pd
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from costmodel.reports import official
from costmodel.reports.official import (
    Issuer,
    OfficialDocument,
    Signer,
    Span,
    addressee_lines,
    date_line,
    default_recipients,
    docx_text,
    docx_to_pdf,
    number_line,
    recipient_lines,
)
from costmodel.reports.vocabulary import entries, term

SUMMARY = "Giải trình về việc thuê hệ thống hội nghị truyền hình trực tuyến"
BANNER = "DỰ THẢO — số liệu hợp đồng và số liệu sử dụng là giả định"
ROWS = 40  # enough for the table to run over two pages


def _png(width_px: int = 400, height_px: int = 200, dpi: int = 100) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    fig.add_subplot().plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def _table_frame(n: int = ROWS) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "STT": [str(i + 1) for i in range(n)],
            "Nội dung": [f"Hạng mục số {i + 1}" for i in range(n)],
            "Năm 2024": [f"{(i + 1) * 1_234_567:,}".replace(",", ".") for i in range(n)],
        }
    )


def build(draft: bool = True, lang: str = "vi", addressees=None, n_rows: int = ROWS, **kwargs) -> OfficialDocument:
    doc = OfficialDocument(
        issuer=Issuer.province_default(lang),
        summary=SUMMARY if lang == "vi" else "Explanation of the rental of the video-conferencing system",
        signer=Signer(term("official.default.signer_position", lang), "Nguyễn Văn Thử"),
        date=dt.date(2024, 4, 5),
        addressees=[term("official.default.addressee", lang)] if addressees is None else addressees,
        recipients=default_recipients(lang),
        draft=draft,
        lang=lang,
        **kwargs,
    )
    doc.heading("Tình hình thực hiện")
    doc.paragraph("Sở đã **rà soát** hợp đồng thuê và các kết luận.")
    doc.heading("Kết quả", level=2)
    doc.table(_table_frame(n_rows), "Dự toán chi phí", unit_line="Đơn vị tính: đồng", note="số liệu làm tròn.")
    doc.image(_png(), "Chi phí lũy kế")
    doc.paragraph("Sở kính báo cáo Ủy ban nhân dân tỉnh xem xét, chỉ đạo.")
    return doc


@pytest.fixture(scope="module")
def draft_bytes() -> bytes:
    return build(draft=True).to_bytes()


@pytest.fixture(scope="module")
def draft_doc(draft_bytes):
    return docx.Document(io.BytesIO(draft_bytes))


def paragraphs_in_order(document) -> list[str]:
    """Text of every paragraph of the body in document order, table cells included."""
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]


def cell_texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


# --- lines of the form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (dt.date(2024, 4, 5), "ngày 05 tháng 4 năm 2024"),
        (dt.date(2024, 1, 9), "ngày 09 tháng 01 năm 2024"),
        (dt.date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (dt.date(2024, 3, 10), "ngày 10 tháng 3 năm 2024"),
        (dt.date(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
    ],
)
def test_date_line_leading_zero_rule_of_decree_30(when, expected):
    # Decree 30/2020/NĐ-CP, Appendix I: days below 10 and months 1 and 2 take a leading zero.
    assert date_line("Bà Rịa - Vũng Tàu", when, "vi") == f"Bà Rịa - Vũng Tàu, {expected}"


def test_number_line_and_lists():
    assert number_line(None, "BC-STTTT", "vi") == "Số: ……/BC-STTTT"
    assert number_line(7, "BC-STTTT", "vi") == "Số: 07/BC-STTTT"
    assert addressee_lines(["A", "B", "C"], "vi") == ["Kính gửi:", "- A;", "- B;", "- C."]
    assert addressee_lines([], "vi") == []
    assert recipient_lines(["Sở Tài chính"], ("VT", "KHTC"), as_above=False, lang="vi") == [
        "- Sở Tài chính;",
        "- Lưu: VT, KHTC.",
    ]


def test_vocabulary_keys_of_the_form_are_unique_and_in_both_languages():
    vocab = entries()
    assert not vocab["key"].duplicated().any()
    mine = vocab[vocab["file"] == "official.csv"]
    assert mine["key"].str.startswith("official.").all()
    assert (mine["vi"].str.len() > 0).all() and (mine["en"].str.len() > 0).all()


# --- the document ------------------------------------------------------------------------------------


def test_heading_block_is_a_borderless_two_column_table(draft_doc):
    block = draft_doc.tables[0]
    assert len(block.columns) == 2 and len(block.rows) == 2
    borders = block._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    issuer, national = block.rows[0].cells
    number, date = block.rows[1].cells
    assert cell_texts(issuer) == ["UBND TỈNH BÀ RỊA - VŨNG TÀU", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"]
    assert cell_texts(national) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert cell_texts(number) == ["Số: ……/BC-STTTT"]
    assert cell_texts(date) == ["Bà Rịa - Vũng Tàu, ngày 05 tháng 4 năm 2024"]
    # issuing body and national title in bold; superior body upright; date in italics
    assert issuer.paragraphs[1].runs[0].bold and not issuer.paragraphs[0].runs[0].bold
    assert all(p.runs[0].bold for p in national.paragraphs if p.text)
    assert date.paragraphs[0].runs[0].italic
    # a rule (top border of an empty paragraph) under the issuing body and under the motto
    for cell in (issuer, national):
        rule = cell.paragraphs[-1]
        assert rule.text == "" and rule._p.find(qn("w:pPr")).find(qn("w:pBdr")) is not None


def test_components_of_the_official_form_in_order(draft_doc):
    texts = paragraphs_in_order(draft_doc)
    expected = [
        "UBND TỈNH BÀ RỊA - VŨNG TÀU",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: ……/BC-STTTT",
        "Bà Rịa - Vũng Tàu, ngày 05 tháng 4 năm 2024",
        "BÁO CÁO",
        SUMMARY,
        "Kính gửi: Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu.",
        "I. Tình hình thực hiện",
        "Sở đã rà soát hợp đồng thuê và các kết luận.",
        "1. Kết quả",
        "Bảng 1. Dự toán chi phí",
        "Đơn vị tính: đồng",
        "Hình 1. Chi phí lũy kế",
        "Nơi nhận:",
        "- Như trên;",
        "- Kiểm toán Nhà nước;",
        "- Thanh tra tỉnh;",
        "- Lưu: VT.",
        "GIÁM ĐỐC",
        "Nguyễn Văn Thử",
    ]
    positions = []
    for item in expected:
        start = positions[-1] + 1 if positions else 0
        found = [i for i, t in enumerate(texts) if t == item and i >= start]
        assert found, f"{item!r} not found after position {start} in {texts[start : start + 12]}"
        positions.append(found[0])
    assert "Sở Tài chính" in "\n".join(texts)


def test_type_and_summary_centred_bold(draft_doc):
    paras = {p.text: p for p in draft_doc.paragraphs}
    for line in ("BÁO CÁO", SUMMARY):
        assert paras[line].alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(r.bold for r in paras[line].runs)


def test_table_has_one_row_per_record_a_repeated_header_and_numbers_right(draft_doc):
    table = next(t for t in draft_doc.tables if t.rows[0].cells[0].text == "STT")
    assert len(table.rows) == ROWS + 1
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[0].cells] == ["STT", "Nội dung", "Năm 2024"]
    last = table.rows[-1].cells
    assert last[2].text == f"{ROWS * 1_234_567:,}".replace(",", ".")
    assert last[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert last[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"single"}


def test_bold_spans_in_paragraphs(draft_doc):
    p = next(p for p in draft_doc.paragraphs if p.text.startswith("Sở đã rà soát"))
    assert [(r.text, bool(r.bold)) for r in p.runs] == [
        ("Sở đã ", False),
        ("rà soát", True),
        (" hợp đồng thuê và các kết luận.", False),
    ]
    assert p.alignment is None and p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_page_setup_a4_and_margins(draft_doc):
    section = draft_doc.sections[0]
    size = section._sectPr.find(qn("w:pgSz"))
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("11906", "16838")  # A4 in twips
    assert section.page_width.mm == pytest.approx(210, abs=0.05)
    assert section.page_height.mm == pytest.approx(297, abs=0.05)
    assert 20 <= round(section.top_margin.mm, 1) <= 25
    assert 20 <= round(section.bottom_margin.mm, 1) <= 25
    assert 30 <= round(section.left_margin.mm, 1) <= 35
    assert 15 <= round(section.right_margin.mm, 1) <= 20
    assert section.left_margin.mm == pytest.approx(official.MARGIN_LEFT_MM, abs=0.05)


def test_times_new_roman_for_every_script_without_theme_fonts(draft_doc):
    styles = draft_doc.styles
    for name in ("Normal", "Body Text", "Heading 1", "Heading 2", "Heading 3", "Caption", "Header"):
        style = styles[name]
        assert style.font.name == "Times New Roman", name
        fonts = style.element.rPr.find(qn("w:rFonts"))
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts.get(qn(f"w:{attr}")) == "Times New Roman", (name, attr)
        assert not any(fonts.get(qn(f"w:{a}")) for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))
        assert str(style.font.color.rgb) == "000000"
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Times New Roman"
    assert 13 <= styles["Body Text"].font.size.pt <= 14
    assert styles["Body Text"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_draft_banner_in_every_header_and_page_number_from_page_two(draft_doc):
    for section in draft_doc.sections:
        assert section.different_first_page_header_footer
        first = "\n".join(p.text for p in section.first_page_header.paragraphs)
        other = "\n".join(p.text for p in section.header.paragraphs)
        assert BANNER in first and BANNER in other
        assert "PAGE" not in section.first_page_header._element.xml
        instr = [i.text.strip() for i in section.header._element.iter(qn("w:instrText"))]
        assert instr == ["PAGE"]
        number = next(p for p in section.header.paragraphs if "PAGE" in p._p.xml)
        assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER or number.style.paragraph_format.alignment == (
            WD_ALIGN_PARAGRAPH.CENTER
        )
        banner_run = next(r for p in section.header.paragraphs for r in p.runs if BANNER in r.text)
        assert banner_run.bold and str(banner_run.font.color.rgb) == "C00000"


def test_no_banner_when_final():
    document = docx.Document(io.BytesIO(build(draft=False).to_bytes()))
    section = document.sections[0]
    assert "DỰ THẢO" not in docx_text(build(draft=False).to_bytes())
    assert [i.text.strip() for i in section.header._element.iter(qn("w:instrText"))] == ["PAGE"]


def test_image_fitted_to_text_width():
    doc = OfficialDocument(issuer=Issuer.province_default("vi"), summary="x", signer=Signer("GIÁM ĐỐC"), lang="vi")
    doc.image(_png(3000, 600, dpi=100))  # 762 mm at its own resolution
    doc.image(_png(400, 200, dpi=100))  # 101.6 mm
    shapes = docx.Document(io.BytesIO(doc.to_bytes())).inline_shapes
    assert shapes[0].width.mm == pytest.approx(official.TEXT_WIDTH_MM, abs=0.1)
    assert shapes[1].width.mm == pytest.approx(101.6, abs=0.1)


def test_several_addressees_english_and_dots_for_missing_fields():
    doc = OfficialDocument(
        issuer=Issuer.province_default("en"),
        summary="Explanation",
        signer=Signer("DEPUTY DIRECTOR", authority="P.P. DIRECTOR"),
        addressees=["Provincial People's Committee", "Department of Finance"],
        lang="en",
    )
    text = docx_text(doc.to_bytes())
    for line in (
        "SOCIALIST REPUBLIC OF VIET NAM",
        "Independence - Freedom - Happiness",
        "No.: ……/BC-STTTT",
        "Ba Ria - Vung Tau, …… …… ……",
        "REPORT",
        "To:",
        "- Provincial People's Committee;",
        "- Department of Finance.",
        "Recipients:",
        "- As above;",
        "- Filed: VT.",
        "P.P. DIRECTOR",
        "DEPUTY DIRECTOR",
        "……",
    ):
        assert line in text.split("\n"), line


def test_same_content_same_bytes_and_dated_properties(draft_bytes):
    assert build(draft=True).to_bytes() == draft_bytes
    with zipfile.ZipFile(io.BytesIO(draft_bytes)) as package:
        assert {info.date_time for info in package.infolist()} == {(2024, 4, 5, 0, 0, 0)}
        assert not any("thumbnail" in name for name in package.namelist())
    props = docx.Document(io.BytesIO(draft_bytes)).core_properties
    when = dt.datetime(2024, 4, 5, tzinfo=dt.UTC)
    assert props.created == when and props.modified == when
    assert props.title == SUMMARY and props.author == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"


def test_bad_arguments():
    with pytest.raises(ValueError, match="summary"):
        OfficialDocument(issuer=Issuer.province_default("vi"), summary=" ", signer=Signer("GIÁM ĐỐC"), lang="vi")
    doc = OfficialDocument(issuer=Issuer.province_default("vi"), summary="x", signer=Signer("GIÁM ĐỐC"), lang="vi")
    with pytest.raises(ValueError, match="level"):
        doc.heading("x", level=4)
    with pytest.raises(ValueError, match="align"):
        doc.table(pd.DataFrame({"a": ["1"]}), align=["middle"])
    with pytest.raises(LookupError):
        OfficialDocument(issuer=Issuer("X"), summary="x", signer=Signer("Y"), doc_type="memo", lang="vi")


def test_spans_and_bullets():
    doc = OfficialDocument(issuer=Issuer("SỞ X"), summary="x", signer=Signer("GIÁM ĐỐC"), lang="vi")
    doc.paragraph([Span("a "), Span("b", italic=True)])
    doc.bullets(["một", "hai"])
    text = docx_text(doc.to_bytes()).split("\n")
    assert "a b" in text and "- một" in text and "- hai" in text


def test_docx_to_pdf_without_libreoffice_returns_none(monkeypatch):
    monkeypatch.setattr(official, "_soffice", lambda: None)
    assert docx_to_pdf(b"not read") is None


# --- PDF with LibreOffice ----------------------------------------------------------------------------


@pytest.mark.skipif(official._soffice() is None, reason="LibreOffice is not installed")
def test_pdf_has_the_banner_on_every_page_and_every_table_row(draft_bytes):
    pdf = docx_to_pdf(draft_bytes)
    assert pdf is not None and pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: PDF text not checked")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60)
    pages = [p for p in out.stdout.decode("utf-8").split("\f") if p.strip()]
    assert len(pages) >= 2
    for page in pages:
        assert BANNER in page
    whole = "\n".join(pages)
    for i in range(ROWS):
        assert f"Hạng mục số {i + 1} " in whole + " "
    # page numbers: none on page 1, "2" alone on a line at the top of page 2
    assert "2" in [line.strip() for line in pages[1].splitlines()[:4]]
    assert "1" not in [line.strip() for line in pages[0].splitlines()[:4]]
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Nơi nhận:", "GIÁM ĐỐC", SUMMARY):
        assert line in whole
