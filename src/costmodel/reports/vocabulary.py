"""The reader vocabulary: every word, heading and sentence a reader sees, kept as data.

The vocabulary lives in CSV files beside this module (``vocab/*.csv``), one row
per entry with the columns ``key, unit, vi, en, description``:

* ``key`` is namespaced: ``col.pv_cost`` (a table column), ``category.equipment``
  (a value of a column), ``term.discount_rate`` (a glossary term),
  ``sheet.summary``, ``chart.cumulative_title``, ``text.recommend_best``
  (a sentence template with ``{fields}``), ...;
* ``unit`` says what the values under a column are, and so how they are
  formatted: money (``VND``, ``VND/year``, ``VND/unit-year``), ``%`` (a rate,
  share or probability kept as a decimal, shown as a per cent), ``ratio``,
  ``year``, ``count``, ``number``, ``factor``, ``date``, ``text``, or a kind
  of name (``option``, ``input``, ``target``, ``category``, ``budget``,
  ``kind``, ``per``) that is looked up in turn. Whether a column is money is
  decided by its unit, never by the size of its values;
* ``vi`` and ``en`` are the reader's words; ``description`` explains the entry
  in English (the glossary's "meaning" for ``term.*`` entries).

Looking up a key the vocabulary does not have raises :class:`VocabularyError`:
a missing word is a bug to fix, never a silent fallback to the key.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import pandas as pd

__all__ = [
    "ABBREVIATIONS",
    "amount",
    "DASH",
    "LANGS",
    "MONEY_UNITS",
    "NAME_UNITS",
    "VocabularyError",
    "Entry",
    "billions",
    "date",
    "entries",
    "format_value",
    "glossary_markdown",
    "has",
    "localise_numbers",
    "unit_price",
    "excel_percent",
    "abbreviations_in",
    "register_unit",
    "register_value",
    "money",
    "number",
    "percent",
    "term",
    "text",
    "unit",
]

LANGS = ("vi", "en")
#: What a reader sees where a value does not exist (never NaN or None).
DASH = "–"
#: Units whose values are amounts of money in đồng.
MONEY_UNITS = ("VND", "VND/year", "VND/unit-year", "VND/month", "VND/point")
#: Units that are names looked up in a namespace of the vocabulary (or of the scenario).
NAME_UNITS = ("option", "input", "input_value", "target", "category", "budget", "kind", "per", "timing")
_COLUMNS = ["key", "unit", "vi", "en", "description"]
_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}
_PERCENT_SIGN = {"vi": "\u00a0%", "en": "%"}
BILLION = 1e9


class VocabularyError(LookupError):
    """A key is missing from the vocabulary, or a vocabulary file is malformed."""


@dataclass(frozen=True)
class Entry:
    """One vocabulary entry (see the module docstring)."""

    key: str
    unit: str
    vi: str
    en: str
    description: str
    file: str


def _read(files: Iterable[tuple[str, str]]) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    problems = []
    for name, content in files:
        reader = csv.DictReader(io.StringIO(content))
        if reader.fieldnames != _COLUMNS:
            problems.append(f"{name}: line 1: expected the columns {', '.join(_COLUMNS)} (got {reader.fieldnames})")
            continue
        for row in reader:
            key = (row["key"] or "").strip()
            where = f"{name}: line {reader.line_num}"
            if not key:
                problems.append(f"{where}: empty key")
                continue
            if key in out:
                problems.append(f"{where}: duplicate key {key!r} (also in {out[key].file})")
                continue
            if not (row["vi"] or "").strip() or not (row["en"] or "").strip():
                problems.append(f"{where}: {key}: both 'vi' and 'en' are required")
            out[key] = Entry(key, (row["unit"] or "").strip(), row["vi"] or "", row["en"] or "", row["description"] or "", name)
    if problems:
        raise VocabularyError("\n".join(problems))
    return out


@functools.cache
def _vocabulary() -> dict[str, Entry]:
    folder = resources.files("costmodel.reports").joinpath("vocab")
    files = sorted((p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".csv"))
    return _read(files)


def entries() -> pd.DataFrame:
    """The whole vocabulary as a table (columns key, unit, vi, en, description, file)."""
    rows = [e.__dict__ for e in _vocabulary().values()]
    return pd.DataFrame(rows, columns=[*_COLUMNS, "file"])


def has(key: str) -> bool:
    """True when the vocabulary has ``key``."""
    return key in _vocabulary()


def _entry(key: str) -> Entry:
    try:
        return _vocabulary()[key]
    except KeyError:
        raise VocabularyError(f"the reader vocabulary has no entry {key!r}: add it to src/costmodel/reports/vocab/") from None


def _lang(lang: str | None) -> str:
    if lang is None:
        from costmodel._options import options

        lang = options.lang
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def term(key: str, lang: str | None = None) -> str:
    """The reader's word for ``key`` in ``lang`` (default :data:`costmodel.options.lang`).

    Raises
    ------
    VocabularyError
        When the vocabulary has no such key.

    Examples
    --------
    >>> term("col.pv_cost", "vi")
    'Giá trị hiện tại của chi phí'
    """
    return getattr(_entry(key), _lang(lang))


def text(key: str, lang: str | None = None, **fields: object) -> str:
    """A sentence template of the vocabulary with its ``{fields}`` filled in.

    Every field the template names must be given (a missing one is an error,
    not an empty hole in the sentence).
    """
    template = term(key, lang)
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    missing = sorted(names - set(fields))
    if missing:
        raise VocabularyError(f"{key}: missing field(s) {', '.join(missing)} for the template")
    return template.format(**fields)


def unit(key: str) -> str:
    """The unit of a vocabulary entry (how its values are formatted)."""
    return _entry(key).unit


# ---------------------------------------------------------------------------
# Numbers and dates in the reader's format
# ---------------------------------------------------------------------------


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return isinstance(value, float | int) and not math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def number(value: float | None, decimals: int = 0, lang: str | None = None) -> str:
    """A number with digit grouping and a decimal comma (vi) or point (en).

    Rounded half away from zero; a missing or non-finite value is :data:`DASH`.

    Examples
    --------
    >>> number(1234567.5, 0, "vi"), number(-1234.567, 2, "en"), number(float("nan"), 1, "vi")
    ('1.234.568', '-1,234.57', '–')
    """
    lang = _lang(lang)
    if _missing(value):
        return DASH
    thousands, decimal = _SEPARATORS[lang]
    scaled = abs(float(value)) * 10**decimals
    rounded = math.floor(scaled + 0.5)  # half away from zero (on the magnitude)
    sign = "-" if float(value) < 0 and rounded != 0 else ""
    whole, frac = divmod(rounded, 10**decimals)
    out = f"{whole:,}".replace(",", thousands)
    if decimals:
        out += decimal + str(frac).zfill(decimals)
    return sign + out


def money(value: float | None, lang: str | None = None) -> str:
    """Whole đồng with grouping: ``16.332.048.783`` (vi), ``16,332,048,783`` (en)."""
    return number(value, 0, lang)


def unit_price(value: float | None, lang: str | None = None) -> str:
    """A unit price: whole đồng as :func:`money`; with a fraction of a đồng, up to four decimals (trailing zeros dropped).

    So that quantity x unit price gives the amount a table shows, rounded to the
    đồng, for quantities up to some thousands (a price converted by a price index
    or from USD is rarely a whole number of đồng: 82 x 37.046.688,2049 =
    3.037.828.432,8, shown as 3.037.828.433; with two decimals the product would
    round to 432).

    Examples
    --------
    >>> unit_price(505000, "vi"), unit_price(37046688.20486, "vi"), unit_price(2.5, "en")
    ('505.000', '37.046.688,2049', '2.5')
    """
    if _missing(value) or float(value).is_integer():
        return money(value, lang)
    text = number(value, 4, lang)
    decimal = _SEPARATORS[_lang(lang)][1]
    return text.rstrip("0").rstrip(decimal) if decimal in text else text


def billions(value: float | None, lang: str | None = None, decimals: int = 2) -> str:
    """An amount in tỷ đồng for prose and charts: ``16,33 tỷ đồng`` (vi), ``16.33 billion VND`` (en)."""
    if _missing(value):
        return DASH
    return text("unit.billion_amount", lang, amount=number(float(value) / BILLION, decimals, lang))


def percent(value: float | None, lang: str | None = None, decimals: int = 1) -> str:
    """A decimal rate or share as a per cent: 0.08 -> ``8,0 %`` (vi), ``8.0%`` (en)."""
    lang = _lang(lang)
    if _missing(value):
        return DASH
    return number(float(value) * 100.0, decimals, lang) + _PERCENT_SIGN[lang]


def excel_percent(decimals: int = 1, lang: str | None = None) -> str:
    r"""The Excel number format of a per cent as :func:`percent` writes it: ``0.0"<no-break space>"%`` (vi), ``0.0%`` (en).

    The value stays a decimal rate (Excel multiplies by 100 for the ``%``); the
    Vietnamese format puts the no-break space before the sign, as the text does
    (``8,0 %``). The separators are the reader's Excel's, from its regional settings.

    Examples
    --------
    >>> excel_percent(1, "vi"), excel_percent(0, "en"), excel_percent(4, "vi")
    ('0.0"\xa0"%', '0%', '0.0000"\xa0"%')
    """
    digits = "0" + ("." + "0" * decimals if decimals > 0 else "")
    return digits + ('"\u00a0"%' if _lang(lang) == "vi" else "%")


def date(value: dt.date | str | None, lang: str | None = None) -> str:
    """A date: ``05/04/2024`` (vi) or ``2024-04-05`` (en); missing -> :data:`DASH`."""
    lang = _lang(lang)
    if value is None or value == "" or _missing(value):
        return DASH
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()


def format_value(value: object, value_unit: str, lang: str | None = None) -> str:
    """Format one value by its unit (see the module docstring) for a reader.

    Name units (``option``, ``category``, ...) are not handled here: they need
    the scenario and are resolved by :mod:`costmodel.reports.tables`.
    """
    lang = _lang(lang)
    if value_unit in MONEY_UNITS:
        return money(value, lang)
    if _missing(value):
        return DASH
    if value_unit in ("%", "1/year"):
        return percent(value, lang)
    if value_unit == "ratio":
        return number(value, 2, lang)
    if value_unit == "factor":
        return number(value, 6, lang)
    if value_unit == "year":
        return str(int(value))
    if value_unit == "count":
        return number(value, 0, lang)
    if value_unit == "number":
        v = float(value)
        return number(v, 0 if v == round(v) else 2, lang)
    if value_unit == "date":
        return date(value, lang)
    if value_unit in ("text", ""):
        return str(value)
    raise VocabularyError(f"unknown unit {value_unit!r}")


# ---------------------------------------------------------------------------
# Allowed abbreviations and the glossary
# ---------------------------------------------------------------------------

#: Abbreviations Vietnamese officials read as they are; each is explained in the glossary
#: (an entry ``term.*`` whose English name is the abbreviation or contains it).
ABBREVIATIONS = ("VAT", "GTGT", "IOC", "vCPU", "TB", "kW", "PUE", "SIR", "AIRR")


def glossary_markdown() -> str:
    """``docs/glossary.md``: every ``term.*`` entry of the vocabulary, English, Vietnamese, meaning and unit.

    The page is generated (``costmodel glossary``); a test checks that the file
    in the repository is current.
    """
    terms = sorted((e for e in _vocabulary().values() if e.key.startswith("term.")), key=lambda e: e.en.lower())

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "# Glossary",
        "",
        "Generated from the reader vocabulary (`src/costmodel/reports/vocab/*.csv`, entries `term.*`) by",
        "`costmodel glossary`; do not edit by hand. Names in code and CSV columns are English; reports",
        "default to Vietnamese and take every word from the same vocabulary. Units in square brackets.",
        "Abbreviations that readers meet as they are: " + ", ".join(ABBREVIATIONS) + ".",
        "",
        "| term | Vietnamese | meaning |",
        "|---|---|---|",
    ]
    for e in terms:
        unit = f" [{e.unit}]" if e.unit and e.unit not in ("text", "-") else ""
        lines.append(f"| {cell(e.en)} | {cell(e.vi)} | {cell(e.description)}{unit} |")
    lines += [
        "",
        "The vocabulary also holds every column header (`col.*`), value (`budget.*`, `category.*`,",
        "`kind.*`, ...), sentence template (`text.*`) and sheet and chart word that readers see; the",
        "table above lists the terms a reader may need explained.",
        "",
    ]
    return "\n".join(lines)


def amount(value: float | None, lang: str | None = None) -> str:
    """An amount for prose: ``1,23 tỷ đồng`` from one billion, ``88,0 triệu đồng`` from one million, else ``9.500 đồng``."""
    if _missing(value):
        return DASH
    if abs(float(value)) >= BILLION:
        return billions(value, lang)
    if abs(float(value)) >= 1e6:
        return text("unit.million_amount", lang, amount=number(float(value) / 1e6, 1, lang))
    return f"{money(value, lang)} {term('unit.vnd', lang)}"


_ENGLISH_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w]|[.,]\d)")


def localise_numbers(text: str, lang: str | None = None) -> str:
    """Numbers written the English way inside quoted text, rewritten the reader's way.

    Register entries and sources quote their sources in English (``264,000``,
    ``58.964``, ``Decision 2326/QĐ-UBND``); a Vietnamese reader takes ``58.964``
    for fifty-eight thousand and expects ``Quyết định``.
    For ``lang = "vi"`` grouped thousands take dots and decimals a comma
    (``264.000``, ``58,964``); English text is returned unchanged.

    Examples
    --------
    >>> localise_numbers("1 vCPU = 264,000 VND/month; 58.964 USD; 16.232 x cores + 113.87", "vi")
    '1 vCPU = 264.000 VND/month; 58,964 USD; 16,232 x cores + 113,87'

    Legal documents cited by number take their Vietnamese type:

    >>> localise_numbers("quangbinh.gov.vn (Decision 2326/QĐ-UBND, 11/7/2019)", "vi")
    'quangbinh.gov.vn (Quyết định 2326/QĐ-UBND, 11/7/2019)'

    Amounts abbreviated the English way take the reader's words:

    >>> localise_numbers("5.518 % x 14.58 bn VND; SSD (4.6 M) per TB", "vi")
    '5,518 % x 14,58 tỷ đồng; SSD (4,6 triệu) per TB'
    """
    if _lang(lang) != "vi":
        return text

    def swap(m: re.Match) -> str:
        return m.group(1).replace(",", "\0").replace(".", ",").replace("\0", ".")

    text = _LEGAL_TYPE.sub(lambda m: _LEGAL_WORDS[m.group(1)] + m.group(2), text)
    text = _ENGLISH_NUMBER.sub(swap, text)
    # amounts abbreviated the English way: "14,58 bn VND" -> "14,58 tỷ đồng", "4,6 M" -> "4,6 triệu"
    text = _BN_VND.sub(r"\1 tỷ đồng", text)
    return _MILLION.sub(r"\1 triệu", text)


_NUM = r"-?\d+(?:\.\d+)?"
_REGISTER_RANGE = re.compile(rf"^({_NUM}) \(range ({_NUM})-({_NUM})\)(.*)$")
_REGISTER_PERT = re.compile(rf"^pert ({_NUM}) / ({_NUM}) / ({_NUM})$", re.IGNORECASE)
_REGISTER_SPAN = re.compile(rf"^({_NUM})-({_NUM})$")
_REGISTER_LIST = re.compile(rf"^{_NUM}(, | / ){_NUM}(?:\1{_NUM})*$")


def _register_number(token: str, lang: str) -> str:
    """One number of the register (written the English way, ``_`` allowed) in the reader's format, its decimals kept."""
    token = token.replace("_", "")
    decimals = len(token.split(".", 1)[1]) if "." in token else 0
    return number(float(token), min(decimals, 6), lang)


