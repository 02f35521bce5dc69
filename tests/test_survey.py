"""The survey of other provinces' IOCs: the shipped CSV and the reader's rules, each with its line."""

from __future__ import annotations

import math

import pytest

from conftest import SCENARIOS
from costmodel.survey import COST_PERIODS, LEVELS, MODELS, VAT_STATUSES, SurveyError, parse_survey, read_survey, survey_summary

SURVEY = SCENARIOS / "ioc-provinces.csv"
HEADER = "province,level,model,vendor,year,cost,cost_period,vat,scale,operator,source,date,note"

# The summary table of ../shared/context/ioc-models.md section 5, in its order (23 rows).
TABLE_PROVINCES = [
    "Bà Rịa - Vũng Tàu",
    "Vũng Tàu (Bà Rịa - Vũng Tàu)",
    "Thừa Thiên Huế",
    "Đà Nẵng",
    "Tam Kỳ (Quảng Nam)",
    "Bình Dương",
    "Quảng Ninh",
    "Hà Giang",
    "Phan Thiết (Bình Thuận)",
    "Phú Quốc (Kiên Giang)",
    "Lâm Đồng / Đà Lạt",
    "Nghệ An",
    "Bắc Giang",
    "Cần Thơ",
    "Tây Ninh",
    "Khánh Hòa",
    "Bắc Kạn",
    "Thanh Hóa",
    "Điện Biên",
    "TP. Hồ Chí Minh",
    "Hà Nội",
    "Hậu Giang",
    "Vĩnh Long",
]


def row(**values):
    base = {"province": "Hà Giang", "level": "province", "model": "vendor_pilot", "source": "vnpt.com.vn"}
    base.update(values)
    return ",".join(str(base.get(c, "")) for c in HEADER.split(","))


def parse(*rows):
    return parse_survey("\n".join([HEADER, *rows]) + "\n", "s.csv")


def problems(*rows):
    with pytest.raises(SurveyError) as info:
        parse(*rows)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------------------
# The shipped survey
# ---------------------------------------------------------------------------


def test_shipped_survey_has_every_province_of_the_summary_table_in_order():
    df = read_survey(SURVEY)
    assert df["province"].tolist() == TABLE_PROVINCES


def test_every_shipped_row_has_a_source():
    df = read_survey(SURVEY)
    assert (df["source"].str.strip() != "").all()


def test_every_shipped_cost_has_its_period_and_vat_status():
    df = read_survey(SURVEY)
    costed = df[df["cost"].notna()]
    assert len(costed) == 4
    assert costed["cost_period"].isin(["total", "per_year", "per_month"]).all()
    assert costed["vat"].isin(list(VAT_STATUSES)).all()
    assert (df.loc[df["cost"].isna(), ["cost_period", "vat", "currency"]] == "").all().all()


def test_shipped_costs_are_those_published():
    # ioc-models.md section 5: Tam Kỳ 10 M USD (ODA); Hà Giang 2 bn VND; Phan Thiết 2.9 bn VND; Phú Quốc ~67 bn VND (scheme)
    df = read_survey(SURVEY).set_index("province")
    assert (df.loc["Tam Kỳ (Quảng Nam)", "cost"], df.loc["Tam Kỳ (Quảng Nam)", "currency"]) == (10_000_000, "USD")
    assert df.loc["Hà Giang", "cost"] == 2_000_000_000
    assert df.loc["Phan Thiết (Bình Thuận)", "cost"] == 2_900_000_000
    assert df.loc["Phú Quốc (Kiên Giang)", "cost"] == 67_000_000_000
    assert math.isnan(df.loc["Bà Rịa - Vũng Tàu", "cost"])  # not found: empty, never 0


def test_shipped_survey_summary_hand_counted():
    # Counted from the section 5 table: invest = Quảng Ninh, Bắc Giang, Khánh Hòa, Điện Biên; vendor_pilot = BR-VT,
    # Bình Dương, Hà Giang, Lâm Đồng, Nghệ An, Cần Thơ, Bắc Kạn, Thanh Hóa; socialised = Phan Thiết, Phú Quốc;
    # oda = Tam Kỳ; hybrid = Huế; no province is known to rent its IOC; the other 7 do not say.
    s = survey_summary(read_survey(SURVEY))
    assert s["rows"] == 23 and s["with_cost"] == 4 and s["without_cost"] == 19
    counts = dict(zip(s["by_model"]["model"], s["by_model"]["count"], strict=True))
    assert counts == {"rent": 0, "invest": 4, "vendor_pilot": 8, "socialised": 2, "oda": 1, "hybrid": 1, "unknown": 7}
    assert s["by_model"]["share"].sum() == pytest.approx(1.0)
    levels = dict(zip(s["by_level"]["level"], s["by_level"]["count"], strict=True))
    assert levels == {"province": 18, "city": 4, "unknown": 1}
    ranges = s["cost_ranges"].set_index(["cost_period", "currency"])
    assert ranges.loc[("total", "VND"), "count"] == 3
    assert (ranges.loc[("total", "VND"), "cost_min"], ranges.loc[("total", "VND"), "cost_max"]) == (2e9, 67e9)
    assert ranges.loc[("total", "USD"), "count"] == 1  # never mixed with đồng


def test_shipped_dates_and_years_are_valid_and_as_published():
    df = read_survey(SURVEY).set_index("province")
    assert df.loc["Bà Rịa - Vũng Tàu", "year"] == 2021
    assert df.loc["Bà Rịa - Vũng Tàu", "date"] == "2024-09-26"
    assert df.loc["Thừa Thiên Huế", "model"] == "hybrid"
    assert df["year"].isna().sum() == 4  # Hà Giang and Tây Ninh (<=2020), Hậu Giang, Vĩnh Long


