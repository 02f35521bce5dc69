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

import datetime as dt
import math
import re

from costmodel.keys import GAP, RATE_FIELDS, is_rate, parse_input_label
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
        """A budget source: development investment, recurrent spending, or ``"total"`` (both, for caps)."""
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

    def input_amount(self, label: str, value: float | None) -> str:
        """A value of an input in a sentence: as :meth:`input_value`, amounts followed by their unit (``đồng``)."""
        text = self.input_value(label, value)
        if self.input_unit(label) == "VND" and value is not None and math.isfinite(value):
            ref = parse_input_label(self.scenario, label)
            p = self.scenario.parameters.get(ref.parameter) if ref.kind == "parameter" else None
            unit = p.unit if isinstance(p, Input) else ""
            if "/" in unit:  # a rate in đồng per something (VND/USD, VND/kWh): its unit, not "đồng"
                shown = voc.register_unit(unit, self.lang)
                return f"{text} {shown if shown != unit else unit.replace('VND', self.term('unit.vnd'))}"
            return f"{text} {self.term('unit.vnd')}"
        return text

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

    # -- edits of the scenario, in words -------------------------------------
    def field_path(self, path: str) -> str:
        """A key path of the scenario file named by what it is (``Tỷ lệ chiết khấu``, ``Đơn giá — Đường truyền, …``)."""
        m = _EDIT_PATH.match(path)
        if m is None:  # pragma: no cover - every path an edit accepts matches
            return self.term("edit.field_other")
        section, rest = m["section"], m["rest"] or ""
        if section == "scenario":
            return self._field(rest)
        if section == "parameters":
            name, _, sub = rest.partition(".")
            words = self.parameter(name)
            return f"{words} ({self._field(sub)})" if sub else words
        if section == "drivers":
            driver, _, sub = rest.partition(".")
            label = self.driver(driver) if driver in self.scenario.drivers else driver
            if sub.startswith("values."):
                return self.text("name.driver_year", driver=label, year=sub.split(".", 1)[1])
            if sub in ("start", "growth"):
                return self.text(f"name.driver_{sub}", driver=label)
            return self.text("name.driver_field", field=self._field(sub), driver=label)
        if section == "options":
            item = _EDIT_ITEM.match(rest)
            if item:
                opt = self._options.get(item["option"])
                pos = int(item["pos"])
                name = opt.items[pos - 1].name if opt is not None and pos <= len(opt.items) else str(pos)
                option = opt.name if opt is not None else item["option"]
                return self.text("name.item_field", field=self._field(item["field"]), item=name, option=option)
            oid, _, sub = rest.partition(".")
            option = self._options[oid].name if oid in self._options else oid
            return self.text("name.option_field", field=self._field(sub), option=option)
        if section == "optimism_bias":
            return self.text("name.bias", category=self.category(rest))
        if section == "contingency":
            return self.term("field.contingency") if rest == "share" else self._field(rest)
        return self._field(rest or section)

    def _field(self, field: str) -> str:
        key = f"field.{field.split('.')[0]}"
        return self.term(key) if voc.has(key) else self.term("edit.field_other")

    def edit_value(self, path: str, value: object) -> str:
        """A value as written in the scenario file, in the reader's words and format."""
        from costmodel.scenario.distributions import DistributionError, make_distribution
        from costmodel.scenario.expressions import ExpressionError, parse_expression

        if value is None:
            return self.term("edit.default")
        if isinstance(value, bool):
            return self.term("edit.yes" if value else "edit.no")
        if isinstance(value, int | float):
            return self._edit_number(path, float(value))
        if isinstance(value, dict) and "dist" in value:
            try:
                dist = make_distribution(dict(value))
            except (DistributionError, TypeError, ValueError, KeyError):
                return self.term("edit.distribution")
            params = {k: self._edit_number(path, v) for k, v in dist.params.items()}
            return self.text(f"dist.{dist.kind}", **params)
        if isinstance(value, dict) and "value" in value:
            return self.edit_value(path, value["value"])
        if isinstance(value, str) and path.endswith(".residual") and voc.has(f"edit.residual.{value}"):
            return self.term(f"edit.residual.{value}")
        if isinstance(value, str) and path.rsplit(".", 1)[-1] in _WORD_FIELDS:
            key = f"{_WORD_FIELDS[path.rsplit('.', 1)[-1]]}.{value}"
            return self.term(key) if voc.has(key) else value
        if isinstance(value, str):
            try:
                return self.expression(parse_expression(value))
            except (ExpressionError, ValueError, KeyError):
                return voc.localise_numbers(value, self.lang)
        if isinstance(value, dt.date):
            return voc.date(value, self.lang)
        if isinstance(value, dict):
            return self.term("edit.table")
        return voc.localise_numbers(str(value), self.lang)

    def _edit_number(self, path: str, value: float) -> str:
        last = path.rsplit(".", 1)[-1]
        if last in RATE_FIELDS or path in ("contingency.share",) or path.startswith("optimism_bias."):
            return voc.percent(value, self.lang)
        if path.startswith("parameters."):
            name = path.split(".")[1]
            if name in self.scenario.parameters and is_rate(self.scenario, name):
                return voc.percent(value, self.lang)
        if last == "price":
            return voc.money(value, self.lang)
        return self.number(value)

    def change(self, change) -> str:
        """One edit of the scenario in words: ``Tỷ lệ chiết khấu: 8,0 % → 6,0 %``.

        Parameters
        ----------
        change : costmodel.scenario.edit.Change
        """
        if change.kind == "drop_option":
            old = change.old if isinstance(change.old, dict) else {}
            return self.text("edit.drop_option", option=str(old.get("name") or old.get("id") or ""))
        if change.kind == "add_option":
            new = change.new if isinstance(change.new, dict) else {}
            return self.text("edit.add_option", option=str(new.get("name") or new.get("id") or ""))
        return self.difference(change.path, change.old, change.new)

    def difference(self, path: str, old: object, new: object) -> str:
        """A field that differs (``path`` as in error messages), in words: ``Đơn giá — …: 5.000.000 → 6.000.000``.

        A whole item or option that is only on one side reads "added" or "removed".
        """
        whole = _WHOLE_ITEM.match(path)
        if whole and (old is None or new is None):
            row = new if old is None else old
            name = row.get("name", "") if isinstance(row, dict) else ""
            opt = self._options.get(whole["option"])
            option = opt.name if opt is not None else whole["option"]
            return self.text("edit.add_item" if old is None else "edit.drop_item", item=name, option=option)
        if _WHOLE_OPTION.match(path) and (old is None or new is None):
            row = new if old is None else old
            name = row.get("name", "") if isinstance(row, dict) else str(row)
            return self.text("edit.add_option" if old is None else "edit.drop_option", option=name)
        what = self.field_path(path)
        return self.text("edit.set", field=what, old=self.edit_value(path, old), new=self.edit_value(path, new))

    def changes(self) -> list[str]:
        """Every edit made to the scenario since its file was read, in words and in order."""
        return [self.change(c) for c in self.scenario.changes]


_WHOLE_ITEM = re.compile(r"^options\.(?P<option>[^.\[]+)\.items\[(?P<pos>\d+)\](?: \(.*\))?$", re.S)
_WHOLE_OPTION = re.compile(r"^options\.(?P<option>[^.\[]+)$")
#: Fields whose text values are words of the vocabulary (``per = "month"`` -> ``per.month``).
_WORD_FIELDS = {"per": "per", "timing": "timing", "budget": "budget", "category": "category"}
_EDIT_PATH = re.compile(r"^(?P<section>[a-z_]+)(?:\.(?P<rest>.+))?$", re.S)
_EDIT_ITEM = re.compile(r"^(?P<option>[^.\[]+)\.items\[(?P<pos>\d+)\](?: \(.*\))?\.(?P<field>[A-Za-z_]+)$", re.S)
