"""Compare and explain (issue 12, item 4): exact Shapley attribution of a change to groups of inputs.

Sources: L. S. Shapley (1953), "A value for n-person games" (efficiency, symmetry, null player);
A. F. Shorrocks (2013), "Decomposition procedures for distributional analysis: a unified framework
based on the Shapley value", J. Econ. Inequality 11:99-126 (the decomposition of a change into
factor contributions, two-factor case worked by hand below).
"""

from __future__ import annotations

import copy
import itertools
import math
import re
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS, make_scenario
from costmodel import evaluate, load_scenario, parse_scenario
from costmodel.explain import GAP, LABELS, MAX_GROUPS, CompareError, compare, shapley
from costmodel.reports import vocabulary as voc
from costmodel.reports.compare_report import attribution_frame, attribution_text, group_name, waterfall_figure
from costmodel.reports.tables import html_table

VC = SCENARIOS / "video-conferencing.toml"
VC_RESTRUCTURING = SCENARIOS / "video-conferencing-restructuring.toml"


def _item(name="x", price=100, quantity=10, category="c", **kw):
    return {"name": name, "category": category, "price": price, "per": "once", "quantity": quantity, "from": 2024, **kw}


def _scenario(options, drivers=None, **head):
    return parse_scenario(make_scenario(options, drivers, **head))


def _contributions(c, target):
    rows = c.attribution[c.attribution["target"] == target]
    return dict(zip(rows["group"], rows["contribution"], strict=True))


def _total(c, target):
    return float(c.totals.loc[c.totals["target"] == target, "change"].iloc[0])


# ---------------------------------------------------------------------------
# Hand-solved cases
# ---------------------------------------------------------------------------


def test_price_times_quantity_hand_solved_Shorrocks_2013_two_factors():
    # One cost line, cost = price x quantity, r = 0, no VAT, paid once in 2024.
    # A: p = 100, q = 10 -> 1 000.   B: p = 120, q = 12 -> 1 440.   Total change 440.
    # v(none) = 100 x 10 = 1 000; v(price) = 120 x 10 = 1 200; v(quantity) = 100 x 12 = 1 200; v(both) = 1 440.
    # phi_price = 1/2 (1 200 - 1 000) + 1/2 (1 440 - 1 200) = 100 + 120 = 220 = 20 x 10 + 1/2 x 20 x 2
    # phi_qty   = 1/2 (1 200 - 1 000) + 1/2 (1 440 - 1 200) = 220               = 2 x 100 + 1/2 x 20 x 2
    # A second option "b" costs 1 100 in both: the gap (second cheapest in B minus cheapest in B) is
    # a - b: -100 in A, 340 in B; its change 440 splits 220 / 220 (b does not move).
    other = {"id": "b", "name": "B", "items": [_item("y", 1100, 1)]}
    a = _scenario([{"id": "a", "name": "A", "items": [_item(price=100, quantity=10)]}, other])
    b = _scenario([{"id": "a", "name": "A", "items": [_item(price=120, quantity=12)]}, other])
    c = compare(a, b)
    assert list(c.groups) == ["prices: c", "quantities"]
    assert _contributions(c, "a") == {"prices: c": 220.0, "quantities": 220.0}
    assert _contributions(c, "b") == {"prices: c": 0.0, "quantities": 0.0}
    assert _total(c, "a") == 440.0
    assert c.gap == ("a", "b")
    gap = c.totals[c.totals["target"] == GAP].iloc[0]
    assert (gap["pv_a"], gap["pv_b"], gap["change"]) == (-100.0, 340.0, 440.0)
    assert _contributions(c, GAP) == {"prices: c": 220.0, "quantities": 220.0}
    assert c.evaluations == 4 + 2  # 2^2 hybrids, A and B
    assert [d.path for d in c.groups["prices: c"]] == ["options.a.items[1] (x).price"]


