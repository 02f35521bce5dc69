"""The explanatory report the DIC submits (issue 13): official form, findings answered one by one, draft until real.

The .docx is read back with python-docx; the PDF (when LibreOffice is installed) with pdftotext.
Utilisation on the scheduled basis is checked against a 12-month case worked by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from conftest import SCENARIOS
from costmodel import evaluate, parse_scenario
from costmodel.audit import UsageError, has_schedule, is_sample_usage, parse_usage, read_usage, retrospective
from costmodel.contract import ContractError, parse_contract, read_contract
from costmodel.findings import read_findings
from costmodel.problems import InputError
from costmodel.reports import official
from costmodel.reports.explanatory import DraftError, ExplanatoryInputs, explanatory_report
from costmodel.reports.official import docx_text
from costmodel.reports.vocabulary import billions, entries, term
from reader_scan import scan

BANNER = "DỰ THẢO — số liệu hợp đồng và số liệu sử dụng là giả định"
SUMMARY = "Giải trình việc thuê hệ thống hội nghị truyền hình trực tuyến và đề xuất phương án mở rộng hệ thống"
PAST_IDS = ("PAST-POINTS", "PAST-RENT", "PAST-SETUP")
GENERATED = dt.date(2024, 4, 25)
CONDITIONAL = (
    "Trường hợp sắp xếp đơn vị hành chính (giả định): nếu trong giai đoạn 2024–2028 tỉnh được sắp xếp, "
    "hợp nhất với đơn vị hành chính khác và không còn cấp huyện"
)
FACT = "Từ ngày 01/07/2025, tỉnh Bà Rịa - Vũng Tàu hợp nhất vào Thành phố Hồ Chí Minh và không còn cấp huyện"

FINDINGS_HEAD = (
    "id,issued_by,document,finding,recommendation,explanation,remedy,owner,deadline,status,answered_by,cause,responsibility\n"
)
FINDINGS = FINDINGS_HEAD + (
    'KTNN-A1,KTNN,"Thông báo kết quả kiểm toán số 12/TB-KTNN ngày 05/02/2023","Chưa so sánh thuê và đầu tư.",'
    '"So sánh các phương án.","Đã so sánh ba phương án.","Trình phương án mở rộng.",Sở Thông tin và Truyền thông,'
    "2024-04-30,in_progress,retrospective;options,Chưa có quy định phải so sánh phương án trước khi thuê.,Sở Thông tin và Truyền thông\n"
    'KTNN-A2,KTNN,"Thông báo kết quả kiểm toán số 12/TB-KTNN ngày 05/02/2023","Giá thuê chưa được thẩm định.",'
    '"Thẩm định giá.","Đã nêu nguồn từng đơn giá.","Gửi Sở Tài chính thẩm định.",Sở Tài chính,2024-06-30,open,'
    "price_basis;peers,Hồ sơ thuê lập theo báo giá của một nhà cung cấp.,Sở Thông tin và Truyền thông\n"
    'TTT-B1,TTT,"Kết luận thanh tra số 34/KL-TTr ngày 10/03/2023","Sử dụng thấp.","Đánh giá nhu cầu.",'
    '"Đã tính tỷ lệ sử dụng trên hai cơ sở.","Cập nhật nhật ký sử dụng.",Sở Thông tin và Truyền thông,2024-05-31,done,'
    "retrospective,Số điểm cầu thuê theo thiết kế ban đầu.,Sở Thông tin và Truyền thông\n"
    'TTT-B2,TTT,"Kết luận thanh tra số 34/KL-TTr ngày 10/03/2023","Thiếu điều khoản sở hữu, chấm dứt.",'
    '"Bổ sung điều khoản.","Hợp đồng đã quy định, xem mục III.","Đưa điều khoản vào hợp đồng mới.",'
    "Sở Thông tin và Truyền thông,2024-06-30,in_progress,ownership;termination;restructuring,Mẫu hợp đồng của nhà cung cấp.,Sở Thông tin và Truyền thông\n"
)
CONTRACT = """
[contract]
title = "Hợp đồng thuê dịch vụ hội nghị truyền hình trực tuyến"
number = "15/2021/HĐ-STTTT"
date = "2021-06-20"
provider = "Công ty Thử nghiệm"
ownership_of_equipment = "Thiết bị đầu cuối thuộc sở hữu của nhà cung cấp; nhà cung cấp thu hồi khi hết hạn"
ownership_of_data = "Dữ liệu thuộc sở hữu của Sở; nhà cung cấp bàn giao trong 30 ngày"
termination_notice = "Mỗi bên báo trước 60 ngày"
termination_fee = "Không có phí chấm dứt"
exit_assistance = "Nhà cung cấp hỗ trợ chuyển giao trong 30 ngày"
source = "Điều 7, Điều 9 và Điều 12 của Hợp đồng"

[[documents]]
role = "request"
kind = "Thông báo"
number = "145/TB-UBND"
date = "2024-04-15"
issuer = "Văn phòng Ủy ban nhân dân tỉnh"
subject = "Kết luận của Phó Chủ tịch Ủy ban nhân dân tỉnh"
content = "có báo cáo giải trình cụ thể, báo cáo UBND tỉnh trong tháng 04/2024"