def register_unit(unit: str, lang: str | None = None) -> str:
    """A unit of the assumptions register (``VND/vCPU-month``) in the reader's words (``đồng/vCPU/tháng``).

    Units the vocabulary names (``regunit.<unit>``) take its words; ``-`` and
    ``ratio`` (a number without a unit) are empty; any other unit is kept as the
    register writes it.
    """
    unit = (unit or "").strip()
    if unit in ("", "-", "ratio"):
        return ""
    key = f"regunit.{unit}"
    return term(key, lang) if has(key) else unit


def register_value(entry_id: str, value: object, unit: str, lang: str | None = None) -> str:
    """A value of the assumptions register for a reader, cited by its id: ``EC9: 25.400 (khoảng 24.300–26.500) đồng/USD``.

    The register writes numbers the English way (``2.0``, ``25400``, ``505_000``)
    and a few forms in words: ``N (range A-B)``, ``pert A / B / C``, lists
    ``A, B, C`` or ``A / B / C``. Those are rewritten once, in the reader's format
    and words (a span ``A-B`` as ``A–B``; a list's items separated by ``;`` so that a decimal comma cannot be
    read as a separator); any other text is quoted with its numbers localised
    (:func:`localise_numbers`). Each number is formatted once: a formatted
    ``505.000`` is never read again as an English decimal.

    Examples
    --------
    >>> register_value("EC9", "25400 (range 24300-26500)", "VND/USD", "vi")
    'EC9: 25.400 (khoảng 24.300–26.500) đồng/USD'
    >>> register_value("DIC-RENT-VCPU", "505000", "VND/vCPU-month", "vi")
    'DIC-RENT-VCPU: 505.000 đồng/vCPU/tháng'
    >>> register_value("VCX-R-DISTRICT", "8, 3.5, 0", "point-years", "vi")
    'VCX-R-DISTRICT: 8; 3,5; 0 điểm cầu (bình quân năm)'
    >>> register_value("DIC-RISK-RENT", "pert 0.7 / 1.0 / 1.4", "-", "en")
    'DIC-RISK-RENT: PERT: low 0.7; most likely 1.0; high 1.4'
    """
    lang = _lang(lang)
    raw = str(value).strip()
    shown_unit = register_unit(unit, lang)
    tail = f" {shown_unit}" if shown_unit else ""

    def num(token: str) -> str:
        return _register_number(token, lang)

    if re.fullmatch(_NUM, raw.replace("_", "")):
        body = num(raw)
    elif m := _REGISTER_RANGE.match(raw):
        rest = localise_numbers(m.group(4), lang)
        body = text("register.range", lang, value=num(m.group(1)), low=num(m.group(2)), high=num(m.group(3))) + rest
    elif m := _REGISTER_SPAN.match(raw):
        body = f"{num(m.group(1))}–{num(m.group(2))}"
    elif m := _REGISTER_PERT.match(raw):
        body = text("register.pert", lang, low=num(m.group(1)), mode=num(m.group(2)), high=num(m.group(3)))
    elif m := _REGISTER_LIST.match(raw):
        separator = "; " if m.group(1) == ", " else " / "
        body = separator.join(num(part.strip()) for part in raw.split(m.group(1)))
    else:
        body = localise_numbers(raw, lang)
    return f"{entry_id}: {body}{tail}"