def test_price_and_discount_rate_hand_solved():
    # One payment at the end of 2024 (timing "end", base year 2024): pv = price / (1 + r).
    # A: price 100, r = 0 -> 100.   B: price 150, r = 0.25 -> 120.   Total change +20.
    # v(none) = 100; v(price) = 150; v(discounting) = 100 / 1.25 = 80; v(both) = 150 / 1.25 = 120.
    # phi_price       = 1/2 (150 - 100) + 1/2 (120 - 80)  = 25 + 20 = 45
    # phi_discounting = 1/2 (80 - 100)  + 1/2 (120 - 150) = -10 - 15 = -25;   45 - 25 = 20.
    one = dict(start_year=2024, end_year=2024)
    a = _scenario([{"id": "a", "name": "A", "items": [_item(price=100, quantity=1)]}], discount_rate=0.0, **one)
    b = _scenario([{"id": "a", "name": "A", "items": [_item(price=150, quantity=1)]}], discount_rate=0.25, **one)
    c = compare(a, b)
    assert _contributions(c, "a") == {"discounting": -25.0, "prices: c": 45.0}
    assert c.gap is None and _total(c, "a") == 20.0


def test_item_added_in_b_is_structure():
    # B adds a one-off of 50 to option a and raises x's price by 20: the two do not interact.
    a = _scenario([{"id": "a", "name": "A", "items": [_item(price=100, quantity=1)]}])
    b = _scenario(
        [{"id": "a", "name": "A", "items": [_item(price=120, quantity=1), _item("fee", 50, 1, category="termination")]}]
    )
    c = compare(a, b)
    assert _contributions(c, "a") == {"prices: c": 20.0, "structure": 50.0}
    (added,) = c.groups["structure"]
    assert added.path == "options.a.items[2] (fee)" and added.old is None and added.new["price"] == 50


def test_option_only_in_one_scenario_is_reported_not_attributed():
    x = {"id": "a", "name": "A", "items": [_item(price=100, quantity=1)]}
    a = _scenario([x, {"id": "old", "name": "Old", "items": [_item(price=7, quantity=1)]}])
    b = _scenario([x, {"id": "new", "name": "New", "items": [_item(price=9, quantity=1)]}])
    c = compare(a, b)
    assert set(c.attribution["target"]) == {"a"}
    assert _contributions(c, "a") == {"structure": 0.0}
    present = dict(zip(c.totals["target"], c.totals["present"], strict=True))
    assert present == {"a": "both", "new": "b", "old": "a"}
    new = c.totals[c.totals["target"] == "new"].iloc[0]
    assert math.isnan(new["pv_a"]) and new["pv_b"] == 9.0 and math.isnan(new["change"])
    text = attribution_text(c, "vi")
    assert "New chỉ có ở" in text and "Old chỉ có ở" in text
    frame = attribution_frame(c, "vi")
    assert frame["New"].tolist()[1:-1] == [voc.DASH, voc.DASH]
    with pytest.raises(ValueError, match="no attribution"):
        waterfall_figure(c, "new", "vi")


def test_labels_only_is_no_group_and_no_change():
    data = make_scenario([{"id": "a", "name": "A", "items": [_item(source="EC1")]}])
    other = copy.deepcopy(data)
    other["scenario"]["title"] = "another title"
    other["options"][0]["items"][0]["source"] = "EC2: new quote"
    c = compare(parse_scenario(data), parse_scenario(other))
    assert c.groups == {} and c.attribution.empty
    assert set(c.changes["group"]) == {LABELS}
    assert _total(c, "a") == 0.0 and c.evaluations == 3


def test_files_are_loaded_and_a_scenario_compared_with_itself_changes_nothing():
    c = compare(VC, VC)
    assert c.groups == {} and c.changes.empty and (c.totals["change"] == 0.0).all() and c.evaluations == 3


def test_reordering_options_and_items_is_not_a_change():
    items = [_item("x", 100, 1), _item("y", 30, 2)]
    a = _scenario([{"id": "a", "name": "A", "items": items}, {"id": "b", "name": "B", "items": [_item("z", 5, 1)]}])
    b = _scenario([{"id": "b", "name": "B", "items": [_item("z", 5, 1)]}, {"id": "a", "name": "A", "items": items[::-1]}])
    c = compare(a, b)
    assert c.changes.empty and c.groups == {}


# ---------------------------------------------------------------------------
# The Shapley value's axioms (Shapley 1953), on random games
# ---------------------------------------------------------------------------

_PLAYERS = ["p0", "p1", "p2", "p3", "p4"]