[[documents]]
role = "basis"
kind = "Văn bản"
number = "6104/UBND-VP"
date = "2021-06-02"
issuer = "Ủy ban nhân dân tỉnh"
subject = "Tổ chức họp trực tuyến"
content = "tổ chức họp trực tuyến phục vụ lãnh đạo tỉnh"
"""


# --- fixtures ------------------------------------------------------------------------------------------


def shipped_inputs(**changes) -> ExplanatoryInputs:
    """The shipped files, with the earlier contract's own figures treated as placeholders (as the register will flag them)."""
    return ExplanatoryInputs.from_folder(SCENARIOS, placeholder_ids=PAST_IDS, generated=GENERATED, **changes)


def register_copy(folder: Path, flagged: tuple[str, ...] = ()) -> Path:
    """The shipped register with its ``placeholder`` column set to ``yes`` exactly on ``flagged``."""
    with (SCENARIOS / "assumptions.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        columns = list(reader.fieldnames or [])
    if "placeholder" not in columns:
        columns.append("placeholder")
    for row in rows:
        row["placeholder"] = "yes" if row["id"] in flagged else ""
    path = folder / "assumptions.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def complete_inputs(folder: Path, findings: str = FINDINGS, **changes) -> ExplanatoryInputs:
    """Inputs without any placeholder: real-looking findings, a usage log, the contract's terms, no register flag."""
    if "register" not in changes:
        changes["register"] = register_copy(folder)
    (folder / "findings.csv").write_text(findings, encoding="utf-8")
    usage = (SCENARIOS / "video-conferencing-past-rental-usage.csv").read_text(encoding="utf-8")
    (folder / "usage.csv").write_text(usage.replace("dữ liệu mẫu (giả định)", "nhật ký hệ thống"), encoding="utf-8")
    (folder / "contract.toml").write_text(CONTRACT, encoding="utf-8")
    return ExplanatoryInputs.from_folder(
        SCENARIOS,
        findings=folder / "findings.csv",
        usage=folder / "usage.csv",
        contract=folder / "contract.toml",
        generated=GENERATED,
        switching=False,
        **changes,
    )


@pytest.fixture(scope="module")
def shipped():
    return explanatory_report(shipped_inputs(), lang="vi", pdf=False)


@pytest.fixture(scope="module")
def shipped_doc(shipped):
    return docx.Document(io.BytesIO(shipped.docx))


@pytest.fixture(scope="module")
def complete(tmp_path_factory):
    return explanatory_report(complete_inputs(tmp_path_factory.mktemp("complete")), final=True, lang="vi", pdf=False)


def body_paragraphs(document) -> list[str]:
    """Text of every paragraph of the body in document order, table cells included."""
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]


def top_paragraphs(document) -> list[str]:
    """Paragraphs of the body outside tables."""
    return [p.text for p in document.paragraphs]


def findings_table(document, n_columns: int = 10):
    head = [
        term(f"findings.col.{k}", "vi") for k in ("id", "finding", "recommendation", "cause", "responsibility", "explanation")
    ]
    for table in document.tables:
        cells = [c.text for c in table.rows[0].cells]
        if len(cells) == n_columns and cells[:6] == head:
            return table
    raise AssertionError("no findings table")


# --- the official form ---------------------------------------------------------------------------------


def test_components_of_the_official_form_in_order(shipped_doc):
    texts = body_paragraphs(shipped_doc)
    headings = [
        f"{n}. {term(k, 'vi')}"
        for n, k in zip(
            ("I", "II", "III", "IV", "V", "VI", "VII"),
            (
                "expl.h_context",
                "expl.h_findings",
                "expl.h_retrospective",
                "expl.h_options",
                "expl.h_peers",
                "expl.h_restructuring",
                "expl.h_proposal",
            ),
            strict=True,
        )
    ]
    expected = [
        "UBND TỈNH BÀ RỊA - VŨNG TÀU",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: ……/BC-STTTT",
        "Bà Rịa - Vũng Tàu, ngày …… tháng …… năm ……",
        "BÁO CÁO",
        SUMMARY,
        "Kính gửi: Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu.",
        term("expl.draft_heading", "vi"),
        *headings,
        "Nơi nhận:",
        "- Như trên;",
        "- Kiểm toán Nhà nước;",
        "- Thanh tra tỉnh;",
        "- Sở Tài chính;",
        "- Lưu: VT.",
        "GIÁM ĐỐC",
        "……",
        "Phụ lục I",
        term("expl.appendix_title", "vi"),
    ]
    positions = []
    for item in expected:
        start = positions[-1] + 1 if positions else 0
        found = [i for i, t in enumerate(texts) if t == item and i >= start]
        assert found, f"{item!r} not found after position {start}: {texts[start : start + 8]}"
        positions.append(found[0])
    # the opening cites the request in full, with what is missing of it
    opening = next(t for t in top_paragraphs(shipped_doc) if t.startswith("Thực hiện "))
    assert "Thông báo số …/TB-UBND ngày ……/04/2024 của Văn phòng Ủy ban nhân dân tỉnh" in opening
    assert "(cần bổ sung số, ngày văn bản)" in opening


