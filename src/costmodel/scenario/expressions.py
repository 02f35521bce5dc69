"""A safe arithmetic expression language for scenario inputs.

``price = "8760 * pue * tariff"``: numbers, parameter names, ``+ - * /``,
unary minus and parentheses — nothing else. The text is tokenised and parsed
by a small recursive-descent parser into a tree; it is never passed to
``eval``, so ``__import__('os')`` or attribute access cannot run.

Grammar::

    expr   := term (("+" | "-") term)*
    term   := factor (("*" | "/") factor)*
    factor := ("-" | "+") factor | NUMBER | NAME | "(" expr ")"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["Expression", "ExpressionError", "parse_expression"]

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:_\d+)*(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<op>[-+*/()]))")
_MAX_LENGTH = 500


class ExpressionError(ValueError):
    """The text is not a valid expression; the message says where."""


@dataclass(frozen=True)
class Expression:
    """A parsed expression.

    Attributes
    ----------
    text : str
        The source text.
    tree : tuple
        ``("num", value)``, ``("name", name)``, ``("neg", node)`` or
        ``(op, left, right)`` with ``op`` in ``+ - * /``.
    """

    text: str
    tree: tuple

    @property
    def names(self) -> frozenset[str]:
        """Parameter names used."""
        out: set[str] = set()

        def walk(node: tuple) -> None:
            if node[0] == "name":
                out.add(node[1])
            elif node[0] == "neg":
                walk(node[1])
            elif node[0] != "num":
                walk(node[1])
                walk(node[2])

        walk(self.tree)
        return frozenset(out)

    def evaluate(self, values: Mapping[str, float | np.ndarray]):
        """Evaluate with parameter values (floats or arrays of draws, which broadcast)."""

        def ev(node: tuple):
            kind = node[0]
            if kind == "num":
                return node[1]
            if kind == "name":
                return values[node[1]]
            if kind == "neg":
                return -ev(node[1])
            left, right = ev(node[1]), ev(node[2])
            if kind == "+":
                return left + right
            if kind == "-":
                return left - right
            if kind == "*":
                return left * right
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.divide(left, right)

        return ev(self.tree)


def parse_expression(text: str) -> Expression:
    """Parse ``text``; raise :class:`ExpressionError` naming the offending position.

    Examples
    --------
    >>> e = parse_expression("8760 * pue * (tariff + 100) / 2")
    >>> sorted(e.names), float(e.evaluate({"pue": 2.0, "tariff": 1900.0}))
    (['pue', 'tariff'], 17520000.0)
    """
    if len(text) > _MAX_LENGTH:
        raise ExpressionError(f"expression longer than {_MAX_LENGTH} characters")
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    stripped = text.rstrip()
    while pos < len(stripped):
        m = _TOKEN.match(stripped, pos)
        if not m or m.end() == pos:
            bad = stripped[pos:].lstrip()[:1]
            raise ExpressionError(
                f"unexpected character {bad!r} at position {pos + 1} in {text!r} "
                "(allowed: numbers, names, + - * / and parentheses)"
            )
        kind = m.lastgroup or ""
        tokens.append((kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    if not tokens:
        raise ExpressionError("empty expression")
    i = 0

    def peek() -> tuple[str, str, int] | None:
        return tokens[i] if i < len(tokens) else None

    def take() -> tuple[str, str, int]:
        nonlocal i
        tok = tokens[i]
        i += 1
        return tok

    def expr() -> tuple:
        node = term()
        while (tok := peek()) is not None and tok[1] in "+-" and tok[0] == "op":
            take()
            node = (tok[1], node, term())
        return node

    def term() -> tuple:
        node = factor()
        while (tok := peek()) is not None and tok[1] in "*/" and tok[0] == "op":
            take()
            node = (tok[1], node, factor())
        return node

    def factor() -> tuple:
        tok = peek()
        if tok is None:
            raise ExpressionError(f"expression {text!r} ends too early")
        take()
        kind, value, where = tok
        if kind == "op" and value in "+-":
            inner = factor()
            return ("neg", inner) if value == "-" else inner
        if kind == "num":
            return ("num", float(value.replace("_", "")))
        if kind == "name":
            if (nxt := peek()) is not None and nxt[1] == "(":
                raise ExpressionError(f"function calls are not allowed ({value}( at position {where})")
            return ("name", value)
        if value == "(":
            node = expr()
            close = peek()
            if close is None or close[1] != ")":
                raise ExpressionError(f"missing ')' for '(' at position {where} in {text!r}")
            take()
            return node
        raise ExpressionError(f"unexpected {value!r} at position {where} in {text!r}")

    tree = expr()
    if i != len(tokens):
        raise ExpressionError(f"unexpected {tokens[i][1]!r} at position {tokens[i][2]} in {text!r}")
    return Expression(text, tree)