@settings(max_examples=60, deadline=None)
@given(
    k=st.integers(1, 5),
    values=st.lists(st.floats(-1e12, 1e12, allow_nan=False), min_size=32, max_size=32),
    null=st.integers(0, 4),
    order=st.randoms(use_true_random=False),
)
def test_shapley_efficiency_symmetry_null_player_Shapley_1953(k, values, null, order):
    players = _PLAYERS[:k]
    null = players[null % k]
    others = [p for p in players if p != null]
    # v depends on the coalition without the null player only
    index = {
        frozenset(s): i for i, s in enumerate(itertools.chain.from_iterable(itertools.combinations(others, n) for n in range(k)))
    }
    v = {frozenset(s): values[index[frozenset(s) - {null}]] for n in range(k + 1) for s in itertools.combinations(players, n)}
    phi = shapley(players, v)
    assert sum(phi.values()) == Fraction(v[frozenset(players)]) - Fraction(v[frozenset()])  # exact, in rationals
    assert phi[null] == 0
    shuffled = list(players)
    order.shuffle(shuffled)
    assert shapley(shuffled, v) == phi


# ---------------------------------------------------------------------------
# Properties of compare on small random scenarios
# ---------------------------------------------------------------------------

_MUTATIONS = ("discount", "price", "quantity", "vat", "demand", "add_item", "escalation")


@st.composite
def scenario_pairs(draw):
    """Two versions of a small random scenario (built with conftest.make_scenario), B changing 1-3 kinds of input."""
    years = range(2024, 2027)
    demand = {"d": {"values": {str(y): draw(st.integers(0, 20)) for y in years}}}
    options = []
    for oi in range(2):
        items = []
        for ii in range(draw(st.integers(1, 2))):
            items.append(
                {
                    "name": f"i{ii}",
                    "category": draw(st.sampled_from(["equipment", "service"])),
                    "price": draw(st.integers(0, 10_000)),
                    "per": draw(st.sampled_from(["once", "year"])),
                    "quantity": draw(st.one_of(st.integers(0, 20), st.just("d"))),
                }
            )
        options.append({"id": f"o{oi}", "name": f"Option {oi}", "items": items})
    head = {"discount_rate": draw(st.sampled_from([0.0, 0.05, 0.1])), "vat": draw(st.sampled_from([0.0, 0.1]))}
    a = make_scenario(options, demand, **head)
    b = copy.deepcopy(a)
    kinds = draw(st.sets(st.sampled_from(_MUTATIONS), min_size=1, max_size=3))
    for kind in sorted(kinds):
        opt = b["options"][draw(st.integers(0, 1))]
        item = opt["items"][0]
        if kind == "discount":
            b["scenario"]["discount_rate"] = draw(st.sampled_from([0.02, 0.08, 0.12]))
        elif kind == "price":
            item["price"] = draw(st.integers(0, 10_000))
        elif kind == "quantity":
            item["quantity"] = draw(st.integers(0, 20))
        elif kind == "vat":
            item["vat"] = draw(st.sampled_from([0.0, 0.05, 0.08]))
        elif kind == "demand":
            b["drivers"]["d"]["values"]["2025"] = draw(st.integers(0, 30))
        elif kind == "escalation":
            item["escalation"] = draw(st.sampled_from([0.03, 0.1]))
        else:
            opt["items"].append({"name": "added", "category": "service", "price": draw(st.integers(1, 5_000)), "per": "year"})
    return a, b


@settings(max_examples=10, deadline=None)
@given(pair=scenario_pairs())
def test_contributions_add_up_and_an_unchanged_group_gets_exactly_zero(pair):
    data_a, data_b = pair
    a, b = parse_scenario(data_a), parse_scenario(data_b)
    # a group the caller names and that nothing in it changed (inflation is never written): exactly 0
    c = compare(a, b, groups={"unchanged": ["scenario.inflation"]})
    assert "unchanged" in c.groups and c.groups["unchanged"] == []
    for target in c.attribution["target"].unique():
        parts = _contributions(c, target)
        total = _total(c, target)
        assert abs(sum(parts.values()) - total) <= 1e-9 * abs(total) + 1e-9
        assert parts["unchanged"] == 0.0
    for name, diffs in c.groups.items():  # a default group exists only when something in it changed
        assert name == "unchanged" or diffs
    # the end points are A's and B's own present values
    own = {"a": evaluate(a).summary, "b": evaluate(b).summary}
    for r in c.totals[c.totals["target"] != GAP].itertuples(index=False):
        assert r.pv_a == float(own["a"].set_index("option").loc[r.target, "pv_cost"])
        assert r.pv_b == pytest.approx(float(own["b"].set_index("option").loc[r.target, "pv_cost"]), rel=1e-12)


