"""The estimate (dự toán) in the appraiser's form, checked line by line against a hand calculation."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from conftest import make_scenario
from costmodel import ScenarioError, evaluate, parse_scenario
from costmodel.reports.estimate import estimate_frame, estimate_layout
from costmodel.reports.names import Names
from costmodel.reports.workbook import workbook_bytes
from test_reports import recalculate_with_libreoffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def small_scenario(contingency=None):
    """Two years, r = 0, VAT 10 % unless said otherwise.

    * A "Máy chủ" (equipment): 1.000 once in 2024, development investment;
    * B "Thuê đường truyền" (service): 200 a year, recurrent;
    * C "Nhân sự" (staff): 50 a year, no VAT, recurrent.
    """
    data = make_scenario(
        [
            {
                "id": "pa",
                "name": "Phương án thử",
                "items": [
                    {"name": "Máy chủ", "category": "equipment", "price": 1000, "per": "once", "budget": "investment"},
                    {"name": "Thuê đường truyền", "category": "service", "price": 200, "per": "year", "escalation": 0},
                    {"name": "Nhân sự", "category": "staff", "price": 50, "per": "year", "escalation": 0, "vat": 0},
                ],
            }
        ],
        end_year=2025,
        vat=0.10,
    )
    if contingency is not None:
        data["contingency"] = contingency
    return evaluate(parse_scenario(data))


def amounts(layout, title):
    """{part: {year: amount}} of the three lines that start with ``title``."""
    for i, row in enumerate(layout):
        if row.title == title and row.part == "before_vat":
            return {r.part: {**r.values, "total": r.total} for r in layout[i : i + 3]}
    raise AssertionError(f"no line {title!r}")


def test_estimate_by_hand_with_contingency():
    # contingency 10 % on equipment and service (not staff), by hand:
    #   A. Vốn đầu tư phát triển
    #     Máy chủ               2024: 1.000 + 100 VAT = 1.100;          2025: 0
    #     Dự phòng (10 %)       2024:   100 +  10     =   110;          2025: 0
    #     Cộng A                2024: 1.100 + 110     = 1.210;          2025: 0
    #   B. Kinh phí chi thường xuyên
    #     Thuê đường truyền     each year: 200 + 20 = 220
    #     Nhân sự               each year:  50 +  0 =  50
    #     Dự phòng (10 %)       each year:  20 +  2 =  22 (10 % of the service only)
    #     Cộng B                each year: 270 + 22 = 292; total 540 + 44 = 584
    #   Tổng cộng               2024: 1.370 + 132 = 1.502; 2025: 270 + 22 = 292; total 1.640 + 154 = 1.794
    result = small_scenario({"share": 0.10, "categories": ["equipment", "service"]})
    layout = estimate_layout(result, Names(result.scenario, "vi"))
    kit = amounts(layout, "Máy chủ")
    assert kit == {
        "before_vat": {2024: 1000, 2025: 0, "total": 1000},
        "vat": {2024: 100, 2025: 0, "total": 100},
        "nominal": {2024: 1100, 2025: 0, "total": 1100},
    }
    line = amounts(layout, "Thuê đường truyền")
    assert line["before_vat"] == {2024: 200, 2025: 200, "total": 400}
    assert line["vat"] == {2024: 20, 2025: 20, "total": 40}
    staff = amounts(layout, "Nhân sự")
    assert staff["vat"] == {2024: 0, 2025: 0, "total": 0} and staff["nominal"]["total"] == 100
    contingency = [r for r in layout if r.title == "Chi phí dự phòng (10,0\u00a0%)"]
    assert len(contingency) == 2  # one per budget source
    sub = [r for r in layout if r.kind == "subtotal"]
    sub_a = {r.part: r.values for r in sub[:3]}
    sub_b = {r.part: r.values for r in sub[3:]}
    assert sub_a["before_vat"] == {2024: 1100, 2025: 0} and sub_a["nominal"] == {2024: 1210, 2025: 0}
    assert sub_b["before_vat"] == {2024: 270, 2025: 270} and sub_b["vat"] == {2024: 22, 2025: 22}
    total = {r.part: (r.values, r.total) for r in layout if r.kind == "total"}
    assert total["before_vat"] == ({2024: 1370, 2025: 270}, 1640)
    assert total["vat"] == ({2024: 132, 2025: 22}, 154)
    assert total["nominal"] == ({2024: 1502, 2025: 292}, 1794)
    # the contingency is a cost like any other: in the ledger, the budget and the present value (r = 0)
    assert result.summary.loc[0, "pv_cost"] == pytest.approx(1794)
    led = result.ledger
    assert led.loc[led["kind"] == "contingency", "nominal"].sum() == pytest.approx(110 + 22 + 22)
    assert (result.budget.groupby("year")["nominal"].sum() == [1502, 292]).all()
    # and the text table shows the same lines in the reader's format
    # after the total: the existing staff's pay it includes (50 a year) and the funding requested, the rest,
    # by budget source: A 1.210 / 0 (no staff there); B 292 - 50 = 242 each year
    staff_row, request_row = [r for r in layout if r.kind in ("staff", "request")]
    assert staff_row.values == {2024: 50, 2025: 50} and request_row.values == {2024: 1502 - 50, 2025: 292 - 50}
    by_source = {r.budget: r.values for r in layout if r.kind == "request_source"}
    assert by_source == {"investment": {2024: 1210, 2025: 0}, "recurrent": {2024: 242, 2025: 242}}
    frame = estimate_frame(result, Names(result.scenario, "vi"))
    tail = [row[1:] for row in frame.iloc[-5:].values.tolist()]
    assert tail == [
        ["", "Đã có thuế GTGT", "1.502", "292", "1.794"],
        ["Trong đó: lương cán bộ hiện có (không đề nghị bổ sung)", "Đã có thuế GTGT", "50", "50", "100"],
        ["Kinh phí đề nghị bố trí", "Đã có thuế GTGT", "1.452", "242", "1.694"],
        ["– Vốn đầu tư phát triển", "Đã có thuế GTGT", "1.210", "0", "1.210"],
        ["– Kinh phí chi thường xuyên", "Đã có thuế GTGT", "242", "242", "484"],
    ]


def test_without_contingency_there_is_no_contingency_line():
    result = small_scenario()
    layout = estimate_layout(result, Names(result.scenario, "vi"))
    assert not any("dự phòng" in r.title.lower() for r in layout)
    assert not (result.ledger["kind"] == "contingency").any()
    total = {r.part: r.total for r in layout if r.kind == "total"}
    assert total == {"before_vat": 1000 + 400 + 100, "vat": 100 + 40, "nominal": 1640}


def test_contingency_rule_is_validated_with_key_paths():
    with pytest.raises(ScenarioError) as err:
        small_scenario({"share": 1.5, "categories": ["equipmen"]})
    text = str(err.value)
    assert "contingency.share: must be <= 1" in text
    with pytest.raises(ScenarioError) as err:
        small_scenario({"share": 0.1, "categories": ["equipmen"], "items": ["Không có"], "options": ["zz"]})
    text = str(err.value)
    assert "contingency.categories: unknown item category 'equipmen' (did you mean 'equipment'?)" in text
    assert "contingency.items: unknown item name 'Không có'" in text
    assert "contingency.options: unknown option 'zz'" in text
    with pytest.raises(ScenarioError, match="contingency.rate: unknown key"):
        small_scenario({"share": 0.1, "rate": 0.1})


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_estimate_sheet_formulas_recomputed_by_libreoffice_agree_with_the_hand_calculation(tmp_path):
    result = small_scenario({"share": 0.10, "categories": ["equipment", "service"]})
    path = tmp_path / "w.xlsx"
    path.write_bytes(workbook_bytes(result, "vi"))
    book = openpyxl.load_workbook(recalculate_with_libreoffice(path), data_only=True)
    rows = [r for r in book["Dự toán"].iter_rows(values_only=True)]
    by_title = {}
    for i, r in enumerate(rows):
        if r[2] == "Chưa có thuế GTGT":
            by_title.setdefault(r[1], []).append([rows[i + k][3:6] for k in range(3)])
    assert by_title["Máy chủ"][0] == [(1000, 0, 1000), (100, 0, 100), (1100, 0, 1100)]
    assert by_title["Cộng B"][0] == [(270, 270, 540), (22, 22, 44), (292, 292, 584)]
    assert by_title["Tổng cộng"][0] == [(1370, 270, 1640), (132, 22, 154), (1502, 292, 1794)]
    # the request row is a formula too: the total after VAT less the staff row (a SUMIF of the staff lines)
    wanted = (
        "Trong đó: lương cán bộ hiện có (không đề nghị bổ sung)",
        "Kinh phí đề nghị bố trí",
        "– Vốn đầu tư phát triển",
        "– Kinh phí chi thường xuyên",
    )
    found = {r[1]: r[3:6] for r in rows if r[1] in wanted}
    assert found == {
        "Trong đó: lương cán bộ hiện có (không đề nghị bổ sung)": (50, 50, 100),
        "Kinh phí đề nghị bố trí": (1452, 242, 1694),
        "– Vốn đầu tư phát triển": (1210, 0, 1210),  # Cộng A: no staff there
        "– Kinh phí chi thường xuyên": (242, 242, 484),  # Cộng B less the staff line's SUMIF
    }


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_the_appraiser_changes_the_discount_rate_and_every_present_value_follows(tmp_path):
    # the reviewer's finding: the ledger's discount factors were typed values, so a new rate on the Thông tin sheet
    # moved the equivalent annual cost but not the present value. Each factor is now (1 + rate)^(-t) with t in its
    # own column; set 10 % in the workbook, recompute in LibreOffice, compare with the engine run at 10 % (the
    # ledger's lines rounded to the đồng one by one, as the sheet does).
    data = make_scenario(
        [
            {
                "id": "pa",
                "name": "Phương án thử",
                "items": [
                    {"name": "Máy chủ", "category": "equipment", "price": 1_000_000, "per": "once"},
                    {"name": "Thuê", "category": "service", "price": 20_000, "per": "month", "from": "2024-10"},
                ],
            }
        ],
        end_year=2026,
        vat=0.10,
    )
    data["scenario"]["discount_rate"] = 0.08
    data["scenario"]["timing"] = "mid"
    path = tmp_path / "w.xlsx"
    path.write_bytes(workbook_bytes(evaluate(parse_scenario(data)), "vi"))
    book = openpyxl.load_workbook(path)
    about = book["Thông tin"]
    rate = next(row[1] for row in about.iter_rows() if row[0].value == "Tỷ lệ chiết khấu danh nghĩa (/năm)")
    assert rate.value == 0.08
    rate.value = 0.10
    book.save(path)
    recomputed = openpyxl.load_workbook(recalculate_with_libreoffice(path), data_only=True)
    ledger = [r for r in recomputed["Sổ dòng tiền"].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(ledger) if r[0] == "PA số")
    columns = list(ledger[head])
    t_col, f_col = columns.index("Thời điểm phát sinh t (năm)"), columns.index("Hệ số chiết khấu")
    rows = [r for r in ledger[head + 1 :] if r[0] is not None]
    # 2024 service from October: mid-point of October-December, t = (9 + 12) / 24 = 0,875
    assert sorted({round(r[t_col], 6) for r in rows}) == [0.5, 0.875, 1.5, 2.5]
    for r in rows:
        assert r[f_col] == pytest.approx(1.1 ** -r[t_col], rel=1e-12)
    data["scenario"]["discount_rate"] = 0.10
    expected = evaluate(parse_scenario(data)).rounded().summary.loc[0, "pv_cost"]
    summary = [r for r in recomputed["Tổng hợp"].iter_rows(values_only=True)]
    shead = next(i for i, r in enumerate(summary) if r[0] == "Xếp hạng")
    pv = summary[shead + 1][list(summary[shead]).index("Giá trị hiện tại của chi phí")]
    assert pv == pytest.approx(expected, abs=0.5)
