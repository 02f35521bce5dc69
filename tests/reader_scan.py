"""Read every output as a Vietnamese reader does and list the engine notation in it.

The rules of ``../shared/tools/reader-scan.py`` (reader-standards §1-§2), made
stricter: option ids, parameter ids and driver ids are read from the scenarios
themselves; key paths also cover ``parameters.``, ``drivers.`` and
``optimism_bias.``; the English words include table headers and ledger values
(``item``, ``kind``, ``quantity``, ``replacement``, ``residual``, ``contingency``,
``total`` ...); snake_case and ``NaN``/``None`` are caught inside longer text
too. Two things are not leaks: a source citation (a cell or line starting with
register ids followed by ``:`` or ``,``) may quote its source in the source's
language; and numbering or named versions ("1.2.", "phiên bản 3.0", hashes).
"""

from __future__ import annotations

import re
import tomllib
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ENGLISH = (
    "equipment|service|staff|licence|license|maintenance|facility|energy|migration|network|soft-cost|fit-out|"
    "integration|termination|investment|recurrent|mean|sd|p10|p50|p80|p90|deterministic|central|does not switch|"
    "switching|baseline|option|options|rent|buy|hybrid|invest|item|items|kind|quantity|replacement|residual|"
    "contingency|total|nominal|present value|discount factor|unit price|rank|budget|category|source|year|input|"
    "swing|target|verdict|stays cheapest|cheapest|probability|draws|seed|unknown|true|false"
)
RULES = {
    "scientific notation": re.compile(r"\b\d(?:[.,]\d+)?e[+-]?\d{1,3}\b", re.I),
    "NaN/None/inf": re.compile(r"(?<![\w-])(NaN|nan|None|inf|-inf|NaT|null|<NA>)(?![\w-])"),
    "key path": re.compile(
        r"\bitems\[\d+\]|\b(?:scenario|parameters|drivers|optimism_bias|contingency)\.[a-z_]+|\boptions\.[a-z*]"
    ),
    "snake_case identifier": re.compile(
        r"(?<![\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w/-]|\.(?:csv|toml|md|xlsx|png|svg|html|docx|pdf|ipynb))"
    ),
    "English word or option id": re.compile(rf"(?<![\w-])({ENGLISH})(?![\w-])"),
    "English month": re.compile(r"(?<![\w-])(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?![\w-])"),
    "decimal point": re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.])|(?<![\d.,])0\.\d+"),
    "ungrouped number": re.compile(r"(?<![\w.,/-])\d{5,}(?![\w.,/-])"),
    "Python repr": re.compile(r"\[\s*'|'\s*\]|\(\s*'[^']*',|\{'|dtype|array\("),
}
VERSION = re.compile(r"(?:phiên bản|version|công nghiệp|v)\s*\d+(?:\.\d+)+", re.I)
HEADING = re.compile(r"^\s*#*\s*(?:\d+\.)+\d*\.?\s")
SOURCE = re.compile(r"^\s*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\d*\s*[,:]")
HASH = re.compile(r"\s*[0-9a-f]{64}\s*")
READER_SUFFIXES = (".html", ".md", ".svg", ".docx", ".xlsx")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def texts(path: Path) -> list[str]:
    """Every text a reader sees in one output file."""
    suffix = path.suffix.lower()
    if suffix == ".html":
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        return parser.out
    if suffix == ".md":
        return path.read_text(encoding="utf-8").splitlines()
    if suffix == ".svg":
        raw = path.read_text(encoding="utf-8")
        return re.findall(r"<!-- (.*?) -->", raw) + re.findall(r"<text[^>]*>(.*?)</text>", raw)
    if suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            xml = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/") and n.endswith(".xml"))
        paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
        return ["".join(re.findall(r"<w:t(?:\s[^>]*)?>(.*?)</w:t>", p)) for p in paragraphs]
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        out = []
        for ws in book.worksheets:
            out.append(ws.title)
            for row in ws.iter_rows(values_only=True):
                out += [v.replace("\n", " ") for v in row if isinstance(v, str) and not v.startswith("=")]
        return out
    return []


def scenario_ids(folder: Path) -> dict[str, set[str]]:
    """Option, parameter and driver ids of the scenarios in ``folder`` (none of them may reach a reader)."""
    ids: dict[str, set[str]] = {"option id": set(), "parameter id": set(), "driver id": set()}
    for path in folder.glob("*.toml"):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        ids["parameter id"] |= set(data.get("parameters", {}))
        ids["driver id"] |= set(data.get("drivers", {}))
        ids["option id"] |= {o["id"] for o in data.get("options", []) if isinstance(o, dict) and "id" in o}
    return ids


@dataclass
class Scan:
    """What a scan found: ``leaks`` maps a rule to (file, line) examples."""

    files: int = 0
    leaks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.leaks.values())

    def report(self, show: int = 5) -> str:
        counts = Counter({k: len(v) for k, v in self.leaks.items()})
        lines = [f"{self.count} leaks in {self.files} reader files"]
        for rule, n in counts.most_common():
            lines.append(f"{rule}: {n}")
            lines += [f"    {f}: ...{text[:140]}" for f, text in self.leaks[rule][:show]]
        return "\n".join(lines)


def scan(root: Path, scenarios: Path | None = None) -> Scan:
    """Scan every reader file under ``root`` (HTML, Markdown, SVG charts, Word and Excel files)."""
    rules = dict(RULES)
    if scenarios is not None:
        for rule, ids in scenario_ids(scenarios).items():
            if ids:
                alternatives = "|".join(sorted(map(re.escape, ids), key=len, reverse=True))
                rules[rule] = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")
    out = Scan()
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in READER_SUFFIXES or not path.is_file():
            continue
        out.files += 1
        name = str(path.relative_to(root))
        for line in texts(path):
            if HASH.fullmatch(line) or re.search(r"\b\d+\.\d+\.\d+\b", line) or SOURCE.match(line):
                continue
            line = VERSION.sub("", HEADING.sub("", line))
            for rule, rx in rules.items():
                for _ in rx.finditer(line):
                    out.leaks.setdefault(rule, []).append((name, line.strip()))
    return out
