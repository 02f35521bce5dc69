"""The explanatory report (báo cáo giải trình) the DIC submits to the Provincial People's Committee.

The notice of April 2024 (point 3) asks the DIC to review the conclusions of
the State Audit and the Provincial Inspectorate on the earlier rental of the
video-conferencing system, explain itself, analyse renting against investing
and a hybrid with software meetings, and propose an expansion plan, reporting
to the People's Committee in April 2024. :func:`explanatory_report` writes that
report as an editable .docx in the official form of Decree 30/2020/NĐ-CP
(:class:`~costmodel.reports.official.OfficialDocument`), a PDF when LibreOffice
is installed, and an HTML rendering of the same content for the screen:

* heading block, ``BÁO CÁO`` and its summary, ``Kính gửi: Ủy ban nhân dân tỉnh``;
* while anything is a placeholder, a list of what must be replaced (the draft
  summary) and the banner "DỰ THẢO — số liệu hợp đồng và số liệu sử dụng là
  giả định" on every page;
* I. context (the rental, the conclusions, the request; the as-of date and the
  rule on figures published after it); II. the findings answered one by one (a
  table, then one paragraph per finding pointing to the analysis that answers
  it, and the six questions an audit of an IT rental asks); III. the review of
  the past rental (paid against buying, the crossover month, utilisation on the
  scheduled and on the capacity basis, ownership of equipment and data,
  termination and hand-over terms); IV. the options for the expansion (summary,
  budget by source, the price basis, a chart, switching values, the
  recommendation); V. other provinces; VI. the administrative-restructuring
  case (in the conditional before 01/07/2025); VII. the proposal and the
  request to the People's Committee;
* ``Nơi nhận`` (the State Audit and the Inspectorate among them), the
  signature block, an appendix with the detailed estimate per option, and the list of the
  abbreviations the document uses (:func:`costmodel.reports.vocabulary.abbreviations_in`).

Every word comes from the reader vocabulary (``vocab/explanatory.csv`` and the
other files); every number from the inputs. Placeholder figures (the earlier
contract's own figures, sample usage, sample findings, contract terms not yet
supplied) are labelled "giả định" or "DỮ LIỆU MẪU", never "công bố". With
``final=True`` the report refuses, raising :class:`DraftError` (an
:class:`~costmodel.problems.InputError`: exit 2 on the command line) with
every placeholder.

The as-of date (default 30/04/2024, the notice's deadline) is separate from
the generation date. Events after the as-of date appear in the conditional;
price indices and register rows whose source is dated after it are used only
where the report says so next to the figure ("giá cập nhật năm 2025"): a
register row's source date is the latest ``dd/mm/yyyy`` date written in its
``source``; a price-index year is dated by its ``source`` the same way, or
taken as published in January of the following year.
"""

from __future__ import annotations

import base64
import datetime as dt
import html as html_lib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import costmodel
from costmodel.audit import HOURS_PER_POINT_MONTH, AuditResult, has_schedule, is_sample_usage, read_usage, retrospective
from costmodel.contract import TERMS, ContractFile, Document, read_contract
from costmodel.evaluation import Evaluation
from costmodel.findings import is_sample, read_findings, unanswered
from costmodel.problems import InputError, Problem
from costmodel.register import cited_ids, read_register
from costmodel.reports import vocabulary as voc
from costmodel.reports.charts import audit_figure, cumulative_figure
from costmodel.reports.estimate import estimate_frame, estimate_layout, first_year_request
from costmodel.reports.names import Names
from costmodel.reports.narrative import recommendation
from costmodel.reports.official import (
    Issuer,
    OfficialDocument,
    Signer,
    Span,
    addressee_lines,
    date_line,
    default_recipients,
    docx_to_pdf,
    number_line,
    recipient_lines,
)
from costmodel.reports.tables import drivers_frame, reader_frame
from costmodel.scenario import Scenario

__all__ = [
    "AS_OF",
    "MERGER_DATE",
    "DraftError",
    "ExplanatoryInputs",
    "ExplanatoryReport",
    "Placeholder",
    "explanatory_report",
]

#: Default as-of date: the notice's deadline (report to the People's Committee in April 2024).
AS_OF = dt.date(2024, 4, 30)
#: From this date the province is part of Ho Chi Minh City and the district tier is gone (register AD5).
MERGER_DATE = dt.date(2025, 7, 1)
#: Figures are drawn at the text width (165 mm) and this resolution.
FIGURE_WIDTH_IN = 6.5
FIGURE_DPI = 200
#: Size of the text of wide tables (the findings, the estimate).
SMALL_TABLE_PT = 10
#: Analyses a finding can point to, in the order the report presents them (findings.ANALYSES).
_ANALYSES = ("retrospective", "options", "price_basis", "peers", "restructuring", "ownership", "termination")
_SOURCE_DATE = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")


class DraftError(InputError):
    """A final report was asked for while placeholders remain; ``problems`` lists every one."""


# ---------------------------------------------------------------------------
# Inputs and outputs
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Placeholder:
    """Something the report rests on that must be replaced before it is final.

    Attributes
    ----------
    file : str
        The input file (as given) holding it.
    where : str
        Where in the file: a register id, ``line N`` of a CSV file, a key path
        of the contract file.
    what : str
        What is assumed or missing, in the reader's language.
    replace : str
        What must replace it, in the reader's language.
    """

    file: str
    where: str
    what: str
    replace: str
    #: Placeholders of one group share a row of the draft summary (sample findings, one finding, the contract's fields).
    group: str = field(default="", compare=False, repr=False)
    #: The placeholder's part of its group's row (a finding's id, a field's name).
    item: str = field(default="", compare=False, repr=False)

    def problem(self) -> Problem:
        """As a :class:`~costmodel.problems.Problem` (the command line prints one line each)."""
        return Problem(self.file, self.where, f"{self.what} → {self.replace}")


@dataclass
class ExplanatoryInputs:
    """What the explanatory report is built from, and the parameters of the document.

    Files may be given as paths or as objects already read (a
    :class:`~costmodel.scenario.Scenario`, a DataFrame, a
    :class:`~costmodel.contract.ContractFile`).
    :meth:`from_folder` fills the file names of a scenarios folder.

    Attributes
    ----------
    past_scenario, usage : path or object
        The earlier rental (``video-conferencing-past-rental.toml``, a *rent*
        and a *buy* option over the contract years) and its usage file.
    scenario, restructuring : path or Scenario
        The expansion options (rent / buy / hybrid) and the same under
        administrative restructuring.
    register : path, DataFrame or None
        The assumptions register (``assumptions.csv``).
    findings : path or DataFrame
        The audit findings (``audit-findings.csv``).
    contract : path, ContractFile or None
        The earlier contract's terms and the documents cited
        (``past-rental-contract.toml``); ``None``: every term is missing.
    peer_costs, price_index : path, DataFrame or None
        Other provinces' unit costs and the CPI that brings them to the base year.
    placeholder_ids : sequence of str
        Register ids to treat as placeholders besides the rows flagged
        ``placeholder = yes`` in the register.
    usage_sample : bool, optional
        Whether the usage file is sample data; default: detected from its
        notes (:func:`costmodel.audit.is_sample_usage`).
    issuer : Issuer, optional
        Default the DIC of Bà Rịa - Vũng Tàu under the Provincial People's Committee.
    signer : Signer, optional
        Default the Director, name left as dots.
    place : str, optional
        Place of the date line; default Bà Rịa - Vũng Tàu.
    number : int or str, optional
        The document's number; default dots for the records office.
    addressees : sequence of str, optional
        After ``Kính gửi``; default the Provincial People's Committee.
    recipients : sequence of str, optional
        Under ``Nơi nhận``; default the State Audit, the Provincial
        Inspectorate, the Department of Finance and the DIC's leadership.
    as_of : datetime.date
        The date the report answers as of (default :data:`AS_OF`).
    date : datetime.date, optional
        The date of the document (its date line); default dots to fill on signing.
    generated : datetime.date, optional
        When the figures were computed; default today.
    rent, buy : str
        Option ids of the past rental's rent and buy options.
    hours_per_point_month : float
        The capacity basis of utilisation (default 176 = 22 working days x 8 hours).
    switching : bool
        Compute the switching values of the expansion options.
    """

    past_scenario: str | Path | Scenario
    usage: str | Path | pd.DataFrame
    scenario: str | Path | Scenario
    restructuring: str | Path | Scenario
    findings: str | Path | pd.DataFrame
    register: str | Path | pd.DataFrame | None = None
    contract: str | Path | ContractFile | None = None
    peer_costs: str | Path | pd.DataFrame | None = None
    price_index: str | Path | pd.DataFrame | None = None
    placeholder_ids: Sequence[str] = ()
    usage_sample: bool | None = None
    issuer: Issuer | None = None
    signer: Signer | None = None
    place: str | None = None
    number: int | str | None = None
    addressees: Sequence[str] | None = None
    recipients: Sequence[str] | None = None
    as_of: dt.date = AS_OF
    date: dt.date | None = None
    generated: dt.date | None = None
    rent: str = "rent"
    buy: str = "buy"
    hours_per_point_month: float = HOURS_PER_POINT_MONTH
    switching: bool = True

    @classmethod
    def from_folder(cls, folder: str | Path, **changes) -> ExplanatoryInputs:
        """The shipped file names of a scenarios folder, with ``changes`` applied.

        Examples
        --------
        >>> inputs = ExplanatoryInputs.from_folder("scenarios", as_of=dt.date(2024, 4, 30))
        >>> Path(inputs.contract).name, Path(inputs.findings).name
        ('past-rental-contract.toml', 'audit-findings.csv')
        """
        f = Path(folder)
        if isinstance(changes.get("as_of"), str):
            changes["as_of"] = dt.date.fromisoformat(changes["as_of"])
        defaults = {
            "past_scenario": f / "video-conferencing-past-rental.toml",
            "usage": f / "video-conferencing-past-rental-usage.csv",
            "scenario": f / "video-conferencing.toml",
            "restructuring": f / "video-conferencing-restructuring.toml",
            "findings": f / "audit-findings.csv",
            "register": f / "assumptions.csv",
            "contract": f / "past-rental-contract.toml",
            "peer_costs": f / "peer-costs.csv",
            "price_index": f / "price-index.csv",
        }
        return cls(**{**defaults, **changes})