def test_parameters_of_the_document(tmp_path):
    inputs = complete_inputs(
        tmp_path,
        signer=official.Signer("PHÓ GIÁM ĐỐC", "Nguyễn Văn Ký", authority="KT. GIÁM ĐỐC"),
        number=25,
        date=dt.date(2024, 4, 29),
        recipients=["Kiểm toán Nhà nước khu vực XIII", "Thanh tra tỉnh"],
    )
    texts = body_paragraphs(docx.Document(io.BytesIO(explanatory_report(inputs, final=True, lang="vi", pdf=False).docx)))
    for line in (
        "Số: 25/BC-STTTT",
        "Bà Rịa - Vũng Tàu, ngày 29 tháng 4 năm 2024",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn Ký",
        "- Kiểm toán Nhà nước khu vực XIII;",
        "(Kèm theo Báo cáo số 25/BC-STTTT ngày 29 tháng 4 năm 2024 của Sở Thông tin và Truyền thông)",
    ):
        assert line in texts


def test_page_setup_a4_margins_and_font(shipped_doc):
    orientations = set()
    for section in shipped_doc.sections:
        landscape = section.orientation == WD_ORIENT.LANDSCAPE
        orientations.add(landscape)
        width, height = (297, 210) if landscape else (210, 297)
        assert section.page_width.mm == pytest.approx(width, abs=0.1)
        assert section.page_height.mm == pytest.approx(height, abs=0.1)
        assert section.top_margin.mm == pytest.approx(20, abs=0.1)
        assert section.bottom_margin.mm == pytest.approx(20, abs=0.1)
        assert section.left_margin.mm == pytest.approx(30, abs=0.1)
        assert section.right_margin.mm == pytest.approx(15, abs=0.1)
    assert shipped_doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert orientations == {False, True}  # the findings table and the estimate on landscape pages
    styles = shipped_doc.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    for name in ("Normal", "Body Text", "Heading 1", "Heading 2", "Caption"):
        assert styles[name].font.name == "Times New Roman"
    assert 13 <= styles["Body Text"].font.size.pt <= 14


def test_tables_are_real_tables_and_charts_are_embedded(shipped_doc):
    assert len(shipped_doc.tables) >= 15
    assert len(shipped_doc.inline_shapes) == 2  # the audit chart and the cumulative cost chart
    for shape in shipped_doc.inline_shapes:
        assert shape.width.mm <= official.TEXT_WIDTH_MM + 0.1
    texts = body_paragraphs(shipped_doc)
    assert any(t.startswith("Hình 1. ") for t in texts) and any(t.startswith("Hình 2. ") for t in texts)


# --- findings answered one by one -------------------------------------------------------------------------


def test_findings_table_one_row_per_finding_and_one_paragraph_each(tmp_path):
    report = explanatory_report(complete_inputs(tmp_path), final=True, lang="vi", pdf=False)
    document = docx.Document(io.BytesIO(report.docx))
    findings = read_findings(tmp_path / "findings.csv")
    table = findings_table(document)
    assert len(table.rows) == 1 + len(findings)
    for row, f in zip(table.rows[1:], findings.itertuples(index=False), strict=True):
        cells = [c.text for c in row.cells]
        assert cells[0].startswith(f.id)
        assert cells[1] == f.finding and cells[3] == f.cause and cells[4] == f.responsibility and cells[5] == f.explanation
        assert cells[9] == term(f"findings.status.{f.status}", "vi")  # statuses in Vietnamese
    paragraphs = top_paragraphs(document)
    for f in findings.itertuples(index=False):
        mine = [p for p in paragraphs if p.startswith(f"{f.id} (")]
        assert len(mine) == 1, f.id
        assert f.finding.rstrip(".") in mine[0]
        assert f"Nguyên nhân: {f.cause.rstrip('.')}." in mine[0] and f"Trách nhiệm: {f.responsibility}." in mine[0]
        assert "Phần phân tích trả lời: " in mine[0]
    by_id = {p.split(" ", 1)[0]: p for p in paragraphs if re.match(r"^(KTNN|TTT)-[AB]\d \(", p)}
    # each paragraph points to its analyses with their numbers
    assert "mục III.1, III.2" in by_id["KTNN-A1"] and "tỷ đồng" in by_id["KTNN-A1"] and "mục IV.1" in by_id["KTNN-A1"]
    assert "mục IV.3" in by_id["KTNN-A2"] and "triệu đồng/điểm cầu" in by_id["KTNN-A2"]
    assert "Mỗi bên báo trước 60 ngày" in by_id["TTT-B2"] and "Dữ liệu thuộc sở hữu của Sở" in by_id["TTT-B2"]


