"""Issue 12, point 1: a validated edit gives exactly what the same edit made in the TOML text gives.

Each case makes one edit twice: through the edit API (``Scenario.with_changes``,
``scale``, ``drop_option``, ``add_option``) and as a targeted replacement in the
file's text, parsed anew with the same source and folder as ``load_scenario``
would use (so plan links and the price index resolve). The deterministic summary,
the ledger and a Monte Carlo summary with a fixed seed must be equal, exactly.

The text side never calls the edit API: it changes strings, so a wrong edit (a
field left behind in ``inputs``, an expression scaled without parentheses, a
distribution bound forgotten, the Fisher rate not derived again, ...) shows.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

import costmodel
from costmodel import ScenarioError, evaluate, load_scenario, parse_scenario
from costmodel.risk.simulate import simulate

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
DIC = SCENARIOS / "data-integration-center.toml"
VC = SCENARIOS / "video-conferencing.toml"
IOC = SCENARIOS / "ioc.toml"
DRAWS, SEED = 300, 20240612

# A small scenario with what the shipped ones lack: distributions written inline in item
# fields (price and quantity), an expression quantity, an expression price with a sum (so a
# scale without parentheses would be wrong) and a real discount rate (nominal by Fisher).
INLINE_SOURCE = "inline.toml"
INLINE = """\
[scenario]
title = "Inline"
start_year = 2024
end_year = 2027
real_discount_rate = 0.03
inflation = 0.04
timing = "mid"
vat = 0.1
baseline = "rent"

[parameters]
k = { dist = "pert", low = 0.8, mode = 1.0, high = 1.5 }
fx = 25_000

[drivers.users]
unit = "user"
values = { 2024 = 100, 2025 = 120, 2026 = 140, 2027 = 160 }

[[options]]
id = "rent"
name = "Rent"

  [[options.items]]
  name = "Seats (per user)"
  category = "service"
  price = 50_000
  per = "month"
  quantity = "users"
  escalation = 0.0

  [[options.items]]
  name = "Support"
  category = "service"
  price = { dist = "triangular", low = 80_000_000, mode = 100_000_000, high = 130_000_000 }
  per = "year"

[[options]]
id = "buy"
name = "Buy"

  [[options.items]]
  name = "Servers"
  category = "equipment"
  price = "4_000 * fx * k + 500_000"
  per = "once"
  quantity = "2 * k + 1"
  from = 2024
  life = 3
  timing = "start"

  [[options.items]]
  name = "Licences"
  category = "licence"
  price = { dist = "normal", mean = 30_000_000, sd = 3_000_000 }
  per = "year"
  vat = 0.0

  [[options.items]]
  name = "Staff"
  category = "staff"
  price = 12_000_000
  per = "month"
  quantity = { dist = "uniform", low = 1, high = 2 }
  vat = 0.0
"""


# ----------------------------------------------------------------- helpers ---
def _read(path: Path | None) -> str:
    return INLINE if path is None else path.read_text(encoding="utf-8")


def _parse_text(text: str, path: Path | None):
    """Parse edited text exactly as ``load_scenario(path)`` would (same source and folder)."""
    if path is None:
        return parse_scenario(tomllib.loads(text), source=INLINE_SOURCE)
    return parse_scenario(tomllib.loads(text), source=str(path), base_dir=path.parent)


def _load(path: Path | None):
    return _parse_text(INLINE, None) if path is None else load_scenario(path)


def _replace_once(text: str, old: str, new: str) -> str:
    """A targeted replacement: ``old`` must occur exactly once."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def _replace_all(text: str, old: str, new: str, count: int) -> str:
    """A targeted replacement of each of the ``count`` occurrences of ``old``."""
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def _sub(pattern: str, repl, text: str, count: int) -> str:
    """``re.sub`` that must replace exactly ``count`` times."""
    out, n = re.subn(pattern, repl, text)
    assert n == count, f"{pattern!r} replaced {n} times"
    return out


def _toml_value(rhs: str):
    return tomllib.loads(f"v = {rhs}")["v"]


def _times(value, factor: float) -> str:
    """A number times ``factor`` written as TOML (repr round-trips the float exactly)."""
    return repr(value * factor)


