"""Run notebooks into offline HTML.

Notebooks in ``notebooks/`` import costmodel and contain no model logic: they
display result objects, whose HTML and charts come from
:mod:`costmodel.reports.display` (figures are shown as PNG whatever matplotlib
backend the kernel has). :func:`run_notebook` executes them (nbclient, kernel
``python3``) and renders HTML without code cells and without any resource
fetched from the internet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

__all__ = ["parameters_source", "run_notebook"]


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
