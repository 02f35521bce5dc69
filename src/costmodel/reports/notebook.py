"""Notebook helpers: display figures and tables, and run notebooks into offline HTML.

Notebooks in ``notebooks/`` import costmodel and contain no model logic; they
call :func:`show` and :func:`table` to display results whatever matplotlib
backend the kernel has (``MPLBACKEND=Agg`` would otherwise drop figures), and
:func:`run_notebook` executes them (nbclient, kernel ``python3``) and renders
HTML without code cells and without any resource fetched from the internet.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from costmodel.reports.formatting import format_number, format_rate, format_vnd
from costmodel.reports.labels import label

__all__ = ["parameters_source", "run_notebook", "show", "table"]

_MONEY = {
    "pv_cost",
    "nominal_outlay",
    "residual_value",
    "eac",
    "unit_cost",
    "net_savings",
    "nominal",
    "mean",
    "sd",
    "p10",
    "p50",
    "p80",
    "p90",
    "deterministic",
    "value",
    "value_at_base",
    "paid",
    "cost_per_meeting",
    "peer_min",
    "peer_median",
    "peer_max",
}
_RATES = {"airr", "prob_cheapest", "confidence_level", "utilisation", "prob_over_cap"}


def show(fig, dpi: int = 110):
    """Display a matplotlib figure as a PNG image (independent of the backend)."""
    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return Image(data=buffer.getvalue(), format="png")


def table(df: pd.DataFrame, lang: str = "vi"):
    """Display a table with whole-đồng grouping and translated headers."""
    from IPython.display import HTML

    out = df.copy()

    def fmt(values, func):
        return [
            func(v)
            if isinstance(v, int | float) and pd.notna(v)
            else ("" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
            for v in values
        ]

    for col in out.columns:
        if col in _MONEY:
            out[col] = fmt(out[col], lambda v: format_vnd(v, lang))
        elif col in _RATES:
            out[col] = fmt(out[col], lambda v: format_rate(v, lang, 1))
        elif col == "sir":
            out[col] = fmt(out[col], lambda v: format_number(v, 2, lang))
    out.columns = [label(c, lang) for c in out.columns]
    return HTML(out.to_html(index=False, border=0, classes="costmodel", escape=True))


def parameters_source(parameters: Mapping[str, object]) -> str:
    """Python source assigning the parameters (for the cell tagged ``parameters``)."""
    return "\n".join(f"{k} = {v!r}" for k, v in parameters.items()) + "\n"


_REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.IGNORECASE)
_REMOTE_LINK = re.compile(r"<link[^>]*\bhref=\"https?://[^\"]*\"[^>]*>", re.IGNORECASE)
_SCRIPT_BLOCK = re.compile(r"<script\b[^>]*>([\s\S]*?)</script>", re.IGNORECASE)


def _drop_remote_scripts(html: str) -> str:
    """Remove scripts that load anything from the internet (MathJax, require.js, mermaid)."""
    html = _REMOTE_SCRIPT.sub("", html)
    html = _REMOTE_LINK.sub("", html)
    return _SCRIPT_BLOCK.sub(lambda m: "" if re.search(r"https?://", m.group(1)) else m.group(0), html)


def run_notebook(path: str | Path, parameters: Mapping[str, object] | None = None, timeout: int = 600) -> tuple[object, str]:
    """Execute a notebook and render it to self-contained HTML without code.

    Assignments of ``parameters`` are appended to the cell tagged
    ``parameters`` (papermill's convention), so they override its defaults.
    The kernel runs in the notebook's folder.

    Returns
    -------
    (notebook, html)
        The executed notebook (``nbformat.NotebookNode``) and the HTML text.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if parameters:
        for cell in nb.cells:
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                cell.source = cell.source.rstrip() + "\n# injected parameters\n" + parameters_source(parameters)
                break
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    html, _ = exporter.from_notebook_node(nb)
    # no resource from the internet: the reports are read offline (text has no TeX to typeset)
    return nb, _drop_remote_scripts(html)
