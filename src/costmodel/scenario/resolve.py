"""Resolution: the validated file model with every default filled in, as a :class:`~costmodel.scenario.model.Scenario`."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from costmodel.scenario.dates import _Dates
from costmodel.scenario.model import Comparison, Contingency, Driver, Item, Option, Scenario
from costmodel.scenario.schema import _FileSchema


def _resolve(model: _FileSchema, source: str, dates: _Dates, factors: Mapping[tuple[str, int], float]) -> Scenario:
    s = model.scenario
    years = np.arange(s.start_year, s.end_year + 1)
    drivers: dict[str, Driver] = {}
    for did, d in model.drivers.items():
        if d.values is not None:
            values = np.array([d.values[str(y)] for y in years], dtype=float)
        else:
            growth = d.growth or 0.0
            values = float(d.start) * (1.0 + growth) ** (years - s.start_year)
        values.setflags(write=False)
        growth_given = (d.growth or 0.0) if d.values is None else None
        drivers[did] = Driver(did, d.unit, values, d.source, d.note, d.start if d.values is None else None, growth_given, d.label)

    if s.real_discount_rate is not None:
        # Fisher: (1 + nominal) = (1 + real)(1 + inflation)  (OMB A-94 App. B)
        rate = (1.0 + s.real_discount_rate) * (1.0 + s.inflation) - 1.0
    else:
        rate = float(s.discount_rate)  # type: ignore[arg-type]

    contingency = None
    if model.contingency is not None:
        c = model.contingency
        contingency = Contingency(
            float(c.share),
            None if c.categories is None else tuple(c.categories),
            None if c.items is None else tuple(c.items),
            None if c.options is None else tuple(c.options),
            c.source,
            c.note,
        )
    options = []
    for opt in model.options:
        items = []
        for pos, it in enumerate(opt.items, start=1):
            life = it.life
            residual = (it.residual if it.residual is not None else "linear") if life is not None else None
            budget = it.budget or ("investment" if life is not None else "recurrent")
            (from_year, from_month), (to_year, to_month) = dates.of(opt.id, pos)
            items.append(
                Item(
                    position=pos,
                    name=it.name,
                    category=it.category,
                    price=float(it.price),
                    per=it.per,
                    quantity=it.quantity,
                    escalation=float(it.escalation if it.escalation is not None else s.inflation),
                    escalation_is_inflation=it.escalation is None,
                    contingency=_contingency_share(contingency, opt.id, it.category, it.name),
                    from_year=from_year,
                    to_year=to_year,
                    from_month=from_month,
                    to_month=to_month,
                    price_year=it.price_year,
                    price_factor=factors.get((opt.id, pos), 1.0),
                    vat=float(it.vat if it.vat is not None else s.vat),
                    timing=it.timing or s.timing,
                    budget=budget,
                    life=life,
                    residual=residual,
                    module=float(it.module if it.module is not None else 1.0),
                    existing=float(it.existing if it.existing is not None else 0.0),
                    source=it.source,
                    note=it.note,
                )
            )
        options.append(Option(opt.id, opt.name, tuple(items), opt.description, opt.short_name or "", opt.procedure))

    return Scenario(
        title=s.title,
        description=s.description,
        currency=s.currency,
        start_year=s.start_year,
        end_year=s.end_year,
        base_year=s.base_year if s.base_year is not None else s.start_year,
        discount_rate=float(rate),
        real_discount_rate=s.real_discount_rate,
        inflation=float(s.inflation),
        timing=s.timing,
        vat=float(s.vat),
        baseline=s.baseline if s.baseline is not None else model.options[0].id,
        unit_driver=s.unit_driver,
        drivers=drivers,
        options=tuple(options),
        comparisons=tuple(Comparison(c.metric, c.option, tuple(c.categories), c.per, c.label) for c in model.comparisons),
        contingency=contingency,
        mandate=s.mandate,
        mandate_option=s.mandate_option,
        as_of=s.as_of,
        source=source,
    )


def _contingency_share(rule: Contingency | None, option_id: str, category: str, name: str) -> float:
    return rule.share if rule is not None and rule.covers(option_id, category, name) else 0.0
