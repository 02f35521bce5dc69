"""Notebooks execute offline and render to HTML without code; the recommendation follows the numbers."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, make_scenario
from costmodel import evaluate, parse_scenario
from costmodel.reports.narrative import recommendation

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
pytest.importorskip("nbclient", reason="install the notebooks extra")


def test_the_three_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == [
        "01-data-integration-center.ipynb",
        "02-video-conferencing-explanatory-report.ipynb",
        "03-ioc-options.ipynb",
    ]


def _imports(source: str) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module or "")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebooks_use_only_the_public_api(path):
    """Issue 12: a single ``import costmodel`` (plus IPython display); no submodule reached into."""
    import nbformat

    source = nbformat.read(path, as_version=4)
    code = [c.source for c in source.cells if c.cell_type == "code"]
    imports = set().union(*(_imports(c) for c in code))
    assert imports <= {"costmodel", "IPython.display"}, imports
    assert not any(re.search(r"costmodel\.(reports|risk|schedule|scenario|ledger|metrics|audit|compliance)\b", c) for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes_and_renders_offline_html_without_code(path, tmp_path):
    import nbformat

    from costmodel.reports.notebook import run_notebook
    from reader_scan import scan

    source = nbformat.read(path, as_version=4)
    assert source.metadata["kernelspec"]["name"] == "python3"
    assert any("parameters" in c.metadata.get("tags", []) for c in source.cells)
    for cell in source.cells:  # no model logic in notebooks: no numbers computed by hand
        if cell.cell_type == "code":
            assert "npv(" not in cell.source and "** -" not in cell.source
    params = {"draws": 300} if "draws" in "".join(c.source for c in source.cells) else None
    nb, html = run_notebook(path, params)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert "Giá trị hiện tại của chi phí" in html  # the summary table, Vietnamese headers
    assert re.search(r"\d{1,3}(\.\d{3}){2,}", html)  # amounts in whole đồng with Vietnamese grouping
    assert html.count("<img") >= 2 and "data:image/png;base64" in html  # charts embedded
    assert "hl-ipython3" not in html and "import costmodel" not in html  # no code cells
    assert not re.search(r"<script[^>]*src=\"https?://", html)  # nothing fetched from the internet
    assert "**Đề xuất:**" not in html and "Đề xuất" in html  # the recommendation is rendered Markdown
    (tmp_path / f"{path.stem}.html").write_text(html, encoding="utf-8")
    found = scan(tmp_path, ROOT / "scenarios")
    assert found.count == 0, found.report()


def two_option_scenario(rent_price, buy_price):
    data = make_scenario(
        [
            {
                "id": "rent",
                "name": "Thuê",
                "items": [{"name": "fee", "category": "service", "price": rent_price, "per": "year"}],
            },
            {
                "id": "buy",
                "name": "Mua",
                "items": [{"name": "kit", "category": "equipment", "price": buy_price, "per": "once", "life": 5}],
            },
        ],
        discount_rate=0.08,
    )
    return evaluate(parse_scenario(data))


def test_recommendation_changes_when_the_ranking_changes():
    cheap_rent = recommendation(two_option_scenario(100e6, 600e6))
    cheap_buy = recommendation(two_option_scenario(300e6, 600e6))
    assert "**Đề xuất:** lựa chọn phương án Thuê," in cheap_rent and "(rent)" not in cheap_rent
    assert "**Đề xuất:** lựa chọn phương án Mua," in cheap_buy
    # the numbers are the model's: rent 100 M/yr for 3 years at 8 % end of year = 257.71 M
    assert "0,26 tỷ đồng" in cheap_rent
    english = recommendation(two_option_scenario(300e6, 600e6), lang="en")
    assert "**Recommendation:** choose Mua," in english


def test_recommendation_asks_for_confirmation_when_the_margin_is_small():
    # rent: 100 M a year, end of year, 3 years at 8 % -> 257.71 M; buy (no residual): P / 1.08.
    # With P = 1.02 x 257.71 M x 1.08 buying costs 2 % more: a margin under 5 % asks for quotes.
    rent_pv = 100e6 * (1 / 1.08 + 1 / 1.08**2 + 1 / 1.08**3)
    data = make_scenario(
        [
            {
                "id": "rent",
                "name": "Thuê",
                "items": [{"name": "fee", "category": "service", "price": 100e6, "per": "year"}],
            },
            {
                "id": "buy",
                "name": "Mua",
                "items": [{"name": "kit", "category": "equipment", "price": 1.02 * rent_pv * 1.08, "per": "once"}],
            },
        ],
        discount_rate=0.08,
    )
    text = recommendation(evaluate(parse_scenario(data)))
    assert "lựa chọn phương án Thuê; tuy nhiên chênh lệch giữa các phương án nhỏ" in text
    assert "(2,0\u00a0%)" in text


def test_ioc_notebook_is_the_decision_report():
    """Issue 14: the guidance and the status of 2333, the surveyed provinces, criteria with weights, scores, sensitivity."""
    from costmodel.reports.notebook import run_notebook
    from costmodel.survey import read_survey

    _, html = run_notebook(ROOT / "notebooks" / "03-ioc-options.ipynb", {"draws": 500})
    assert "2333/BTTTT-CĐSQG" in html and "chưa tìm được" in html
    for province in read_survey(ROOT / "scenarios" / "ioc-provinces.csv")["province"]:
        assert html.count(province) >= 1, province
    for words in (
        "Tiêu chí",
        "Trọng số",
        "Lý do cho điểm",
        "Trọng số đổi phương án khi tăng",
        "Xác suất xếp thứ nhất",
        "Đề xuất",
    ):
        assert words in html, words


def test_first_year_request_leaves_out_existing_staff_and_its_parts_add_up():
    # the hybrid's 2024: 9.901.322.840 investment + 1.196.647.668 recurrent, of which 202.719.348 is the pay of staff
    # already employed (not requested); shown with the decimals it takes for the parts to add up on the page
    from conftest import SCENARIOS
    from costmodel import load_scenario

    text = recommendation(evaluate(load_scenario(SCENARIOS / "video-conferencing.toml")).rounded(), lang="vi")
    assert (
        "Kinh phí đề nghị bố trí năm 2024 của phương án này là 10,895 tỷ đồng (9,901 tỷ đồng vốn đầu tư phát triển, "
        "0,994 tỷ đồng kinh phí chi thường xuyên), không gồm 202,7 triệu đồng tiền lương cán bộ, công chức hiện có"
    ) in text
    # the staff left out by hand: the hybrid's 1,5 technicians x 11.262.186 đồng (STAFF-CIVIL) x 12 months
    assert 1.5 * 11_262_186 * 12 == 202_719_348
    # the parts shown add up to the total shown (the property the decimals are chosen for)
    total, invest, recurrent = (float(x.replace(",", ".")) for x in re.findall(r"(\d+,\d+) tỷ đồng", text)[-3:])
    assert round(invest + recurrent, 3) == total
