"""Costs seen in other provinces: place a scenario's unit costs among published peers.

The Notice asks the DIC to "look at how other units and provinces do it". A
scenario declares the unit costs it wants compared (``[[comparisons]]``, see
docs/scenario-format.md); the peer figures live in ``scenarios/peer-costs.csv``
with their source and year, and are brought to the scenario's ``base_year``
prices with the consumer price index in ``scenarios/price-index.csv``:

    value_at_base = value * prod_{k = year + 1}^{base_year} (1 + inflation_k)

This module holds the readers of those two CSV files (their format is known
here only) and pure functions on DataFrames. A peer's ``year`` is a whole year
between ``MIN_YEAR`` and ``MAX_YEAR`` (1900-2200) and its ``value`` a finite number
between 0 and ``MAX_AMOUNT`` (10^15); a problem names the file and line, and a value
that is not a number is never ranked. A unit cost whose denominator is zero in every
year does not exist: it is NaN (an empty cell or a dash), without rank or position.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from costmodel.csvfile import read_records
from costmodel.evaluation import Evaluation
from costmodel.prices import INDEX_COLUMNS, index_factor, parse_price_index, read_price_index
from costmodel.problems import InputError, Problem, read_text
from costmodel.values import central_values

__all__ = [
    "PEER_COLUMNS",
    "POSITION_COLUMNS",
    "INDEX_COLUMNS",
    "PeerDataError",
    "index_factor",
    "parse_peer_costs",
    "parse_price_index",
    "peer_positions",
    "peers_at_base_year",
    "read_peer_costs",
    "read_price_index",
    "scenario_unit_costs",
]

PEER_COLUMNS = ["id", "place", "year", "metric", "value", "unit", "source", "note"]
POSITION_COLUMNS = [
    "metric",
    "label",
    "option",
    "value",
    "peers",
    "peer_min",
    "peer_median",
    "peer_max",
    "rank",
    "position",
    "ratio_to_median",
]


class PeerDataError(InputError):
    """A peer-costs or price-index file is malformed; ``problems`` says where."""


def read_peer_costs(path: str | Path) -> pd.DataFrame:
    """Read ``peer-costs.csv`` (columns :data:`PEER_COLUMNS`)."""
    return parse_peer_costs(read_text(path, PeerDataError), str(path))


def parse_peer_costs(text: str, source: str = "<peer-costs>") -> pd.DataFrame:
    """Parse peer-costs CSV text; ``year`` int, ``value`` float [VND]; other columns are ignored."""
    from costmodel.scenario.schema import MAX_AMOUNT, MAX_YEAR, MIN_YEAR, limit_text

    problems, out = [], []
    for line, row in read_records(text, source, PEER_COLUMNS, error=PeerDataError, extra=True):
        where = f"line {line}"
        try:
            year = int(row["year"])
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(
                Problem(source, where, f"year must be a whole year between {MIN_YEAR} and {MAX_YEAR} (got {row['year']!r})")
            )
            continue
        try:
            value = float(row["value"])
        except (TypeError, ValueError):
            problems.append(Problem(source, where, f"value must be a number (got {row['value']!r})"))
            continue
        if not (np.isfinite(value) and 0 <= value <= MAX_AMOUNT):
            problems.append(
                Problem(
                    source, where, f"value must be a finite number between 0 and {limit_text(MAX_AMOUNT)} (got {row['value']!r})"
                )
            )
            continue
        out.append({**{c: row[c] for c in PEER_COLUMNS}, "year": year, "value": value})
    if problems:
        raise PeerDataError(problems)
    return pd.DataFrame(out, columns=PEER_COLUMNS)


def peers_at_base_year(peers: pd.DataFrame, index: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Peer figures with ``index_factor`` and ``value_at_base`` columns added. [VND]

    Raises
    ------
    PeerDataError
        When the index lacks a year between a peer's year and ``base_year``.
    """
    out = peers.copy()
    try:
        out["index_factor"] = [index_factor(index, int(y), base_year) for y in out["year"]]
    except (KeyError, ValueError) as exc:
        where = index.attrs.get("source", "<price-index>")
        raise PeerDataError([Problem(where, "", f"{exc.args[0]} (needed to bring peer costs to {base_year})")]) from None
    out["value_at_base"] = out["value"] * out["index_factor"]
    return out


def scenario_unit_costs(result: Evaluation) -> pd.DataFrame:
    """The scenario's comparable unit costs (one row per ``[[comparisons]]``).

    value = sum of ``real`` (base-year prices, VAT included) of the ledger's
    ``kind = "cost"`` rows of the option whose category is listed, divided by
    the largest value of the driver ``per`` over the horizon. [VND per unit]
    A driver that is zero in every year leaves the unit cost undefined: NaN
    (written as an empty cell or a dash), never infinite.

    Returns
    -------
    pandas.DataFrame
        Columns metric, label, option, value.

    Raises
    ------
    ScenarioError
        When a driver so small makes the unit cost overflow (``comparisons[N].per``).
    """
    from costmodel.problems import Problem
    from costmodel.scenario import ScenarioError

    s = result.scenario
    led = result.ledger
    rows = []
    for k, comp in enumerate(s.comparisons, start=1):
        mask = (led["option"] == comp.option) & (led["kind"] == "cost") & led["category"].isin(comp.categories)
        units = float(np.max(central_values(s).driver(comp.per)[0]))
        with np.errstate(over="ignore"):
            value = float(led.loc[mask, "real"].sum()) / units if units > 0 else float("nan")
        if np.isinf(value):
            raise ScenarioError(
                [
                    Problem(
                        s.source,
                        f"comparisons[{k}].per",
                        f"the driver's largest value ({units:g}) makes the unit cost infinite (overflow)",
                    )
                ]
            )
        rows.append({"metric": comp.metric, "label": comp.label, "option": comp.option, "value": value})
    return pd.DataFrame(rows, columns=["metric", "label", "option", "value"])


def peer_positions(unit_costs: pd.DataFrame, peers_at_base: pd.DataFrame) -> pd.DataFrame:
    """Place each unit cost among the peers of the same metric.

    ``rank`` is 1 + the number of peers strictly cheaper (1 = cheapest);
    ``position`` is "below" (cheaper than every peer), "above" (dearer than
    every peer) or "within" the peer range; ``ratio_to_median`` = value /
    median of the peers. Rows whose metric has no peers get ``peers = 0`` and
    empty statistics; a unit cost that does not exist (NaN: its driver is zero
    in every year) gets the peers' statistics but no rank, position or ratio
    (empty cells).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`POSITION_COLUMNS`.
    """
    rows = []
    for uc in unit_costs.itertuples(index=False):
        vals = peers_at_base.loc[peers_at_base["metric"] == uc.metric, "value_at_base"].to_numpy(dtype=float)
        row = {"metric": uc.metric, "label": uc.label, "option": uc.option, "value": uc.value, "peers": len(vals)}
        if len(vals):
            lo, med, hi = float(vals.min()), float(np.median(vals)), float(vals.max())
            row.update(peer_min=lo, peer_median=med, peer_max=hi)
            if pd.notna(uc.value):  # an undefined unit cost is not ranked
                position = "below" if uc.value < lo else ("above" if uc.value > hi else "within")
                row.update(
                    rank=int(np.sum(vals < uc.value)) + 1,
                    position=position,
                    ratio_to_median=uc.value / med if med else float("nan"),
                )
        rows.append(row)
    out = pd.DataFrame(rows, columns=POSITION_COLUMNS)
    out["rank"] = out["rank"].astype("Int64")
    return out