def test_order_of_groups_does_not_change_the_contributions():
    a = _scenario(
        [{"id": "a", "name": "A", "items": [_item(price=100, quantity=10, per="year", **{"from": 2024})]}], discount_rate=0.05
    )
    b = _scenario(
        [{"id": "a", "name": "A", "items": [_item(price=130, quantity=7, per="year", escalation=0.1, **{"from": 2024})]}],
        discount_rate=0.09,
    )
    groups = {"price": ["*.price"], "quantity": ["*.quantity"], "rates": ["scenario.*", "*.escalation"]}
    results = []
    for order in itertools.permutations(groups):
        c = compare(a, b, groups={g: groups[g] for g in order})
        results.append(sorted(zip(c.attribution["group"], c.attribution["contribution"], strict=True)))
        assert list(c.groups) == list(order)
    assert all(r == results[0] for r in results)
    assert all(v != 0 for _, v in results[0])


# ---------------------------------------------------------------------------
# Grouping rules and errors
# ---------------------------------------------------------------------------


def test_parameters_go_with_the_fields_that_use_them():
    def data(fx, pue):
        head = make_scenario(
            [
                {
                    "id": "a",
                    "name": "A",
                    "items": [
                        _item("server", "1000 * fx", 1, category="equipment"),
                        _item("power", "pue * 10", 1, category="energy"),
                    ],
                }
            ],
            {"d": {"start": "pue * 2", "growth": 0.0}},
        )
        head["parameters"] = {"fx": fx, "pue": pue}
        return parse_scenario(head)

    c = compare(data(25, 2.0), data(26, 2.5))
    assert {d.path: d.group for ds in c.groups.values() for d in ds} == {
        "parameters.fx": "prices: equipment",
        "parameters.pue": "demand",  # used by a driver and by energy prices
    }
    assert _contributions(c, "a") == {"prices: equipment": 1000.0, "demand": pytest.approx(5.0)}


def test_different_horizons_are_refused():
    a = _scenario([{"id": "a", "name": "A", "items": [_item()]}])
    b = _scenario([{"id": "a", "name": "A", "items": [_item()]}], end_year=2027)
    with pytest.raises(CompareError, match="horizon 2024-2027 differs"):
        compare(a, b)


def test_more_than_twelve_groups_are_refused_before_any_evaluation():
    a = _scenario([{"id": "a", "name": "A", "items": [_item()]}])
    groups = {f"g{i}": [f"nothing.{i}"] for i in range(MAX_GROUPS + 1)}
    start = time.perf_counter()
    with pytest.raises(CompareError, match=r"13 groups .* at most 12 groups"):
        compare(a, a, groups=groups)
    assert time.perf_counter() - start < 1.0


def test_groups_that_only_make_sense_together_are_reported():
    # nominal -> real discount rate: switching one without the other leaves no rate, or two
    a = _scenario([{"id": "a", "name": "A", "items": [_item()]}], discount_rate=0.08)
    b = _scenario([{"id": "a", "name": "A", "items": [_item()]}], real_discount_rate=0.04)
    assert list(compare(a, b).groups) == ["discounting"]  # together by default
    with pytest.raises(CompareError, match=r"\[nominal\] is not a valid scenario"):
        compare(a, b, groups={"nominal": ["scenario.discount_rate"], "real": ["scenario.real_discount_rate"]})


def test_a_difference_matched_by_two_groups_is_an_error():
    a = _scenario([{"id": "a", "name": "A", "items": [_item()]}])
    b = _scenario([{"id": "a", "name": "A", "items": [_item(price=101)]}])
    with pytest.raises(CompareError, match=r"items\[1\] \(x\)\.price: matched by the patterns of several groups: p, q"):
        compare(a, b, groups={"p": ["*.price"], "q": ["options.a.items[1].*"]})


