"""Costs that follow the calendar: month-level from/to, contracts of fixed length, plan-linked dates, price years.

Every expected number is worked out by hand in the comments (r = 0 and no VAT unless stated).
"""

from __future__ import annotations

import textwrap

import pytest

from conftest import make_scenario, one_item
from costmodel import ScenarioError, evaluate, load_scenario, parse_scenario


def by_year(result, kind="cost", item=None):
    led = result.ledger[result.ledger["kind"] == kind]
    if item is not None:
        led = led[led["item"] == item]
    return {int(y): round(v, 6) for y, v in led.groupby("year")["nominal"].sum().items()}


# ---------------------------------------------------------------------------
# each `per` with a month start and end
# ---------------------------------------------------------------------------


def test_per_month_bills_the_months_in_service_of_each_year():
    # 100 a month from September 2024 to March 2026: 4 months in 2024, 12 in 2025, 3 in 2026
    res = one_item({"price": 100, "per": "month", "from": "2024-09", "to": "2026-03"})
    assert by_year(res) == {2024: 400.0, 2025: 1200.0, 2026: 300.0}


def test_per_year_is_prorated_by_months_in_service():
    # 1,200 a year from September 2024 (4/12) to March 2026 (3/12)
    res = one_item({"price": 1200, "per": "year", "from": "2024-09", "to": "2026-03"})
    assert by_year(res) == {2024: 400.0, 2025: 1200.0, 2026: 300.0}


def test_a_month_in_to_is_included_and_a_year_means_its_whole_year():
    assert by_year(one_item({"price": 10, "per": "month", "to": "2026-03"})) == {2024: 120.0, 2025: 120.0, 2026: 30.0}
    assert by_year(one_item({"price": 10, "per": "month", "from": 2025})) == {2025: 120.0, 2026: 120.0}


def test_per_once_falls_in_the_year_of_its_month():
    assert by_year(one_item({"price": 500, "per": "once", "from": "2025-11"})) == {2025: 500.0}


def test_per_added_buys_the_capacity_needed_in_the_first_year_of_service():
    # need 3, 5, 6 units; service from July 2025: buys 5 in 2025 (the 2025 need), 1 more in 2026
    drivers = {"need": {"values": {"2024": 3, "2025": 5, "2026": 6}}}
    res = one_item({"price": 10, "per": "added", "quantity": "need", "from": "2025-07"}, drivers)
    assert by_year(res) == {2025: 50.0, 2026: 10.0}


def test_months_gives_a_contract_of_fixed_length():
    # 6 months from September 2024: September-December 2024 and January-February 2025
    res = one_item({"price": 100, "per": "month", "from": "2024-09", "months": 6})
    assert by_year(res) == {2024: 400.0, 2025: 200.0}


def test_timing_point_of_a_partial_year_lies_inside_its_months_in_service():
    # 100 a month from September 2024 to March 2026 at r = 10 %, base 2024:
    #   start: 2024 at t = 8/12 (1 September);            2026 at t = 2 + 0
    #   mid:   2024 at t = (8 + 12)/24 = 0.8333 (1 Nov);   2026 at t = 2 + (0 + 3)/24 = 2.125
    #   end:   2024 at t = 12/12 = 1;                      2026 at t = 2 + 3/12 = 2.25
    #   2025 is a whole year: 1, 1.5, 2
    expected = {"start": (8 / 12, 1.0, 2.0), "mid": (20 / 24, 1.5, 2.125), "end": (1.0, 2.0, 2.25)}
    for timing, ts in expected.items():
        res = one_item({"price": 100, "per": "month", "from": "2024-09", "to": "2026-03", "timing": timing}, discount_rate=0.10)
        led = res.ledger.set_index("year")
        for year, t in zip((2024, 2025, 2026), ts, strict=True):
            assert led.loc[year, "discount_factor"] == pytest.approx(1.1**-t, rel=1e-12), (timing, year)
            assert led.loc[year, "present_value"] == pytest.approx(led.loc[year, "nominal"] * 1.1**-t, rel=1e-12)


