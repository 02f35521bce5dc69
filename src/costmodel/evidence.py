"""How firm a scenario's numbers are: which register rows it rests on, and which of them are placeholders.

Reader-standards §7: a table built from sample or placeholder figures carries
the words "DỰ THẢO — số liệu giả định" (or "DỮ LIỆU MẪU") on the same page, and a
document meant for submission is not produced while placeholders remain.
:func:`evidence` lists, for a scenario and the assumptions register, the rows
it cites that are placeholders (figures of a contract or of usage data the DIC
must replace), assumptions, and low-confidence rows; the report layer turns
that into a banner.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from costmodel.register import cited_ids
from costmodel.scenario import Input, Scenario

__all__ = ["Evidence", "evidence", "scenario_sources"]


def scenario_sources(scenario: Scenario) -> list[str]:
    """Every ``source`` text of a scenario: parameters, drivers, items, the contingency rule."""
    out = [p.source for p in scenario.parameters.values() if isinstance(p, Input) and p.source]
    out += [d.source for d in scenario.drivers.values() if d.source]
    out += [it.source for o in scenario.options for it in o.items if it.source]
    if scenario.contingency is not None and scenario.contingency.source:
        out.append(scenario.contingency.source)
    return out


@dataclass(frozen=True)
class Evidence:
    """The register rows a scenario cites, by how firm they are.

    Attributes
    ----------
    cited : tuple of str
        Every register id cited, in order of first citation.
    placeholders : tuple of str
        Cited rows marked ``placeholder`` (a contract's or usage data's own
        figure still to be supplied).
    assumptions : tuple of str
        Cited rows of type ``assumption``.
    low_confidence : tuple of str
        Cited rows of confidence ``low``.
    """

    cited: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    low_confidence: tuple[str, ...] = ()

    @property
    def is_draft(self) -> bool:
        """True while the scenario rests on a placeholder or an assumption."""
        return bool(self.placeholders or self.assumptions)


def evidence(scenario: Scenario, register: pd.DataFrame | None) -> Evidence:
    """Classify the register rows a scenario cites (see :class:`Evidence`); empty without a register."""
    if register is None:
        return Evidence()
    cited = list(dict.fromkeys(i for text in scenario_sources(scenario) for i in cited_ids(text)))
    rows = register.set_index("id")
    known = [i for i in cited if i in rows.index]

    def where(test) -> tuple[str, ...]:
        return tuple(i for i in known if test(rows.loc[i]))

    has_flag = "placeholder" in rows.columns
    return Evidence(
        cited=tuple(cited),
        placeholders=where(lambda r: has_flag and str(r["placeholder"]).strip().lower() in ("yes", "true", "x")),
        assumptions=where(lambda r: r["type"] == "assumption"),
        low_confidence=where(lambda r: r["confidence"] == "low"),
    )
