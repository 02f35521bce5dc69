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
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from costmodel.reports.names import Names
from costmodel.reports.tables import drivers_frame, html_table, metrics_frame, reader_frame

__all__ = ["drivers", "estimate", "markdown", "metrics", "parameters_source", "run_notebook", "show", "slip", "table"]


def show(fig, dpi: int = 110):
    """Display a matplotlib figure as a PNG image (independent of the backend)."""
    from IPython.display import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return Image(data=buffer.getvalue(), format="png")


def table(
    df: pd.DataFrame,
    scenario=None,
    lang: str | None = None,
    columns: Sequence[str] | None = None,
    caption: str | None = None,
    unit_line: str | None = None,
    units: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
):
    """Display a library table for readers: vocabulary headers, values formatted by unit, options and inputs named.

    See :func:`costmodel.reports.tables.reader_frame`; ``scenario`` is needed
    when the table holds options, targets or inputs.
    """
    from IPython.display import HTML

    names = Names(scenario, lang) if scenario is not None else None
    frame = reader_frame(df, names, lang, columns, units, headers)
    return HTML(html_table(frame, caption, unit_line))


def estimate(result, lang: str | None = None):
    """Display the estimate (dự toán) of every option in the appraiser's form."""
    from IPython.display import HTML

    from costmodel.reports import vocabulary as voc
    from costmodel.reports.estimate import estimate_frame

    names = Names(result.scenario, lang)
    return HTML(html_table(estimate_frame(result, names), unit_line=voc.term("wb.unit_line", names.lang)))


def metrics(table_: pd.DataFrame, lang: str | None = None):
    """Display a table of named metrics (columns ``metric``, ``value``)."""
    from IPython.display import HTML

    return HTML(html_table(metrics_frame(table_, lang)))


def drivers(scenario, lang: str | None = None):
    """Display the scenario's demand drivers by year."""
    from IPython.display import HTML

    return HTML(html_table(drivers_frame(Names(scenario, lang))))


def slip(scenario, lang: str | None = None):
    """Display what the procurement forecast does to the scenario's budget, in words and a table."""
    import html as html_module

    from IPython.display import HTML

    from costmodel.reports import vocabulary as voc
    from costmodel.reports.slip_report import slip_frame, slip_text
    from costmodel.slip import plan_slip

    found = plan_slip(scenario)
    if found is None:
        return HTML(f"<p>{html_module.escape(voc.term('slip.none', lang))}</p>")
    text = html_module.escape(slip_text(found, lang)).replace("**", "")
    table = slip_frame(found, lang)
    body = html_table(table, unit_line=voc.term("wb.unit_line", lang)) if len(table) else ""
    return HTML(f"<p>{text}</p>{body}")


def markdown(text: str):
    """Display Markdown text (a recommendation, a sentence of the vocabulary)."""
    from IPython.display import Markdown

    return Markdown(text)


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
    lang = (parameters or {}).get("lang") or _default_lang()
    html = re.sub(r'<html lang="[a-z]+">', f'<html lang="{lang}">', html, count=1)
    return nb, _drop_remote_scripts(html)


def _default_lang() -> str:
    from costmodel._options import options

    return options.lang