def test_residual_value_of_an_asset_bought_in_a_month_counts_its_months():
    # bought September 2024 (1,000), life 4 years: replaced September 2028; at the end of December 2028
    # the replacement has served 4 of its 48 months: residual 44/48 x 1,000 (the whole-year rule gave 3/4)
    res = one_item({"price": 1000, "per": "once", "from": "2024-09", "life": 4}, end_year=2028)
    assert by_year(res, "replacement") == {2028: 1000.0}
    assert by_year(res, "residual") == {2028: pytest.approx(-1000 * 44 / 48)}
    # the same asset bought in January: 3/4, as before
    jan = one_item({"price": 1000, "per": "once", "from": 2024, "life": 4}, end_year=2028)
    assert by_year(jan, "residual") == {2028: -750.0}


def test_an_option_gives_its_dates_to_its_items():
    data = make_scenario(
        [
            {
                "id": "thue",
                "name": "Thuê",
                "from": "2024-09",
                "to": "2025-06",
                "items": [
                    {"name": "Phí thuê", "category": "service", "price": 10, "per": "month"},
                    {"name": "Lắp đặt", "category": "migration", "price": 50, "per": "once"},
                    {"name": "Riêng", "category": "service", "price": 1, "per": "month", "from": "2025-01"},
                ],
            }
        ],
        end_year=2026,
    )
    res = evaluate(parse_scenario(data))
    assert by_year(res, item="Phí thuê") == {2024: 40.0, 2025: 60.0}
    assert by_year(res, item="Lắp đặt") == {2024: 50.0}  # a one-off takes only `from`
    assert by_year(res, item="Riêng") == {2025: 6.0}  # its own `from`, the option's `to`


def test_bad_dates_are_reported_with_the_key_path():
    with pytest.raises(ScenarioError) as err:
        one_item({"price": 1, "per": "month", "from": "2024-13"})
    assert 'items[1] (x).from: expected a year (2024), a month ("2024-09") or a plan link' in str(err.value)
    with pytest.raises(ScenarioError) as err:
        one_item({"price": 1, "per": "month", "from": "2024-09", "to": "2024-08"})
    assert "items[1] (x).to: ends (2024-08) before it starts (2024-09)" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        one_item({"price": 1, "per": "month", "from": "2024-09", "months": 60})
    assert "items[1] (x).months: 2029-08 lies outside the horizon 2024-2026" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        one_item({"price": 1, "per": "month", "to": 2025, "months": 3})
    assert "give either 'to' or 'months'" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        one_item({"price": 1, "per": "month", "from": {"plan": "p.toml", "tsk": "sign"}})
    assert "unknown key 'tsk' in a plan link (did you mean 'task'?)" in str(err.value)
    with pytest.raises(ScenarioError) as err:
        one_item({"price": 1, "per": "month", "from": {"plan": "p.toml", "task": "sign"}})
    assert "a plan link needs the scenario's folder" in str(err.value)


# ---------------------------------------------------------------------------
# price years through the price index
# ---------------------------------------------------------------------------