def test_every_audit_question_is_answered_or_marked_to_supply(shipped_doc, complete):
    questions = term("expl.questions_table", "vi")

    def table_after(document, caption):
        body = list(document.element.body.iterchildren())
        for i, el in enumerate(body):
            if el.tag == qn("w:p") and caption in "".join(t.text or "" for t in el.iter(qn("w:t"))):
                nxt = next(x for x in body[i + 1 :] if x.tag == qn("w:tbl"))
                return docx.table.Table(nxt, document._body)
        raise AssertionError(caption)

    shipped_rows = [[c.text for c in r.cells] for r in table_after(shipped_doc, questions).rows[1:]]
    assert len(shipped_rows) == 6
    answers = {r[1]: r[3] for r in shipped_rows}
    assert answers[term("expl.q.ownership", "vi")].startswith("Cần bổ sung: ")
    assert answers[term("expl.q.termination", "vi")].startswith("Cần bổ sung: ")
    complete_doc = docx.Document(io.BytesIO(complete.docx))
    done = {r.cells[1].text: r.cells[3].text for r in table_after(complete_doc, questions).rows[1:]}
    assert done[term("expl.q.ownership", "vi")] == term("expl.q_answered", "vi")
    assert not any(v.startswith("Cần bổ sung") for v in done.values())


def test_findings_without_explanation_say_to_supply(tmp_path):
    text = FINDINGS_HEAD + 'X-1,TTT,"Kết luận số 1/KL-TTr ngày 01/02/2023",Sử dụng thấp.,Đánh giá.,,,,,needs_data,\n'
    inputs = complete_inputs(tmp_path, findings=text)
    report = explanatory_report(inputs, lang="vi", pdf=False)
    paragraph = next(p for p in top_paragraphs(docx.Document(io.BytesIO(report.docx))) if p.startswith("X-1 ("))
    assert "Giải trình: cần bổ sung." in paragraph and "Phần phân tích trả lời: cần bổ sung" in paragraph
    assert {p.where for p in report.placeholders} == {"line 2"}
    with pytest.raises(DraftError) as info:
        explanatory_report(inputs, final=True, lang="vi", pdf=False)
    assert len(info.value.problems) == 6  # cause, responsibility, explanation, remedy, owner, deadline


# --- draft until real ---------------------------------------------------------------------------------------


def test_shipped_placeholders_put_the_banner_in_every_section_header(shipped, shipped_doc):
    assert shipped.draft
    for section in shipped_doc.sections:
        headers = [section.header] + ([section.first_page_header] if section.different_first_page_header_footer else [])
        for header in headers:
            assert BANNER in "\n".join(p.text for p in header.paragraphs)
    texts = body_paragraphs(shipped_doc)
    # the summary lists each placeholder with what must replace it
    summary = "\n".join(texts[texts.index(term("expl.draft_heading", "vi")) : texts.index("I. Bối cảnh")])
    for rid in PAST_IDS:
        assert f"mã {rid}" in summary
    for words in ("video-conferencing-past-rental-usage.csv", "audit-findings.csv", "past-rental-contract.toml"):
        assert words in summary
    # placeholder figures are labelled assumed, never published
    past = next(t for t in shipped_doc.tables if t.rows[0].cells[-1].text == term("expl.col_kind", "vi"))
    kinds = [r.cells[-1].text for r in past.rows[1:]]
    assert kinds and all(k == term("expl.kind_placeholder", "vi") for k in kinds)
    assert "công bố" not in " ".join(kinds)
    assert "Giá trị công bố" not in "\n".join(t for t in texts if "Tổng tiền thuê" in t)


def test_final_with_the_shipped_placeholders_lists_every_one():
    with pytest.raises(DraftError) as info:
        explanatory_report(shipped_inputs(), final=True, lang="vi", pdf=False)
    problems = info.value.problems
    assert isinstance(info.value, InputError)
    register = {p.path for p in problems if p.file == "assumptions.csv"}
    assert register == set(PAST_IDS)
    assert [p.path for p in problems if p.file == "video-conferencing-past-rental-usage.csv"] == ["lines 2-37"]
    sample_lines = {p.path for p in problems if p.file == "audit-findings.csv" and "dữ liệu mẫu" in p.message}
    assert sample_lines == {f"line {n}" for n in range(2, 8)}
    contract = {p.path for p in problems if p.file == "past-rental-contract.toml"}
    for key in (
        "contract.placeholder",
        "contract.ownership_of_equipment",
        "contract.ownership_of_data",
        "contract.termination_notice",
        "contract.termination_fee",
        "contract.exit_assistance",
        "documents[1].number",
    ):
        assert key in contract
    assert all(str(p).startswith(p.file + ": ") for p in problems)


def test_register_placeholder_flag_is_read(tmp_path):
    inputs = complete_inputs(tmp_path, register=register_copy(tmp_path, flagged=("PAST-RENT",)))
    with pytest.raises(DraftError) as info:
        explanatory_report(inputs, final=True, lang="vi", pdf=False)
    assert [p.path for p in info.value.problems] == ["PAST-RENT"]
    assert "6.000.000 đồng/điểm cầu/tháng" in info.value.problems[0].message


