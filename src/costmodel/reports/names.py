"""Names a reader sees for the things of a scenario: options, inputs, categories, drivers.

A Vietnamese reader never meets an option id (``rent``), a parameter id
(``fx``) or a key path (``options.rent.items[1] (…).price``): every such
reference is turned here into the words of the scenario (option names, item
names, the ``label`` of a parameter or driver) and of the reader vocabulary
(``Tỷ lệ chiết khấu``, ``Đơn giá``). Item categories that the vocabulary
knows (``equipment``, ``service``, ...) are translated; any other category is
the scenario author's own text and is shown as written.
"""

from __future__ import annotations

import math

from costmodel.keys import GAP, is_rate, parse_input_label
from costmodel.reports import vocabulary as voc
from costmodel.scenario import Input, Scenario

__all__ = ["GAP", "Names"]


class Names:
    """Reader names for one scenario in one language.

    Parameters
    ----------
    scenario : Scenario
    lang : {"vi", "en"}, optional
        Default :data:`costmodel.options.lang`.
    """

    def __init__(self, scenario: Scenario, lang: str | None = None):
        self.scenario = scenario
        self.lang = voc._lang(lang)
        self._options = {o.id: o for o in scenario.options}

    def term(self, key: str) -> str:
        """A vocabulary term in this language."""
        return voc.term(key, self.lang)

    def text(self, key: str, **fields: object) -> str:
        """A vocabulary sentence in this language."""
        return voc.text(key, self.lang, **fields)

    # -- options and targets ------------------------------------------------
    def option(self, option_id: str) -> str:
        """The option's name (never its id)."""
        return self._options[option_id].name

    def option_short(self, option_id: str) -> str:
        """The option's short name (for charts and narrow tables), or its name."""
        return self._options[option_id].display_name

    def target(self, target: str, minuend: str = "", subtrahend: str = "", short: bool = False) -> str:
        """An option's name, or the gap between two options (``target == "gap"``)."""
        name = self.option_short if short else self.option
        if target == GAP:
            return self.text("name.gap", a=name(minuend), b=name(subtrahend))
        return name(target)

    # -- values of ledger columns -------------------------------------------
    def category(self, category: str) -> str:
        """A cost category: the vocabulary's word when it has one, else the scenario's own text."""
        key = f"category.{category}"
        return voc.term(key, self.lang) if voc.has(key) else category

    def budget(self, budget: str) -> str:
        """A budget source: development investment or recurrent spending."""
        return self.term(f"budget.{budget}")

    def kind(self, kind: str) -> str:
        """A ledger row kind (cost, replacement, contingency, residual)."""
        return self.term(f"kind.{kind}")

    def per(self, per: str) -> str:
        """What a price is per (month, year, once, added capacity)."""
        return self.term(f"per.{per}")

    def driver(self, driver_id: str) -> str:
        """A demand driver: its ``label``, else its unit (the author's text)."""
        d = self.scenario.drivers[driver_id]
        return d.label or d.unit or driver_id

    # -- inputs -------------------------------------------------------------
    def parameter(self, name: str) -> str:
        """A named parameter: its ``label`` from the file (else its name as written)."""
        p = self.scenario.parameters.get(name)
        return p.name if isinstance(p, Input) and p.name else name

    def input(self, label: str) -> str:
        """An input (parameter name or key path) named by what it is."""
        ref = parse_input_label(self.scenario, label)
        if ref.kind == "parameter":
            return self.parameter(ref.parameter)
        if ref.kind == "item":
            opt = self._options[ref.option]
            item = opt.items[ref.position - 1]
            return self.text("name.item_field", field=self.term(f"field.{ref.field}"), item=item.name, option=opt.name)
        if ref.kind == "scenario":
            return self.term(f"field.{ref.field}")
        if ref.kind == "driver":
            if ref.year:
                return self.text("name.driver_year", driver=self.driver(ref.driver), year=ref.year)
            return self.text(f"name.driver_{ref.field}", driver=self.driver(ref.driver))
        return self.text("name.bias", category=self.category(ref.category))

    def input_unit(self, label: str) -> str:
        """The unit of an input's values: ``%`` for rates and shares, ``VND`` for prices, else ``number``."""
        if is_rate(self.scenario, label):
            return "%"
        ref = parse_input_label(self.scenario, label)
        if ref.kind == "item" and ref.field == "price":
            return "VND"
        if ref.kind == "parameter":
            p = self.scenario.parameters.get(ref.parameter)
            unit = p.unit if isinstance(p, Input) else ""
            if unit.startswith(("VND", "đồng")):
                return "VND"
        return "number"

    def input_value(self, label: str, value: float | None) -> str:
        """A value of an input in the reader's format (per cent, whole đồng or a number)."""
        unit = self.input_unit(label)
        if unit == "number" and value is not None and math.isfinite(value):
            return voc.number(value, 0 if abs(value) >= 1000 else 2, self.lang)
        return voc.format_value(value, unit, self.lang)

    # -- formulas and distributions, in words --------------------------------
    def number(self, value: float) -> str:
        """A number as written in a formula: grouped, with as many decimals as it has (up to 6)."""
        if float(value).is_integer():
            return voc.number(value, 0, self.lang)
        text = voc.number(value, 6, self.lang)
        return text.rstrip("0")

    def expression(self, expr) -> str:
        """An expression of the scenario with parameters named in words: ``400.000 × Hệ số giá thuê``."""
        precedence = {"+": 1, "-": 1, "*": 2, "/": 2}
        symbol = {"+": "+", "-": "−", "*": "×", "/": "/"}

        def render(node: tuple, parent: int = 0, right: bool = False) -> str:
            kind = node[0]
            if kind == "num":
                return self.number(node[1])
            if kind == "name":
                return self.parameter(node[1])
            if kind == "neg":
                return "−" + render(node[1], 3)
            p = precedence[kind]
            text = f"{render(node[1], p)} {symbol[kind]} {render(node[2], p, True)}"
            return f"({text})" if p < parent or (right and p == parent and kind in "-/") else text

        return render(expr.tree)

    def distribution(self, dist, label: str) -> str:
        """A distribution in words, its parameters formatted as values of the input ``label``."""
        params = {k: self.input_value(label, v) for k, v in dist.params.items()}
        out = self.text(f"dist.{dist.kind}", **params)
        if dist.base is not None:
            out += self.text("dist.base", base=self.input_value(label, dist.base))
        return out