# ---------------------------------------------------------------------------
# The shipped scenarios: video conferencing, base vs administrative restructuring
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def vc():
    return compare(load_scenario(VC), load_scenario(VC_RESTRUCTURING))


def test_video_conferencing_restructuring_attribution(vc):
    """Numbers produced by compare() on the shipped files (regression), with two parts checked by hand."""
    assert list(vc.groups) == ["demand", "quantities", "structure"]
    assert vc.gap == ("rent", "hybrid")
    expected = {  # VND, from this code on the shipped files; printed to the đồng
        "rent": {"demand": -10_165_850_316, "quantities": 0, "structure": 826_063_895},
        "buy": {"demand": -5_559_213_941, "quantities": 1_044_354_916, "structure": 0},
        "hybrid": {"demand": -3_491_253_730, "quantities": 430_468_872, "structure": 0},
        GAP: {"demand": -6_674_596_587, "quantities": -430_468_872, "structure": 826_063_895},
    }
    for target, parts in expected.items():
        got = _contributions(vc, target)
        assert got == {g: pytest.approx(v, abs=1) for g, v in parts.items()}
        assert abs(sum(got.values()) - _total(vc, target)) <= 1e-9 * abs(_total(vc, target))
    # unchanged groups get exactly 0: nothing in "quantities" touches rent, nothing in "structure" buy or hybrid
    assert _contributions(vc, "rent")["quantities"] == 0.0 and _contributions(vc, "buy")["structure"] == 0.0
    # the end points are the scenarios' own present values, to the bit
    for side, ev in (("pv_a", vc.a), ("pv_b", vc.b)):
        own = dict(zip(ev.summary["option"], ev.summary["pv_cost"], strict=True))
        for r in vc.totals[vc.totals["present"] == "both"].itertuples(index=False):
            if r.target != GAP:
                assert getattr(r, side) == own[r.target]


def test_video_conferencing_structure_is_the_termination_fees_by_hand(vc):
    # The three fees B adds to the rental (none depends on demand, so no interaction): price x points,
    # escalated at inflation 4 % from 2024, VAT 10 %, paid mid-year (timing "mid"), discounted at 8 %.
    fees = [(15_000_000, 8, 2025), (10_500_000, 52, 2025), (15_000_000, 10, 2026)]
    pv = sum(p * q * 1.04 ** (y - 2024) * 1.10 / 1.08 ** (y - 2024 + 0.5) for p, q, y in fees)
    assert _contributions(vc, "rent")["structure"] == pytest.approx(pv, rel=1e-12)


def test_video_conferencing_quantities_is_the_residual_value_given_up(vc):
    # residual = "none" on the bought kit: the change is A's residual credit of those items, which
    # B's demand does not alter (every unit is bought in 2024, before the number of points falls).
    for option in ("buy", "hybrid"):
        changed = {re.sub(r"^options\.[a-z]+\.items\[\d+\] \((.*)\)\.residual$", r"\1", d.path) for d in vc.groups["quantities"]}
        ledger = vc.a.ledger
        credit = ledger[(ledger["option"] == option) & (ledger["kind"] == "residual") & ledger["item"].isin(changed)]
        assert _contributions(vc, option)["quantities"] == pytest.approx(-credit["present_value"].sum(), rel=1e-12)