def test_final_without_placeholders_has_no_banner(complete):
    assert not complete.draft and complete.placeholders == ()
    document = docx.Document(io.BytesIO(complete.docx))
    text = docx_text(complete.docx)
    assert "DỰ THẢO" not in text and "DỮ LIỆU MẪU" not in text
    for section in document.sections:
        assert BANNER not in "\n".join(p.text for p in section.header.paragraphs)
    assert term("expl.draft_heading", "vi") not in top_paragraphs(document)
    for words in ("15/2021/HĐ-STTTT", "Công ty Thử nghiệm", "Điều 7, Điều 9 và Điều 12 của Hợp đồng", "Thông báo số 145/TB-UBND"):
        assert words in text


def test_same_inputs_same_bytes(tmp_path):
    inputs = complete_inputs(tmp_path)
    assert explanatory_report(inputs, lang="vi", pdf=False).docx == explanatory_report(inputs, lang="vi", pdf=False).docx


# --- no engine notation ---------------------------------------------------------------------------------------


def test_reader_scan_finds_nothing(shipped, complete, tmp_path):
    (tmp_path / "shipped.docx").write_bytes(shipped.docx)
    (tmp_path / "shipped.html").write_text(shipped.html, encoding="utf-8")
    (tmp_path / "complete.docx").write_bytes(complete.docx)
    result = scan(tmp_path, SCENARIOS)
    assert result.files == 3
    assert result.count == 0, result.report()


def test_vocabulary_keys_are_in_one_file_only():
    table = entries()
    mine = table[table["file"] == "explanatory.csv"]
    assert len(mine) > 100 and mine["key"].str.startswith("expl.").all()
    assert table["key"].is_unique


# --- time frame -------------------------------------------------------------------------------------------------


def test_before_the_merger_it_appears_only_in_the_conditional(shipped_doc):
    paragraphs = top_paragraphs(shipped_doc)
    text = "\n".join(body_paragraphs(shipped_doc))
    assert "Thành phố Hồ Chí Minh" not in text and "202/2025/QH15" not in text
    conditional = [p for p in paragraphs if p.startswith(CONDITIONAL)]
    assert len(conditional) == 1
    for words in ("hợp nhất", "không còn cấp huyện"):
        holding = [p for p in body_paragraphs(shipped_doc) if words in p]
        assert holding == conditional, words
    assert "VI. Trường hợp sắp xếp đơn vị hành chính (giả định)" in paragraphs
    assert FACT not in text


def test_after_the_merger_it_may_be_stated_as_fact(tmp_path):
    inputs = complete_inputs(tmp_path, as_of=dt.date(2025, 12, 31))
    text = docx_text(explanatory_report(inputs, final=True, lang="vi", pdf=False).docx)
    assert FACT in text
    assert CONDITIONAL not in text


def test_as_of_and_generation_dates_are_separate(shipped_doc):
    line = next(p for p in top_paragraphs(shipped_doc) if p.startswith("Báo cáo được lập theo tình hình"))
    assert "đến ngày 30/04/2024" in line and "tính toán ngày 25/04/2024" in line


def test_figures_published_after_the_as_of_date_are_said_so(shipped_doc):
    text = "\n".join(body_paragraphs(shipped_doc))
    # the CPI of 2024 (published 06/01/2025) brings the peers to 2024 prices: said next to the figures
    assert "Chỉ số giá tiêu dùng năm 2024 được công bố ngày 06/01/2025, sau thời điểm số liệu (30/04/2024)" in text
    # the FX rate of 31/12/2024 (EC9) behind USD prices
    assert "giá cập nhật năm 2024 (EC9: nguồn ngày 31/12/2024)" in text
    # a derived figure is as recent as its ingredients: the staff cost (STAFF-CIVIL) is computed from the pay scale
    # (PAY-A1-LOADED), itself from the base salary in force from 01/07/2024 (PAY-BASE-2024, source of 05/07/2024)
    assert "STAFF-CIVIL (nguồn ngày 05/07/2024, số liệu cập nhật năm 2024)" in text
    assert "giá cập nhật năm 2024 (STAFF-CIVIL: nguồn ngày 05/07/2024)" in text
    # an assumption citing a later statistic as its reason is not an updated figure (flat prices, the 2024 CPI)
    assert "PRICE-FLAT (nguồn ngày" not in text
    # one year of the index: "năm 2024", not "các năm 2024"
    assert "các năm 2024 được công bố" not in text


# --- PDF ------------------------------------------------------------------------------------------------------


