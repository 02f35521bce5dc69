"""Compare two versions of a scenario and explain the change: exact Shapley attribution to groups of inputs.

Two scenarios that describe one decision at two moments (new quotes, another
discount rate, an administrative restructuring) give different present-value
costs. :func:`compare` says how much of each option's change, and of the change
in the gap between the two cheapest options, comes from which **group** of
inputs:

1. both inputs *as read* (``Scenario.data``, the parsed TOML) are walked side by
   side; options are matched by ``id`` and items by ``name``, so reordering is
   not a change. Every differing field is a :class:`Difference`, classified
   into a group by :func:`default_group` (or by the caller's ``groups``
   patterns);
2. for every subset S of the k groups a *hybrid* input is built: A's input with
   B's values for the groups in S. It is validated and resolved exactly as a
   file is (:func:`costmodel.parse_scenario`, with A's folder) and evaluated
   (:func:`costmodel.evaluate`); 2^k evaluations in all;
3. each group's contribution is its Shapley value (Shapley 1953) over these
   2^k present values (:func:`shapley`), computed in exact rational arithmetic
   and rounded once.

The contributions of an option add up to its total change ``pv_b - pv_a``
(exactly in rationals, to the last bit or so in floats); they do not depend
on the order in which the groups are listed; a group whose inputs do not move
the option gets exactly 0. The method and the grouping rule are documented in
``docs/methodology.md`` (section 8).

Conventions: amounts in VND as :func:`costmodel.evaluate` gives them
(present values at the start of ``base_year``, central values of uncertain
inputs); the gap is ``pv(second) - pv(cheapest)`` with the two cheapest
options *of B* among the options present in both scenarios.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from costmodel.evaluation import Evaluation, evaluate
from costmodel.keys import GAP
from costmodel.problems import InputError, Problem
from costmodel.scenario import Scenario, load_scenario, parse_scenario

__all__ = [
    "GAP",
    "GROUP_ORDER",
    "LABELS",
    "MAX_GROUPS",
    "CompareError",
    "Explanation",
    "Difference",
    "compare",
    "default_group",
    "parameter_groups",
    "shapley",
]

#: Most groups compared: 2^12 = 4 096 evaluations (a few minutes).
MAX_GROUPS = 12
#: Default groups in the order they are listed (``prices: <category>`` stands for one group per category).
GROUP_ORDER = ("discounting", "prices", "parameters", "demand", "quantities", "vat", "structure")
#: Pseudo-group of fields that only describe (titles, names, sources, notes): listed, never evaluated or attributed.
LABELS = "labels"
#: Prefix of the group of one cost category's prices: ``prices: equipment``.
PRICES = "prices: "
#: Relative and absolute tolerance of the check that a hybrid with every group (none) switched reproduces B (A).
_CHECK_RTOL, _CHECK_ATOL = 1e-9, 1e-6

# Fields by group (see default_group).
_SCENARIO_DISCOUNTING = {"discount_rate", "real_discount_rate", "inflation", "base_year", "timing", "price_index"}
_SCENARIO_LABELS = {"title", "description", "currency", "mandate"}
_ITEM_QUANTITIES = {"quantity", "module", "existing", "life", "residual", "months", "from", "to"}
_ITEM_DISCOUNTING = {"escalation", "timing"}
_ITEM_PRICES = {"price", "price_year"}
_ITEM_LABELS = {"source", "note"}
#: Fields that make an item a different cost line: a change replaces the whole item (a structural change).
_ITEM_IDENTITY = ("name", "category", "per")
_OPTION_QUANTITIES = {"from", "to", "months"}
_OPTION_LABELS = {"name", "short_name", "description", "procedure"}
_DRIVER_LABELS = {"label", "unit", "source", "note"}
_CONTINGENCY_LABELS = {"source", "note"}
#: Keys of a parameter or inline input table that describe the value rather than define it.
_META_KEYS = {"source", "note", "label", "unit", "range"}
_NAME = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z0-9_]*")
_DRIVER_ID = re.compile(r"^[a-z_][a-z0-9_-]*$")


class CompareError(InputError):
    """Two scenarios cannot be compared (or a grouping is not valid); ``problems`` says why."""


# ---------------------------------------------------------------------------
# The Shapley value
# ---------------------------------------------------------------------------


def shapley(players: Sequence[str], value: Mapping[frozenset, float | Fraction]) -> dict[str, Fraction]:
    """Exact Shapley values of a cooperative game given on every coalition.

    Parameters
    ----------
    players : sequence of str
        The k players (here: groups of inputs), distinct.
    value : mapping of frozenset to float or Fraction
        ``v(S)`` for every subset S of ``players`` (2^k entries). [VND]

    Returns
    -------
    dict of str to fractions.Fraction
        ``phi_g = sum over S not containing g of |S|! (k - |S| - 1)! / k! * (v(S + g) - v(S))``,
        exact: floats are converted to rationals without rounding, so the values
        add up exactly to ``v(all) - v(none)`` (efficiency), do not depend on the
        order of ``players`` (symmetry), and a player that never changes the
        value gets exactly 0 (null player).

    References
    ----------
    L. S. Shapley (1953), "A value for n-person games", in H. W. Kuhn and A. W.
    Tucker (eds.), Contributions to the Theory of Games II, Annals of
    Mathematics Studies 28, Princeton University Press, 307-317.

    Examples
    --------
    A cost ``price x quantity`` going from 100 x 10 to 120 x 12: each factor
    gets its own effect plus half of the joint term 20 x 2.

    >>> v = {frozenset(): 1000.0, frozenset({"p"}): 1200.0, frozenset({"q"}): 1200.0, frozenset({"p", "q"}): 1440.0}
    >>> {g: float(x) for g, x in shapley(["p", "q"], v).items()}
    {'p': 220.0, 'q': 220.0}
    """
    players = list(players)
    k = len(players)
    if len(set(players)) != k:
        raise ValueError(f"players must be distinct (got {players})")
    fact = [math.factorial(i) for i in range(k + 1)]
    exact = {s: Fraction(x) for s, x in value.items()}
    subsets = [frozenset(p for i, p in enumerate(players) if mask >> i & 1) for mask in range(1 << k)]
    missing = [sorted(s) for s in subsets if s not in exact]
    if missing:
        raise ValueError(f"value is missing {len(missing)} coalition(s), e.g. {missing[0]}")
    out = {}
    for g in players:
        total = Fraction(0)
        for s in subsets:
            if g in s:
                continue
            d = exact[s | {g}] - exact[s]
            if d:
                total += d * (fact[len(s)] * fact[k - len(s) - 1])
        out[g] = total / fact[k]
    return out


# ---------------------------------------------------------------------------
# Differences between two inputs as read
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pick:
    """A step into a list: the option with this id, or the item with this name."""

    kind: str  # "option" or "item"
    ident: str


@dataclass(frozen=True)
class Difference:
    """One input that differs between A and B.

    Attributes
    ----------
    path : str
        The key path, as error messages write it (``scenario.discount_rate``,
        ``drivers.points.values.2025``, ``options.rent.items[3] (Rack rental).price``;
        a whole item or option: ``options.rent.items[5] (Termination fee)``,
        ``options.cloud``). Items are numbered in A's file order (B's for an item
        only B has).
    group : str
        The group it is attributed to, or :data:`LABELS` (not attributed).
    old, new : object
        The value as written in A and in B; None where that side does not have it
        (the field's default applies, or the item/option does not exist).
    """

    path: str
    group: str
    old: Any
    new: Any
    address: tuple = field(default=(), repr=False, compare=False)
    aliases: tuple[str, ...] = field(default=(), repr=False, compare=False)
    #: For a whole option or item only B has: the ids/names before it in B, nearest first (where to insert it).
    anchors: tuple[str, ...] = field(default=(), repr=False, compare=False)
    #: A parameter or driver defined on one side only: kept in every hybrid, so switching it changes nothing.
    definition: bool = field(default=False, repr=False, compare=False)
    #: What the default grouping keys on: the field, an item's category, ...
    context: tuple = field(default=(), repr=False, compare=False)


def _same(old: Any, new: Any) -> bool:
    return type(old) is type(new) and old == new or (_is_number(old) and _is_number(new) and float(old) == float(new))


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _meta_only(old: Any, new: Any) -> bool:
    """Two input tables that differ only in describing keys (source, note, label, unit, range)."""
    if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
        return False
    strip = lambda t: {k: v for k, v in t.items() if k not in _META_KEYS}  # noqa: E731
    return strip(old) == strip(new)


def _ordered_union(a: Iterable[str], b: Iterable[str]) -> list[str]:
    out = list(a)
    seen = set(out)
    out += [k for k in b if k not in seen]
    return out


def _diff(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Difference]:
    """Every differing field of two inputs as read, with its address (group left empty)."""
    out: list[Difference] = []

    def leaf(address: tuple, path: str, old: Any, new: Any, context: tuple, aliases: tuple = (), **kw: Any) -> None:
        if old is None and new is None or _same(old, new):
            return
        out.append(Difference(path, "", old, new, address, aliases or (path,), context=context, **kw))

    for top in _ordered_union(a, b):
        old, new = a.get(top), b.get(top)
        if top == "scenario" and isinstance(old, Mapping) and isinstance(new, Mapping):
            for k in _ordered_union(old, new):
                leaf(("scenario", k), f"scenario.{k}", old.get(k), new.get(k), ("scenario", k))
        elif (
            top in ("parameters", "optimism_bias", "drivers")
            and isinstance(old or {}, Mapping)
            and isinstance(new or {}, Mapping)
        ):
            old, new = old or {}, new or {}
            for name in _ordered_union(old, new):
                o, n = old.get(name), new.get(name)
                path = f"{top}.{name}"
                one_side = o is None or n is None
                if top == "drivers" and not one_side and isinstance(o, Mapping) and isinstance(n, Mapping):
                    for k in _ordered_union(o, n):
                        ov, nv = o.get(k), n.get(k)
                        if k == "values" and isinstance(ov, Mapping) and isinstance(nv, Mapping):
                            for year in _ordered_union(ov, nv):
                                leaf(
                                    ("drivers", name, "values", year),
                                    f"{path}.values.{year}",
                                    ov.get(year),
                                    nv.get(year),
                                    ("driver", k),
                                )
                        else:
                            leaf(("drivers", name, k), f"{path}.{k}", ov, nv, ("driver", k))
                else:
                    definition = one_side and top in ("parameters", "drivers")
                    leaf((top, name), path, o, n, (top, name), definition=definition)
        elif top == "options" and isinstance(old, list) and isinstance(new, list):
            _diff_options(old, new, leaf)
        elif top == "contingency" and isinstance(old, Mapping) and isinstance(new, Mapping):
            for k in _ordered_union(old, new):
                leaf(("contingency", k), f"contingency.{k}", old.get(k), new.get(k), ("contingency", k))
        else:
            leaf((top,), top, old, new, ("top", top))
    return out


def _by_key(rows: list, key: str) -> dict[str, tuple[int, Mapping]]:
    return {r[key]: (i, r) for i, r in enumerate(rows) if isinstance(r, Mapping) and isinstance(r.get(key), str)}


def _anchors(rows: list, index: int, key: str) -> tuple[str, ...]:
    return tuple(r[key] for r in reversed(rows[:index]) if isinstance(r, Mapping) and isinstance(r.get(key), str))


def _diff_options(old: list, new: list, leaf: Callable[..., None]) -> None:
    a_opts, b_opts = _by_key(old, "id"), _by_key(new, "id")
    for oid in _ordered_union(a_opts, b_opts):
        path = f"options.{oid}"
        address = ("options", _Pick("option", oid))
        if oid not in a_opts or oid not in b_opts:
            ob = b_opts.get(oid)
            anchors = _anchors(new, ob[0], "id") if ob else ()
            leaf(address, path, a_opts.get(oid, (0, None))[1], ob[1] if ob else None, ("option",), anchors=anchors)
            continue
        o, n = a_opts[oid][1], b_opts[oid][1]
        for k in _ordered_union(o, n):
            if k == "items" and isinstance(o.get(k), list) and isinstance(n.get(k), list):
                _diff_items(oid, o["items"], n["items"], leaf)
            elif k != "id":
                leaf((*address, k), f"{path}.{k}", o.get(k), n.get(k), ("option", k))


def _diff_items(oid: str, old: list, new: list, leaf: Callable[..., None]) -> None:
    a_items, b_items = _by_key(old, "name"), _by_key(new, "name")
    for name in _ordered_union(a_items, b_items):
        ia, it_a = a_items.get(name, (None, None))
        ib, it_b = b_items.get(name, (None, None))
        position = (ia if ia is not None else ib) + 1
        base = f"options.{oid}.items[{position}]"
        label = f"{base} ({name})"
        address = ("options", _Pick("option", oid), "items", _Pick("item", name))
        whole = it_a is None or it_b is None or any(not _same(it_a.get(k), it_b.get(k)) for k in _ITEM_IDENTITY)
        if whole:
            category = (it_b or it_a).get("category")
            anchors = _anchors(new, ib, "name") if ib is not None else ()
            leaf(address, label, it_a, it_b, ("item", None, category), (label, base), anchors=anchors)
            continue
        category = it_b.get("category")
        for k in _ordered_union(it_a, it_b):
            leaf((*address, k), f"{label}.{k}", it_a.get(k), it_b.get(k), ("item", k, category), (f"{label}.{k}", f"{base}.{k}"))


# ---------------------------------------------------------------------------
# Grouping
# ---------------------------------------------------------------------------


def _expression_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("value"), str):
        return value["value"]
    return None


def _names(value: Any) -> set[str]:
    text = _expression_text(value)
    return set(_NAME.findall(text)) if text is not None else set()


def parameter_groups(*datas: Mapping[str, Any]) -> dict[str, str]:
    """The group of each named parameter, from the fields that use it (directly or through other parameters).

    A parameter used only by fields of one group belongs to that group (for
    example ``prices: equipment`` when only equipment prices use it); one used
    by fields of several groups belongs to ``demand`` when a driver uses it
    and to ``parameters`` otherwise; an unused one to ``parameters``. Uses are
    collected in every input given (A and B).

    Examples
    --------
    >>> data = {
    ...     "parameters": {"fx": 25_400, "usd": "100 * fx", "pue": 2},
    ...     "drivers": {"racks": {"start": "pue * 4"}},
    ...     "options": [{"id": "a", "items": [{"name": "x", "category": "equipment", "price": "usd"},
    ...                                       {"name": "y", "category": "energy", "price": "pue * 10"}]}],
    ... }
    >>> parameter_groups(data)
    {'fx': 'prices: equipment', 'usd': 'prices: equipment', 'pue': 'demand'}
    """
    uses: dict[str, set[str]] = {}
    refs: dict[str, set[str]] = {}  # parameter -> parameters it uses
    for data in datas:
        params = data.get("parameters") if isinstance(data.get("parameters"), Mapping) else {}
        for name, value in params.items():
            uses.setdefault(name, set())
            refs.setdefault(name, set()).update(_names(value))

        def use(value: Any, group: str, params: Mapping = params) -> None:
            for n in _names(value):
                uses.setdefault(n, set()).add(group)

        scen = data.get("scenario") if isinstance(data.get("scenario"), Mapping) else {}
        for k in ("discount_rate", "real_discount_rate", "inflation"):
            use(scen.get(k), "discounting")
        drivers = data.get("drivers") if isinstance(data.get("drivers"), Mapping) else {}
        for drv in drivers.values():
            if isinstance(drv, Mapping):
                use(drv.get("start"), "demand")
                use(drv.get("growth"), "demand")
                values = drv.get("values")
                for v in values.values() if isinstance(values, Mapping) else ():
                    use(v, "demand")
        for opt in data.get("options") or ():
            for item in (opt.get("items") if isinstance(opt, Mapping) else None) or ():
                if not isinstance(item, Mapping):
                    continue
                use(item.get("price"), f"{PRICES}{item.get('category')}")
                use(item.get("escalation"), "discounting")
                q = item.get("quantity")
                if not (isinstance(q, str) and _DRIVER_ID.match(q) and q not in params):
                    use(q, "quantities")
        bias = data.get("optimism_bias") if isinstance(data.get("optimism_bias"), Mapping) else {}
        for v in bias.values():
            use(v, "structure")
    # a parameter's uses include the uses of the parameters that use it
    changed = True
    while changed:
        changed = False
        for p, used in refs.items():
            for q in used:
                if q in uses and not uses[p] <= uses[q]:
                    uses[q] |= uses[p]
                    changed = True
    out = {}
    for name in uses:
        if name not in refs:
            continue  # a name used in an expression but not defined: the validation reports it
        g = uses[name]
        out[name] = next(iter(g)) if len(g) == 1 else "demand" if "demand" in g else "parameters"
    return out


def default_group(difference: Difference, parameters: Mapping[str, str] | None = None) -> str:
    """The group a difference belongs to without a ``groups`` override.

    * ``discounting``: ``scenario.discount_rate``, ``real_discount_rate``,
      ``inflation``, ``base_year``, ``timing``, ``price_index``; an item's
      ``escalation`` and ``timing``;
    * ``prices: <category>``: an item's ``price`` and ``price_year``, by the item's category;
    * ``demand``: drivers (``values``, ``start``, ``growth``; a driver defined on one side only);
    * ``quantities``: an item's ``quantity``, ``module``, ``existing``, ``life``,
      ``residual``, ``months``, ``from``, ``to``; an option's ``from``, ``to``, ``months``;
    * ``vat``: ``scenario.vat`` and an item's ``vat``;
    * named parameters: by the fields that use them (:func:`parameter_groups`);
    * ``structure``: a whole option or item added or removed (an item whose name,
      category or ``per`` changes is removed and added), ``[contingency]``,
      ``[optimism_bias]``, ``baseline``, and anything else;
    * :data:`LABELS` (not attributed): titles, names, descriptions, sources,
      notes, labels and units, and parameter or inline input tables that differ
      only in those.

    A field absent on one side is compared with the value written on the other
    (the absent side takes the field's default): it belongs to the field's group.
    """
    ctx = difference.context
    old, new = difference.old, difference.new
    if _meta_only(old, new):
        return LABELS
    kind = ctx[0] if ctx else ""
    if kind == "scenario":
        f = ctx[1]
        if f in _SCENARIO_DISCOUNTING:
            return "discounting"
        if f == "vat":
            return "vat"
        return LABELS if f in _SCENARIO_LABELS else "structure"
    if kind == "parameters":
        return (parameters or {}).get(ctx[1], "parameters")
    if kind == "driver":
        return LABELS if ctx[1] in _DRIVER_LABELS else "demand"
    if kind == "drivers":
        return "demand"
    if kind == "option":
        if len(ctx) == 1:
            return "structure"
        return "quantities" if ctx[1] in _OPTION_QUANTITIES else LABELS if ctx[1] in _OPTION_LABELS else "structure"
    if kind == "item":
        f, category = ctx[1], ctx[2]
        if f is None:
            return "structure"
        if f in _ITEM_PRICES:
            return f"{PRICES}{category}"
        if f in _ITEM_DISCOUNTING:
            return "discounting"
        if f in _ITEM_QUANTITIES:
            return "quantities"
        if f == "vat":
            return "vat"
        return LABELS if f in _ITEM_LABELS else "structure"
    if kind == "contingency":
        return LABELS if ctx[1] in _CONTINGENCY_LABELS else "structure"
    return "structure"


def _glob(pattern: str) -> re.Pattern:
    """A key-path pattern: ``*`` any run of characters, ``?`` one character, everything else literal."""
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.S)


def _is_default_name(name: str) -> bool:
    return name in GROUP_ORDER or name.startswith(PRICES)


def _group_sort_key(name: str) -> tuple[int, str]:
    return (GROUP_ORDER.index("prices" if name.startswith(PRICES) else name), name)


def _assign_groups(
    differences: list[Difference], parameters: Mapping[str, str], groups: Mapping[str, Any] | None, source: str
) -> tuple[list[Difference], list[str]]:
    """Each difference with its group; the groups in their listing order (empty named groups included)."""
    custom: dict[str, list[re.Pattern]] = {}
    problems = []
    for name, patterns in (groups or {}).items():
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(source, "groups", f"a group name must be a non-empty string (got {name!r})"))
            continue
        if name == LABELS:
            problems.append(Problem(source, f"groups.{name}", f"{LABELS!r} is reserved for fields that are not attributed"))
            continue
        patterns = [patterns] if isinstance(patterns, str) else patterns
        if not isinstance(patterns, Iterable) or not all(isinstance(p, str) for p in patterns):
            problems.append(Problem(source, f"groups.{name}", "expected a list of key-path patterns (strings)"))
            continue
        custom[name] = [_glob(p) for p in patterns]
    out = []
    for d in differences:
        matched = [name for name, rx in custom.items() if any(r.fullmatch(a) for r in rx for a in d.aliases)]
        if len(matched) > 1:
            problems.append(Problem(source, d.path, f"matched by the patterns of several groups: {', '.join(matched)}"))
            continue
        out.append(_replace(d, group=matched[0] if matched else default_group(d, parameters)))
    if problems:
        raise CompareError(problems)
    used = {d.group for d in out if d.group != LABELS}
    names = sorted((n for n in used | set(custom) if _is_default_name(n)), key=_group_sort_key)
    names += [n for n in custom if not _is_default_name(n)]
    return out, names


def _replace(d: Difference, **changes: Any) -> Difference:
    from dataclasses import replace

    return replace(d, **changes)


# ---------------------------------------------------------------------------
# Hybrids
# ---------------------------------------------------------------------------


def _find(rows: list, pick: _Pick) -> int | None:
    key = "id" if pick.kind == "option" else "name"
    for i, r in enumerate(rows):
        if isinstance(r, Mapping) and r.get(key) == pick.ident:
            return i
    return None


def _apply(data: dict, d: Difference) -> None:
    """Set (or remove) one difference's B value in a hybrid input, in place."""
    node: Any = data
    for step in d.address[:-1]:
        node = node[_find(node, step)] if isinstance(step, _Pick) else node.setdefault(step, {})
    last = d.address[-1]
    if not isinstance(last, _Pick):
        if d.new is None:
            node.pop(last, None)
        else:
            node[last] = copy.deepcopy(d.new)
        return
    i = _find(node, last)
    if d.new is None:
        if i is not None:
            del node[i]
    elif i is not None:
        node[i] = copy.deepcopy(d.new)
    else:
        at = 0
        for anchor in d.anchors:
            j = _find(node, _Pick(last.kind, anchor))
            if j is not None:
                at = j + 1
                break
        node.insert(at, copy.deepcopy(d.new))


def _base_hybrid(a: Mapping[str, Any], differences: list[Difference]) -> dict:
    """A's input plus every parameter and driver that only B defines (unused ones change nothing)."""
    data = copy.deepcopy(dict(a))
    for d in differences:
        if d.definition and d.old is None:
            data.setdefault(d.address[0], {})[d.address[1]] = copy.deepcopy(d.new)
    return data


# ---------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class Explanation:
    """What changed between two scenarios, and how much of each change comes from which group of inputs.

    Attributes
    ----------
    a, b : Evaluation
        The two scenarios evaluated (A before, B after).
    groups : dict of str to list of Difference
        The groups attributed, in listing order, each with the inputs it
        switches (path, old and new values); a group named in ``groups`` that
        nothing changed has an empty list.
    changes : pandas.DataFrame
        Every difference, attributed or not: ``path``, ``group`` (or
        :data:`LABELS`), ``old``, ``new`` (None where absent).
    attribution : pandas.DataFrame
        One row per target and group: ``target`` (an option id present in both
        scenarios, or :data:`GAP`), ``group``, ``contribution`` [VND], and
        ``minuend``, ``subtrahend`` (the two options of the gap; empty for an
        option). Per target the contributions add up to ``change``.
    totals : pandas.DataFrame
        One row per option of A or B and the gap: ``target``, ``minuend``,
        ``subtrahend``, ``pv_a``, ``pv_b``, ``change`` = ``pv_b - pv_a`` [VND],
        ``present`` (``"both"``, ``"a"`` or ``"b"``; an option present in one
        scenario has NaN on the other side and no attribution).
    gap : tuple of str or None
        ``(second, cheapest)``: the two cheapest options of B among those in
        both; the gap is ``pv(second) - pv(cheapest)``. None with fewer than two.
    coalitions : pandas.DataFrame
        The present values behind the attribution: one row per subset of the
        groups (a boolean column per group: switched to B or not) and one
        column per option present in both [VND].
    evaluations : int
        Scenarios evaluated (the hybrids, plus A and B themselves).
    """

    a: Evaluation
    b: Evaluation
    groups: dict[str, list[Difference]]
    changes: pd.DataFrame
    attribution: pd.DataFrame
    totals: pd.DataFrame
    gap: tuple[str, str] | None
    coalitions: pd.DataFrame
    evaluations: int

    def contribution(self, target: str, group: str) -> float:
        """The contribution of ``group`` to the change of ``target`` (an option id or ``"gap"``). [VND]"""
        rows = self.attribution[(self.attribution["target"] == target) & (self.attribution["group"] == group)]
        if rows.empty:
            raise KeyError(f"no attribution for target {target!r} and group {group!r}")
        return float(rows["contribution"].iloc[0])

    def __repr__(self) -> str:
        def name(e: Evaluation) -> str:
            return Path(e.scenario.source).name

        parts = []
        for r in self.totals.itertuples(index=False):
            if r.present == "both":
                parts.append(f"{r.target} {r.change:+,.0f}")
        text = (
            f"Explanation({name(self.a)} -> {name(self.b)}: {len(self.groups)} group(s) "
            f"[{', '.join(self.groups)}], {self.evaluations} evaluations; change in pv_cost [VND]: {'; '.join(parts)})"
        )
        return text if len(text) <= 480 else text[:476] + "...)"

    # -- for notebooks and scripts: rendering lives in costmodel.reports ------
    def _repr_html_(self) -> str:
        from costmodel.reports.display import explanation_html

        return explanation_html(self)

    @property
    def plot(self):
        """Charts: ``.plot.waterfall(target="gap", ax=None)`` (an option id or the gap)."""
        from costmodel.reports.display import ExplanationPlots

        return ExplanationPlots(self)

    def to_excel(self, path, lang: str | None = None):
        """Write the attribution workbook to ``path`` (.xlsx). Returns the path."""
        from costmodel.reports.outputs import workbook_for, write_file

        return write_file(path, workbook_for(self, lang))

    def write(self, folder, lang: str | None = None):
        """Write what ``costmodel compare`` writes (tables, text, workbook, waterfalls) to ``folder``."""
        from costmodel.reports.outputs import files_for, write_files

        return write_files(folder, files_for(self, lang))


def _load(s: Scenario | str | Path) -> Scenario:
    return s if isinstance(s, Scenario) else load_scenario(s)


def compare(
    a: Scenario | str | Path,
    b: Scenario | str | Path,
    groups: Mapping[str, Sequence[str] | str] | None = None,
) -> Explanation:
    """Compare two versions of one decision and attribute each change to groups of inputs (Shapley).

    Parameters
    ----------
    a, b : Scenario or path
        The scenario before and after (loaded, or a file to load), with the same
        horizon. Both must keep their input as read (``Scenario.data``), as
        :func:`costmodel.load_scenario` and :func:`costmodel.parse_scenario` do.
    groups : mapping of str to list of str, optional
        Groups of your own: name -> key-path patterns (``*`` matches any run of
        characters, ``?`` one; items may be written with or without their name,
        ``options.*.items[*].price``). A difference matched by a group's
        patterns goes to it; the others go to their default group
        (:func:`default_group`). A named group is attributed even when nothing
        in it changed (it gets exactly 0). A difference matched by two groups
        is an error.

    Returns
    -------
    Explanation

    Raises
    ------
    CompareError
        Different horizons, a scenario without its input, more than
        :data:`MAX_GROUPS` groups, a bad ``groups`` mapping, or a hybrid that
        does not validate (two groups whose changes only make sense together:
        merge them with ``groups``).

    Notes
    -----
    For every subset S of the k groups, the hybrid input is A's with B's values
    for the groups in S; it is validated and evaluated like a file (A's folder
    for relative paths, A's ``plan_dates``). With v(S) an option's present-value
    cost, group g's contribution is the Shapley value
    ``phi_g = sum over S not containing g of |S|! (k - |S| - 1)! / k! * (v(S + g) - v(S))``,
    computed exactly in rationals: the contributions add up to v(all) - v(none),
    which are checked to equal B's and A's own present values (relative
    tolerance 1e-9). Options present in one scenario only are reported, not
    attributed. Cost: 2^k evaluations (those of groups that change nothing are
    skipped).

    References
    ----------
    L. S. Shapley (1953), "A value for n-person games". A. F. Shorrocks (2013),
    "Decomposition procedures for distributional analysis: a unified framework
    based on the Shapley value", Journal of Economic Inequality 11, 99-126.

    Examples
    --------
    One cost line whose price goes from 100 to 120 and quantity from 10 to 12:

    >>> from costmodel import parse_scenario
    >>> item = {"name": "Racks", "category": "equipment", "price": 100, "per": "once", "quantity": 10}
    >>> data = {
    ...     "scenario": {"title": "t", "start_year": 2024, "end_year": 2024, "discount_rate": 0.0},
    ...     "options": [{"id": "buy", "name": "Buy", "items": [item]}],
    ... }
    >>> a = parse_scenario(data)
    >>> item.update(price=120, quantity=12)
    >>> c = compare(a, parse_scenario(data))
    >>> c.attribution[["group", "contribution"]].to_dict("records")
    [{'group': 'prices: equipment', 'contribution': 220.0}, {'group': 'quantities', 'contribution': 220.0}]
    >>> c.totals[["target", "pv_a", "pv_b", "change"]].to_dict("records")
    [{'target': 'buy', 'pv_a': 1000.0, 'pv_b': 1440.0, 'change': 440.0}]
    """
    sa, sb = _load(a), _load(b)
    source = f"{sa.source} -> {sb.source}"
    problems = []
    for s in (sa, sb):
        if s.data is None:
            problems.append(
                Problem(
                    s.source, "", "the scenario does not keep its input as read: load it with load_scenario or parse_scenario"
                )
            )
    if (sa.start_year, sa.end_year) != (sb.start_year, sb.end_year):
        problems.append(
            Problem(
                sb.source,
                "scenario",
                f"horizon {sb.start_year}-{sb.end_year} differs from {sa.start_year}-{sa.end_year} of {sa.source}: "
                "only versions of one decision over the same horizon are compared",
            )
        )
    if problems:
        raise CompareError(problems)

    differences = _diff(sa.data, sb.data)
    params = parameter_groups(sa.data, sb.data)
    differences, names = _assign_groups(differences, params, groups, source)
    k = len(names)
    if k > MAX_GROUPS:
        raise CompareError(
            [
                Problem(
                    source,
                    "groups",
                    f"{k} groups of inputs changed ({', '.join(names)}): the attribution needs 2^{k} evaluations; "
                    f"at most {MAX_GROUPS} groups are compared: merge some with `groups`",
                )
            ]
        )
    by_group = {n: [d for d in differences if d.group == n] for n in names}
    effective = [n for n in names if any(not d.definition for d in by_group[n])]

    ea, eb = evaluate(sa), evaluate(sb)
    base = _base_hybrid(sa.data, differences)
    cache: dict[frozenset, dict[str, float]] = {}

    def value(switched: frozenset) -> dict[str, float]:
        key = frozenset(switched) & frozenset(effective)
        if key not in cache:
            hybrid = copy.deepcopy(base)
            for d in differences:
                if d.group in key and not d.definition:
                    _apply(hybrid, d)
            label = ", ".join(n for n in names if n in key) or "none"
            try:
                scenario = parse_scenario(
                    hybrid, source=f"{sa.source} with {label} of {sb.source}", base_dir=sa.base_dir, plan_dates=sa.plan_dates
                )
            except InputError as exc:
                why = [
                    Problem(
                        source,
                        "groups",
                        f"A with B's values for [{label}] is not a valid scenario, so these groups cannot be switched "
                        "separately: merge the groups involved with `groups`",
                    )
                ]
                raise CompareError(why + exc.problems) from None
            summary = evaluate(scenario).summary
            cache[key] = {str(o): float(v) for o, v in zip(summary["option"], summary["pv_cost"], strict=True)}
        return cache[key]

    v_none, v_all = value(frozenset()), value(frozenset(names))
    _check(v_none, ea, sa.source, "A")
    _check(v_all, eb, sb.source, "B")

    ids_a = [str(o) for o in ea.summary["option"]]
    ids_b = [str(o) for o in eb.summary["option"]]
    common = [o for o in ids_b if o in ids_a]
    gap = None
    if len(common) >= 2:
        ranked = sorted(common, key=lambda o: (v_all[o], common.index(o)))
        gap = (ranked[1], ranked[0])

    subsets = [frozenset(n for i, n in enumerate(names) if mask >> i & 1) for mask in range(1 << k)]
    values = {s: value(s) for s in subsets}
    targets: dict[str, dict[frozenset, Fraction]] = {o: {s: Fraction(values[s][o]) for s in subsets} for o in common}
    if gap is not None:
        x, y = gap
        targets[GAP] = {s: targets[x][s] - targets[y][s] for s in subsets}

    rows = []
    for t, v in targets.items():
        phi = shapley(names, v)
        minuend, subtrahend = gap if t == GAP else ("", "")
        rows += [(t, n, float(phi[n]), minuend, subtrahend) for n in names]
    attribution = pd.DataFrame(rows, columns=["target", "group", "contribution", "minuend", "subtrahend"])

    pv_a_own = dict(zip(ids_a, ea.summary["pv_cost"].astype(float), strict=True))
    pv_b_own = dict(zip(ids_b, eb.summary["pv_cost"].astype(float), strict=True))
    total_rows = []
    for o in _ordered_union(ids_b, ids_a):
        if o in common:
            pa, pb = v_none[o], v_all[o]
            total_rows.append((o, "", "", pa, pb, float(Fraction(pb) - Fraction(pa)), "both"))
        elif o in pv_b_own:
            total_rows.append((o, "", "", math.nan, pv_b_own[o], math.nan, "b"))
        else:
            total_rows.append((o, "", "", pv_a_own[o], math.nan, math.nan, "a"))
    if gap is not None:
        ga, gb = targets[GAP][frozenset()], targets[GAP][frozenset(names)]
        total_rows.append((GAP, gap[0], gap[1], float(ga), float(gb), float(gb - ga), "both"))
    totals = pd.DataFrame(total_rows, columns=["target", "minuend", "subtrahend", "pv_a", "pv_b", "change", "present"])

    changes = pd.DataFrame(
        [(d.path, d.group, d.old, d.new) for d in differences], columns=["path", "group", "old", "new"], dtype=object
    )
    coalitions = pd.DataFrame(
        [{**{n: n in s for n in names}, **{o: values[s][o] for o in common}} for s in subsets],
        columns=[*names, *common],
    )
    return Explanation(
        a=ea,
        b=eb,
        groups=by_group,
        changes=changes,
        attribution=attribution,
        totals=totals,
        gap=gap,
        coalitions=coalitions,
        evaluations=len(cache) + 2,
    )


def _check(hybrid: Mapping[str, float], own: Evaluation, source: str, side: str) -> None:
    """The hybrid with every group (none) switched must give B's (A's) own present values."""
    pv = {str(o): float(v) for o, v in zip(own.summary["option"], own.summary["pv_cost"], strict=True)}
    bad = [
        o for o in pv if o not in hybrid or abs(hybrid[o] - pv[o]) > _CHECK_RTOL * max(abs(pv[o]), abs(hybrid[o])) + _CHECK_ATOL
    ]
    if bad or set(hybrid) != set(pv):
        o = (bad or sorted(set(hybrid) ^ set(pv)))[0]
        how = "with every difference applied" if side == "B" else "from its input as read"
        message = (
            f"rebuilt in A's folder {how}, {side} gives {hybrid.get(o, math.nan):,.0f} VND for option {o!r} instead of its "
            f"own {pv.get(o, math.nan):,.0f} VND: the files it refers to by relative path (price index, procurement plans) "
            "differ between the two folders, or its plan dates differ; put both files in one folder"
        )
        raise CompareError([Problem(source, "", message)])
