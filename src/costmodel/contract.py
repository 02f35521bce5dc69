r"""The terms of the earlier rental contract and the documents the explanatory report cites.

An audit of an IT rental asks who owns the equipment and the data when the
rental ends, and how the contract can be terminated and handed over
(``../shared/context/domain-costs.md`` §2.3). Those answers are in the signed
contract, not in any published source: the explanatory report reads them from
a small TOML file (``scenarios/past-rental-contract.toml``, format in
``docs/explanatory-report.md``) and never invents them. An empty field is
written in the report as "cần bổ sung" with what is missing, and keeps the
report a draft.

The same file lists the documents the report cites in its context section
(``[[documents]]``): the notice that asks for the report (``role =
"request"``) and the documents the rental rests on (``role = "basis"``), each
with its type, number, date, issuer and subject as far as they are known.

Examples
--------
>>> text = '''
... [contract]
... placeholder = true
... ownership_of_data = "Dữ liệu thuộc về Sở"
... [[documents]]
... role = "basis"
... kind = "Văn bản"
... number = "6104/UBND-VP"
... date = "2021-06-02"
... issuer = "Ủy ban nhân dân tỉnh"
... '''
>>> c = parse_contract(text, "c.toml")
>>> c.placeholder, c.terms["ownership_of_data"], c.documents[0].complete, c.documents[0].subject
(True, 'Dữ liệu thuộc về Sở', True, '')
>>> [where for where, _ in c.missing()][:3]
['contract.placeholder', 'contract.number', 'contract.date']
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from costmodel.problems import InputError, Problem, read_text, text_problems

__all__ = [
    "CONTRACT_FIELDS",
    "DOCUMENT_FIELDS",
    "ROLES",
    "TERMS",
    "ContractError",
    "ContractFile",
    "Document",
    "parse_contract",
    "read_contract",
]

#: The terms an audit asks about, in the order the report answers them.
TERMS = ("ownership_of_equipment", "ownership_of_data", "termination_notice", "termination_fee", "exit_assistance")
#: Fields of ``[contract]``: what identifies the contract, the terms, and where in the contract the terms are.
CONTRACT_FIELDS = ("title", "number", "date", "provider", *TERMS, "source")
#: Fields of a ``[[documents]]`` entry.
DOCUMENT_FIELDS = ("role", "kind", "number", "date", "issuer", "subject", "content", "source")
#: What a document is for the report: the notice asking for it, a basis of the rental, or another cited document.
ROLES = ("request", "basis", "other")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
#: A number of a document is complete when it starts with its digits: "6104/UBND-VP", "12/2021/HĐ".
_NUMBER = re.compile(r"^\d+\S*/\S+$")


class ContractError(InputError):
    """The contract file is malformed; ``problems`` names each key."""


def _date_parts(value: str) -> tuple[int, int | None, int | None] | None:
    m = _DATE.match(value)
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


@dataclass(frozen=True)
class Document:
    """A document the report cites.

    Attributes
    ----------
    role : str
        One of :data:`ROLES`.
    kind : str
        Its type as written in Vietnamese ("Thông báo", "Văn bản", "Quyết định").
    number : str
        Number and symbol ("6104/UBND-VP"); "…/TB-UBND" or empty when not known.
    date : str
        ``YYYY-MM-DD``; ``YYYY-MM`` or ``YYYY`` when only the month or year is known; empty when not known.
    issuer : str
        The body that issued it.
    subject : str
        Its summary (trích yếu); empty when not known.
    content : str
        What the report says of it: the words of the request, what the basis set up.
    source : str
        Where this knowledge comes from (not shown to the reader).
    where : str
        Its key path in the file (``documents[1]``).
    """

    role: str = "other"
    kind: str = ""
    number: str = ""
    date: str = ""
    issuer: str = ""
    subject: str = ""
    content: str = ""
    source: str = ""
    where: str = ""

    @property
    def number_known(self) -> bool:
        """True when the number is complete (starts with its digits)."""
        return bool(_NUMBER.match(self.number))

    @property
    def date_known(self) -> bool:
        """True when the full date (day, month, year) is known."""
        parts = _date_parts(self.date)
        return parts is not None and parts[2] is not None

    @property
    def complete(self) -> bool:
        """True when number and date are both known (the subject may still be missing)."""
        return self.number_known and self.date_known

    def date_parts(self) -> tuple[int, int | None, int | None] | None:
        """(year, month, day) as far as known; ``None`` without a date."""
        return _date_parts(self.date) if self.date else None


@dataclass(frozen=True)
class ContractFile:
    """The earlier contract's terms and the documents cited (see the module docstring).

    Attributes
    ----------
    placeholder : bool
        True while the file has not been filled from the signed contract.
    fields : dict of str to str
        Every field of :data:`CONTRACT_FIELDS` (empty when not known).
    documents : tuple of Document
        In file order.
    source : str
        The file name, for messages.
    """

    placeholder: bool = True
    fields: dict[str, str] = field(default_factory=lambda: dict.fromkeys(CONTRACT_FIELDS, ""))
    documents: tuple[Document, ...] = ()
    source: str = "<contract>"

    @property
    def terms(self) -> dict[str, str]:
        """The terms of :data:`TERMS`, by name."""
        return {t: self.fields.get(t, "") for t in TERMS}

    def documents_by_role(self, role: str) -> list[Document]:
        """The documents of one role, in file order."""
        return [d for d in self.documents if d.role == role]

    def missing(self) -> list[tuple[str, str]]:
        """What a final report still needs from this file: (key path, what is missing).

        ``what`` is one of ``placeholder`` (the file is still marked as not
        filled), ``number``, ``date``, ``provider``, a term of :data:`TERMS`,
        ``source`` (where the terms are in the contract), or for a document
        ``number_date`` and ``subject``.
        """
        out = []
        if self.placeholder:
            out.append(("contract.placeholder", "placeholder"))
        for name in ("number", "date", "provider", *TERMS, "source"):
            if not self.fields.get(name, "").strip():
                out.append((f"contract.{name}", name))
        for d in self.documents:
            if not d.complete:
                out.append((f"{d.where}.number", "number_date"))
            if not d.subject.strip():
                out.append((f"{d.where}.subject", "subject"))
        return out


def read_contract(path: str | Path) -> ContractFile:
    """Read and check a contract file (see :func:`parse_contract`)."""
    return parse_contract(read_text(path, ContractError), str(path))


def parse_contract(text: str, source: str = "<contract>") -> ContractFile:
    """Parse the TOML text of a contract file.

    Parameters
    ----------
    text : str
        The file's text.
    source : str
        The file name for messages.

    Returns
    -------
    ContractFile

    Raises
    ------
    ContractError
        Not TOML; an unknown table or key; a value that is not text (or, for
        ``placeholder``, not true/false); a date that is not ``YYYY``,
        ``YYYY-MM`` or ``YYYY-MM-DD``; a role not in :data:`ROLES`; more than
        one document with ``role = "request"``. Every problem names its key.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContractError([Problem(source, "", f"not a TOML file: {exc}")]) from None
    except RecursionError:
        raise ContractError([Problem(source, "", "TOML nested too deeply")]) from None
    control = text_problems(data, source)
    if control:
        raise ContractError(control)
    problems: list[Problem] = []

    def bad(where: str, message: str) -> None:
        problems.append(Problem(source, where, message))

    for key in data:
        if key not in ("contract", "documents"):
            bad(key, "unknown table: expected [contract] and [[documents]]")
    contract = data.get("contract", {})
    if not isinstance(contract, dict):
        bad("contract", "must be a table [contract]")
        contract = {}
    placeholder = contract.get("placeholder", False)
    if not isinstance(placeholder, bool):
        bad("contract.placeholder", f"must be true or false (got {placeholder!r})")
    fields: dict[str, str] = {}
    for key, value in contract.items():
        if key == "placeholder":
            continue
        if key not in CONTRACT_FIELDS:
            bad(f"contract.{key}", f"unknown key: expected placeholder, {', '.join(CONTRACT_FIELDS)}")
        elif not isinstance(value, str):
            bad(f"contract.{key}", f"must be text in quotes (got {value!r})")
        else:
            fields[key] = value.strip()
    if fields.get("date") and _date_parts(fields["date"]) is None:
        bad("contract.date", f"must be a date YYYY-MM-DD, YYYY-MM or YYYY, or empty (got {fields['date']!r})")
    entries = data.get("documents", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        bad("documents", "must be an array of tables [[documents]]")
        entries = []
    documents = []
    for i, entry in enumerate(entries, start=1):
        where = f"documents[{i}]"
        values: dict[str, str] = {}
        for key, value in entry.items():
            if key not in DOCUMENT_FIELDS:
                bad(f"{where}.{key}", f"unknown key: expected {', '.join(DOCUMENT_FIELDS)}")
            elif not isinstance(value, str):
                bad(f"{where}.{key}", f"must be text in quotes (got {value!r})")
            else:
                values[key] = value.strip()
        role = values.get("role", "other")
        if role not in ROLES:
            bad(f"{where}.role", f"must be one of {', '.join(ROLES)} (got {role!r})")
        if not values.get("kind"):
            bad(f"{where}.kind", "is empty: say what the document is (Thông báo, Văn bản, Quyết định …)")
        if values.get("date") and _date_parts(values["date"]) is None:
            bad(f"{where}.date", f"must be a date YYYY-MM-DD, YYYY-MM or YYYY, or empty (got {values['date']!r})")
        documents.append(Document(**{**values, "role": role}, where=where))
    requests = [d.where for d in documents if d.role == "request"]
    if len(requests) > 1:
        bad(requests[1] + ".role", f"only one document may be the request (also {requests[0]})")
    if problems:
        raise ContractError(problems)
    return ContractFile(
        placeholder=bool(placeholder),
        fields={name: fields.get(name, "") for name in CONTRACT_FIELDS},
        documents=tuple(documents),
        source=source,
    )