# ---------------------------------------------------------------------------
# Rules of the reader
# ---------------------------------------------------------------------------


def test_a_cost_without_its_period_and_vat_status_fails():
    assert problems(row(cost=2000000000)) == [
        "s.csv: line 2: cost 2000000000 is given without its period and VAT status: set "
        "cost_period (total | per_year | per_month) and vat (included | excluded | unknown)"
    ]


def test_a_cost_without_its_period_fails():
    assert problems(row(cost=2000000000, vat="unknown")) == [
        "s.csv: line 2: cost 2000000000 is given without its period: set cost_period (total | per_year | per_month)"
    ]


def test_a_cost_without_its_vat_status_fails():
    assert problems(row(cost=2000000000, cost_period="total")) == [
        "s.csv: line 2: cost 2000000000 is given without its VAT status: set vat (included | excluded | unknown)"
    ]


def test_a_valid_cost_parses():
    df = parse(row(cost=2900000000, cost_period="total", vat="unknown"))
    assert df.loc[0, "cost"] == 2.9e9 and df.loc[0, "currency"] == "VND" and df.loc[0, "line"] == 2


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"source": ""}, "source is empty"),
        ({"province": ""}, "province is empty"),
        (
            {"model": "lease"},
            "model must be one of rent | invest | vendor_pilot | socialised | oda | hybrid | unknown (got 'lease')",
        ),
        ({"level": "district"}, "level must be one of province | city | unknown (got 'district')"),
        ({"year": "20211"}, "year must be a whole year between 2000 and 2100, or empty (got '20211')"),
        ({"year": "<=2020"}, "year must be a whole year"),
        ({"year": "2021-2025"}, "year must be a whole year"),
        ({"year": "1999"}, "year must be a whole year"),
        ({"date": "29/10/2020"}, "date must be YYYY, YYYY-MM or YYYY-MM-DD, or empty (got '29/10/2020')"),
        ({"date": "2020-13"}, "date must be"),
        ({"cost": "-5", "cost_period": "total", "vat": "unknown"}, "cost must be a plain number >= 0"),
        ({"cost": "2 bn", "cost_period": "total", "vat": "unknown"}, "cost must be a plain number >= 0 in VND"),
        ({"cost": "2.000.000.000", "cost_period": "total", "vat": "unknown"}, "no thousands separators"),
        ({"cost": "5", "cost_period": "weekly", "vat": "unknown"}, "cost_period must be one of total | per_year"),
        ({"cost": "5", "cost_period": "total", "vat": "yes"}, "vat must be one of included | excluded | unknown (got 'yes')"),
        ({"cost_period": "total"}, "cost_period 'total' is given without a cost"),
        ({"vat": "included"}, "vat 'included' is given without a cost"),
        ({"cost": "5", "cost_period": "pilot_free"}, "pilot_free means the pilot cost nothing"),
    ],
)
def test_each_bad_value_names_its_line(values, message):
    found = problems(row(), row(**{"province": "Bắc Kạn", **values}))
    assert len(found) == 1 and found[0].startswith("s.csv: line 3: ") and message in found[0], found


def test_pilot_free_needs_no_cost_or_vat():
    df = parse(row(cost_period="pilot_free"), row(province="Bắc Kạn", cost=0, cost_period="pilot_free"))
    assert math.isnan(df.loc[0, "cost"]) and df.loc[1, "cost"] == 0.0


def test_a_currency_other_than_vnd_or_usd_fails():
    text = HEADER + ",currency\n" + row(cost=5, cost_period="total", vat="unknown") + ",EUR\n"
    with pytest.raises(SurveyError, match=r"line 2: currency must be one of VND \| USD"):
        parse_survey(text, "s.csv")


def test_duplicate_province_and_level_names_both_lines():
    assert problems(row(), row()) == ["s.csv: line 3: duplicate row for 'Hà Giang' at level 'province' (also line 2)"]


def test_every_problem_is_reported_together():
    found = problems(row(source=""), row(province="Bắc Kạn", model="x"), row(province="Cần Thơ", cost="1"))
    assert [p.split(":")[1].strip() for p in found] == ["line 2", "line 3", "line 4"]


def test_missing_column_and_unknown_column_name_line_1():
    with pytest.raises(SurveyError, match="line 1: missing column"):
        parse_survey(HEADER.replace(",vat", "") + "\n", "s.csv")
    with pytest.raises(SurveyError, match="line 1: unknown column"):
        parse_survey(HEADER + ",colour\n", "s.csv")


def test_crlf_and_bom_files_read(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\n" + row() + "\r\n").encode("utf-8"))
    assert read_survey(path)["province"].tolist() == ["Hà Giang"]


def test_not_utf8_survey_is_a_survey_error(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes((HEADER + "\n").encode() + b"H\xe0 Giang,province,invest,,,,,,,,x,,\n")  # Latin-1 "à"
    with pytest.raises(SurveyError, match="not UTF-8"):
        read_survey(path)


def test_every_allowed_value_is_documented_in_the_format_page():
    page = (SCENARIOS.parent / "docs" / "criteria-format.md").read_text(encoding="utf-8")
    for vocabulary in (MODELS, LEVELS, COST_PERIODS, VAT_STATUSES):
        for value in vocabulary:
            assert f"`{value}`" in page, value