@pytest.mark.skipif(official._soffice() is None, reason="LibreOffice is not installed")
def test_pdf_has_every_findings_row(tmp_path):
    report = explanatory_report(complete_inputs(tmp_path), final=True, lang="vi", pdf=True)
    assert report.pdf is not None and report.pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: PDF text not checked")
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=report.pdf, capture_output=True, check=True, timeout=60)
    pages = out.stdout.decode("utf-8").split("\f")
    caption = term("expl.findings_table", "vi")
    first = next(i for i, p in enumerate(pages) if caption in p)
    last = next(i for i, p in enumerate(pages) if term("expl.h_findings_each", "vi") in p)
    table_text = "\n".join(pages[first:last])
    ids = read_findings(tmp_path / "findings.csv")["id"].tolist()
    rows = [line for line in table_text.splitlines() if re.match(r"^\s*(KTNN|TTT)-[AB]\d\b", line)]
    assert [re.match(r"^\s*(\S+)", r).group(1) for r in rows] == ids
    whole = "\n".join(pages)
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Nơi nhận:", "Kính gửi: Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu."):
        assert line in whole
    assert "DỰ THẢO" not in whole


@pytest.mark.skipif(official._soffice() is None or shutil.which("pdftotext") is None, reason="LibreOffice or poppler absent")
def test_the_shipped_draft_pdf_has_no_blank_page():
    # a page with only the draft banner and its number (a reviewer found one after the landscape findings table)
    report = explanatory_report(shipped_inputs(), lang="vi", pdf=True)
    out = subprocess.run(["pdftotext", "-", "-"], input=report.pdf, capture_output=True, check=True, timeout=60)
    pages = [p for p in out.stdout.decode("utf-8").split("\f") if p.strip()]
    banner = len(term("official.draft_banner", "vi").split())  # the header of every page, and its number
    thin = [i + 1 for i, p in enumerate(pages) if len(p.split()) <= banner + 2]
    assert not thin, f"pages with only the header: {thin}"


# --- utilisation on a stated basis --------------------------------------------------------------------------------

PAST = {
    "scenario": {"title": "12 months", "start_year": 2024, "end_year": 2024, "discount_rate": 0.0, "unit_driver": "points"},
    "drivers": {"points": {"values": {"2024": 10}}},
    "options": [
        {
            "id": "rent",
            "name": "Rent",
            "items": [{"name": "points", "category": "service", "price": 5_000_000, "per": "month", "quantity": "points"}],
        },
        {"id": "buy", "name": "Buy", "items": [{"name": "mcu", "category": "equipment", "price": 300_000_000, "per": "once"}]},
    ],
}


def _usage(scheduled: bool) -> str:
    head = (
        "month,meetings_scheduled,meetings,points_attending,hours\n" if scheduled else "month,meetings,points_attending,hours\n"
    )
    rows = []
    for m in range(1, 13):
        sched, held, points = (5, 4, 8) if m <= 6 else ((4, 4, 6) if m <= 11 else ("", 3, 9))
        rows.append(f"2024-{m:02d}," + (f"{sched}," if scheduled else "") + f"{held},{points},2\n")
    return head + "".join(rows)


def test_utilisation_against_the_schedule_by_hand():
    audit = retrospective(evaluate(parse_scenario(PAST)), parse_usage(_usage(True)))
    v = audit.value
    # months 1-6: 5 scheduled, 4 held, 8 points; months 7-11: 4 scheduled, 4 held, 6 points; month 12: schedule unknown
    assert v("meetings_scheduled") == 6 * 5 + 5 * 4  # 50
    assert v("scheduled_months") == 11
    assert v("meetings_held_scheduled_months") == 6 * 4 + 5 * 4  # 44
    assert v("meetings_held_share") == pytest.approx(44 / 50)  # 88 %
    # point attendances 6 x 4 x 8 + 5 x 4 x 6 = 312, against 50 scheduled meetings x 10 points paid = 500
    assert v("utilisation_scheduled") == pytest.approx(312 / 500)  # 62.4 %
    # the capacity basis keeps its meaning: (192 + 120 + 27) x 2 h = 678 point-hours of 10 x 12 x 176 = 21,120
    assert v("point_hours_used") == 678
    assert v("utilisation") == pytest.approx(678 / 21_120)
    year = audit.usage_by_year.iloc[0]
    assert year["meetings_scheduled"] == 50 and year["utilisation_scheduled"] == pytest.approx(0.624)


def test_usage_files_without_the_schedule_still_work():
    usage = parse_usage(_usage(False))
    assert not has_schedule(usage) and usage["meetings_scheduled"].isna().all()
    audit = retrospective(evaluate(parse_scenario(PAST)), usage)
    assert "meetings_scheduled" not in set(audit.metrics["metric"])
    assert "meetings_scheduled" not in audit.usage_by_year.columns
    assert audit.value("utilisation") == pytest.approx(678 / 21_120)
    with_schedule = retrospective(evaluate(parse_scenario(PAST)), parse_usage(_usage(True)))
    common = audit.metrics.merge(with_schedule.metrics, on="metric")
    assert (common["value_x"] == common["value_y"]).all()  # the scheduled basis adds rows, changes none


def test_bad_schedule_values_name_their_line():
    bad = "month,meetings_scheduled,meetings,points_attending,hours\n2024-01,2.5,2,3,1\n2024-02,-1,2,3,1\n2024-03,,2,3,1\n"
    with pytest.raises(UsageError) as info:
        parse_usage(bad, "u.csv")
    assert [str(p) for p in info.value.problems] == [
        "u.csv: line 2: meetings_scheduled must be a whole number >= 0 or empty (got '2.5')",
        "u.csv: line 3: meetings_scheduled must be a whole number >= 0 or empty (got '-1')",
    ]