def test_a_price_quoted_in_an_earlier_year_is_brought_to_base_year_prices(tmp_path):
    # quoted in 2022; CPI 2023 3,25 %, 2024 3,63 % -> x 1.0325 x 1.0363 = 1.06998 at 2024 prices
    (tmp_path / "price-index.csv").write_text("year,inflation,source,type\n2023,0.0325,s,published\n2024,0.0363,s,published\n")
    path = tmp_path / "s.toml"
    path.write_text(
        textwrap.dedent(
            """
            [scenario]
            title = "t"
            start_year = 2024
            end_year = 2024
            discount_rate = 0.0
            [[options]]
            id = "a"
            name = "A"
              [[options.items]]
              name = "Kit"
              category = "equipment"
              price = 100_000_000
              price_year = 2022
              per = "once"
            """
        ),
        encoding="utf-8",
    )
    res = evaluate(load_scenario(path))
    assert res.ledger.loc[0, "nominal"] == pytest.approx(100_000_000 * 1.0325 * 1.0363, rel=1e-12)
    assert res.scenario.options[0].items[0].price_factor == pytest.approx(1.0325 * 1.0363)
    (tmp_path / "price-index.csv").write_text("year,inflation,source,type\n2024,0.0363,s,published\n")
    with pytest.raises(ScenarioError, match=r"items\[1\] \(Kit\)\.price_year: price index has no inflation for year\(s\) 2023"):
        load_scenario(path)


# ---------------------------------------------------------------------------
# the plan drives the money
# ---------------------------------------------------------------------------

PLAN = """
[project]
title = "Thuê dịch vụ"
start = {start}

[calendar]
country = "VN"

[[tasks]]
id = "prepare"
name = "Chuẩn bị"
duration = 5

[[tasks]]
id = "sign"
name = "Ký hợp đồng"
duration = 0
after = ["prepare"]
"""

SCENARIO = """
[scenario]
title = "Thuê theo kế hoạch"
start_year = 2024
end_year = 2028
discount_rate = 0.0

[[options]]
id = "thue"
name = "Thuê"

  [[options.items]]
  name = "Phí thuê (hợp đồng đến hết năm 2028)"
  category = "service"
  price = 100
  per = "month"
  from = {{ plan = "plan.toml", task = "sign", offset_months = 1 }}

  [[options.items]]
  name = "Phí thuê (hợp đồng 36 tháng)"
  category = "service"
  price = 1
  per = "month"
  from = {{ plan = "plan.toml", task = "sign", offset_months = 1 }}
  months = 36

  [[options.items]]
  name = "Duy trì hiện tại"
  category = "service"
  price = 10
  per = "month"
  to = {{ plan = "plan.toml", task = "sign", offset_months = 0 }}
"""


def scenario_with_plan(tmp_path, start: str):
    (tmp_path / "plan.toml").write_text(PLAN.format(start=start), encoding="utf-8")
    (tmp_path / "s.toml").write_text(SCENARIO.format(), encoding="utf-8")
    return evaluate(load_scenario(tmp_path / "s.toml"))


def test_moving_the_signing_by_one_month_moves_exactly_one_month_of_money(tmp_path):
    # 5 working days from Monday 29 July 2024: signing on Friday 2 August, service from September 2024;
    # from Wednesday 28 August: 28, 29, 30 August, then (31 August-3 September National Day holidays)
    # 4 and 5 September: signing on 5 September, service from October 2024.
    on_time = scenario_with_plan(tmp_path, "2024-07-29")
    late = scenario_with_plan(tmp_path, "2024-08-28")
    assert on_time.scenario.plan_links[0].used == (2024, 9)
    assert late.scenario.plan_links[0].used == (2024, 10)
    fixed_end = "Phí thuê (hợp đồng đến hết năm 2028)"
    # a contract to a fixed end (December 2028): one month less of rent in 2024 (100), nothing else moves
    assert by_year(on_time, item=fixed_end) == {2024: 400.0, 2025: 1200.0, 2026: 1200.0, 2027: 1200.0, 2028: 1200.0}
    assert by_year(late, item=fixed_end) == {2024: 300.0, 2025: 1200.0, 2026: 1200.0, 2027: 1200.0, 2028: 1200.0}
    # the current arrangement runs one month more: January-August (8 x 10) -> January-September (9 x 10)
    assert by_year(on_time, item="Duy trì hiện tại") == {2024: 80.0}
    assert by_year(late, item="Duy trì hiện tại") == {2024: 90.0}
    # a contract of 36 months: the whole term shifts by a month, September 2024-August 2027 to
    # October 2024-September 2027: one month moves from 2024 to 2027 (the year after its end is in the horizon)
    fixed_length = "Phí thuê (hợp đồng 36 tháng)"
    assert by_year(on_time, item=fixed_length) == {2024: 4.0, 2025: 12.0, 2026: 12.0, 2027: 8.0}
    assert by_year(late, item=fixed_length) == {2024: 3.0, 2025: 12.0, 2026: 12.0, 2027: 9.0}