def _remove_option_block(text: str, option_id: str) -> str:
    """Delete the ``[[options]]`` table of ``option_id`` (its items included) from the text."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip() == "[[options]]"]
    start = next(i for i in starts if any(lines[j].strip() == f'id = "{option_id}"' for j in range(i + 1, i + 4)))
    end = next((j for j in range(start + 1, len(lines)) if lines[j].startswith("[")), len(lines))
    return "".join(lines[:start] + lines[end:])


def _results(scenario) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    result = evaluate(scenario)
    return result.summary, result.ledger, simulate(scenario, draws=DRAWS, seed=SEED).summary


def assert_same(edited, expected, original=None) -> None:
    """Summary, ledger and Monte Carlo summary equal, exactly; and different from ``original`` when given."""
    got, want = _results(edited), _results(expected)
    for name, a, b in zip(("summary", "ledger", "simulation summary"), got, want, strict=True):
        try:
            assert_frame_equal(a, b, check_exact=True)
        except AssertionError as exc:
            raise AssertionError(f"{name} differs from the text edit:\n{exc}") from None
    assert edited.content_digest() == expected.content_digest()
    if original is not None:  # the edit did something (else the comparison proves nothing)
        before = _results(original)
        assert not all(b.equals(a) for a, b in zip(got, before, strict=True)), "the edit changed nothing"


# ------------------------------------------------------- the edits, twice ---
# Each case: (id, scenario file or None for INLINE, edit through the API, edit of the text).
Case = tuple[str, Path | None, Callable, Callable[[str], str]]
F = 1.2  # factor of the scale cases (any factor: the text is written with the exact products)

CASES: list[Case] = [
    # 1. a plain number
    (
        "number: VC options.buy.items[1].price",
        VC,
        lambda s: s.with_changes({"options.buy.items[1].price": 2_500_000_000}),
        lambda t: _replace_once(t, "price = 2_032_000_000", "price = 2_500_000_000"),
    ),
    (
        "number, item named: VC options.buy.items[1] (Thiết bị điều khiển đa điểm (MCU)).price",
        VC,
        lambda s: s.with_changes({"options.buy.items[1] (Thiết bị điều khiển đa điểm (MCU)).price": 1_900_000_000}),
        lambda t: _replace_once(t, "price = 2_032_000_000", "price = 1_900_000_000"),
    ),
    (
        "number, scaled: IOC options.invest.items[1].price x F",
        IOC,
        lambda s: s.scale("options.invest.items[1].price", F),
        lambda t: _replace_once(t, "price = 15_000_000_000", f"price = {_times(15_000_000_000, F)}"),
    ),
    # 2. a field written as an expression
    (
        "expression: DIC options.rent.items[2] (Thuê vCPU (1 vCPU + 4 GB RAM)).price",
        DIC,
        lambda s: s.with_changes({"options.rent.items[2] (Thuê vCPU (1 vCPU + 4 GB RAM)).price": "600_000 * rent_factor"}),
        lambda t: _replace_once(t, 'price = "505_000 * rent_factor"', 'price = "600_000 * rent_factor"'),
    ),
    (
        "expression -> number: DIC options.rent.items[2].price",
        DIC,
        lambda s: s.with_changes({"options.rent.items[2].price": 600_000}),
        lambda t: _replace_once(t, 'price = "505_000 * rent_factor"', "price = 600_000"),
    ),
    (
        "expression, scaled: DIC options.invest.items[6].price x F",
        DIC,
        lambda s: s.scale("options.invest.items[6].price", F),
        lambda t: _replace_once(t, 'price = "8_760 * pue * tariff"', f'price = "(8_760 * pue * tariff) * {F!r}"'),
    ),
    (
        "expression quantity: INLINE options.buy.items[1].quantity",
        None,
        lambda s: s.with_changes({"options.buy.items[1].quantity": "3 * k"}),
        lambda t: _replace_once(t, 'quantity = "2 * k + 1"', 'quantity = "3 * k"'),
    ),
    (
        "expression with a sum, scaled: INLINE options.buy.items[1].price x F",
        None,
        lambda s: s.scale("options.buy.items[1].price", F),
        lambda t: _replace_once(t, 'price = "4_000 * fx * k + 500_000"', f'price = "(4_000 * fx * k + 500_000) * {F!r}"'),
    ),
    # 3. a field written as a distribution: replaced by a number, and scaled
    (
        "distribution -> number: INLINE options.rent.items[2].price",
        None,
        lambda s: s.with_changes({"options.rent.items[2].price": 110_000_000}),
        lambda t: _replace_once(
            t, 'price = { dist = "triangular", low = 80_000_000, mode = 100_000_000, high = 130_000_000 }', "price = 110_000_000"
        ),
    ),
    (
        "distribution, scaled: INLINE options.rent.items[2] (Support).price x F",
        None,
        lambda s: s.scale("options.rent.items[2] (Support).price", F),
        lambda t: _replace_once(
            t,
            'price = { dist = "triangular", low = 80_000_000, mode = 100_000_000, high = 130_000_000 }',
            f'price = {{ dist = "triangular", low = {_times(80_000_000, F)}, mode = {_times(100_000_000, F)}, '
            f"high = {_times(130_000_000, F)} }}",
        ),
    ),
    (
        "distribution quantity, scaled: INLINE options.buy.items[3].quantity x F",
        None,
        lambda s: s.scale("options.buy.items[3].quantity", F),
        lambda t: _replace_once(
            t,
            'quantity = { dist = "uniform", low = 1, high = 2 }',
            f'quantity = {{ dist = "uniform", low = {_times(1, F)}, high = {_times(2, F)} }}',
        ),
    ),
    (
        "distribution -> number: DIC parameters.pue",
        DIC,
        lambda s: s.with_changes({"parameters.pue": 2.2}),
        lambda t: re.sub(r"(?m)^pue = \{.*\}$", "pue = 2.2", t, count=1),
    ),
    (
        "distribution, scaled: DIC parameters.pue x F",
        DIC,
        lambda s: s.scale("parameters.pue", F),
        lambda t: _replace_once(
            t,
            'pue = { dist = "pert", low = 1.8, mode = 2.0, high = 2.5,',
            f'pue = {{ dist = "pert", low = {_times(1.8, F)}, mode = {_times(2.0, F)}, high = {_times(2.5, F)},',
        ),
    ),
    # 4. a parameter
    (
        "parameter: INLINE parameters.fx",
        None,
        lambda s: s.with_changes({"parameters.fx": 26_500}),
        lambda t: _replace_once(t, "fx = 25_000", "fx = 26_500"),
    ),
    (
        "parameter field: DIC parameters.fx.high",
        DIC,
        lambda s: s.with_changes({"parameters.fx.high": 28_000}),
        lambda t: _replace_once(t, "mode = 25_400, high = 26_500", "mode = 25_400, high = 28_000"),
    ),
    (
        "parameter, a distribution in place of a number: INLINE parameters.fx",
        None,
        lambda s: s.with_changes({"parameters.fx": {"dist": "pert", "low": 24_000, "mode": 25_000, "high": 27_000}}),
        lambda t: _replace_once(t, "fx = 25_000", 'fx = { dist = "pert", low = 24_000, mode = 25_000, high = 27_000 }'),
    ),
    # 5. the discount rates
    (
        "nominal rate: IOC scenario.discount_rate",
        IOC,
        lambda s: s.with_changes({"scenario.discount_rate": 0.06}),
        lambda t: _replace_once(t, "discount_rate = 0.08", "discount_rate = 0.06"),
    ),
    (
        "real rate (nominal by Fisher): INLINE scenario.real_discount_rate",
        None,
        lambda s: s.with_changes({"scenario.real_discount_rate": 0.05}),
        lambda t: _replace_once(t, "real_discount_rate = 0.03", "real_discount_rate = 0.05"),
    ),
    (
        "inflation under a real rate (nominal by Fisher again): INLINE scenario.inflation",
        None,
        lambda s: s.with_changes({"scenario.inflation": 0.025}),
        lambda t: _replace_once(t, "inflation = 0.04", "inflation = 0.025"),
    ),
    # 6. a driver's year value
    (
        "driver year: DIC drivers.it_kw.values.2026",
        DIC,
        lambda s: s.with_changes({"drivers.it_kw.values.2026": 6.5}),
        lambda t: _replace_once(t, "2025 = 5, 2026 = 6, 2027 = 7", "2025 = 5, 2026 = 6.5, 2027 = 7"),
    ),
    (
        "driver year written as an expression: DIC drivers.vcpu.values.2026",
        DIC,
        lambda s: s.with_changes({"drivers.vcpu.values.2026": "400 * demand"}),
        lambda t: _replace_once(t, '2026 = "360 * demand"', '2026 = "400 * demand"'),
    ),
    (
        "driver year: INLINE drivers.users.values.2025",
        None,
        lambda s: s.with_changes({"drivers.users.values.2025": 130}),
        lambda t: _replace_once(t, "2025 = 120", "2025 = 130"),
    ),
    # 7. dropping an option
    (
        "drop option: DIC hybrid",
        DIC,
        lambda s: s.drop_option("hybrid"),
        lambda t: _remove_option_block(t, "hybrid"),
    ),
    (
        "drop option (in the middle): IOC invest",
        IOC,
        lambda s: s.drop_option("invest"),
        lambda t: _remove_option_block(t, "invest"),
    ),
    (
        "drop option: INLINE buy",
        None,
        lambda s: s.drop_option("buy"),
        lambda t: _remove_option_block(t, "buy"),
    ),
    # several edits at once, a new key among them (an item without escalation gets one)
    (
        "several: VC baseline, new escalation, number",
        VC,
        lambda s: s.with_changes(
            {
                "scenario.baseline": "buy",
                "options.buy.items[2].escalation": 0.02,
                "options.rent.items[4].price": 12_000_000,
            }
        ),
        lambda t: _replace_once(
            _replace_once(
                _replace_once(t, 'baseline = "rent"', 'baseline = "buy"'),
                "  price = 304_800_000\n",
                "  price = 304_800_000\n  escalation = 0.02\n",
            ),
            "price = 10_000_000",
            "price = 12_000_000",
        ),
    ),
]

# 8. adding an option: the same [[options]] table appended to the text and given as a dict
NEW_DIC_OPTION = """
[[options]]
id = "rent-late"
name = "Thuê dịch vụ, ký hợp đồng muộn 3 tháng"
short_name = "Thuê muộn"
from = { plan = "dic-rental-procurement.toml", task = "sign", offset_months = 3, progress = "dic-rental-procurement-progress" }

  [[options.items]]
  name = "Duy trì hạ tầng hiện tại"
  category = "current"
  price = 40_000_000
  per = "month"
  from = 2024
  to = { plan = "dic-rental-procurement.toml", task = "sign", offset_months = 2, progress = "dic-rental-procurement-progress" }

  [[options.items]]
  name = "Thuê vCPU"
  category = "service"
  price = "520_000 * rent_factor"
  per = "month"
  quantity = "vcpu"
  escalation = 0.0

  [[options.items]]
  name = "Chuyển đổi"
  category = "migration"
  price = { dist = "pert", low = 400_000_000, mode = 550_000_000, high = 800_000_000 }
  per = "once"
  from = 2025