@dataclass(frozen=True, repr=False)
class ExplanatoryReport:
    """The rendered report.

    Attributes
    ----------
    docx : bytes
        The editable Word document (deterministic for the same inputs and dates).
    pdf : bytes or None
        The PDF made by LibreOffice; ``None`` when it is not installed or not asked for.
    html : str
        A standalone HTML page with the same content, for reading on screen.
    placeholders : tuple of Placeholder
        What must be replaced before the report is final (empty for a final report).
    """

    docx: bytes
    pdf: bytes | None
    html: str
    placeholders: tuple[Placeholder, ...]

    @property
    def draft(self) -> bool:
        """True while placeholders remain (the document carries the draft banner)."""
        return bool(self.placeholders)

    def files(self, stem: str = "bao-cao-giai-trinh") -> dict[str, bytes]:
        """``{file name: bytes}``: ``stem.docx``, ``stem.html`` and ``stem.pdf`` (when made)."""
        files = {f"{stem}.docx": self.docx, f"{stem}.html": self.html.encode("utf-8")}
        if self.pdf is not None:
            files[f"{stem}.pdf"] = self.pdf
        return files

    def save(self, folder: str | Path, stem: str = "bao-cao-giai-trinh") -> list[Path]:
        """Write ``stem.docx``, ``stem.html`` and ``stem.pdf`` (when made) into ``folder``, all or none."""
        from costmodel._files import write_outputs

        return write_outputs(Path(folder), self.files(stem))

    def write(self, folder: str | Path) -> list[Path]:
        """Same as :meth:`save` (the name every result object of costmodel uses)."""
        return self.save(folder)

    def __repr__(self) -> str:
        state = f"draft, {len(self.placeholders)} placeholder(s)" if self.draft else "final"
        pdf = f", PDF {len(self.pdf):,} bytes" if self.pdf is not None else ", no PDF"
        return f"<ExplanatoryReport {state}: Word {len(self.docx):,} bytes{pdf}>"

    def _repr_html_(self) -> str:
        return self.html


# ---------------------------------------------------------------------------
# Reading and computing
# ---------------------------------------------------------------------------


def _name(obj, fallback: str) -> str:
    return Path(obj).name if isinstance(obj, str | Path) else fallback


def _scenario(obj) -> Scenario:
    return obj if isinstance(obj, Scenario) else costmodel.load_scenario(obj)


@dataclass
class _Data:
    """Everything the report says, computed once."""

    inputs: ExplanatoryInputs
    lang: str
    past: Evaluation
    audit: AuditResult
    usage: pd.DataFrame
    usage_sample: bool
    result: Evaluation
    restructured: Evaluation
    register: pd.DataFrame | None
    placeholder_ids: frozenset[str]
    findings: pd.DataFrame
    findings_sample: bool
    contract: ContractFile
    peers: pd.DataFrame | None
    positions: pd.DataFrame | None
    index: pd.DataFrame | None
    switching: pd.DataFrame | None
    issuer: Issuer
    files: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> Names:
        return Names(self.result.scenario, self.lang)

    def t(self, key: str) -> str:
        return voc.term(key, self.lang)

    def x(self, key: str, **fields) -> str:
        return voc.text(key, self.lang, **fields)

    # -- the register ----------------------------------------------------------
    def row(self, rid: str) -> pd.Series | None:
        if self.register is None:
            return None
        rows = self.register[self.register["id"] == rid]
        return None if rows.empty else rows.iloc[0]

    def is_placeholder(self, rid: str) -> bool:
        return rid in self.placeholder_ids

    def kind(self, ids: Sequence[str]) -> str:
        """The reader's word for how firm a figure is: from its first register id."""
        if not ids:
            return voc.DASH
        if any(self.is_placeholder(i) for i in ids[:1]):
            return self.t("expl.kind_placeholder")
        row = self.row(ids[0])
        if row is None:
            return voc.DASH
        return self.t(f"register.{row['type']}")

    def assumed(self, ids: Sequence[str]) -> bool:
        """True when the figure rests on a placeholder or an assumption (labelled "giả định")."""
        if any(self.is_placeholder(i) for i in ids):
            return True
        row = self.row(ids[0]) if ids else None
        return row is not None and row["type"] == "assumption"

    def source_date(self, rid: str, _seen: frozenset[str] = frozenset()) -> dt.date | None:
        """The latest dd/mm/yyyy date written in a register row's source or, for a derived row, its ingredients'.

        A figure derived from others (register type ``derived``) is as recent as
        its newest ingredient: the staff cost (STAFF-CIVIL) is computed from the
        loaded pay scale (PAY-A1-LOADED), itself from the base salary in force from
        01/07/2024 (PAY-BASE-2024). An assumption that only cites a row as its
        reason (flat prices citing the 2024 CPI) takes no date from it.
        """
        row = self.row(rid)
        if row is None or rid in _seen:
            return None
        source = str(row["source"])
        dates = [_latest_date(source)]
        if row["type"] == "derived":
            dates += [self.source_date(cited, _seen | {rid}) for cited in cited_ids(source)]
        found = [x for x in dates if x is not None]
        return max(found) if found else None

    def late(self, ids: Sequence[str]) -> list[tuple[str, dt.date]]:
        """Cited register rows whose source is dated after the as-of date."""
        out = []
        for rid in ids:
            when = self.source_date(rid)
            if when is not None and when > self.inputs.as_of:
                out.append((rid, when))
        return out

    def late_indices(self, first_year: int, base_year: int) -> list[tuple[int, dt.date]]:
        """Price-index years used to bring ``first_year`` prices to ``base_year`` that were published after the as-of date."""
        if self.index is None:
            return []
        out = []
        for row in self.index.itertuples(index=False):
            year = int(row.year)
            if first_year < year <= base_year:
                when = _latest_date(str(getattr(row, "source", ""))) or dt.date(year + 1, 1, 1)
                if when > self.inputs.as_of:
                    out.append((year, when))
        return out


def _latest_date(text: str) -> dt.date | None:
    dates = []
    for d, m, y in _SOURCE_DATE.findall(text):
        try:
            dates.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return max(dates) if dates else None


def _load(inputs: ExplanatoryInputs, lang: str) -> _Data:
    from costmodel.peers import (
        peer_positions,
        peers_at_base_year,
        read_peer_costs,
        read_price_index,
        scenario_unit_costs,
    )

    files = {
        "register": _name(inputs.register, "assumptions.csv"),
        "usage": _name(inputs.usage, "usage.csv"),
        "findings": _name(inputs.findings, "audit-findings.csv"),
        "contract": _name(inputs.contract, "past-rental-contract.toml"),
        "past": _name(inputs.past_scenario, "past-rental.toml"),
    }
    # readers see the ledger as paid: every line rounded to the đồng, totals and differences from those lines
    past = costmodel.evaluate(_scenario(inputs.past_scenario)).rounded()
    usage = inputs.usage if isinstance(inputs.usage, pd.DataFrame) else read_usage(inputs.usage)
    audit = retrospective(past, usage, inputs.rent, inputs.buy, None, inputs.hours_per_point_month)
    scenario = _scenario(inputs.scenario)
    result = costmodel.evaluate(scenario).rounded()
    restructured = costmodel.evaluate(_scenario(inputs.restructuring)).rounded()
    register = inputs.register
    if register is not None and not isinstance(register, pd.DataFrame):
        register = read_register(register)
    flagged = set(inputs.placeholder_ids)
    if register is not None and "placeholder" in register.columns:
        flagged |= set(register.loc[register["placeholder"].str.strip().str.lower() == "yes", "id"])
    findings = inputs.findings if isinstance(inputs.findings, pd.DataFrame) else read_findings(inputs.findings)
    contract = inputs.contract
    if contract is None:
        contract = ContractFile(placeholder=True, source=files["contract"])
    elif not isinstance(contract, ContractFile):
        contract = read_contract(contract)
    index = inputs.price_index
    if index is not None and not isinstance(index, pd.DataFrame):
        index = read_price_index(index)
    peers = positions = None
    if inputs.peer_costs is not None and index is not None:
        raw = inputs.peer_costs if isinstance(inputs.peer_costs, pd.DataFrame) else read_peer_costs(inputs.peer_costs)
        peers = peers_at_base_year(raw, index, scenario.base_year)
        positions = peer_positions(scenario_unit_costs(result), peers)
    switching = None
    if inputs.switching:
        from costmodel.risk.sensitivity import switching_values

        switching = switching_values(scenario)
    usage_sample = is_sample_usage(usage) if inputs.usage_sample is None else bool(inputs.usage_sample)
    return _Data(
        inputs=inputs,
        lang=lang,
        past=past,
        audit=audit,
        usage=usage,
        usage_sample=usage_sample,
        result=result,
        restructured=restructured,
        register=register,
        placeholder_ids=frozenset(flagged),
        findings=findings,
        findings_sample=is_sample(findings),
        contract=contract,
        peers=peers,
        positions=positions,
        index=index,
        switching=switching,
        issuer=inputs.issuer or Issuer.province_default(lang),
        files=files,
    )


# ---------------------------------------------------------------------------
# Placeholders
# ---------------------------------------------------------------------------


def _citers(scenario: Scenario, rid: str, names: Names) -> list[str]:
    """What of a scenario cites register row ``rid`` first (the number it holds), as the reader names it."""
    out = []
    for did, drv in scenario.drivers.items():
        if cited_ids(drv.source)[:1] == [rid]:
            values = sorted({float(v) for v in drv.values})
            shown = ", ".join(names.number(v) for v in values)
            out.append(f"{names.driver(did)}: {shown} {drv.unit}".strip())
    for opt in scenario.options:
        for item in opt.items:
            if cited_ids(item.source)[:1] == [rid]:
                unit = _price_unit_in(scenario, item, names.lang)
                out.append(
                    names.text(
                        "expl.item_value", item=item.name, option=opt.name, value=voc.money(item.price, names.lang), unit=unit
                    )
                )
    return out