def test_a_plan_link_to_an_unknown_task_or_a_missing_plan_is_reported(tmp_path):
    (tmp_path / "plan.toml").write_text(PLAN.format(start="2024-07-29"), encoding="utf-8")
    (tmp_path / "s.toml").write_text(
        SCENARIO.format().replace('task = "sign", offset_months = 0', 'task = "sgn"'), encoding="utf-8"
    )
    with pytest.raises(ScenarioError, match=r"items\[3\] \(Duy trì hiện tại\)\.to\.task: the plan 'plan.toml' has no task 'sgn'"):
        load_scenario(tmp_path / "s.toml")
    (tmp_path / "plan.toml").unlink()
    with pytest.raises(ScenarioError, match=r"\.from\.plan: .*plan.toml: cannot read file"):
        load_scenario(tmp_path / "s.toml")


def test_the_slip_report_compares_the_baseline_and_forecast_dates_by_hand(tmp_path):
    from costmodel.reports.slip_report import slip_frame, slip_text
    from costmodel.slip import plan_slip

    # baseline: signing on Friday 2 August 2024 -> rent from September. The progress file of 30 August
    # says "prepare" has not started: it resumes on the first working day after 30 August (4 September,
    # after the National Day holidays) and takes 5 working days: signing 10 September, rent from October.
    (tmp_path / "plan.toml").write_text(PLAN.format(start="2024-07-29"), encoding="utf-8")
    (tmp_path / "progress").mkdir()
    (tmp_path / "progress" / "progress-2024-08-30.csv").write_text("task_id,percent_complete,actual_start,actual_finish,note\n")
    text = SCENARIO.format().replace("offset_months = 1 }", 'offset_months = 1, progress = "progress" }')
    text = text.replace("offset_months = 0 }", 'offset_months = 0, progress = "progress" }')
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    scenario = load_scenario(tmp_path / "s.toml")
    assert [u.used for u in scenario.plan_links] == [(2024, 10), (2024, 10), (2024, 9)]
    assert load_scenario(tmp_path / "s.toml", plan_dates="baseline").plan_links[0].used == (2024, 9)
    slip = plan_slip(scenario)
    assert [(s.task, s.baseline, s.forecast, s.months_late) for s in slip.links] == [("sign", (2024, 8), (2024, 9), 1)]
    changes = {(r.item, r.year): r.difference for r in slip.items.itertuples(index=False)}
    # fixed end: one month less rent in 2024 (-100); 36 months: one month from 2024 to 2027 (-1, +1);
    # the current arrangement: one month more (+10)
    assert changes == {
        ("Phí thuê (hợp đồng đến hết năm 2028)", 2024): -100.0,
        ("Phí thuê (hợp đồng 36 tháng)", 2024): -1.0,
        ("Phí thuê (hợp đồng 36 tháng)", 2027): 1.0,
        ("Duy trì hiện tại", 2024): 10.0,
    }
    sentence = slip_text(slip, "vi")
    assert sentence.startswith(
        "Theo dự báo, Ký hợp đồng chậm 1 tháng so với kế hoạch ban đầu (tháng 9/2024 thay vì tháng 8/2024)."
    )
    assert "năm 2024: chi Duy trì hiện tại tăng 10 đồng" in sentence
    assert slip_frame(slip, "vi").iloc[0].tolist()[:3] == ["Thuê", "2024", "Phí thuê (hợp đồng đến hết năm 2028)"]
