"""Retrospective audit of a past rental, checked against a 12-month case worked by hand."""

from __future__ import annotations

import pytest

from conftest import SCENARIOS
from costmodel import evaluate, parse_scenario
from costmodel.audit import UsageError, parse_usage, retrospective
from costmodel.cli import main

SCENARIO = {
    "scenario": {
        "title": "12 months",
        "start_year": 2024,
        "end_year": 2024,
        "discount_rate": 0.0,
        "unit_driver": "points",
    },
    "drivers": {"points": {"values": {"2024": 10}}},
    "options": [
        {
            "id": "rent",
            "name": "Rent",
            "items": [{"name": "points", "category": "service", "price": 5_000_000, "per": "month", "quantity": "points"}],
        },
        {
            "id": "buy",
            "name": "Buy",
            "items": [
                {"name": "mcu", "category": "equipment", "price": 300_000_000, "per": "once", "timing": "start"},
                {
                    "name": "endpoints",
                    "category": "equipment",
                    "price": 10_000_000,
                    "per": "once",
                    "quantity": 10,
                    "timing": "start",
                },
                {"name": "operation", "category": "om", "price": 2_000_000, "per": "month"},
            ],
        },
    ],
}
USAGE = "month,meetings,points_attending,hours\n" + "".join(f"2024-{m:02d},4,8,2\n" for m in range(1, 13))


def test_twelve_months_of_rent_by_hand():
    audit = retrospective(evaluate(parse_scenario(SCENARIO)), parse_usage(USAGE))
    v = audit.value
    assert v("paid_rent") == 12 * 10 * 5_000_000  # 600 M
    assert v("buy_outlay") == 300_000_000 + 100_000_000 + 12 * 2_000_000  # 424 M
    # month m: rent 50 M x m; buy 400 M (January) + 2 M x m. 50m > 400 + 2m from m = 9 (450 > 418; 400 < 416 in m = 8)
    assert audit.crossover_month == "2024-09"
    # used: 12 months x 4 meetings x 8 points x 2 h = 768 point-hours; paid: 10 points x 12 months x 176 h = 21,120
    assert v("point_hours_used") == 768
    assert v("capacity_point_hours") == 21_120
    assert v("utilisation") == pytest.approx(768 / 21_120)
    assert v("idle_amount") == pytest.approx(600_000_000 * (1 - 768 / 21_120))  # 578,181,818.18
    assert v("cost_per_meeting") == 600_000_000 / 48  # 12.5 M
    assert v("cost_per_point_year") == 600_000_000 / 10  # 60 M
    assert v("attendance_rate") == pytest.approx(8 / 10)
    assert audit.monthly["cumulative_rent"].iloc[-1] == 600_000_000


def test_no_crossover_when_rent_stays_below_buying():
    cheap = {
        **SCENARIO,
        "options": [
            dict(SCENARIO["options"][0], items=[dict(SCENARIO["options"][0]["items"][0], price=1_000_000)]),
            SCENARIO["options"][1],
        ],
    }
    audit = retrospective(evaluate(parse_scenario(cheap)), parse_usage(USAGE))
    assert audit.crossover_month is None


def test_bad_usage_rows_name_their_line():
    bad = "month,meetings,points_attending,hours\n2024-01,4,8,2\n2024-13,1,1,1\n2024-02,-1,1,1\n2024-01,1,1,1\n2024-03,2,x,1\n2024-04,2,3,0\n"
    with pytest.raises(UsageError) as info:
        parse_usage(bad, "u.csv")
    assert [str(p) for p in info.value.problems] == [
        "u.csv: line 3: month must be YYYY-MM (got '2024-13')",
        "u.csv: line 4: meetings must be a whole number >= 0 (got '-1')",
        "u.csv: line 5: month 2024-01 appears twice (also line 2)",
        "u.csv: line 6: points_attending and hours must be numbers >= 0 (got 'x', '1')",
        "u.csv: line 7: hours must be > 0 when meetings were held",
    ]


def test_cli_audit_on_the_shipped_past_rental(tmp_path, capsys):
    scenario = SCENARIOS / "video-conferencing-past-rental.toml"
    usage = SCENARIOS / "video-conferencing-past-rental-usage.csv"
    assert main(["audit", str(scenario), str(usage), "-o", str(tmp_path)]) == 0
    for name in ("audit.csv", "audit_monthly.csv", "audit_usage.csv", "audit.png", "audit.svg"):
        assert (tmp_path / name).exists()
    assert "Hiệu suất sử dụng" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("month,meetings\n2021-01,3\n", encoding="utf-8")
    assert main(["audit", str(scenario), str(bad), "-o", str(tmp_path / "x")]) == 2
    assert "missing column(s): points_attending, hours" in capsys.readouterr().err