def _placeholders(d: _Data) -> list[Placeholder]:
    out: list[Placeholder] = []
    names_past = Names(d.past.scenario, d.lang)
    scenarios = [(d.past.scenario, names_past), (d.result.scenario, d.names), (d.restructured.scenario, d.names)]
    cited: list[str] = []
    for s, _ in scenarios:
        from costmodel.evidence import scenario_sources

        cited += [i for text in scenario_sources(s) for i in cited_ids(text)]
    for rid in dict.fromkeys(cited):
        if not d.is_placeholder(rid):
            continue
        things = []
        for s, names in scenarios:
            things += [t for t in _citers(s, rid, names) if t not in things]
        if not things:
            row = d.row(rid)
            things = [f"{rid}: {row['parameter']}" if row is not None else rid]
        out.append(
            Placeholder(
                d.files["register"],
                rid,
                d.x("expl.ph_register_what", things="; ".join(things), id=rid),
                d.x("expl.ph_register_replace", id=rid),
            )
        )
    if d.usage_sample:
        out.append(
            Placeholder(
                d.files["usage"],
                f"lines 2-{len(d.usage) + 1}",
                d.x("expl.ph_usage_what", first=2, last=len(d.usage) + 1),
                d.t("expl.ph_usage_replace"),
            )
        )
    for f in d.findings.itertuples(index=False):
        issuer = d.t(f"findings.issuer.{f.issued_by}")
        if f.sample:
            out.append(
                Placeholder(
                    d.files["findings"],
                    f"line {f.line}",
                    d.x("expl.ph_finding_sample_what", id=f.id, line=f.line),
                    d.x("expl.ph_finding_sample_replace", issuer=issuer),
                    group="findings_sample",
                    item=f"{f.id}\t{f.line}",
                )
            )
    for line, fid, columns in unanswered(d.findings):
        for column in columns:
            what = d.t(f"findings.col.{column}")
            out.append(
                Placeholder(
                    d.files["findings"],
                    f"line {line}",
                    d.x("expl.ph_finding_missing_what", id=fid, line=line, column=what.lower()),
                    d.x("expl.ph_finding_missing_replace", column=what),
                    group=f"finding:{fid}:{line}",
                    item=what,
                )
            )
    c = d.contract
    contract_file = d.files["contract"] if isinstance(d.inputs.contract, str | Path) else Path(c.source).name
    for where, what in c.missing():
        if what == "placeholder":
            out.append(
                Placeholder(
                    contract_file,
                    where,
                    d.t("expl.ph_contract_flag_what"),
                    d.t("expl.ph_contract_flag_replace"),
                    group="contract",
                    item="",
                )
            )
        elif what in ("number_date", "subject"):
            doc = next(x for x in c.documents if where.startswith(x.where + "."))
            label = f"{doc.kind} {doc.number}".strip()
            out.append(
                Placeholder(
                    contract_file,
                    where,
                    d.x(f"expl.ph_document_{what}_what", document=label),
                    d.t(f"expl.ph_document_{what}_replace"),
                )
            )
        else:
            field_name = d.t(f"expl.contract_field.{what}")
            key = "expl.ph_contract_term_replace" if what in TERMS else "expl.ph_contract_field_replace"
            out.append(
                Placeholder(
                    contract_file,
                    where,
                    d.x("expl.ph_contract_field_what", field=field_name),
                    d.x(key, field=field_name),
                    group="contract",
                    item=field_name,
                )
            )
    return out


# ---------------------------------------------------------------------------
# Content, recorded once and rendered twice (Word and HTML)
# ---------------------------------------------------------------------------


class _Content:
    """The body of the document as a list of calls of :class:`OfficialDocument`'s methods."""

    def __init__(self) -> None:
        self.ops: list[tuple[str, tuple, dict]] = []
        self.tables = 0

    def __getattr__(self, name: str):
        if name not in ("heading", "paragraph", "bullets", "note", "table", "image", "landscape", "portrait", "appendix"):
            raise AttributeError(name)

        def record(*args, **kwargs):
            if name == "table" and (kwargs.get("title") or (len(args) > 1 and args[1])):
                self.tables += 1
            self.ops.append((name, args, kwargs))

        return record

    def replay(self, doc: OfficialDocument) -> None:
        for name, args, kwargs in self.ops:
            getattr(doc, name)(*args, **kwargs)