def abbreviations_in(texts: Iterable[str], lang: str | None = None) -> list[tuple[str, str]]:
    """The abbreviations of the vocabulary (``abbr.*``) that ``texts`` use, with what each stands for, A to Z.

    An abbreviation counts where it stands as a word of its own: ``FTE`` in
    ``(1 FTE)``, not in a register id such as ``VCX-FTE``, nor ``TB`` in ``TBA``.

    Examples
    --------
    >>> abbreviations_in(["Kỹ thuật viên (1 FTE)", "VCX-FTE: 0,5", "Thuế GTGT"], "vi")[0]
    ('FTE', 'Số người làm việc quy đổi toàn thời gian (Full-Time Equivalent)')
    >>> [a for a, _ in abbreviations_in(["Kỹ thuật viên (1 FTE)", "VCX-FTE: 0,5", "Thuế GTGT"], "en")]
    ['FTE', 'GTGT']
    """
    lang = _lang(lang)
    joined = "\n".join(str(t) for t in texts)
    found = []
    for key, entry in _vocabulary().items():
        if not key.startswith("abbr."):
            continue
        abbr = key[len("abbr.") :]
        if re.search(rf"(?<![\w&-]){re.escape(abbr)}(?![\w&-])", joined):
            found.append((abbr, getattr(entry, lang)))
    return sorted(found, key=lambda pair: (pair[0].casefold(), pair[0]))


_BN_VND = re.compile(r"(\d) ?bn VND\b")
_MILLION = re.compile(r"(\d) ?M\b")

#: Vietnamese names of legal document types quoted in English sources ("Decision 2326/QĐ-UBND").
_LEGAL_WORDS = {
    "Decision": "Quyết định",
    "Decree": "Nghị định",
    "Circular": "Thông tư",
    "Resolution": "Nghị quyết",
    "Plan": "Kế hoạch",
    "Official letter": "Công văn",
    "Law": "Luật",
}
_LEGAL_TYPE = re.compile(r"\b(Decision|Decree|Circular|Resolution|Plan|Official letter|Law)(\s+(?:số\s+)?\d+/)")
