"""Atomic output writing, used only by the CLI.

Every output of a command is first rendered to bytes in memory, then written
into a temporary directory beside the destination and moved into place with
``os.replace`` only when all of them were written. A run that fails before
that point leaves the destination exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["write_outputs"]


def write_outputs(outdir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (name -> content) into ``outdir`` atomically.

    Parameters
    ----------
    outdir : pathlib.Path
        Destination directory, created when missing.
    files : mapping of str to bytes
        File names (relative to ``outdir``) and their content.

    Returns
    -------
    list of pathlib.Path
        The paths written, in the order given.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".costmodel-", dir=outdir))
    try:
        for name, content in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
        written = []
        for name in files:
            final = outdir / name
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, final)
            written.append(final)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