def test_shipped_usage_has_a_schedule_and_is_sample():
    usage = read_usage(SCENARIOS / "video-conferencing-past-rental-usage.csv")
    assert has_schedule(usage) and is_sample_usage(usage)
    assert (usage["meetings_scheduled"] >= usage["meetings"]).all()


def test_utilisation_basis_written_next_to_each_figure(shipped_doc):
    texts = top_paragraphs(shipped_doc)
    scheduled = next(t for t in texts if t.startswith("- So với lịch họp: "))
    capacity = next(t for t in texts if t.startswith("- So với năng lực đã trả tiền: "))
    assert "cơ sở: mỗi cuộc họp theo lịch có đủ 18 điểm cầu đã thuê tham dự" in scheduled
    assert "648 điểm cầu-tháng đã trả tiền × 176 giờ mỗi điểm cầu-tháng (22 ngày làm việc × 8 giờ, giả định)" in capacity
    for line in (scheduled, capacity):
        assert line.endswith("(số liệu sử dụng là dữ liệu mẫu).")


# --- the contract file ----------------------------------------------------------------------------------------------


def test_shipped_contract_file_invents_nothing():
    contract = read_contract(SCENARIOS / "past-rental-contract.toml")
    assert contract.placeholder
    assert all(not v for v in contract.terms.values())
    assert not contract.fields["number"] and not contract.fields["provider"]
    request = contract.documents_by_role("request")
    assert len(request) == 1 and not request[0].complete


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[contract]\nowner = 'x'\n", "contract.owner: unknown key"),
        ("[contract]\ndate = '2021-13-01'\n", "contract.date: must be a date"),
        ("[contract]\nplaceholder = 'yes'\n", "contract.placeholder: must be true or false"),
        ("[contract]\nsource = 7\n", "contract.source: must be text"),
        ("[[documents]]\nrole = 'request'\nkind = 'A'\n[[documents]]\nrole = 'request'\nkind = 'B'\n", "only one document"),
        ("[[documents]]\nrole = 'x'\nkind = 'A'\n", "documents[1].role: must be one of request, basis, other"),
        ("[[documents]]\nrole = 'basis'\n", "documents[1].kind: is empty"),
        ("[other]\n", "other: unknown table"),
        ("not toml = \n", "not a TOML file"),
    ],
)
def test_bad_contract_files(text, message):
    with pytest.raises(ContractError) as info:
        parse_contract(text, "c.toml")
    assert any(message in str(p) for p in info.value.problems), [str(p) for p in info.value.problems]


def test_cli_report_final_refuses_with_every_placeholder_and_writes_nothing(tmp_path, capsys):
    """`costmodel report --final` on the shipped files: exit 2, one line per placeholder, no output folder."""
    import shutil

    from costmodel.cli import main

    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in (
        "video-conferencing.toml",
        "video-conferencing-past-rental.toml",
        "video-conferencing-past-rental-usage.csv",
        "video-conferencing-restructuring.toml",
        "audit-findings.csv",
        "past-rental-contract.toml",
        "assumptions.csv",
        "peer-costs.csv",
        "price-index.csv",
    ):
        shutil.copy(SCENARIOS / name, folder)
    out = tmp_path / "reports"
    assert main(["report", "--scenarios", str(folder), "-o", str(out), "--no-notebooks", "--final"]) == 2
    err = capsys.readouterr().err
    for rid in PAST_IDS:
        assert f"assumptions.csv: {rid}: " in err
    assert "audit-findings.csv: line 2: " in err and "past-rental-contract.toml: contract.ownership_of_data: " in err
    assert "--final refused" in err and "Traceback" not in err
    assert not out.exists()


def test_last_appendix_lists_every_abbreviation_the_report_uses(shipped_doc):
    # reader-standards §1: an abbreviation a reader meets is explained once; Vietnamese reports list them in a
    # "Danh mục chữ viết tắt"
    texts = body_paragraphs(shipped_doc)
    start = texts.index("Phụ lục II")
    assert texts[start + 1] == term("expl.abbr_title", "vi")
    table = shipped_doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [term("expl.abbr_col_abbr", "vi"), term("expl.abbr_col_meaning", "vi")]
    listed = [row.cells[0].text for row in table.rows[1:]]
    assert listed == sorted(listed, key=str.casefold)
    assert {"FTE", "GTGT", "MCU", "STT", "UBND", "vCPU"} <= set(listed)
    assert table.rows[1 + listed.index("MCU")].cells[1].text.startswith("Thiết bị điều khiển đa điểm")
    assert "KTNN" not in listed  # only inside finding ids (KTNN-01): a reference, not a word of the text
    # every word of two or more capitals standing on its own in the document (outside all-capital headings)
    # is listed, or is a Roman numeral, or a name
    words = set()
    for paragraph in texts[:start]:
        if paragraph != paragraph.upper():
            words |= set(re.findall(r"(?<![\w&/-])([A-Za-z]*[A-Z][a-z]*[A-Z][A-Za-z]*)(?![\w&/-])", paragraph))
    roman = {w for w in words if re.fullmatch(r"[IVXLC]+", w)}
    names = {"VNPT", "VT"}  # a company; "Lưu: VT" (văn thư) is Decree 30's own form
    assert {w for w in words if w.isascii()} - roman - names - set(listed) == set()


