"""Staff cost is a stated choice per option: a civil servant at the civil-service scale or a contractor.

Every staff item of every scenario cites, first, ``STAFF-CIVIL`` (an A1 specialist's loaded pay)
or ``STAFF-CONTRACT`` (a market salary with the employer's contributions); a scenario's choice
row (``DIC-STAFF``, ``VCX-TECH``, ``IOCX-STAFF``: ``rent=civil; buy=civil; ...``) says which one
each option uses and why, and the items agree with it.
"""

from __future__ import annotations

import tomllib

import pytest

from conftest import SCENARIOS
from costmodel import load_scenario
from costmodel.register import cited_ids, read_register

REGISTER = SCENARIOS / "assumptions.csv"
CHOICES = {"civil": "STAFF-CIVIL", "contractor": "STAFF-CONTRACT"}


def _cost_scenarios() -> list[str]:
    names = []
    for path in sorted(SCENARIOS.glob("*.toml")):
        with path.open("rb") as f:
            if "scenario" in tomllib.load(f):
                names.append(path.stem)
    return names


def _choice(value: str) -> dict[str, str] | None:
    """``"rent=civil; buy=contractor"`` -> ``{"rent": "civil", "buy": "contractor"}``; None for other values."""
    pairs = [part.strip().split("=", 1) for part in value.split(";")]
    if not all(len(p) == 2 and p[1].strip() in CHOICES for p in pairs):
        return None
    return {k.strip(): v.strip() for k, v in pairs}


def test_civil_and_contractor_rows_by_hand():
    register = read_register(REGISTER).set_index("id")
    # A1 specialist, step 5 of 9: 3.66 x 2,340,000 base salary x (1 + 0.10 bonus + 0.175 + 0.03 + 0.01 contributions)
    assert float(register.loc["STAFF-CIVIL", "value"]) == round(3.66 * 2_340_000 * 1.315)
    assert register.loc["STAFF-CIVIL", "price_year"] == "2024"
    steps = [float(x) for x in register.loc["PAY-A1-LOADED", "value"].split(",")]
    coefficients = [float(x) for x in register.loc["PAY-A1-COEF", "value"].split(",")]
    assert steps == [round(c * 2_340_000 * 1.315) for c in coefficients]
    assert steps[4] == float(register.loc["STAFF-CIVIL", "value"])
    # contractor: midpoint of the 9-22 M VND TopCV band (2023 salaries) x (1 + 0.215 contributions)
    assert float(register.loc["STAFF-CONTRACT", "value"]) == (9_000_000 + 22_000_000) / 2 * 1.215
    assert register.loc["STAFF-CONTRACT", "price_year"] == register.loc["DC27", "price_year"] == "2023"


@pytest.mark.parametrize("name", _cost_scenarios())
def test_every_staff_item_states_its_choice(name):
    register = read_register(REGISTER).set_index("id")
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    problems = []
    for opt in scenario.options:
        for item in opt.items:
            if item.category != "staff":
                continue
            ids = cited_ids(item.source)
            if ids and ids[0].startswith("STAFF-CIVIL-"):  # a civil servant paid at an earlier year's base salary
                ids = ["STAFF-CIVIL", *ids[1:]]
            where = f"{opt.id}: {item.name}"
            if not ids or ids[0] not in CHOICES.values():
                problems.append(f"{where}: cites {ids[:1]} first, not STAFF-CIVIL or STAFF-CONTRACT")
                continue
            if ids[0] == "STAFF-CIVIL" and item.vat != 0:
                problems.append(f"{where}: a salary carries no VAT")
            if ids[0] == "STAFF-CONTRACT" and item.vat == 0:
                problems.append(f"{where}: a contractor's service carries VAT")
            stated = [c for i in ids[1:] if i in register.index and (c := _choice(register.loc[i, "value"]))]
            if not stated:
                problems.append(f"{where}: cites no choice row (e.g. VCX-TECH: rent=civil; ...)")
            for choice in stated:
                if CHOICES.get(choice.get(opt.id, "")) != ids[0]:
                    problems.append(f"{where}: the choice row says {choice.get(opt.id)!r} for option {opt.id!r}")
    assert problems == []