def test_video_conferencing_reader_outputs(vc, tmp_path):
    from reader_scan import scan

    frame = attribution_frame(vc, "vi")
    # rounded parts add up on the page, in every column
    for col in frame.columns[1:]:
        values = [int(v.replace(".", "")) for v in frame[col]]
        start, *parts, total, end = values
        assert sum(parts) == total == end - start
    assert frame.columns[0] == "Nhóm yếu tố đầu vào"
    # "before" is the rent's present value as the workbook prints it: the sum of ledger lines rounded to the đồng
    shown = int(vc.a.rounded().summary.set_index("option").loc["rent", "pv_cost"])
    assert abs(shown - vc.a.summary.set_index("option").loc["rent", "pv_cost"]) < 5  # within a few đồng of the exact value
    assert attribution_frame(vc, "en").iloc[0, 1] == f"{shown:,}" and frame.iloc[0, 1] == f"{shown:,}".replace(",", ".")
    assert frame[frame.columns[0]].tolist()[1:4] == ["Nhu cầu", "Số lượng, thời hạn, giá trị còn lại", "Cơ cấu phương án"]
    assert "Thuê trọn gói" in frame.columns and "Chênh lệch: Thuê trọn gói − Kết hợp phần mềm cấp xã" in frame.columns
    text = attribution_text(vc, "vi")
    assert "giảm 9,34 tỷ đồng (từ 24,59 xuống 15,25 tỷ đồng), chủ yếu do nhu cầu (-10,17 tỷ đồng)" in text
    html = "\n".join(
        [html_table(frame, frame.attrs["caption"], frame.attrs["unit_line"]), *(f"<p>{n}</p>" for n in frame.attrs["notes"])]
    )
    (tmp_path / "compare.html").write_text(html + f"\n<p>{text}</p>", encoding="utf-8")
    for target in ("rent", GAP):
        fig = waterfall_figure(vc, target, "vi")
        fig.savefig(tmp_path / f"waterfall-{target}.svg")
        gids = [p.get_gid() for p in fig.axes[0].patches]
        assert gids == ["waterfall:start", "waterfall:demand", "waterfall:quantities", "waterfall:structure", "waterfall:end"]
    found = scan(tmp_path, SCENARIOS)
    assert found.files == 3 and found.count == 0, found.report()


def test_repr_is_short(vc):
    assert len(repr(vc)) < 500 and "demand" in repr(vc)


def test_every_group_has_reader_words():
    names = ["discounting", "prices: equipment", "prices: my-own", "parameters", "demand", "quantities", "vat", "structure"]
    vi = [group_name(g, "vi") for g in names]
    assert vi[0] == "Tỷ lệ chiết khấu, lạm phát, trượt giá" and vi[1] == "Đơn giá — Thiết bị" and vi[2] == "Đơn giá — my-own"
    assert len(set(vi)) == len(vi) and all(group_name(g, "en") for g in names)
    assert voc.entries()["key"].is_unique  # compare.csv repeats no key of another file


def test_a_scenario_against_its_own_edits_names_it_once_says_draft_and_dates(tmp_path):
    # reader-standards §6-7: a comparison resting on assumed figures says so on the page, with its dates; the
    # same title twice ("from X to X") would read as a mistake
    import datetime as dt

    import openpyxl

    from costmodel.cli import main
    from costmodel.reports.compare_report import comparison_dates

    out = tmp_path / "cmp"
    source = SCENARIOS / "data-integration-center.toml"
    assert main(["compare", str(source), "--set", "scenario.discount_rate=0.1", "-o", str(out)]) == 0
    md = (out / "compare.md").read_text(encoding="utf-8")
    title = load_scenario(source).title
    heading = md.splitlines()[0]
    assert heading.count(title) == 1 and heading.endswith("trước và sau thay đổi")
    assert "Số liệu tính đến ngày 30/04/2024. Ngày lập: " in md
    assert "**DỰ THẢO — số liệu giả định: " in md
    sheet = openpyxl.load_workbook(out / "compare.xlsx").worksheets[0]
    texts = [c.value for row in sheet.iter_rows(max_row=6) for c in row if isinstance(c.value, str)]
    assert any(t.startswith("DỰ THẢO — số liệu giả định") for t in texts)
    assert any(t.startswith("Số liệu tính đến ngày 30/04/2024") for t in texts)
    svg = (out / "waterfall-gap.svg").read_text(encoding="utf-8")
    assert "Làm tăng chênh lệch" in svg and "Làm tăng chi phí" not in svg  # the gap is not a cost
    assert "Làm tăng chi phí" in (out / "waterfall-rent.svg").read_text(encoding="utf-8")
    comparison = compare(source, source)
    line = comparison_dates(comparison, "vi", generated=dt.date(2024, 5, 6))
    assert (
        line
        == "Số liệu tính đến ngày 30/04/2024. Ngày lập: 06/05/2024. Mặt bằng giá năm 2024; giá trị hiện tại tính tại ngày 01/01/2024."
    )