"""

NEW_INLINE_OPTION = """
[[options]]
id = "hybrid"
name = "Hybrid"

  [[options.items]]
  name = "Seats"
  category = "service"
  price = "30_000 * k"
  per = "month"
  quantity = "users"

  [[options.items]]
  name = "Kit"
  category = "equipment"
  price = { dist = "triangular", low = 9_000_000, mode = 10_000_000, high = 14_000_000 }
  per = "added"
  quantity = "users"
  module = 50
  life = 3
"""

for _path, _block in ((DIC, NEW_DIC_OPTION), (None, NEW_INLINE_OPTION)):
    _option = tomllib.loads(_block)["options"][0]
    CASES.append(
        (
            f"add option: {'INLINE' if _path is None else _path.stem} {_option['id']}",
            _path,
            lambda s, o=_option: s.add_option(o),
            lambda t, b=_block: t + b,
        )
    )


def _scale_dic_prices(text: str, factor: float) -> str:
    """Every item price of the text times ``factor``: numbers multiplied, expressions wrapped."""

    def one(m: re.Match) -> str:
        value = _toml_value(m[2])
        new = _times(value, factor) if isinstance(value, int | float) else f'"({value}) * {factor!r}"'
        return f"{m[1]}{new}"

    out, n = re.subn(r"(?m)^(\s+price = )(.+)$", one, text)
    assert n == sum(len(o.items) for o in load_scenario(DIC).options), n  # every item's price, nothing else
    return out


def _scale_dic_parameters(text: str, factor: float) -> str:
    """Every bound of the [parameters] distributions times ``factor``."""
    head, rest = text.split("[parameters]\n", 1)
    table, tail = rest.split("\n\n", 1)
    table = re.sub(r"\b(low|mode|high) = ([\d_.]+)", lambda m: f"{m[1]} = {_times(_toml_value(m[2]), factor)}", table)
    return f"{head}[parameters]\n{table}\n\n{tail}"


# scale with wildcards over numbers, expressions and distributions alike
CASES += [
    (
        "wildcard scale: INLINE options.*.items[*].price x F (numbers, expressions, distributions)",
        None,
        lambda s: s.scale("options.*.items[*].price", F),
        lambda t: _replace_once(
            _replace_once(
                _replace_once(
                    _replace_once(
                        _replace_once(
                            t,
                            "price = 50_000\n",
                            f"price = {_times(50_000, F)}\n",
                        ),
                        'price = { dist = "triangular", low = 80_000_000, mode = 100_000_000, high = 130_000_000 }',
                        f'price = {{ dist = "triangular", low = {_times(80_000_000, F)}, mode = {_times(100_000_000, F)}, '
                        f"high = {_times(130_000_000, F)} }}",
                    ),
                    'price = "4_000 * fx * k + 500_000"',
                    f'price = "(4_000 * fx * k + 500_000) * {F!r}"',
                ),
                'price = { dist = "normal", mean = 30_000_000, sd = 3_000_000 }',
                f'price = {{ dist = "normal", mean = {_times(30_000_000, F)}, sd = {_times(3_000_000, F)} }}',
            ),
            "price = 12_000_000\n",
            f"price = {_times(12_000_000, F)}\n",
        ),
    ),
    (
        "wildcard scale, items by name: DIC options.*.items[*] (Chuyển đổi, di chuyển hệ thống).price x F",
        DIC,
        lambda s: s.scale("options.*.items[*] (Chuyển đổi, di chuyển hệ thống).price", F),
        lambda t: _replace_all(t, "price = 500_000_000\n", f"price = {_times(500_000_000, F)}\n", count=2),
    ),
    (
        "wildcard set, one segment: DIC options.*.from (the options' dates, not their items')",
        DIC,
        lambda s: s.with_changes({"options.*.from": "2025-03"}),
        lambda t: _sub(r"(?m)^from = .*$", 'from = "2025-03"', t, count=3),  # options' from: not indented
    ),
    (
        "wildcard scale: DIC options.*.items[*].price x 1.25 (numbers and expressions)",
        DIC,
        lambda s: s.scale("options.*.items[*].price", 1.25),
        lambda t: _scale_dic_prices(t, 1.25),
    ),
    (
        "wildcard scale: DIC parameters.* x 1.1 (distributions, correlated ones included)",
        DIC,
        lambda s: s.scale("parameters.*", 1.1),
        lambda t: _scale_dic_parameters(t, 1.1),
    ),
    (
        "wildcard scale: DIC drivers.*.values.2027 x 0.9 (numbers and expressions)",
        DIC,
        lambda s: s.scale("drivers.*.values.2027", 0.9),
        lambda t: re.sub(
            r"2027 = (\"[^\"]*\"|[\d_.]+)",
            lambda m: (
                "2027 = "
                + (f'"({_toml_value(m[1])}) * 0.9"' if isinstance(_toml_value(m[1]), str) else _times(_toml_value(m[1]), 0.9))
            ),
            t,
        ),
    ),
]


@pytest.mark.parametrize(("path", "api_edit", "text_edit"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_edit_equals_the_same_edit_in_the_file(path, api_edit, text_edit):
    original = _load(path)
    edited = api_edit(original)
    expected = _parse_text(text_edit(_read(path)), path)
    assert_same(edited, expected, original)


def test_the_cases_cover_the_eight_kinds_of_edit():
    ids = " | ".join(c[0] for c in CASES)
    for kind in ("number", "expression", "distribution -> number", "distribution, scaled", "parameter", "rate", "driver year"):
        assert kind in ids
    assert "drop option" in ids and "add option" in ids and "wildcard scale" in ids


def test_nominal_rate_set_in_a_file_with_a_real_rate_is_refused_as_the_file_edit_is():
    """``discount_rate`` beside ``real_discount_rate``: the file may give only one, so both edits are refused alike."""
    with pytest.raises(ScenarioError) as api:
        _load(None).with_changes({"scenario.discount_rate": 0.06})
    with pytest.raises(ScenarioError) as text:
        _parse_text(
            _replace_once(INLINE, "real_discount_rate = 0.03\n", "real_discount_rate = 0.03\ndiscount_rate = 0.06\n"), None
        )
    assert api.value.problems == text.value.problems
    assert "not both" in str(api.value) and "discount_rate" in str(api.value)


def test_edits_keep_the_file_name_and_folder_of_the_scenario():
    s = load_scenario(DIC)
    edited = s.with_changes({"options.rent.items[4].price": 15_000_000})
    assert (edited.source, edited.base_dir, edited.plan_dates) == (s.source, s.base_dir, s.plan_dates)
    assert edited.plan_links == s.plan_links  # the relative plan and progress paths resolved in the same folder


# --------------------------------------------------------- the property ---
VC_TEXT = VC.read_text(encoding="utf-8")
VC_SCENARIO = load_scenario(VC)


@settings(max_examples=10, deadline=None)
@given(factor=st.floats(min_value=0.5, max_value=2.0, allow_nan=False, allow_infinity=False))
def test_scaling_every_price_equals_scaling_them_in_the_text(factor):
    # The video-conferencing prices are plain numbers. The text gets repr(price * factor), which
    # reads back as the very same float, so the comparison can be exact (no rtol): a decimal
    # rounded by hand (1.98 for 1.8 x 1.1) would differ in the last bit and need rtol 1e-12.
    def one(m: re.Match) -> str:
        return f"{m[1]}{_times(_toml_value(m[2]), factor)}"

    text, n = re.subn(r"(?m)^(\s+price = )([\d_]+)$", one, VC_TEXT)
    assert n == len([it for o in VC_SCENARIO.options for it in o.items])  # every price is a plain number
    expected = _parse_text(text, VC)
    edited = VC_SCENARIO.scale("options.*.items[*].price", factor)
    a, b = evaluate(edited), evaluate(expected)
    assert_frame_equal(a.summary, b.summary, check_exact=True)
    assert_frame_equal(a.ledger, b.ledger, check_exact=True)


# -------------------------------------------------- refused edits, clearly ---
def _problem_paths(exc: ScenarioError) -> list[str]:
    return [p.path for p in exc.problems]


def test_dropping_the_baseline_is_a_scenario_error_naming_it():
    s = load_scenario(DIC)
    with pytest.raises(ScenarioError) as err:
        s.drop_option("rent")
    assert not isinstance(err.value, KeyError)
    assert _problem_paths(err.value) == ["options.rent"]
    assert "baseline" in str(err.value) and "scenario.baseline" in str(err.value)


def test_dropping_the_implicit_baseline_is_refused_too():
    text = _replace_once(INLINE, 'baseline = "rent"\n', "")
    s = _parse_text(text, None)
    assert s.baseline == "rent"  # the first option
    with pytest.raises(ScenarioError, match=r"options\.rent: 'rent' is the baseline"):
        s.drop_option("rent")


def test_dropping_an_unknown_option_names_it():
    with pytest.raises(ScenarioError) as err:
        load_scenario(IOC).drop_option("rnet")
    assert _problem_paths(err.value) == ["options.rnet"]
    assert "'rent'" in str(err.value)  # the options there are


def test_dropping_an_option_another_table_refers_to_is_a_scenario_error():
    """VC's [[comparisons]] name option "buy": refused like the file without it, not a KeyError."""
    with pytest.raises(ScenarioError) as api:
        load_scenario(VC).drop_option("buy")
    with pytest.raises(ScenarioError) as text:
        _parse_text(_remove_option_block(VC_TEXT, "buy"), VC)
    assert api.value.problems == text.value.problems


