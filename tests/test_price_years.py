"""Prices quoted before a scenario's base year are brought to it through the price index, or held flat with a reason.

The register's optional ``price_year`` column dates every published or derived price. An item
whose first cited row is a price from an earlier year than the scenario's base year must either
set ``price_year`` to that year (the engine converts it through ``price-index.csv``, as
``costmodel peers`` does) or cite a flat-reason row: ``PRICE-FLAT`` or an id starting with
``PRICE-FLAT-`` (``costmodel.register.is_flat_reason``).
"""

from __future__ import annotations

import tomllib

import pytest

from conftest import SCENARIOS, make_scenario
from costmodel import evaluate, load_scenario, parse_scenario
from costmodel.peers import index_factor, read_price_index
from costmodel.register import (
    RegisterError,
    check_price_years,
    is_flat_reason,
    parse_register,
    price_years,
    read_register,
    register_markdown,
)

REGISTER = SCENARIOS / "assumptions.csv"
HEAD = "id,parameter,value,unit,source,type,confidence,note"


def _cost_scenarios() -> list[str]:
    """Every TOML file in scenarios/ with a [scenario] table (plans and criteria files are not cost scenarios)."""
    names = []
    for path in sorted(SCENARIOS.glob("*.toml")):
        with path.open("rb") as f:
            if "scenario" in tomllib.load(f):
                names.append(path.stem)
    return names


def test_the_default_scenarios_are_all_checked():
    assert {"data-integration-center", "video-conferencing", "video-conferencing-restructuring", "ioc"} <= set(_cost_scenarios())
    assert "video-conferencing-past-rental" in _cost_scenarios()


@pytest.mark.parametrize("name", _cost_scenarios())
def test_prices_quoted_before_the_base_year_are_indexed_or_flat_with_a_reason(name):
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    assert [str(p) for p in check_price_years(scenario, read_register(REGISTER))] == []


def test_the_hybrid_commune_kit_is_indexed_like_the_peer_comparison():
    # VC15: 30 M VND in 2017 (Hà Giang); costmodel peers brings the same figure to 2024 with the
    # price index: x 1.0354 x 1.0279 x 1.0323 x 1.0184 x 1.0315 x 1.0325 x 1.0363 (2018-2024).
    factor = 1.0354 * 1.0279 * 1.0323 * 1.0184 * 1.0315 * 1.0325 * 1.0363
    assert index_factor(read_price_index(SCENARIOS / "price-index.csv"), 2017, 2024) == pytest.approx(factor, rel=1e-12)
    for name in ("video-conferencing", "video-conferencing-restructuring"):
        scenario = load_scenario(SCENARIOS / f"{name}.toml")
        hybrid = next(o for o in scenario.options if o.id == "hybrid")
        kit = next(i for i in hybrid.items if i.source.startswith("VCX-KIT-COMMUNE"))
        upkeep = next(i for i in hybrid.items if i.source.startswith("VCX-OM-KIT"))
        assert (kit.price, kit.price_year) == (30_000_000, 2017)
        assert kit.price_factor == pytest.approx(factor, rel=1e-12)  # 37.05 M at 2024 prices
        assert (upkeep.price_year, upkeep.price_factor) == (2017, kit.price_factor)


