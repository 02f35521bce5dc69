"""Multi-criteria evaluation: hand-computed cases, brute-force checks, sampling, bad files, the shipped criteria."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS
from costmodel import evaluate, load_scenario
from costmodel.mcda import (
    COST_ID,
    CriteriaError,
    check_criteria_citations,
    cost_per_point,
    cost_values,
    evaluate_criteria,
    load_criteria,
    parse_criteria,
    switching_weights,
    weight_sensitivity,
    weight_uncertainty,
    weighted_scores,
)
from costmodel.register import parse_register, read_register

BAD = Path(__file__).parent / "bad-criteria"
BAD_FILES = sorted(BAD.glob("*.toml"))
CRITERIA = SCENARIOS / "ioc-criteria.toml"


def score(value, source="X: y"):
    return {"score": value, "justification": "reason", "source": source}


def criterion(cid, weight, scores, **extra):
    return {
        "id": cid,
        "name": f"name {cid}",
        "weight": weight,
        "source": "X: y",
        "scores": {o: score(s) for o, s in scores.items()},
        **extra,
    }


def gate(gid, results):
    return {
        "id": gid,
        "name": f"gate {gid}",
        "rule": "must hold",
        "results": {
            o: {"pass": ok, "reason": f"{o} {'passes' if ok else 'fails'}", "source": "X: y"} for o, ok in results.items()
        },
    }


def criteria_dict(criteria, gates=(), **head):
    return {"criteria": {"title": "t", **head}, "gate": list(gates), "criterion": list(criteria)}


# ---------------------------------------------------------------------------
# The hand-computed case: three options, one gate excluding c, four criteria
# ---------------------------------------------------------------------------
# Raw swing weights 40/30/20/10 (normalised = false -> 0.4/0.3/0.2/0.1); scores on 0-10, values = 10 x score.
#   a: 0.4*80 + 0.3*40 + 0.2*60 + 0.1*100 = 32 + 12 + 12 + 10 = 66
#   b: 0.4*50 + 0.3*90 + 0.2*70 + 0.1*20  = 20 + 27 + 14 + 2  = 63
#   c: fails gate G1 -> excluded (it would have scored 100)
HAND = criteria_dict(
    [
        criterion("C1", 40, {"a": 8, "b": 5, "c": 10}),
        criterion("C2", 30, {"a": 4, "b": 9, "c": 10}),
        criterion("C3", 20, {"a": 6, "b": 7, "c": 10}),
        criterion("C4", 10, {"a": 10, "b": 2, "c": 10}),
    ],
    [gate("G1", {"a": True, "b": True, "c": False})],
    normalised=False,
)
HAND_COSTS = {"a": 12e9, "b": 10e9, "c": 5e9}


def hand():
    return parse_criteria(HAND, "hand.toml", options=["a", "b", "c"])


def test_hand_computed_ranking_with_a_gate_that_excludes_one_option():
    result = evaluate_criteria(hand())
    r = result.ranking.set_index("option")
    assert r.loc["a", "weighted_score"] == pytest.approx(66.0)
    assert r.loc["b", "weighted_score"] == pytest.approx(63.0)
    assert math.isnan(r.loc["c", "weighted_score"])
    assert [r.loc["a", "rank"], r.loc["b", "rank"]] == [1, 2]
    assert r.loc["c", "rank"] is pd.NA
    assert not r.loc["c", "eligible"] and r.loc["c", "failed_gates"] == "G1" and r.loc["c", "exclusion_reason"] == "c fails"
    assert result.top == "a" and result.order == ["a", "b"]
    # the profile: contributions (weight x value) add up to the weighted score; c is not scored
    assert result.profile.groupby("option")["contribution"].sum().to_dict() == pytest.approx({"a": 66.0, "b": 63.0})
    assert set(result.profile["option"]) == {"a", "b"}
    assert result.weights["weight_normalised"].tolist() == pytest.approx([0.4, 0.3, 0.2, 0.1])
    assert result.gates[["option", "passed"]].values.tolist() == [["a", True], ["b", True], ["c", False]]


def test_hand_computed_cost_beside_the_score_and_combined_view():
    # cost values over the eligible options: a (12 bn, dearest) 0, b (10 bn, cheapest) 100; c's 5 bn is ignored.
    # combined with cost weight 0.25: a = 0.75*66 + 0.25*0 = 49.5; b = 0.75*63 + 0.25*100 = 72.25 -> b first.
    result = evaluate_criteria(hand(), HAND_COSTS, cost_weight=0.25)
    r = result.ranking.set_index("option")
    assert r.loc["a", "pv_cost"] == 12e9 and r.loc["c", "pv_cost"] == 5e9
    assert [r.loc["a", "cost_value"], r.loc["b", "cost_value"]] == [0.0, 100.0]
    assert r.loc["a", "combined_score"] == pytest.approx(49.5)
    assert r.loc["b", "combined_score"] == pytest.approx(72.25)
    assert [r.loc["b", "combined_rank"], r.loc["a", "combined_rank"]] == [1, 2]
    # the ranking by weighted score is unchanged by cost
    assert result.top == "a" and r.loc["a", "weighted_score"] == pytest.approx(66.0)
    assert math.isnan(r.loc["c", "combined_score"])


def test_hand_computed_cost_per_point_and_break_even():
    # a over b: +3 points for +2 bn -> 2e9 / 3 = 666,666,666.67 VND per point.
    # With a point worth 1 bn: a stops being worth its price above 10 bn + 1 bn x 3 = 13 bn.
    result = evaluate_criteria(hand(), HAND_COSTS)
    table = cost_per_point(result, value_per_point=1e9)
    row = table.iloc[0]
    assert (row["top"], row["option"]) == ("a", "b")
    assert row["score_difference"] == pytest.approx(3.0)
    assert row["cost_difference"] == pytest.approx(2e9)
    assert row["cost_per_point"] == pytest.approx(2e9 / 3)
    assert not row["top_dominates"]
    assert row["break_even_cost"] == pytest.approx(13e9)
    assert math.isnan(cost_per_point(result).iloc[0]["break_even_cost"])
    # when the top option is also the cheaper, it dominates: no price to justify
    cheaper = cost_per_point(evaluate_criteria(hand(), {"a": 9e9, "b": 10e9}))
    assert bool(cheaper.iloc[0]["top_dominates"]) and math.isnan(cheaper.iloc[0]["cost_per_point"])


def test_cost_per_point_needs_costs():
    with pytest.raises(ValueError, match="present-value costs"):
        cost_per_point(evaluate_criteria(hand()))


def test_missing_cost_of_an_eligible_option_is_an_error():
    with pytest.raises(ValueError, match="no present-value cost for option"):
        evaluate_criteria(hand(), {"a": 1.0})


def test_hand_computed_switching_weights():
    # Weight of criterion k moved to t, the others rescaled by (1 - t)/(1 - w_k); a leads at the stated weights.
    # S_a - S_b = t (v_ak - v_bk) + (1 - t) (R_ak - R_bk), R = rescaled score of the others:
    #   C1 (0.4): 30 t - 15 (1 - t) = 0        -> t = 1/3  (down), b takes the lead
    #   C2 (0.3): -50 t + (18/0.7) (1 - t) = 0 -> t = 18/53 (up)
    #   C3 (0.2): -10 t + 6.25 (1 - t) = 0     -> t = 5/13 (up)
    #   C4 (0.1): 80 t - (5/0.9) (1 - t) = 0   -> t = 5/77 (down)
    table = weight_sensitivity(hand()).set_index("criterion")
    expected = {"C1": (1 / 3, "down"), "C2": (18 / 53, "up"), "C3": (5 / 13, "up"), "C4": (5 / 77, "down")}
    for cid, (t, direction) in expected.items():
        row = table.loc[cid]
        assert row[f"switch_{direction}"] == pytest.approx(t, abs=1e-12), cid
        assert row[f"new_top_{direction}"] == "b"
        other = "up" if direction == "down" else "down"
        assert math.isnan(row[f"switch_{other}"]) and pd.isna(row[f"new_top_{other}"])
        assert row["switch_weight"] == pytest.approx(t) and row["new_top"] == "b"
        assert row["weight_change"] == pytest.approx(t - row["weight"])
    # the smallest change: C4 from 10 % to 6.49 %
    assert table["weight_change"].abs().idxmin() == "C4"


def brute_force(values, weights, k, step=1e-4):
    """First grid weight, each side of w_k, at which the argmax differs from the top at w_k."""
    w = np.asarray(weights, float) / np.sum(weights)
    top = int(np.argmax(values @ w))
    grid = np.linspace(0.0, 1.0, round(1 / step) + 1)
    others = np.delete(np.arange(len(w)), k)
    rest = w[others].sum()
    found = {}
    for name, ts in (("down", grid[grid <= w[k]][::-1]), ("up", grid[grid >= w[k]])):
        found[name] = None
        for t in ts:
            wt = np.empty_like(w)
            wt[k] = t
            wt[others] = w[others] * (1 - t) / rest if rest > 0 else (1 - t) / len(others)
            s = values @ wt
            if s.max() > s[top] + 1e-9:
                found[name] = (float(t), int(np.argmax(s)))
                break
    return found["down"], found["up"]


def test_switching_weights_agree_with_brute_force_on_the_hand_case():
    crit = hand()
    values, weights = crit.values(crit.eligible), crit.weights
    for k in range(len(weights)):
        exact = switching_weights(values, weights, k)
        grid = brute_force(values, weights, k)
        for e, g in zip(exact, grid, strict=True):
            assert (e is None) == (g is None)
            if e is not None:
                assert e[1] == g[1]
                assert abs(e[0] - g[0]) <= 1e-4 + 1e-12


@settings(max_examples=60, deadline=None)
@given(
    scores=st.lists(st.lists(st.integers(0, 10), min_size=3, max_size=3), min_size=2, max_size=4),
    weights=st.lists(st.integers(1, 20), min_size=3, max_size=3),
    k=st.integers(0, 2),
)
def test_switching_weights_agree_with_brute_force_property(scores, weights, k):
    values = 10.0 * np.array(scores, dtype=float)
    w = np.array(weights, dtype=float)
    s = values @ (w / w.sum())
    assume(np.sort(s)[-1] - np.sort(s)[-2] > 1e-6)  # a strict leader at the stated weights
    exact = switching_weights(values, w, k)
    grid = brute_force(values, w, k, step=1e-3)
    for e, g in zip(exact, grid, strict=True):
        if e is None:
            assert g is None
            continue
        if g is None:  # the crossing lies within one grid step of the end of the range
            assert e[0] > 1 - 1e-3 or e[0] < 1e-3
            continue
        assert abs(e[0] - g[0]) <= 1e-3 + 1e-9
        # the grid point sits a little beyond the crossing: the exact new leader leads there too
        wt = w / w.sum()
        wt = np.where(np.arange(3) == k, g[0], wt * (1 - g[0]) / (1 - wt[k]))
        sg = values @ wt
        assert sg[e[1]] == pytest.approx(sg.max())


def test_no_switch_reported_when_one_option_dominates():
    values = np.array([[90.0, 80.0], [10.0, 20.0]])
    assert switching_weights(values, np.array([0.5, 0.5]), 0) == (None, None)


# ---------------------------------------------------------------------------
# Weight uncertainty
# ---------------------------------------------------------------------------


def two_by_two(**extra_c1):
    # Option a is best on C1 only, option b on C2 only.
    return parse_criteria(
        criteria_dict(
            [
                criterion("C1", 0.75 if extra_c1 else 0.5, {"a": 10, "b": 0}, **extra_c1),
                criterion("C2", 0.25 if extra_c1 else 0.5, {"a": 0, "b": 10}),
            ]
        )
    )


def test_uncertainty_on_the_simplex_two_options_one_criterion_each_is_fifty_fifty():
    # w1 ~ U(0, 1) on the 2-simplex: a ranks first iff w1 > 1/2 -> 50 %; standard error sqrt(.25 / 10,000) = 0.005.
    u = weight_uncertainty(two_by_two(), draws=10_000)
    assert u.method == "simplex"
    p = dict(zip(u.summary["option"], u.summary["prob_first"], strict=True))
    assert p["a"] == pytest.approx(0.5, abs=0.02) and p["b"] == pytest.approx(0.5, abs=0.02)
    assert p["a"] + p["b"] == pytest.approx(1.0)
    assert np.allclose(u.weights.sum(axis=1), 1.0)


def test_uncertainty_within_ranges_known_answer():
    # C1 drawn U(0, 1), C2 fixed at 0.25: a ranks first iff u > 0.25 -> 75 %.
    u = weight_uncertainty(two_by_two(weight_range=[0.0, 1.0]), draws=20_000, seed=7)
    assert u.method == "ranges"
    p = dict(zip(u.summary["option"], u.summary["prob_first"], strict=True))
    assert p["a"] == pytest.approx(0.75, abs=0.015)
    assert u.summary.set_index("option").loc["a", "mean_rank"] == pytest.approx(1.25, abs=0.015)


def test_uncertainty_is_reproducible_with_the_fixed_seed():
    a, b = weight_uncertainty(two_by_two(), draws=500), weight_uncertainty(two_by_two(), draws=500)
    assert np.array_equal(a.weights, b.weights) and list(a.top) == list(b.top)
    c = weight_uncertainty(two_by_two(), draws=500, seed=1)
    assert not np.array_equal(a.weights, c.weights)


def test_uncertainty_ranks_only_eligible_options():
    u = weight_uncertainty(hand(), draws=200)
    assert u.options == ("a", "b") and set(u.top) <= {"a", "b"}


@st.composite
def random_criteria(draw):
    n_opt = draw(st.integers(2, 4))
    n_crit = draw(st.integers(1, 5))
    options = [f"o{i}" for i in range(n_opt)]
    with_ranges = draw(st.booleans())
    crits = []
    for k in range(n_crit):
        w = draw(st.integers(1, 10))
        extra = {}
        if with_ranges and draw(st.booleans()):
            lo = draw(st.integers(0, w))
            hi = draw(st.integers(w, 15))
            extra["weight_range"] = [float(lo), float(hi)]
        crits.append(criterion(f"C{k}", float(w), {o: draw(st.integers(0, 10)) for o in options}, **extra))
    return parse_criteria(criteria_dict(crits, normalised=False), options=options)


@settings(max_examples=40, deadline=None)
@given(crit=random_criteria(), seed=st.integers(0, 2**32 - 1))
def test_top_under_sampled_weights_is_the_direct_argmax(crit, seed):
    u = weight_uncertainty(crit, draws=200, seed=seed)
    values = crit.values(u.options)
    direct = np.argmax(u.weights @ values.T, axis=1)
    assert list(u.top) == [u.options[i] for i in direct]
    assert u.summary["prob_first"].sum() == pytest.approx(1.0)
    assert np.all(u.weights >= 0) and np.allclose(u.weights.sum(axis=1), 1.0)


@settings(max_examples=60, deadline=None)
@given(
    scores=st.lists(st.lists(st.integers(0, 10), min_size=4, max_size=4), min_size=2, max_size=5),
    weights=st.lists(st.floats(0.01, 100), min_size=4, max_size=4),
    factor=st.floats(1e-3, 1e3),
)
def test_weighted_scores_are_invariant_to_scaling_all_weights(scores, weights, factor):
    values = 10.0 * np.array(scores, dtype=float)
    w = np.array(weights)
    assert np.allclose(weighted_scores(values, w), weighted_scores(values, factor * w))
    # and through a file with normalised = false: same scores, same ranks
    options = [f"o{i}" for i in range(len(scores))]

    def build(scale):
        crits = [criterion(f"C{k}", float(w[k] * scale), {o: scores[i][k] for i, o in enumerate(options)}) for k in range(4)]
        return evaluate_criteria(parse_criteria(criteria_dict(crits, normalised=False), options=options)).ranking

    a, b = build(1.0), build(factor)
    assert np.allclose(a["weighted_score"], b["weighted_score"])
    assert a["rank"].tolist() == b["rank"].tolist()


def test_cost_values_linear_between_cheapest_and_dearest():
    assert cost_values(np.array([10.0, 20.0, 12.5])).tolist() == [100.0, 0.0, 75.0]
    assert cost_values(np.array([7.0, 7.0])).tolist() == [100.0, 100.0]


def test_combined_view_sensitivity_includes_the_cost_weight():
    # hand case, cost weight 0.25: combined a 49.5, b 72.25 -> b leads; lowering the cost weight to t:
    # S_b - S_a = (1 - t)(63 - 66) + t (100 - 0) = 0 -> t = 3/103, where a takes the lead.
    table = weight_sensitivity(hand(), HAND_COSTS, cost_weight=0.25).set_index("criterion")
    assert table.loc[COST_ID, "top"] == "b"
    assert table.loc[COST_ID, "switch_down"] == pytest.approx(3 / 103)
    assert table.loc[COST_ID, "new_top_down"] == "a"


# ---------------------------------------------------------------------------
# Bad criteria files: every problem with its key path
# ---------------------------------------------------------------------------


def expectations(path: Path) -> tuple[list[str], list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    options = ["rent", "invest"]
    for line in lines:
        if line.startswith("# options: "):
            options = [o.strip() for o in line.removeprefix("# options: ").split(",")]
    return [line.removeprefix("# expect: ") for line in lines if line.startswith("# expect: ")], options


def test_there_is_a_bad_file_for_every_rule_of_the_brief():
    names = {p.stem for p in BAD_FILES}
    assert {
        "weights-not-normalised",
        "score-outside-scale",
        "unknown-option",
        "gate-without-rule",
        "missing-justification",
        "duplicate-ids",
        "bad-toml",
    } <= names


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.stem for p in BAD_FILES])
def test_bad_criteria_file_lists_exactly_its_problems(path):
    expected, options = expectations(path)
    assert expected, f"{path.name} has no '# expect:' line"
    with pytest.raises(CriteriaError) as info:
        load_criteria(path, options)
    assert sorted(str(p) for p in info.value.problems) == sorted(f"{path}: {m}" for m in expected)


def test_not_utf8_file_is_a_criteria_error(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[criteria]\ntitle = "Quy\xe8n"\n')  # Latin-1, not UTF-8
    with pytest.raises(CriteriaError, match=r"not UTF-8 text \(invalid byte at line 2\)"):
        load_criteria(path)


def test_missing_file_is_a_criteria_error(tmp_path):
    with pytest.raises(CriteriaError, match="cannot read file"):
        load_criteria(tmp_path / "nope.toml")


def test_all_problems_of_a_file_are_reported_together():
    data = criteria_dict(
        [criterion("C1", 0.6, {"a": 11, "b": -1}), criterion("C1", 0.6, {"a": 5})],
        [{"id": "G", "name": "g", "rule": "", "results": {}}],
    )
    with pytest.raises(CriteriaError) as info:
        parse_criteria(data, "x.toml", options=["a", "b"])
    messages = [str(p) for p in info.value.problems]
    # the schema pass stops at the empty rule; fix it and the consistency pass reports the rest together
    assert messages == [
        "x.toml: gate[1] (g).rule: must not be empty: a gate needs a rule, the condition an option must meet to pass"
    ]
    data["gate"][0]["rule"] = "r"
    with pytest.raises(CriteriaError) as info:
        parse_criteria(data, "x.toml", options=["a", "b"])
    text = "\n".join(str(p) for p in info.value.problems)
    for fragment in (
        "criterion[2] (name C1).id: duplicate id 'C1'",
        "gate[1] (g).results: no result for option 'a'",
        "criterion[1] (name C1).scores.a.score: score 11 is outside the scale 0-10",
        "criterion[1] (name C1).scores.b.score: score -1 is outside the scale 0-10",
        "criterion[2] (name C1).scores: no score for option 'b'",
        "criterion[*].weight: the weights sum to 1.2 (0.6 + 0.6), not 1",
    ):
        assert fragment in text, fragment


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (lambda d: d["criterion"][0].update(id="cost"), "criterion[1] (name C1).id", "reserved"),
        (lambda d: d["criterion"][0].update(weight_range=[0.1]), "criterion[1] (name C1).weight_range", "expected [low, high]"),
        (lambda d: d["criterion"][0].update(scale=[10, 0]), "criterion[1] (name C1).scale", "bottom < top"),
        (lambda d: d["criterion"][0].update(weight=-1), "criterion[1] (name C1).weight", "must be >= 0"),
        (lambda d: d["criterion"][0].update(weight=float("nan")), "criterion[1] (name C1).weight", "finite number"),
        (lambda d: d["criterion"][0]["scores"]["a"].update(score=True), "criterion[1] (name C1).scores.a.score", "a boolean"),
        (lambda d: d["criteria"].update(cost={"weight": 1.5, "source": "X: y"}), "criteria.cost.weight", "must be <= 1"),
        (lambda d: d["criteria"].update(colour="red"), "criteria.colour", "unknown key"),
        (lambda d: d.pop("criterion"), "criterion", "at least one criterion is required"),
        (lambda d: d["criterion"][0].update(id="C 1"), "criterion[1] (name C1).id", "letters, digits"),
    ],
)
def test_more_bad_criteria_name_the_key_path(change, path, message):
    data = criteria_dict([criterion("C1", 1.0, {"a": 5, "b": 6})])
    change(data)
    with pytest.raises(CriteriaError) as info:
        parse_criteria(data, "x.toml", options=["a", "b"])
    assert any(p.path == path and message in p.message for p in info.value.problems), info.value.problems


def test_options_default_to_those_the_file_uses_and_must_be_covered():
    data = criteria_dict([criterion("C1", 0.5, {"a": 5, "b": 6}), criterion("C2", 0.5, {"a": 5})])
    with pytest.raises(CriteriaError, match=r"criterion\[2\] \(name C2\).scores: no score for option 'b'"):
        parse_criteria(data)


# ---------------------------------------------------------------------------
# Citations of the register
# ---------------------------------------------------------------------------

REGISTER = parse_register(
    "id,parameter,value,unit,source,type,confidence,note\n"
    "W1,weight,0.5,-,judgement,assumption,low,\n"
    "S1,scores,a=5; b=6,points,judgement,assumption,low,\n"
    "G1,gate,a=pass,-,judgement,assumption,low,\n"
)


def test_citations_unknown_ids_missing_ids_and_disagreements():
    data = criteria_dict(
        [
            {
                "id": "C1",
                "name": "n1",
                "weight": 0.5,
                "source": "W1: ok",
                "scores": {"a": score(5, "S1: ok"), "b": score(7, "S1: disagrees")},
            },
            {
                "id": "C2",
                "name": "n2",
                "weight": 0.5,
                "source": "free text without ids",
                "scores": {"a": score(5, "NOPE: x"), "b": score(6, "S1, W1: y")},
            },
        ],
        [
            {
                "id": "G",
                "name": "g",
                "rule": "r",
                "results": {
                    "a": {"pass": True, "reason": "r", "source": "G1: ok"},
                    "b": {"pass": True, "reason": "r", "source": "G2: x"},
                },
            }
        ],
    )
    problems = check_criteria_citations(parse_criteria(data, "c.toml"), REGISTER)
    assert [(p.path, p.message) for p in problems] == [
        ("gate[1] (g).results.b.source", "unknown register id(s): G2"),
        ("criterion[1] (n1).scores.b.source", "uses 7 but register S1 says a=5; b=6"),
        ("criterion[2] (n2).source", "cites no register id: start the source with ids, e.g. 'IOC-S-OWNERSHIP: ...'"),
        ("criterion[2] (n2).scores.a.source", "unknown register id(s): NOPE"),
    ]


def test_citation_of_a_weight_that_disagrees_with_the_register():
    data = criteria_dict([{"id": "C1", "name": "n1", "weight": 1.0, "source": "W1: x", "scores": {"a": score(5, "S1: x")}}])
    problems = check_criteria_citations(parse_criteria(data, "c.toml"), REGISTER)
    assert [(p.path, p.message) for p in problems] == [("criterion[1] (n1).source", "uses 1 but register W1 says 0.5")]


# ---------------------------------------------------------------------------
# The shipped IOC criteria
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ioc():
    scenario = load_scenario(SCENARIOS / "ioc.toml")
    criteria = load_criteria(CRITERIA, [o.id for o in scenario.options])
    summary = evaluate(scenario).summary
    return scenario, criteria, dict(zip(summary["option"], summary["pv_cost"], strict=True))


def test_shipped_criteria_load_against_the_cost_scenario_and_cite_existing_register_ids(ioc):
    scenario, criteria, _ = ioc
    assert criteria.cost_scenario_path == CRITERIA.parent / "ioc.toml"
    assert criteria.options == tuple(o.id for o in scenario.options)
    assert [c.id for c in criteria.criteria] == [f"C{i}" for i in range(1, 9)]
    assert [g.id for g in criteria.gates] == ["G1", "G2"]
    register = read_register(SCENARIOS / "assumptions.csv")
    assert check_criteria_citations(criteria, register) == []


def test_shipped_weights_scores_and_gates_are_marked_assumptions_in_the_register(ioc):
    _, criteria, _ = ioc
    register = read_register(SCENARIOS / "assumptions.csv").set_index("id")
    from costmodel.register import cited_ids

    first_ids = {cited_ids(c.source)[0] for c in criteria.criteria}
    first_ids |= {cited_ids(s.source)[0] for c in criteria.criteria for s in c.scores.values()}
    first_ids |= {cited_ids(r.source)[0] for g in criteria.gates for r in g.results.values()}
    first_ids.add(cited_ids(criteria.cost_source)[0])
    assert len(first_ids) == 8 + 8 + 2 + 1
    for rid in first_ids:
        assert register.loc[rid, "type"] == "assumption", rid


def test_shipped_file_says_2333_was_not_found_and_every_score_is_justified(ioc):
    _, criteria, _ = ioc
    text = CRITERIA.read_text(encoding="utf-8")
    assert "2333/BTTTT-CĐSQG" in text and "chưa tìm được toàn văn" in text
    for c in criteria.criteria:
        for s in c.scores.values():
            assert len(s.justification) > 40, (c.id, s.option)


def test_shipped_file_is_not_mistaken_for_a_cost_scenario_or_a_plan():
    # the CLI and the default-scenario tests pick TOML files with a [scenario], [options] or [project] table
    text = CRITERIA.read_text(encoding="utf-8")
    assert "[scenario]" not in text
    assert not {"scenario", "options", "project"} & set(tomllib.loads(text))


def test_default_ioc_evaluation(ioc):
    # Hand sum of the shipped scores (0-10) x weights (.20 .15 .15 .15 .10 .10 .05 .10) x 10:
    #   rent   3 8 2 5 9 7 5 8 -> 55.0;  invest 9 4 7 6 3 4 5 3 -> 56.0;  hybrid 6 7 7 6 7 6 6 7 -> 65.0
    _, criteria, costs = ioc
    result = evaluate_criteria(criteria, costs)
    scores = result.ranking.set_index("option")["weighted_score"].to_dict()
    assert scores == pytest.approx({"rent": 55.0, "invest": 56.0, "hybrid": 65.0})
    assert result.top == "hybrid" and result.ranking["eligible"].all()
    table = cost_per_point(result)
    assert table["option"].tolist() == ["invest", "rent"]
    assert bool(table.iloc[0]["top_dominates"])  # hybrid costs less than invest
    assert table.iloc[1]["cost_per_point"] == pytest.approx((costs["hybrid"] - costs["rent"]) / 10.0)