def _png(fig) -> bytes:
    width, height = fig.get_size_inches()
    fig.set_size_inches(FIGURE_WIDTH_IN, FIGURE_WIDTH_IN * height / width)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=FIGURE_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _frame(rows: list[list[str]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """``Kết luận của …`` -> ``kết luận của …`` (not for an acronym such as ``UBND``)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


class _Citer:
    """Documents cited in full the first time (type, number, date, issuer, subject), briefly after."""

    def __init__(self, d: _Data):
        self.d = d
        self.seen: set[str] = set()

    def date(self, doc: Document) -> str:
        parts = doc.date_parts()
        if parts is None:
            return ""
        year, month, day = parts
        blank = voc.term("official.blank", self.d.lang)
        if day is not None:
            shown = voc.date(dt.date(year, month, day), self.d.lang)
        elif month is not None:
            shown = f"{blank}/{month:02d}/{year}"
        else:
            shown = f"{blank}/{blank}/{year}"
        return self.d.x("expl.cite_date", date=shown)

    def __call__(self, doc: Document, subject: bool = True) -> str:
        d = self.d
        key = doc.where or f"{doc.kind} {doc.number}"
        number = d.x("expl.cite_number", number=doc.number) if doc.number else ""
        if key in self.seen:
            return " ".join(p for p in (doc.kind, number or d.t("expl.cite_above")) if p)
        self.seen.add(key)
        parts = [doc.kind, number, self.date(doc)]
        if doc.issuer:
            parts.append(d.x("expl.cite_issuer", issuer=doc.issuer))
        if doc.subject:
            parts.append(d.x("expl.cite_subject", subject=_lower_first(doc.subject)))
        missing = []
        if not doc.complete:
            missing.append(d.t("expl.missing_number_date"))
        if subject and not doc.subject:
            missing.append(d.t("expl.missing_subject"))
        if missing:
            parts.append(d.x("expl.to_supply_paren", what=", ".join(missing)))
        return " ".join(p for p in parts if p)


# ---------------------------------------------------------------------------
# The sections
# ---------------------------------------------------------------------------


def _draft_caption(d: _Data, title: str, assumed: bool, sample: bool = False) -> str:
    label = d.t("findings.sample_label") if sample else (d.t("expl.draft_label") if assumed else "")
    return d.x("expl.caption_labelled", title=title, label=label) if label else title


def _opening(c: _Content, d: _Data, cite: _Citer) -> None:
    request = d.contract.documents_by_role("request")
    asked = cite(request[0]) if request else d.t("expl.request_unknown")
    c.paragraph(d.x("expl.opening", request=asked, issuer=d.issuer.prose))


def _summary_rows(d: _Data, placeholders: list[Placeholder]) -> list[tuple[str, str, str]]:
    """(file, what, replace) of the draft summary: one row per placeholder, or per group of them."""
    groups: dict[str, list[Placeholder]] = {}
    order: list[str | Placeholder] = []
    for p in placeholders:
        if not p.group:
            order.append(p)
        elif p.group not in groups:
            groups[p.group] = [p]
            order.append(p.group)
        else:
            groups[p.group].append(p)
    rows = []
    for entry in order:
        if isinstance(entry, Placeholder):
            rows.append((entry.file, entry.what, entry.replace))
            continue
        members = groups[entry]
        first = members[0]
        if len(members) == 1:
            rows.append((first.file, first.what, first.replace))
        elif entry == "findings_sample":
            ids = [m.item.split("\t")[0] for m in members]
            lines = [int(m.item.split("\t")[1]) for m in members]
            shown = f"{min(lines)}–{max(lines)}" if max(lines) - min(lines) + 1 == len(lines) else ", ".join(map(str, lines))
            rows.append(
                (
                    first.file,
                    d.x("expl.ph_findings_sample_group", ids=", ".join(ids), lines=shown),
                    d.t("expl.ph_findings_sample_group_replace"),
                )
            )
        elif entry.startswith("finding:"):
            _, fid, line = entry.split(":")
            columns = ", ".join(m.item.lower() for m in members)
            rows.append(
                (
                    first.file,
                    d.x("expl.ph_finding_missing_what", id=fid, line=line, column=columns),
                    d.x("expl.ph_finding_missing_replace", column=_upper_first(columns)),
                )
            )
        else:  # the contract's fields
            fields = [m.item for m in members if m.item]
            flagged = any(not m.item for m in members)
            what = d.x("expl.ph_contract_group", fields="; ".join(f.lower() for f in fields)) if fields else first.what
            replace = d.t("expl.ph_contract_group_replace" if flagged else "expl.ph_contract_group_replace_fields")
            rows.append((first.file, what, replace))
    return rows


def _draft_summary(c: _Content, d: _Data, placeholders: list[Placeholder]) -> None:
    c.heading(d.t("expl.draft_heading"), numbered=False)
    c.paragraph(d.x("expl.draft_intro", n=len(placeholders)))
    rows = [[str(i), *row] for i, row in enumerate(_summary_rows(d, placeholders), start=1)]
    columns = [d.t("expl.col_no"), d.t("expl.col_file"), d.t("expl.col_placeholder"), d.t("expl.col_replace")]
    c.table(
        _frame(rows, columns),
        d.t("expl.draft_table"),
        widths=(7, 19, 44, 40),
        align=("right", "left", "left", "left"),
        font_pt=SMALL_TABLE_PT,
    )


def _past_figures_table(c: _Content, d: _Data) -> tuple[bool, bool]:
    """The earlier contract's figures as the report uses them; (any placeholder, any assumed)."""
    s = d.past.scenario
    names = Names(s, d.lang)
    rows, assumed_any, placeholder_any = [], False, False
    drv = s.drivers[s.unit_driver]
    ids = cited_ids(drv.source)
    values = sorted({float(v) for v in drv.values})
    assumed_any |= d.assumed(ids)
    placeholder_any |= any(d.is_placeholder(i) for i in ids[:1])
    n = 1
    period_assumed = d.contract.placeholder or not d.contract.fields.get("date")
    rows.append(
        [
            str(n),
            d.t("expl.past_period"),
            d.x("expl.year_range", start=s.start_year, end=s.end_year),
            d.t("expl.unit_years"),
            voc.DASH,
            d.t("expl.kind_placeholder") if period_assumed else d.t("expl.kind_contract"),
        ]
    )
    assumed_any |= period_assumed
    placeholder_any |= period_assumed
    n += 1
    rows.append(
        [str(n), names.driver(s.unit_driver), ", ".join(names.number(v) for v in values), drv.unit, ", ".join(ids), d.kind(ids)]
    )
    for item in s.option(d.inputs.rent).items:
        n += 1
        ids = cited_ids(item.source)
        assumed_any |= d.assumed(ids)
        placeholder_any |= any(d.is_placeholder(i) for i in ids[:1])
        rows.append(
            [
                str(n),
                item.name,
                voc.money(item.price, d.lang),
                _price_unit(d, s, item),
                ", ".join(ids),
                d.kind(ids),
            ]
        )
    columns = [
        d.t("expl.col_no"),
        d.t("expl.col_content"),
        d.t("expl.col_value"),
        d.t("expl.col_unit"),
        d.t("expl.col_ids"),
        d.t("expl.col_kind"),
    ]
    c.table(
        _frame(rows, columns),
        _draft_caption(d, d.t("expl.past_figures_table"), placeholder_any),
        widths=(7, 31, 15, 15, 17, 22),
        align=("right", "left", "right", "left", "left", "left"),
        font_pt=SMALL_TABLE_PT,
    )
    return placeholder_any, assumed_any


def _context(c: _Content, d: _Data, cite: _Citer) -> None:
    s = d.past.scenario
    c.heading(d.t("expl.h_context"))
    c.heading(d.x("expl.h_rental", start=s.start_year), level=2)
    for x in d.contract.documents_by_role("basis"):
        if x.content:
            c.paragraph(d.x("expl.basis_with_content", content=x.content.rstrip("."), document=cite(x)))
        else:
            c.paragraph(d.x("expl.basis_without_content", document=cite(x)))
    contract = d.contract.fields
    doc = Document(
        role="other",
        kind=contract.get("title") or d.t("expl.contract_kind"),
        number=contract.get("number", ""),
        date=contract.get("date", ""),
        where="contract",
    )
    provider = contract.get("provider") or d.t("expl.provider_unknown")
    # a contract has no summary (trích yếu): its parties are named instead
    c.paragraph(d.x("expl.rental_contract", contract=cite(doc, subject=False), issuer=d.issuer.prose, provider=provider))
    placeholder, assumed = _past_figures_table(c, d)
    if placeholder:
        c.paragraph(d.t("expl.past_figures_assumed"))
    elif not assumed:
        c.paragraph(d.t("expl.past_figures_contract"))

    c.heading(d.t("expl.h_conclusions"), level=2)
    lines = []
    for issuer, group in d.findings.groupby("issued_by", sort=False):
        docs = list(dict.fromkeys(group["document"]))
        shown = "; ".join(
            x + (" " + d.x("expl.to_supply_paren", what=d.t("expl.missing_number_date")) if "…" in x or "..." in x else "")
            for x in docs
        )
        lines.append(d.x("expl.conclusion_docs", issuer=d.t(f"findings.issuer.{issuer}"), documents=shown, n=len(group)))
    c.paragraph(d.x("expl.conclusions_intro", n=len(d.findings)))
    c.bullets(lines)
    if d.findings_sample:
        c.paragraph([Span(d.t("expl.findings_sample_note"), bold=True)])

    c.heading(d.t("expl.h_request"), level=2)
    request = d.contract.documents_by_role("request")
    if request and request[0].content:
        c.paragraph(d.x("expl.request_quote", request=cite(request[0]), quote=request[0].content.rstrip(".;")))
    else:
        c.paragraph(d.t("expl.request_missing"))
    c.paragraph(d.t("expl.request_sections"))

    c.heading(d.t("expl.h_as_of"), level=2)
    generated = d.inputs.generated or dt.date.today()
    c.paragraph(
        d.x(
            "expl.as_of",
            as_of=voc.date(d.inputs.as_of, d.lang),
            generated=voc.date(generated, d.lang),
        )
    )
    c.paragraph(d.t("expl.as_of_rule"))
    late = _late_rows(d)
    if late:
        c.paragraph(d.x("expl.late_rows", rows="; ".join(late)))
    c.paragraph(d.t("expl.sources"))


def _late_rows(d: _Data) -> list[str]:
    """Every cited register row of the expansion scenarios whose source is dated after the as-of date."""
    from costmodel.evidence import scenario_sources

    ids = []
    for s in (d.result.scenario, d.restructured.scenario, d.past.scenario):
        ids += [i for text in scenario_sources(s) for i in cited_ids(text)]
    out = []
    for rid, when in d.late(list(dict.fromkeys(ids))):
        out.append(d.x("expl.late_row", id=rid, date=voc.date(when, d.lang), year=when.year))
    return out


# -- analyses: the sentences a finding points to ---------------------------------


def _money_label(d: _Data, assumed: bool) -> str:
    return d.t("expl.assumed_suffix") if assumed else ""


def _usage_label(d: _Data) -> str:
    """After a usage figure: the usage is sample data, or it rests on assumed contract figures, or nothing."""
    if d.usage_sample:
        return d.t("expl.usage_sample_suffix")
    return _money_label(d, _past_assumed(d))


def _crossover_text(d: _Data) -> str:
    month = d.audit.crossover_month
    if month is None:
        return d.t("expl.crossover_none")
    year, m = (int(x) for x in month.split("-")[:2])
    return d.x("expl.crossover_at", month=d.x("expl.month_year", month=m, year=year))


def _basis_capacity(d: _Data) -> str:
    hours = d.inputs.hours_per_point_month
    split = d.t("expl.hours_split") if hours == HOURS_PER_POINT_MONTH else ""
    return d.x(
        "expl.basis_capacity",
        point_months=voc.number(d.audit.value("paid_point_months"), 0, d.lang),
        hours=voc.number(hours, 0 if float(hours).is_integer() else 1, d.lang),
        split=split,
        capacity=voc.number(d.audit.value("capacity_point_hours"), 0, d.lang),
    )


def _past_placeholder(d: _Data) -> bool:
    """True while the earlier contract's own figures (its rent items, its points, its period) are placeholders."""
    s = d.past.scenario
    ids = [i for it in s.option(d.inputs.rent).items for i in cited_ids(it.source)[:1]]
    ids += cited_ids(s.drivers[s.unit_driver].source)[:1]
    return any(d.is_placeholder(i) for i in ids) or d.contract.placeholder


def _past_assumed(d: _Data) -> bool:
    s = d.past.scenario
    ids = [i for it in s.option(d.inputs.rent).items for i in cited_ids(it.source)[:1]]
    ids += cited_ids(s.drivers[s.unit_driver].source)[:1]
    return any(d.assumed([i]) for i in ids) or d.contract.placeholder


def _analyses(d: _Data) -> dict[str, str]:
    v = d.audit.value
    assumed = _money_label(d, _past_assumed(d))
    use_assumed = _usage_label(d)
    out = {}
    scheduled = (
        d.x("expl.an_use_scheduled", share=voc.percent(v("utilisation_scheduled"), d.lang))
        if has_schedule(d.usage)
        else d.t("expl.an_use_no_schedule")
    )
    out["retrospective"] = d.x(
        "expl.an_retrospective",
        paid=voc.amount(v("paid_rent"), d.lang),
        buy=voc.amount(v("buy_net_of_residual"), d.lang),
        assumed=assumed,
        crossover=_crossover_text(d),
        scheduled=scheduled,
        capacity=voc.percent(v("utilisation"), d.lang),
        use_assumed=use_assumed,
    )
    ranked = d.result.summary.sort_values("rank", kind="stable")
    best, second = ranked.iloc[0], ranked.iloc[min(1, len(ranked) - 1)]
    names = d.names
    out["options"] = d.x(
        "expl.an_options",
        best=names.option(best["option"]),
        pv=voc.amount(best["pv_cost"], d.lang),
        second=names.option(second["option"]),
        margin=voc.amount(second["pv_cost"] - best["pv_cost"], d.lang),
    )
    counts = _price_counts(d)
    out["price_basis"] = d.x("expl.an_price_basis", **counts)
    peers = _peer_sentences(d)
    out["peers"] = d.x("expl.an_peers", sentences="; ".join(peers)) if peers else d.t("expl.an_peers_none")
    r = d.restructured.summary.sort_values("rank", kind="stable").iloc[0]
    pts = d.restructured.scenario.drivers[d.restructured.scenario.unit_driver].values
    out["restructuring"] = d.x(
        "expl.an_restructuring_fact" if d.inputs.as_of >= MERGER_DATE else "expl.an_restructuring",
        first=names.number(float(pts[0])),
        last=names.number(float(pts[-1])),
        best=names.option(r["option"]),
        pv=voc.amount(r["pv_cost"], d.lang),
    )
    terms = d.contract.terms
    for analysis, keys in (("ownership", TERMS[:2]), ("termination", TERMS[2:])):
        said = [_term_sentence(d, k, terms[k]) for k in keys]
        out[analysis] = d.x(f"expl.an_{analysis}", terms="; ".join(said))
    return out


def _term_sentence(d: _Data, key: str, value: str) -> str:
    label = d.t(f"expl.contract_field.{key}")
    if value.strip():
        return d.x("expl.term_known", field=label, value=value.strip().rstrip("."))
    return d.x("expl.term_missing", field=label, what=d.t(f"expl.term_need.{key}"))


def _price_counts(d: _Data) -> dict[str, int]:
    kinds = {"published": 0, "derived": 0, "assumption": 0}
    n = 0
    for opt in d.result.scenario.options:
        for item in opt.items:
            ids = cited_ids(item.source)
            n += 1
            row = d.row(ids[0]) if ids else None
            if row is not None and row["type"] in kinds:
                kinds[row["type"]] += 1
    return {"n": n, "published": kinds["published"], "derived": kinds["derived"], "assumed": kinds["assumption"]}


# -- II. findings ---------------------------------------------------------------


def _findings(c: _Content, d: _Data) -> None:
    f = d.findings
    c.landscape()
    c.heading(d.t("expl.h_findings"))
    c.paragraph(d.x("expl.findings_intro", n=len(f), table=c.tables + 1))
    supply = d.t("expl.to_supply")
    rows = []
    for r in f.itertuples(index=False):
        deadline = voc.date(r.deadline, d.lang) if r.deadline else (voc.DASH if r.status == "done" else supply)
        rows.append(
            [
                f"{r.id}\n({d.t(f'findings.issuer.{r.issued_by}')})",
                r.finding,
                r.recommendation,
                r.cause or supply,
                r.responsibility or supply,
                r.explanation or supply,
                r.remedy or supply,
                r.owner or supply,
                deadline,
                d.t(f"findings.status.{r.status}"),
            ]
        )
    keys = ("id", "finding", "recommendation", "cause", "responsibility", "explanation", "remedy", "owner", "deadline", "status")
    columns = [d.t(f"findings.col.{k}") for k in keys]
    c.table(
        _frame(rows, columns),
        _draft_caption(d, d.t("expl.findings_table"), False, sample=d.findings_sample),
        widths=(13, 20, 17, 18, 15, 22, 20, 12, 15, 9),  # the deadline column fits a date (dd/mm/yyyy) on one line
        align=("left",) * 8 + ("center", "left"),
        font_pt=SMALL_TABLE_PT,
    )
    c.portrait()
    c.heading(d.t("expl.h_findings_each"), level=2)
    analyses = _analyses(d)
    for r in f.itertuples(index=False):
        issuer = d.t(f"findings.issuer.{r.issued_by}")
        parts = [Span(f"{r.id}", bold=True), Span(d.x("expl.finding_lead", issuer=issuer, finding=r.finding.rstrip(".")))]
        # an audit response says why it happened and who answers for it before what is done about it
        for key in ("cause", "responsibility"):
            value = (getattr(r, key) or "").rstrip(".")
            parts.append(Span(" " + (d.x(f"expl.finding_{key}", text=value) if value else d.t(f"expl.finding_no_{key}"))))
        parts.append(Span(" " + d.x("expl.finding_explanation", explanation=(r.explanation or "").rstrip("."))))
        if not r.explanation:
            parts[-1] = Span(" " + d.t("expl.finding_no_explanation"))
        if r.answered_by:
            said = "; ".join(analyses[a] for a in r.answered_by)
            parts.append(Span(" " + d.x("expl.finding_answered", analyses=said)))
        else:
            parts.append(Span(" " + d.t("expl.finding_not_answered")))
        parts.append(Span(" " + d.x("expl.finding_status", status=d.t(f"findings.status.{r.status}").lower())))
        c.paragraph(parts)
    _audit_questions(c, d)


def _audit_questions(c: _Content, d: _Data) -> None:
    """The six questions an audit of an IT rental asks, and where the report answers each."""
    c.heading(d.t("expl.h_questions"), level=2)
    c.paragraph(d.t("expl.questions_intro"))
    past_assumed = _past_placeholder(d)
    terms = d.contract.terms
    rows = []
    for i, q in enumerate(("options", "price_basis", "rent_vs_buy", "utilisation", "ownership", "termination"), start=1):
        if q in ("ownership", "termination"):
            keys = TERMS[:2] if q == "ownership" else TERMS[2:]
            missing = [d.t(f"expl.term_need.{k}") for k in keys if not terms[k].strip()]
            status = d.x("expl.q_missing", what="; ".join(missing)) if missing else d.t("expl.q_answered")
        elif q == "rent_vs_buy":
            status = d.t("expl.q_answered_assumed") if past_assumed else d.t("expl.q_answered")
        elif q == "utilisation":
            status = d.t("expl.q_answered_assumed") if (past_assumed or d.usage_sample) else d.t("expl.q_answered")
        elif q == "price_basis":
            status = d.t("expl.q_price_basis")
        else:
            status = d.t("expl.q_answered")
        rows.append([str(i), d.t(f"expl.q.{q}"), d.t(f"expl.q_where.{q}"), status])
    columns = [d.t("expl.col_no"), d.t("expl.col_question"), d.t("expl.col_where"), d.t("expl.col_answer")]
    c.table(
        _frame(rows, columns),
        d.t("expl.questions_table"),
        widths=(7, 38, 16, 39),
        align=("right", "left", "left", "left"),
        font_pt=SMALL_TABLE_PT,
    )


# -- III. the past rental ---------------------------------------------------------


def _counterfactual_table(c: _Content, d: _Data, draft: bool) -> None:
    """What buying instead of renting would have cost, item by item (the basis of the comparison KTNN-01 asks for).

    From the past-rental scenario's ledger (lines rounded to the đồng): each item
    of the buying option with its quantity, unit price and useful life, its
    outlay over the period (after VAT, contingency included) and the residual
    value credited at the end; the totals are the table above's.
    """
    s = d.past.scenario
    names = Names(s, d.lang)
    buy = d.inputs.buy
    option = next(o for o in s.options if o.id == buy)
    led = d.past.ledger  # d.past is rounded: lines to the đồng, as every table
    led = led[led["option"] == buy]
    rows = []
    outlay_total = residual_total = 0.0
    for item in option.items:
        mine = led[led["item"] == item.name]
        costs = mine[mine["kind"] != "residual"]
        if costs.empty:
            continue
        first = costs[costs["kind"] == "cost"].iloc[0] if (costs["kind"] == "cost").any() else costs.iloc[0]
        outlay = float(costs["nominal"].sum())
        residual = -float(mine.loc[mine["kind"] == "residual", "nominal"].sum())
        outlay_total += outlay
        residual_total += residual
        rows.append(
            [
                item.name,
                names.number(float(first["quantity"])),
                voc.unit_price(float(first["unit_price"]), d.lang),
                _price_unit(d, s, item),
                names.number(float(item.life)) if item.life else voc.DASH,
                voc.money(outlay, d.lang),
                voc.money(residual, d.lang) if residual else voc.DASH,
            ]
        )
    totals = [voc.money(outlay_total, d.lang), voc.money(residual_total, d.lang)]
    rows.append([names.term("wb.grand_total"), "", "", "", "", *totals])
    columns = [
        d.t("expl.col_item"),
        d.t("expl.cf_col_quantity"),
        d.t("expl.col_price"),
        d.t("expl.col_unit"),
        d.t("expl.cf_col_life"),
        d.x("expl.cf_col_outlay", start=s.start_year, end=s.end_year),
        d.x("expl.cf_col_residual", end=s.end_year),
    ]
    c.table(
        _frame(rows, columns),
        _draft_caption(d, d.x("expl.cf_table", option=option.name), draft),
        unit_line=d.t("expl.cf_unit"),
        bold_rows=[len(rows) - 1],
        widths=(31, 10, 24, 17, 10, 20, 20),
        align=("left", "right", "right", "left", "right", "right", "right"),
        font_pt=SMALL_TABLE_PT,
        note=d.t("expl.cf_note"),
        cell_margin_mm=1,
    )


def _retrospective(c: _Content, d: _Data) -> None:
    a, v = d.audit, d.audit.value
    s = d.past.scenario
    assumed = _past_assumed(d)
    draft = _past_placeholder(d)
    label = _money_label(d, assumed)
    c.heading(d.t("expl.h_retrospective"))
    c.heading(d.t("expl.h_paid"), level=2)
    c.paragraph(
        d.x(
            "expl.paid_text",
            start=s.start_year,
            end=s.end_year,
            paid=voc.amount(v("paid_rent"), d.lang),
            buy=voc.amount(v("buy_outlay"), d.lang),
            residual=voc.amount(v("buy_residual_value"), d.lang),
            net=voc.amount(v("buy_net_of_residual"), d.lang),
            assumed=label,
            crossover=_crossover_text(d),
        )
    )
    diff = v("rent_minus_buy_net")
    c.paragraph(
        d.x(
            "expl.paid_diff_more" if diff > 0 else "expl.paid_diff_less",
            amount=voc.amount(abs(diff), d.lang),
            assumed=label,
            pv_rent=voc.amount(v("pv_rent"), d.lang),
            pv_buy=voc.amount(v("pv_buy"), d.lang),
            base=s.base_year,
            rate=voc.percent(s.discount_rate, d.lang),
        )
    )
    rows = []
    for metric in (
        "paid_rent",
        "buy_outlay",
        "buy_residual_value",
        "buy_net_of_residual",
        "rent_minus_buy_net",
        "pv_rent",
        "pv_buy",
        "cost_per_meeting",
        "cost_per_point_year",
    ):
        name = voc.term(f"metric.{metric}", d.lang)
        if metric.startswith("pv_"):
            name = d.x("expl.at_start_of", name=name, year=s.base_year)
        rows.append([name, voc.money(v(metric), d.lang)])
    columns = [d.t("col.metric"), d.t("expl.col_amount")]
    c.table(
        _frame(rows, columns),
        _draft_caption(d, d.x("expl.paid_table", start=s.start_year, end=s.end_year), draft),
        unit_line=d.t("unit.table_vnd"),
        widths=(70, 30),
    )
    _counterfactual_table(c, d, draft)
    c.image(_png(audit_figure(a, d.lang)), _draft_caption(d, d.t("expl.audit_figure"), draft))

    c.heading(d.t("expl.h_use"), level=2)
    use_draft = d.usage_sample or draft
    c.paragraph(d.t("expl.use_intro"))
    items = []
    if has_schedule(d.usage):
        items.append(
            d.x(
                "expl.use_scheduled",
                held=voc.number(v("meetings_held_scheduled_months"), 0, d.lang),
                scheduled=voc.number(v("meetings_scheduled"), 0, d.lang),
                months=voc.number(v("scheduled_months"), 0, d.lang),
                held_share=voc.percent(v("meetings_held_share"), d.lang),
                share=voc.percent(v("utilisation_scheduled"), d.lang),
                points=Names(s, d.lang).number(float(s.drivers[s.unit_driver].values.max())),
                assumed=_usage_label(d),
            )
        )
    else:
        items.append(d.t("expl.use_no_schedule"))
    items.append(
        d.x(
            "expl.use_capacity",
            share=voc.percent(v("utilisation"), d.lang),
            used=voc.number(v("point_hours_used"), 0, d.lang),
            basis=_basis_capacity(d),
            assumed=_usage_label(d),
        )
    )
    items.append(
        d.x(
            "expl.use_attendance",
            share=voc.percent(v("attendance_rate"), d.lang),
            meetings=voc.number(v("meetings"), 0, d.lang),
            per_meeting=voc.amount(v("cost_per_meeting"), d.lang),
            assumed=_usage_label(d),
        )
    )
    c.bullets(items)
    c.paragraph(d.t("expl.use_reading"))
    by_year = a.usage_by_year
    rows = []
    scheduled = has_schedule(d.usage)
    for r in by_year.to_dict("records"):
        row = [str(int(r["year"]))]
        if scheduled:
            row += [voc.number(r["meetings_scheduled"], 0, d.lang)]
        row += [voc.number(r["meetings"], 0, d.lang)]
        if scheduled:
            row += [voc.percent(r["meetings_held_share"], d.lang), voc.percent(r["utilisation_scheduled"], d.lang)]
        row += [
            voc.number(r["point_hours"], 0, d.lang),
            voc.number(r["capacity_point_hours"], 0, d.lang),
            voc.percent(r["utilisation"], d.lang),
        ]
        rows.append(row)
    columns = [d.t("col.year")]
    if scheduled:
        columns += [d.t("expl.col_scheduled")]
    columns += [d.t("expl.col_held")]
    if scheduled:
        columns += [d.t("expl.col_held_share"), d.t("expl.col_use_scheduled")]
    columns += [d.t("expl.col_point_hours"), d.t("expl.col_capacity"), d.t("expl.col_use_capacity")]
    c.table(
        _frame(rows, columns),
        _draft_caption(d, d.t("expl.use_table"), use_draft, sample=d.usage_sample),
        note=d.x(
            "expl.use_table_note",
            hours=voc.number(
                d.inputs.hours_per_point_month, 0 if float(d.inputs.hours_per_point_month).is_integer() else 1, d.lang
            ),
        ),
        font_pt=SMALL_TABLE_PT,
    )

    terms = d.contract.terms
    cite_source = d.contract.fields.get("source", "")
    for topic, keys in (("ownership", TERMS[:2]), ("termination", TERMS[2:])):
        c.heading(d.t(f"expl.h_{topic}"), level=2)
        c.bullets(_term_sentence(d, k, terms[k]) + "." for k in keys)
        if any(terms[k].strip() for k in keys):
            c.paragraph(
                d.x("expl.terms_source", source=cite_source.rstrip(".")) if cite_source else d.t("expl.terms_source_missing")
            )
        c.paragraph(d.t(f"expl.new_contract_{topic}"))


# -- IV. the options ---------------------------------------------------------------


def _options(c: _Content, d: _Data) -> None:
    r, s, names = d.result, d.result.scenario, d.names
    c.heading(d.t("expl.h_options"))
    c.paragraph(
        d.x(
            "expl.options_intro",
            start=s.start_year,
            end=s.end_year,
            base=s.base_year,
            rate=voc.percent(s.discount_rate, d.lang),
            n=len(s.options),
            names="; ".join(names.option(o.id) for o in s.options),
            table=c.tables + 1,
        )
    )
    c.table(drivers_frame(names), d.t("expl.drivers_table"), font_pt=SMALL_TABLE_PT)
    c.heading(d.t("expl.h_summary"), level=2)
    summary = r.summary.sort_values("rank", kind="stable").copy()
    # the outlay as the estimate adds it up (amounts rounded per line), so that Table and Appendix agree to the đồng
    totals = _estimate_totals(d)
    summary["nominal_outlay"] = [totals.get(o, x) for o, x in zip(summary["option"], summary["nominal_outlay"], strict=True)]
    frame = reader_frame(summary, names, columns=["rank", "option", "pv_cost", "eac", "nominal_outlay", "residual_value"])
    c.table(
        frame,
        d.t("expl.summary_table"),
        unit_line=d.t("unit.table_vnd"),
        widths=(7, 29, 16, 16, 16, 16),
        font_pt=SMALL_TABLE_PT,
        cell_margin_mm=1,
    )
    c.image(_png(cumulative_figure(r, d.lang)), d.t("expl.cumulative_figure"))

    c.heading(d.t("expl.h_budget"), level=2)
    c.paragraph(d.t("expl.budget_intro"))
    _budget_table(c, d)
    c.heading(d.t("expl.h_price_basis"), level=2)
    counts = _price_counts(d)
    c.paragraph(d.x("expl.price_basis_intro", **counts))
    _price_table(c, d)

    c.heading(d.t("expl.h_switching"), level=2)
    sw = d.switching
    found = sw[sw["switching_value"].notna()] if sw is not None else None
    if sw is None:
        c.paragraph(d.t("expl.switching_not_computed"))
    elif found.empty:
        c.paragraph(d.t("text.no_switch"))
    else:
        c.paragraph(d.x("expl.switching_intro", n=len(sw), found=len(found)))
        frame = reader_frame(found, names, columns=["input", "central", "switching_value", "change", "new_cheapest"])
        c.table(frame, d.t("expl.switching_table"), widths=(40, 14, 14, 12, 20), font_pt=SMALL_TABLE_PT)
    c.heading(d.t("expl.h_assessment"), level=2)
    c.paragraph(recommendation(r, None, sw, d.lang))


def _estimate_totals(d: _Data) -> dict[str, float]:
    """Each option's grand total after VAT as the estimate (Appendix I) adds it up. [VND]"""
    ids = [o.id for o in d.result.scenario.options]
    return {
        ids[row.option_no - 1]: row.total
        for row in estimate_layout(d.result, d.names)
        if row.kind == "total" and row.part == "nominal"
    }


def _budget_table(c: _Content, d: _Data) -> None:
    """Per option and budget source, the amounts after VAT per year: the estimate's subtotals (Appendix I)."""
    r, names = d.result, d.names
    years = [int(y) for y in r.scenario.years]
    rows, bold = [], []
    section = ""
    layout = estimate_layout(r, names)

    def money_row(title: str, values: dict[int, float]) -> list[str]:
        return [title, *[voc.money(values.get(y, 0.0), d.lang) for y in years], voc.money(sum(values.values()), d.lang)]

    for row in layout:
        if row.kind == "option":
            bold.append(len(rows))
            rows.append([row.title, *[""] * (len(years) + 1)])
        elif row.kind == "section":
            section = f"{row.number} {row.title}"
        elif row.kind in ("subtotal", "total") and row.part == "nominal":
            if row.kind == "total":
                bold.append(len(rows))
            rows.append(money_row(names.term("wb.grand_total") if row.kind == "total" else section, row.values))
        elif row.kind in ("staff", "request", "request_source"):  # staff pay is compared, not requested: the rest is
            if row.kind == "request":
                bold.append(len(rows))
            rows.append(money_row(row.title, row.values))
    columns = [d.t("expl.col_source"), *map(str, years), d.t("col.total")]
    frame = _frame(rows, columns)
    c.table(
        frame,
        d.t("expl.budget_table"),
        unit_line=d.t("expl.unit_vnd_after_vat"),
        bold_rows=bold,
        widths=(31,) + (22,) * len(years) + (24,),
        align=("left",) + ("right",) * (len(years) + 1),
        font_pt=9,
        note=d.t("expl.budget_note")
        + (
            " " + d.t("wb.estimate_staff_note")
            if any(it.category == "staff" for o in r.scenario.options for it in o.items)
            else ""
        ),
        cell_margin_mm=1,
    )


def _price_unit(d: _Data, s: Scenario, item) -> str:
    """The unit of an item's price in the report's price table.

    ``đồng/điểm cầu/tháng`` when the quantity is a driver with a unit; else the
    unit of the register row the price cites first (``đồng/vCPU/tháng``,
    ``đồng/người/tháng``) when the vocabulary names it; else ``đồng/đơn vị/tháng``.
    """
    if not (isinstance(item.quantity, str) and item.quantity in s.drivers and s.drivers[item.quantity].unit):
        ids = cited_ids(item.source)
        row = d.row(ids[0]) if ids else None
        unit = str(row["unit"]).strip() if row is not None else ""
        if unit.startswith("VND/") and voc.has(f"regunit.{unit}"):
            return voc.register_unit(unit, d.lang)
    return _price_unit_in(s, item, d.lang)


def _price_unit_in(s: Scenario, item, lang: str) -> str:
    if isinstance(item.quantity, str) and item.quantity in s.drivers and s.drivers[item.quantity].unit:
        return voc.text(f"expl.price_unit.{item.per}", lang, unit=s.drivers[item.quantity].unit)
    return voc.term(f"price_unit.{item.per}", lang)


def _price_table(c: _Content, d: _Data) -> None:
    s = d.result.scenario
    rows, bold = [], []
    late_years = set()
    for opt in s.options:
        bold.append(len(rows))
        rows.append([opt.name, "", "", "", ""])
        for item in opt.items:
            ids = cited_ids(item.source)
            kind = d.kind(ids)
            notes = []
            if item.price_year is not None and item.price_year != s.base_year:
                quoted = voc.money(item.price, d.lang)
                notes.append(d.x("expl.price_year", year=item.price_year, base=s.base_year, quoted=quoted))
                late_years |= {y for y, _ in d.late_indices(item.price_year, s.base_year)}
            for rid, when in d.late(ids):
                notes.append(d.x("expl.updated_price", year=when.year, id=rid, date=voc.date(when, d.lang)))
            if item.escalation == 0 and s.inflation:
                notes.append(d.t("expl.price_flat"))
            # the price of the base year the estimate starts from (a price quoted in an earlier year converted)
            base_price = voc.unit_price(item.price * item.price_factor, d.lang)
            rows.append([item.name, base_price, _price_unit(d, s, item), ", ".join(ids), "; ".join([kind, *notes])])
    columns = [d.t("expl.col_item"), d.t("expl.col_price"), d.t("expl.col_unit"), d.t("expl.col_ids"), d.t("expl.col_kind")]
    note = (
        d.x("expl.price_table_note_base", base=s.base_year, inflation=voc.percent(s.inflation, d.lang))
        + " "
        + d.t("expl.price_table_note")
    )
    if late_years:
        years = ", ".join(str(y) for y in sorted(late_years))
        key = "expl.late_index_note" if len(late_years) > 1 else "expl.late_index_note_one"  # "các năm" for several
        note += " " + d.x(key, years=years)
    c.table(
        _frame(rows, columns),
        d.t("expl.price_table"),
        widths=(29, 17, 14, 20, 22),  # a converted unit price (37.046.688,2034) on one line
        align=("left", "right", "left", "left", "left"),
        bold_rows=bold,
        font_pt=9,
        note=note,
        cell_margin_mm=1,
    )


# -- V. peers ------------------------------------------------------------------------


def _peer_sentences(d: _Data) -> list[str]:
    """One sentence per option on where its unit cost stands among the peers (lower-case start)."""
    if d.positions is None or d.positions.empty:
        return []
    names, s = d.names, d.result.scenario
    per = {comp.option: comp.per for comp in s.comparisons}
    out = []
    for pos in d.positions.itertuples(index=False):
        unit = s.drivers[per.get(pos.option, s.unit_driver)].unit if per.get(pos.option) in s.drivers else ""
        if not pos.peers:
            out.append(d.x("expl.peer_none", option=names.option(pos.option)))
            continue
        out.append(
            d.x(
                "expl.peer_position",
                option=names.option(pos.option),
                value=voc.amount(pos.value, d.lang),
                unit=unit,
                median=voc.amount(pos.peer_median, d.lang),
                n=pos.peers,
                position=d.t(f"expl.peer_{pos.position}"),
                ratio=voc.number(pos.ratio_to_median, 2, d.lang),
            )
        )
    with_peers = set(d.positions["option"])
    for opt in s.options:
        if opt.id not in with_peers:
            out.append(d.x("expl.peer_no_metric", option=names.option(opt.id)))
    return out


def _peers(c: _Content, d: _Data) -> None:
    s, names = d.result.scenario, d.names
    c.heading(d.t("expl.h_peers"))
    if d.positions is None:
        c.paragraph(d.t("expl.peers_missing"))
        return
    peers = d.peers
    first = int(peers["year"].min()) if not peers.empty else s.base_year
    late = d.late_indices(first, s.base_year)
    late_text = ""
    if late:
        late_text = " " + d.x(
            "expl.peers_late_index",
            years=", ".join(str(y) for y, _ in late),
            dates=", ".join(voc.date(w, d.lang) for _, w in late),
            as_of=voc.date(d.inputs.as_of, d.lang),
            year=max(w.year for _, w in late),
        )
    c.paragraph(d.x("expl.peers_intro", base=s.base_year, late=late_text))
    for metric, group in d.positions.groupby("metric", sort=False):
        rows = []
        for p in peers[peers["metric"] == metric].sort_values("value_at_base").itertuples(index=False):
            source = voc.localise_numbers(p.source, d.lang)  # Quyết định, not Decision
            rows.append([p.place, str(p.year), voc.money(p.value, d.lang), voc.money(p.value_at_base, d.lang), source])
        for pos in group.itertuples(index=False):
            rows.append(
                [
                    d.x("expl.peer_this", option=names.option_short(pos.option)),
                    str(s.base_year),
                    "",
                    voc.money(pos.value, d.lang),
                    "",
                ]
            )
        columns = [
            d.t("console.peer_place"),
            d.t("console.peer_year"),
            d.t("expl.col_published"),
            d.x("expl.col_at_base", year=s.base_year),
            d.t("console.peer_source"),
        ]
        per = {comp.option: comp.per for comp in s.comparisons if comp.metric == metric}
        unit = next((s.drivers[p].unit for p in per.values() if p in s.drivers and s.drivers[p].unit), "")
        c.table(
            _frame(rows, columns),
            d.x("expl.peers_table", unit=unit or voc.term("expl.unit_point", d.lang)),
            unit_line=d.t("unit.table_vnd"),
            widths=(22, 11, 16, 16, 35),
            align=("left", "center", "right", "right", "left"),
            bold_rows=range(len(rows) - len(group), len(rows)),
            font_pt=SMALL_TABLE_PT,
        )
    c.bullets(_upper_first(x) + "." for x in _peer_sentences(d))


# -- VI. restructuring --------------------------------------------------------------


def _restructuring(c: _Content, d: _Data) -> None:
    r2, s2, names = d.restructured, d.restructured.scenario, d.names
    fact = d.inputs.as_of >= MERGER_DATE
    c.heading(d.t("expl.h_restructuring_fact" if fact else "expl.h_restructuring"))
    pts = s2.drivers[s2.unit_driver].values
    years = [int(y) for y in s2.years]
    low = int(min(range(len(pts)), key=lambda j: float(pts[j])))
    fields = {
        "start": s2.start_year,
        "end": s2.end_year,
        "first": names.number(float(pts[0])),
        "last": names.number(float(pts[-1])),
        "year": years[low],
        "table": c.tables + 1,
    }
    if fact:
        c.paragraph(d.x("expl.restructuring_fact", merger=voc.date(MERGER_DATE, d.lang), **fields))
    else:
        c.paragraph(d.x("expl.restructuring_conditional", **fields))
    # before the merger the restructured points are a scenario, not a fact: the captions say so
    assumed = "" if fact else d.t("expl.assumed_suffix")
    c.table(drivers_frame(Names(s2, d.lang)), d.t("expl.restructuring_drivers") + assumed, font_pt=SMALL_TABLE_PT)
    summary = r2.summary.sort_values("rank", kind="stable")
    frame = reader_frame(summary, Names(s2, d.lang), columns=["rank", "option", "pv_cost", "nominal_outlay", "residual_value"])
    c.table(
        frame,
        d.t("expl.restructuring_table") + assumed,
        unit_line=d.t("unit.table_vnd"),
        widths=(7, 41, 18, 18, 16),
        font_pt=SMALL_TABLE_PT,
        cell_margin_mm=1,
    )
    best, second = summary.iloc[0], summary.iloc[min(1, len(summary) - 1)]
    base_best = d.result.summary.sort_values("rank", kind="stable").iloc[0]["option"]
    same = (
        d.t("expl.restructuring_same")
        if best["option"] == base_best
        else d.x("expl.restructuring_other", base=names.option(base_best))
    )
    c.paragraph(
        d.x(
            "expl.restructuring_result",
            best=names.option(best["option"]),
            pv=voc.amount(best["pv_cost"], d.lang),
            second=names.option(second["option"]),
            margin=voc.amount(second["pv_cost"] - best["pv_cost"], d.lang),
            same=same,
        )
    )
    led = r2.ledger
    fees = led[(led["category"] == "termination") & (led["kind"] == "cost")]
    if not fees.empty:
        for option, amount in fees.groupby("option", sort=False)["nominal"].sum().items():
            ids = list(dict.fromkeys(i for src in fees.loc[fees["option"] == option, "source"] for i in cited_ids(str(src))[:1]))
            c.paragraph(
                d.x(
                    "expl.restructuring_fees",
                    option=names.option(option),
                    amount=voc.amount(amount, d.lang),
                    assumed=_money_label(d, any(d.assumed([i]) for i in ids)),
                )
            )


# -- VII. proposal --------------------------------------------------------------------


def _proposal(c: _Content, d: _Data) -> None:
    r, s, names = d.result, d.result.scenario, d.names
    best = r.summary.sort_values("rank", kind="stable").iloc[0]
    # the first year's funding request as the budget table has it: the estimate's total less existing staff's pay
    number = [o.id for o in s.options].index(best["option"]) + 1
    by_source, pay = first_year_request(estimate_layout(r, names), number, int(s.start_year))
    first = sum(by_source.values())
    staff_note = d.x("expl.plan_staff_note", amount=voc.amount(pay, d.lang)) if pay else ""
    r2_best = d.restructured.summary.sort_values("rank", kind="stable").iloc[0]["option"]
    c.heading(d.t("expl.h_proposal"))
    c.heading(d.t("expl.h_plan"), level=2)
    c.paragraph(
        d.x(
            "expl.plan",
            issuer=d.issuer.prose,
            best=names.option(best["option"]),
            start=s.start_year,
            end=s.end_year,
            points=names.number(float(s.drivers[s.unit_driver].values.max())),
            nominal=voc.amount(best["nominal_outlay"], d.lang),
            pv=voc.amount(best["pv_cost"], d.lang),
            first=voc.amount(first, d.lang),
            staff=staff_note,
        )
    )
    c.paragraph(
        d.t("expl.plan_robust") if r2_best == best["option"] else d.x("expl.plan_not_robust", other=names.option(r2_best))
    )
    c.paragraph(d.t("expl.plan_conditions"))
    c.bullets([d.t(f"expl.condition_{k}") for k in ("quotes", "contract", "points", "usage")])
    c.heading(d.t("expl.h_request_ubnd"), level=2)
    c.paragraph(d.x("expl.request_intro", issuer=d.issuer.prose))
    c.bullets(
        [
            d.x("expl.ask_approve", best=names.option(best["option"])),
            d.t("expl.ask_finance"),
            d.x("expl.ask_remedies", issuer=d.issuer.prose),
        ]
    )
    c.paragraph(d.x("expl.closing", issuer=d.issuer.prose))


def _appendix(c: _Content, d: _Data) -> None:
    r, names = d.result, d.names
    c.appendix(d.t("expl.appendix_title"), landscape=True)
    c.paragraph(d.t("expl.appendix_intro"))
    for opt in r.scenario.options:
        frame = estimate_frame(r, names, opt.id)
        years = len(r.scenario.years)
        c.table(
            frame,
            d.x("expl.appendix_table", option=opt.name),
            unit_line=d.t("unit.table_vnd"),
            bold_rows=frame.attrs.get("bold_rows", ()),
            widths=(7, 30, 17) + (13,) * years + (15,),
            align=("left", "left", "left") + ("right",) * (years + 1),
            font_pt=9,
            cell_margin_mm=1,
        )


def _texts(c: _Content):
    """Every text the content shows: paragraphs, headings, bullets, captions, notes, table headers and cells."""
    for _name, args, kwargs in c.ops:
        for value in (*args, *kwargs.values()):
            if isinstance(value, str):
                yield value
            elif isinstance(value, pd.DataFrame):
                yield from (str(col) for col in value.columns)
                yield from (str(cell) for cell in value.to_numpy().ravel())
            elif isinstance(value, list | tuple):
                yield from (v for v in value if isinstance(v, str))


def _abbreviations(c: _Content, d: _Data) -> None:
    """The last appendix: every abbreviation the document uses, with what it stands for (reader-standards §1)."""
    found = voc.abbreviations_in([d.t("expl.summary"), *_texts(c)], d.lang)
    if not found:
        return
    c.appendix(d.t("expl.abbr_title"))
    c.paragraph(d.t("expl.abbr_intro"))
    frame = pd.DataFrame(found, columns=[d.t("expl.abbr_col_abbr"), d.t("expl.abbr_col_meaning")])
    c.table(frame, widths=(30, 130), align=("left", "left"))


# ---------------------------------------------------------------------------
# HTML rendering of the same content
# ---------------------------------------------------------------------------

_CSS = """
.explanatory{font-family:"Times New Roman",Times,"Liberation Serif",serif;font-size:14pt;max-width:190mm;margin:2em auto;
color:#000;line-height:1.3}
.explanatory .form{width:100%;border-collapse:collapse}
.explanatory .form td{text-align:center;vertical-align:top;border:none;padding:0 4px}
.explanatory .form .issuer{font-size:12pt}.explanatory .form .date{font-style:italic;font-size:13pt}
.explanatory .banner{color:#c00000;font-weight:bold;text-align:center;font-size:12pt;border:1px solid #c00000;padding:4px}
.explanatory .type{text-align:center;font-weight:bold;margin:1em 0 0}
.explanatory .summary{text-align:center;font-weight:bold;margin:0 0 1em}
.explanatory .to{text-align:center}.explanatory p.body{text-align:justify;text-indent:12.7mm;margin:0 0 6pt}
.explanatory h2,.explanatory h3,.explanatory h4{font-size:14pt;margin:8pt 0 6pt;text-indent:12.7mm}
.explanatory h4{font-style:italic}
.explanatory table.data{border-collapse:collapse;width:100%;font-size:11pt;margin-bottom:8pt}
.explanatory table.data th,.explanatory table.data td{border:1px solid #000;padding:2px 4px;vertical-align:top}
.explanatory table.data th{text-align:center}.explanatory p.caption{text-align:center;font-weight:bold;margin:8pt 0 2pt}
.explanatory p.unit{text-align:right;font-style:italic;font-size:12pt;margin:0}
.explanatory p.note{font-style:italic;font-size:12pt}
.explanatory figure{text-align:center;margin:8pt 0}.explanatory figure img{max-width:100%}
.explanatory .end{width:100%}.explanatory .end td{vertical-align:top;border:none}
.explanatory .recipients{font-size:11pt}.explanatory .signer{text-align:center;font-weight:bold}
.explanatory .appendix{text-align:center}
"""


def _roman(n: int) -> str:
    from costmodel.reports.official import _roman as roman

    return roman(n)


def _html(content: _Content, d: _Data, doc: OfficialDocument) -> str:
    e = html_lib.escape
    lang = d.lang
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>{e(doc.summary)}</title>',
        f'<style>{_CSS}</style></head><body><div class="explanatory">',
    ]
    if doc.banner:
        parts.append(f'<p class="banner">{e(doc.banner)}</p>')
    issuer = doc.issuer
    parts.append(
        '<table class="form"><tr>'
        f'<td class="issuer">{e(issuer.superior)}<br><strong>{e(issuer.name)}</strong><hr style="width:30%"></td>'
        f"<td><strong>{e(voc.term('official.national_title', lang))}</strong><br>"
        f'<strong>{e(voc.term("official.motto", lang))}</strong><hr style="width:50%"></td></tr>'
        f"<tr><td>{e(number_line(doc.number, doc.symbol, lang))}</td>"
        f'<td class="date">{e(date_line(doc.place, doc.date, lang))}</td></tr></table>'
    )
    parts.append(f'<p class="type">{e(doc.type_name)}</p><p class="summary">{e(doc.summary)}</p>')
    for line in addressee_lines(doc.addressees, lang):
        parts.append(f'<p class="to">{e(line)}</p>')
    level = [0, 0, 0]
    tables = figures = appendices = 0
    end_done = False

    def spans_html(content) -> str:
        from costmodel.reports.official import _spans

        out = []
        for s in _spans(content):
            t = e(s.text)
            if s.bold:
                t = f"<strong>{t}</strong>"
            if s.italic:
                t = f"<em>{t}</em>"
            out.append(t)
        return "".join(out)

    def end() -> None:
        lines = recipient_lines(doc.recipients, doc.archive, bool(doc.addressees), lang)
        left = f"<em><strong>{e(voc.term('official.recipients', lang))}:</strong></em><br>" + "<br>".join(map(e, lines))
        signer = [x for x in (doc.signer.authority, doc.signer.position) if x]
        name = doc.signer.name.strip() or voc.term("official.blank", lang)
        right = "<br>".join(map(e, signer)) + "<br><br><br><br>" + e(name)
        parts.append(f'<table class="end"><tr><td class="recipients">{left}</td><td class="signer">{right}</td></tr></table>')

    for name, args, kwargs in content.ops:
        if name == "heading":
            title, lvl = args[0], kwargs.get("level", args[1] if len(args) > 1 else 1)
            prefix = ""
            if kwargs.get("numbered", True):
                level[lvl - 1] += 1
                for deeper in range(lvl, 3):
                    level[deeper] = 0
                n = level[lvl - 1]
                prefix = {1: f"{_roman(n)}. ", 2: f"{n}. ", 3: f"{chr(ord('a') + n - 1)}) "}[lvl]
            parts.append(f"<h{lvl + 1}>{e(prefix + title)}</h{lvl + 1}>")
        elif name == "paragraph":
            style = ' style="font-style:italic"' if kwargs.get("italic") else ""
            parts.append(f'<p class="body"{style}>{spans_html(args[0])}</p>')
        elif name == "bullets":
            for item in args[0]:
                parts.append(f'<p class="body">- {spans_html(item)}</p>')
        elif name == "note":
            parts.append(f'<p class="note">{e(voc.text("official.note", lang, text=args[0]))}</p>')
        elif name == "table":
            frame = args[0]
            title = kwargs.get("title", args[1] if len(args) > 1 else None)
            if title:
                tables += 1
                parts.append(f'<p class="caption">{e(voc.text("official.table_caption", lang, n=tables, title=title))}</p>')
            if kwargs.get("unit_line"):
                parts.append(f'<p class="unit">{e(kwargs["unit_line"])}</p>')
            bold = set(kwargs.get("bold_rows", ()))
            aligns = kwargs.get("align")
            head = "".join(f"<th>{e(str(col))}</th>" for col in frame.columns)
            body = []
            for i, row in enumerate(frame.astype(str).itertuples(index=False)):
                cells = []
                for j, value in enumerate(row):
                    align = aligns[j] if isinstance(aligns, list | tuple) else ("right" if value[:1].isdigit() else "left")
                    text_ = "<br>".join(map(e, value.split("\n")))
                    text_ = f"<strong>{text_}</strong>" if i in bold and text_ else text_
                    cells.append(f'<td style="text-align:{align}">{text_}</td>')
                body.append("<tr>" + "".join(cells) + "</tr>")
            parts.append(f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')
            if kwargs.get("note"):
                parts.append(f'<p class="note">{e(voc.text("official.note", lang, text=kwargs["note"]))}</p>')
        elif name == "image":
            png = args[0]
            caption = kwargs.get("caption", args[1] if len(args) > 1 else None)
            img = base64.b64encode(png).decode("ascii")
            label = ""
            if caption:
                figures += 1
                label = voc.text("official.figure_caption", lang, n=figures, title=caption)
                label = f"<figcaption><strong>{e(label)}</strong></figcaption>"
            parts.append(f'<figure><img src="data:image/png;base64,{img}" alt="{e(caption or "")}">{label}</figure>')
        elif name == "appendix":
            if not end_done:
                end()
                end_done = True
            appendices += 1
            level = [0, 0, 0]
            number = voc.text("official.appendix_number", lang, n=_roman(appendices))
            parts.append(f'<hr><p class="appendix"><strong>{e(number)}</strong><br><strong>{e(args[0])}</strong></p>')
    if not end_done:
        end()
    parts.append("</div></body></html>")
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def explanatory_report(
    inputs: ExplanatoryInputs, final: bool = False, lang: str | None = None, pdf: bool = True
) -> ExplanatoryReport:
    """Write the explanatory report as an official .docx (and PDF, HTML).

    Parameters
    ----------
    inputs : ExplanatoryInputs
        The files and the document's parameters.
    final : bool
        Refuse (raise :class:`DraftError`) while anything is a placeholder; a
        final report carries no draft banner.
    lang : {"vi", "en"}, optional
        Default :data:`costmodel.options.lang`.
    pdf : bool
        Convert to PDF with LibreOffice when it is installed.

    Returns
    -------
    ExplanatoryReport

    Raises
    ------
    DraftError
        With ``final=True``, listing every placeholder: register rows flagged
        (or listed in ``inputs.placeholder_ids``) and cited by a scenario, a
        sample usage file, sample findings rows and findings without
        explanation, remedy, owner or deadline, and every missing field of the
        contract file.
    InputError
        A bad input file (scenario, usage, register, findings, contract, peers).
    """
    lang = voc._lang(lang)
    d = _load(inputs, lang)
    placeholders = _placeholders(d)
    if final and placeholders:
        raise DraftError([p.problem() for p in placeholders])
    draft = bool(placeholders)
    content = _Content()
    cite = _Citer(d)
    _opening(content, d, cite)
    if draft:
        _draft_summary(content, d, placeholders)
    _context(content, d, cite)
    _findings(content, d)
    _retrospective(content, d)
    _options(content, d)
    _peers(content, d)
    _restructuring(content, d)
    _proposal(content, d)
    _appendix(content, d)
    _abbreviations(content, d)  # last: it lists what everything before it uses
    doc = OfficialDocument(
        issuer=d.issuer,
        summary=voc.term("expl.summary", lang),
        signer=inputs.signer or Signer(voc.term("official.default.signer_position", lang)),
        doc_type="report",
        place=inputs.place,
        date=inputs.date,
        number=inputs.number,
        addressees=list(inputs.addressees) if inputs.addressees is not None else [voc.term("official.default.addressee", lang)],
        recipients=list(inputs.recipients) if inputs.recipients is not None else list(default_recipients(lang)),
        draft=draft,
        lang=lang,
    )
    content.replay(doc)
    data = doc.to_bytes()
    return ExplanatoryReport(
        docx=data,
        pdf=docx_to_pdf(data) if pdf else None,
        html=_html(content, d, doc),
        placeholders=tuple(placeholders),
    )