@pytest.mark.parametrize(
    ("changes", "path", "words"),
    [
        ({"options.rent.items[1].prise": 1}, "options.rent.items[1]", "did you mean 'price'"),
        ({"scenario.discount_rte": 0.05}, "scenario.discount_rte", "unknown key"),
        ({"options.rnet.items[1].price": 1}, "options.rnet.items[1].price", "no option 'rnet'"),
        ({"parameters.pue.hihg": 3.0}, "parameters.pue", "hihg"),
    ],
    ids=["item key", "scenario key", "option", "distribution key"],
)
def test_an_unknown_key_path_is_a_scenario_error_naming_it(changes, path, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario(DIC).with_changes(changes)
    assert any(p.startswith(path) for p in _problem_paths(err.value)), err.value.problems
    assert words in str(err.value)


@pytest.mark.parametrize("n", [0, 7, 99])
def test_an_item_number_out_of_range_is_a_scenario_error_naming_the_path(n):
    s = load_scenario(DIC)
    for edit in (
        lambda: s.with_changes({f"options.rent.items[{n}].price": 1}),
        lambda: s.scale(f"options.rent.items[{n}].price", 2),
    ):
        with pytest.raises(ScenarioError) as err:
            edit()
        assert _problem_paths(err.value) == [f"options.rent.items[{n}].price"]
        assert "the option has 6 item(s), numbered from 1" in str(err.value)


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("options.rent.items[4].price", True, "expected a number, got a boolean"),
        ("options.rent.items[4].price", "14760000", "remove the quotes"),
        ("options.rent.items[4].price", [1, 2], "got an array"),
        ("options.rent.items[4].per", 12, "per"),
        ("scenario.start_year", "2024", "start_year"),
        ("scenario.discount_rate", {"dist": "pert", "low": 0.1}, "scenario.discount_rate"),
        ("drivers.it_kw.values.2026", "lots", "drivers.it_kw.values.2026"),
        ("parameters.fx", False, "parameters.fx"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_scenario_error_naming_the_path(path, value, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario(DIC).with_changes({path: value})
    prefix, key = path.rsplit(".", 1)  # the problem's path names the item too: options.rent.items[4] (Đường ...).price
    assert any(p.startswith(prefix) and p.endswith(f".{key}") for p in _problem_paths(err.value)), err.value.problems
    assert words in str(err.value)


def test_scaling_something_that_is_not_a_number_is_a_scenario_error():
    s = load_scenario(DIC)
    with pytest.raises(ScenarioError, match=r"options\.rent\.items\[2\]\.quantity: 'vcpu' names a driver"):
        s.scale("options.rent.items[2].quantity", 2)
    with pytest.raises(ScenarioError, match=r"options\.\*\.items\[\*\]\.pirce: matches no key"):
        s.scale("options.*.items[*].pirce", 2)
    with pytest.raises(ScenarioError, match="factor"):
        s.scale("options.rent.items[4].price", float("nan"))


@pytest.mark.parametrize("path", ["scenario.title", "options.rent.items[1].source", "options.*.items[*].name"])
def test_scaling_text_is_a_scenario_error_naming_the_path(path):
    with pytest.raises(ScenarioError) as err:
        load_scenario(DIC).scale(path, 2)
    assert err.value.problems[0].path.startswith(path.split("*")[0])
    assert "is text: only numbers, expressions and distributions can be scaled" in str(err.value)


@pytest.mark.parametrize(
    ("path", "words"),
    [("options.rent", "an option is edited field by field"), ("options.rent.items[2]", "an item is edited field by field")],
)
def test_setting_a_whole_option_or_item_is_a_scenario_error_naming_the_path(path, words):
    with pytest.raises(ScenarioError) as err:
        load_scenario(DIC).with_changes({path: 1})
    assert _problem_paths(err.value) == [path]
    assert words in str(err.value)


def test_adding_an_option_that_is_not_a_table_is_a_scenario_error():
    with pytest.raises(ScenarioError, match=r"options: an option is a table like a file's \[\[options\]\], got a number"):
        load_scenario(IOC).add_option(5)
    with pytest.raises(ScenarioError) as err:  # a duplicate id, like the same table appended to the file
        load_scenario(IOC).add_option(
            {"id": "rent", "name": "Again", "items": [{"name": "a", "category": "c", "price": 1, "per": "year"}]}
        )
    assert "duplicate option id 'rent'" in str(err.value)


@pytest.mark.parametrize("changes", [{"options.rent.items": 1}, {"options": 1}])
def test_a_non_table_in_place_of_items_or_options_is_a_scenario_error(changes):
    with pytest.raises(ScenarioError) as err:
        load_scenario(IOC).with_changes(changes)
    assert any(p.startswith(next(iter(changes))) for p in _problem_paths(err.value)), err.value.problems


def test_an_item_with_a_wrong_name_is_a_scenario_error():
    s = load_scenario(DIC)
    for edit in (
        lambda: s.with_changes({"options.rent.items[2] (Thuê lưu trữ).price": 1}),
        lambda: s.scale("options.rent.items[2] (Thuê lưu trữ).price", 2),
    ):
        with pytest.raises(ScenarioError) as err:
            edit()
        assert _problem_paths(err.value) == ["options.rent.items[2] (Thuê lưu trữ).price"]
        assert "item 2 is 'Thuê vCPU (1 vCPU + 4 GB RAM)', not 'Thuê lưu trữ'" in str(err.value)


def test_a_wrong_name_in_a_wildcard_pattern_is_not_ignored():
    s = load_scenario(DIC)
    with pytest.raises(ScenarioError) as err:
        s.scale("options.*.items[2] (Thuê lưu trữ).price", 2)
    assert _problem_paths(err.value) == ["options.*.items[2] (Thuê lưu trữ).price"]
    # the right name picks the items of that name only
    name = "Máy chủ (theo vCPU, mua theo máy 128 vCPU)"
    edited = s.scale(f"options.*.items[*] ({name}).price", 2)
    assert [c.path for c in edited.changes] == [
        f"options.invest.items[2] ({name}).price",
        f"options.hybrid.items[2] ({name}).price",
    ]
    assert [c.new for c in edited.changes] == ["(58.964 * fx) * 2.0"] * 2


# ------------------------------------------------------- the edit history ---
def test_changes_list_the_edits_in_order():
    s = load_scenario(DIC)
    option = tomllib.loads(NEW_DIC_OPTION)["options"][0]
    edited = (
        s.with_changes({"scenario.discount_rate": 0.07, "options.rent.items[4].price": 15_000_000})
        .scale("options.*.items[1].price", 2)
        .drop_option("hybrid")
        .add_option(option)
        .with_changes({"parameters.fx.high": 27_000})
    )
    assert [(c.kind, c.path) for c in edited.changes] == [
        ("set", "scenario.discount_rate"),
        ("set", "options.rent.items[4].price"),
        ("scale", "options.rent.items[1].price"),
        ("scale", "options.invest.items[1].price"),
        ("scale", "options.hybrid.items[1].price"),
        ("drop_option", "options.hybrid"),
        ("add_option", "options.rent-late"),
        ("set", "parameters.fx.high"),
    ]
    assert [(c.old, c.new) for c in edited.changes[:3]] == [(0.08, 0.07), (14_760_000, 15_000_000), (40_000_000, 80_000_000.0)]
    assert s.changes == ()  # the original is untouched
    assert edited.sha256 == s.sha256  # the file it came from


# ------------------------------------------------ edits behind validation ---
def test_a_replaced_item_is_refused_when_evaluated():
    s = load_scenario(DIC)
    rent = s.option("rent")
    # the vCPU price is an expression: replacing the resolved number would leave the expression in s.inputs
    item = dataclasses.replace(rent.items[1], price=1.0)
    option = dataclasses.replace(rent, items=(rent.items[0], item, *rent.items[2:]))
    forged = dataclasses.replace(s, options=(option, *s.options[1:]))
    with pytest.raises(ScenarioError, match="changed without validation"):
        evaluate(forged)
    with pytest.raises(ScenarioError, match="changed without validation"):
        simulate(forged, draws=10, seed=1)
    with pytest.raises(ScenarioError, match="changed without validation"):
        evaluate(dataclasses.replace(s, discount_rate=0.5))
    evaluate(s)  # the original still evaluates
    evaluate(s.with_changes({"options.rent.items[2].price": 1.0}))  # and so does the validated edit


def test_costmodel_exports_the_error():
    assert costmodel.ScenarioError is ScenarioError
