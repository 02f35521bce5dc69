"""Invariants of the engine, checked on random scenarios with hypothesis."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costmodel import evaluate, parse_scenario

START, END = 2024, 2028
YEARS = list(range(START, END + 1))


@st.composite
def items(draw, with_life=True):
    per = draw(st.sampled_from(["once", "year", "month", "added"]))
    item = {
        "name": f"i{draw(st.integers(0, 10**9))}",
        "category": draw(st.sampled_from(["equipment", "service", "staff"])),
        "price": draw(st.floats(0, 1e9, allow_nan=False)),
        "per": per,
        "quantity": draw(st.one_of(st.floats(0, 500), st.just("need"))),
        "escalation": draw(st.floats(-0.3, 0.3)),
        "vat": draw(st.sampled_from([0.0, 0.05, 0.1])),
        "timing": draw(st.sampled_from(["start", "mid", "end"])),
    }
    first = draw(st.sampled_from(YEARS))
    item["from"] = first
    if per == "added":
        item["module"] = draw(st.sampled_from([1, 2.5, 8]))
        item["existing"] = draw(st.sampled_from([0, 3]))
    if with_life and per in ("once", "added") and draw(st.booleans()):
        item["life"] = draw(st.integers(1, 6))
        item["residual"] = draw(st.sampled_from(["linear", "none", 0.3]))
    elif per != "once" and draw(st.booleans()):
        item["to"] = draw(st.sampled_from([y for y in YEARS if y >= first]))
    return item


@st.composite
def scenarios(draw, with_life=True):
    need = {str(y): draw(st.floats(0, 300)) for y in YEARS}
    opts = []
    for k in range(draw(st.integers(1, 3))):
        its = draw(st.lists(items(with_life), min_size=1, max_size=4, unique_by=lambda i: i["name"]))
        opts.append({"id": f"o{k}", "name": f"Option {k}", "items": its})
    return {
        "scenario": {
            "title": "property",
            "start_year": START,
            "end_year": END,
            "discount_rate": draw(st.floats(0.0, 0.3)),
            "inflation": draw(st.floats(0.0, 0.1)),
        },
        "drivers": {"need": {"values": need}},
        "options": opts,
    }


def with_rate(data, rate=None, timing=None):
    data = copy.deepcopy(data)
    if rate is not None:
        data["scenario"]["discount_rate"] = rate
    if timing is not None:
        for opt in data["options"]:
            for item in opt["items"]:
                item["timing"] = timing
    return data


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scenarios())
def test_zero_rate_pv_is_outlay_minus_residual(data):
    s = evaluate(parse_scenario(with_rate(data, 0.0))).summary
    for row in s.itertuples():
        assert row.pv_cost == pytest.approx(row.nominal_outlay - row.residual_value, rel=1e-9, abs=1e-3)


@SETTINGS
@given(scenarios(), st.floats(0.01, 100))
def test_prices_scale_pv_linearly(data, k):
    base = evaluate(parse_scenario(data)).summary["pv_cost"]
    scaled = copy.deepcopy(data)
    for opt in scaled["options"]:
        for item in opt["items"]:
            item["price"] *= k
    got = evaluate(parse_scenario(scaled)).summary["pv_cost"]
    assert got.tolist() == pytest.approx((base * k).tolist(), rel=1e-9, abs=1e-3)


@SETTINGS
@given(scenarios(with_life=False), st.floats(0.001, 0.5))
def test_earlier_timing_costs_more_when_rate_positive(data, rate):
    pv = {t: evaluate(parse_scenario(with_rate(data, rate, t))).summary["pv_cost"] for t in ("start", "mid", "end")}
    for a, b, c in zip(pv["start"], pv["mid"], pv["end"], strict=True):
        assert a >= b * (1 - 1e-12) and b >= c * (1 - 1e-12)


@SETTINGS
@given(scenarios(with_life=False), st.floats(0.0, 0.4), st.floats(0.0, 0.4))
def test_higher_rate_never_raises_pv_without_residuals(data, r1, r2):
    lo, hi = sorted((r1, r2))
    pv_lo = evaluate(parse_scenario(with_rate(data, lo))).summary["pv_cost"]
    pv_hi = evaluate(parse_scenario(with_rate(data, hi))).summary["pv_cost"]
    for a, b in zip(pv_lo, pv_hi, strict=True):
        assert b <= a * (1 + 1e-12) + 1e-6


@SETTINGS
@given(scenarios())
def test_ledger_sums_agree_with_tables(data):
    res = evaluate(parse_scenario(data))
    led = res.ledger
    for row in res.summary.itertuples():
        rows = led[led["option"] == row.option]
        assert row.pv_cost == pytest.approx(rows["present_value"].sum(), rel=1e-12, abs=1e-6)
        paid = res.budget[res.budget["option"] == row.option]["nominal"].sum()
        assert paid == pytest.approx(row.nominal_outlay, rel=1e-12, abs=1e-6)
        last = res.cumulative[res.cumulative["option"] == row.option]["cumulative_nominal"].iloc[-1]
        assert last == pytest.approx(row.nominal_outlay, rel=1e-12, abs=1e-6)
    assert (led["nominal"] != 0).all()
    assert (led.loc[led["kind"] == "residual", "nominal"] < 0).all()