def test_funding_request_leaves_out_existing_staff_pay(shipped_doc):
    # The budget table's total compares the options and includes the pay of civil servants already employed
    # (category staff); the request to the budget is the total less that pay (a reviewer's finding: the 2024
    # need of 11,10 tỷ đồng overstated the request by the hybrid's 202.719.348 đồng of existing salaries).
    def whole(text: str) -> int:
        return int(text.replace(".", ""))

    table = next(t for t in shipped_doc.tables if any(r.cells[0].text == term("wb.request_total", "vi") for r in t.rows))
    rows = [[c.text for c in r.cells] for r in table.rows]
    requests = [i for i, r in enumerate(rows) if r[0] == term("wb.request_total", "vi")]
    assert len(requests) == 3  # every option has staff lines
    for i in requests:
        total, pay, request = rows[i - 2], rows[i - 1], rows[i]
        assert total[0] == "Tổng cộng" and pay[0] == term("wb.staff_within", "vi")
        for k in range(1, len(total)):
            assert whole(request[k]) == whole(total[k]) - whole(pay[k])
    # the hybrid's 2024 staff pay by hand: 1,5 technicians x 11.262.186 đồng a month (STAFF-CIVIL) x 12 months
    hybrid_pay = rows[requests[2] - 1]
    assert whole(hybrid_pay[1]) == 1.5 * 11_262_186 * 12 == 202_719_348
    proposal = next(t for t in top_paragraphs(shipped_doc) if "kinh phí đề nghị bố trí năm 2024 là" in t)
    first = billions(whole(rows[requests[2]][1]), "vi")
    assert f"kinh phí đề nghị bố trí năm 2024 là {first} (không gồm 202,7 triệu đồng tiền lương" in proposal


def test_the_counterfactual_purchase_is_itemised_and_adds_up(shipped_doc):
    # KTNN-01 asks what buying would have cost: the report shows each item (quantity, unit price, life, outlay,
    # residual) and its totals equal the comparison's (a reviewer could not check a lump sum)
    def whole(text: str) -> int:
        return int(text.replace(".", ""))

    table = next(t for t in shipped_doc.tables if t.rows[0].cells[-1].text == "Giá trị còn lại cuối năm 2023")
    rows = [[c.text for c in r.cells] for r in table.rows]
    items, total = rows[1:-1], rows[-1]
    assert [r[0] for r in items][:2] == ["Thiết bị điều khiển đa điểm (MCU)", "Hỗ trợ kỹ thuật và bản quyền MCU (15 %/năm)"]
    assert sum(whole(r[5]) for r in items) == whole(total[5])
    assert sum(whole(r[6]) for r in items if r[6] != "–") == whole(total[6])
    paid = next(t for t in shipped_doc.tables if any(r.cells[0].text == "Chi phí nếu mua sắm và tự vận hành" for r in t.rows))
    figures = {r.cells[0].text: r.cells[1].text for r in paid.rows}
    assert total[5] == figures["Chi phí nếu mua sắm và tự vận hành"]
    assert total[6] == figures["Giá trị còn lại của thiết bị nếu mua"]
    # the room endpoints: 18 points (the rented ones), life 5 years
    endpoint = next(r for r in items if r[0] == "Thiết bị đầu cuối phòng họp")
    assert endpoint[1] == "18" and endpoint[4] == "5"


def test_past_staff_cost_uses_the_base_salary_of_the_time(shipped_doc):
    # 2021-06/2023: base salary 1.490.000 (Decree 38/2019/NĐ-CP), from 07/2023: 1.800.000 (Decree 24/2023/NĐ-CP);
    # step 5 of the A1 scale (coefficient 3,66), loaded x 1,315 (PAY-A1-LOADED): 7.171.221 and 8.663.220 a month.
    # By hand: 30 months x 7.171.221 = 215.136.630; 6 months x 8.663.220 = 51.979.320 (no VAT on salaries).
    assert round(3.66 * 1_490_000 * 1.315) == 7_171_221 and round(3.66 * 1_800_000 * 1.315) == 8_663_220
    table = next(t for t in shipped_doc.tables if t.rows[0].cells[-1].text == "Giá trị còn lại cuối năm 2023")
    staff = {r.cells[0].text: r.cells[5].text for r in table.rows if r.cells[0].text.startswith("Kỹ thuật viên")}
    assert staff == {
        "Kỹ thuật viên vận hành (1 FTE), lương cơ sở 1.490.000 đồng": "215.136.630",
        "Kỹ thuật viên vận hành (1 FTE), lương cơ sở 1.800.000 đồng": "51.979.320",
    }