def test_price_index_years_2017_2025_are_published_and_cite_the_register():
    register = read_register(REGISTER).set_index("id")
    index = read_price_index(SCENARIOS / "price-index.csv")
    assert index["year"].tolist() == list(range(2017, 2026))
    types = (SCENARIOS / "price-index.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert all(line.endswith(",published") for line in types)
    for row in index.itertuples():
        rid = f"CPI-{row.year}"
        assert row.source.startswith(f"{rid}: "), row.source
        assert register.loc[rid, "type"] == "published"
        assert float(register.loc[rid, "value"]) == row.inflation
    assert index.set_index("year").loc[2025, "inflation"] == 0.0331


# --- the register's price_year column -------------------------------------------------------


def test_price_year_column_is_read_and_shown_when_present():
    text = "\n".join(
        [
            HEAD + ",price_year",
            "VC15,Commune kit,30000000,VND/point,baophapluat.vn,published,medium,,2017",
            "GOVNET-5M,Line,984000,VND/month,Circular 06/2010,derived,medium,, 2010 ",
            "EC3,Inflation,0.04,1/year,NA target,assumption,medium,,",
        ]
    )
    register = parse_register(text + "\n", "reg.csv")
    assert register["price_year"].tolist() == ["2017", "2010", ""]
    assert price_years(register) == {"VC15": 2017, "GOVNET-5M": 2010}
    md = register_markdown(register, {"VC15": ["video-conferencing.toml"]})
    assert "| id | parameter | value | unit | price year | type | confidence | source | note | cited by |" in md
    assert "| VC15 | Commune kit | 30000000 | VND/point | 2017 | published | medium |" in md
    assert "| EC3 | Inflation | 0.04 | 1/year |  | assumption | medium |" in md
    assert "**price year** is the year a published or derived price is quoted in" in md


def test_register_without_price_year_reads_as_before():
    register = parse_register(HEAD + "\nVC15,Commune kit,30000000,VND/point,s,published,medium,\n", "reg.csv")
    assert "price_year" not in register.columns
    assert price_years(register) == {}
    md = register_markdown(register)
    assert "price year" not in md
    assert "| id | parameter | value | unit | type | confidence | source | note | cited by |" in md


def test_price_year_column_beside_placeholder_keeps_both():
    text = HEAD + ",placeholder,price_year\nPAST-RENT,Rent,6000000,VND,ASSUMPTION,assumption,low,,yes,\n"
    register = parse_register(text, "reg.csv")
    assert list(register.columns)[-2:] == ["placeholder", "price_year"]
    assert register_markdown(register).splitlines()[-1].endswith("|  | assumption | low | ASSUMPTION |  |  | yes |")


@pytest.mark.parametrize("bad", ["2017a", "17", "1899", "2201", "2017.0", "-2017"])
def test_bad_price_year_names_the_line(bad):
    text = HEAD + ",price_year\nVC15,Kit,30000000,VND,s,published,medium,," + bad + "\n"
    with pytest.raises(RegisterError) as info:
        parse_register(text, "reg.csv")
    assert [str(p) for p in info.value.problems] == [
        f"reg.csv: line 2: price_year must be a year from 1900 to 2200 or empty (got {bad!r})"
    ]


def test_flat_reasons_are_price_flat_and_its_dash_family():
    assert is_flat_reason("PRICE-FLAT") and is_flat_reason("PRICE-FLAT-TARIFF")
    assert not is_flat_reason("PRICE-FLATTER") and not is_flat_reason("FLAT")
    register = read_register(REGISTER).set_index("id")
    flat = [i for i in register.index if is_flat_reason(i)]
    assert flat == ["PRICE-FLAT", "PRICE-FLAT-TARIFF", "PRICE-FLAT-PAY"]
    assert all(register.loc[i, "type"] == "assumption" and register.loc[i, "note"] for i in flat)


# --- the check, by hand -----------------------------------------------------------------------


def test_check_price_years_by_hand(tmp_path):
    register = parse_register(
        "\n".join(
            [
                HEAD + ",price_year",
                "OLD,2017 kit,100,VND,article,published,medium,,2017",
                "NOW,2024 price,100,VND,list,derived,low,,2024",
                "LATER,2025 price,100,VND,list,published,low,,2025",
                "GUESS,assumed,100,VND,none,assumption,low,,",
                "PRICE-FLAT,flat,0,1/year,contracts,assumption,medium,,",
                "PRICE-FLAT-TARIFF,flat tariff,0,1/year,regulated,assumption,low,,",
            ]
        )
        + "\n"
    )
    items = [
        {"name": "converted", "price_year": 2017, "source": "OLD: indexed"},
        {"name": "flat", "source": "OLD, PRICE-FLAT-TARIFF: held at face value"},
        {"name": "flat-generic", "source": "OLD, PRICE-FLAT"},
        {"name": "forgotten", "source": "OLD: used as if it were a 2024 price"},
        {"name": "wrong-year", "price_year": 2018, "source": "OLD"},
        {"name": "current", "source": "NOW"},
        {"name": "later", "source": "LATER: after the base year is not checked"},
        {"name": "assumed", "source": "GUESS"},
        {"name": "not-first", "source": "GUESS, OLD: only the first id holds the number"},
        {"name": "free text", "source": "no ids"},
    ]
    (tmp_path / "price-index.csv").write_text(
        "year,inflation,source,type\n" + "".join(f"{y},0.03,s,published\n" for y in range(2017, 2025)), encoding="utf-8"
    )
    options = [{"id": "a", "name": "A", "items": [{"category": "c", "price": 100, "per": "year", **i} for i in items]}]
    data = make_scenario(options, start_year=2024, end_year=2025)
    path = tmp_path / "s.toml"
    path.write_text(_toml(data), encoding="utf-8")
    problems = [str(p) for p in check_price_years(load_scenario(path), register)]
    where = f"{path}: options.a.items"
    assert problems == [
        f"{where}[4] (forgotten).price_year: register OLD is a 2017 price and the base year is 2024: set price_year "
        "= 2017 to convert it, or cite a flat reason (PRICE-FLAT or PRICE-FLAT-...) to keep it flat",
        f"{where}[5] (wrong-year).price_year: is 2018 but register OLD is quoted in 2017",
    ]
    # the converted item costs the 2017 price indexed to 2024, as the check asks
    result = evaluate(load_scenario(path))
    assert result.scenario.options[0].items[0].price_factor == pytest.approx(1.03**7, rel=1e-12)
    # with base year 2017 the same prices need no conversion
    early = [str(p) for p in check_price_years(parse_scenario(_without_price_years(options, 2017)), register)]
    assert early == []


def _without_price_years(options, year):
    bare = [{**o, "items": [{k: v for k, v in i.items() if k != "price_year"} for i in o["items"]]} for o in options]
    return make_scenario(bare, start_year=year, end_year=year)


def _toml(data) -> str:
    """A tiny TOML writer for the flat scenario dicts of these tests."""

    def value(v):
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return repr(v)

    lines = ["[scenario]"] + [f"{k} = {value(v)}" for k, v in data["scenario"].items()]
    for opt in data["options"]:
        lines += ["", "[[options]]", f"id = {value(opt['id'])}", f"name = {value(opt['name'])}"]
        for item in opt["items"]:
            lines += ["", "[[options.items]]"] + [f"{k} = {value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"
