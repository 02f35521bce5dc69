"""Output paths and all-or-nothing output writing, used by the CLI and the result objects' ``.write``.

Every output of a command is first rendered to bytes in memory, then handed
to :func:`write_tree` (or :func:`write_outputs`, one folder), which:

1. checks every path before touching anything: the destination must be a
   folder or not exist yet, no file may be where a folder is needed and no
   folder where a file is (:class:`OutputError`, exit 2 on the command line);
2. writes every file into one staging folder (``.costmodel-*``) on the same
   file system — inside the destination when it exists, else inside its
   nearest existing parent — flushed to disk (``fsync``);
3. moves them into place:

   * a destination that does not exist yet appears in one ``rename`` of the
     staging folder: atomic, the whole tree or nothing, even on a crash;
   * into an existing folder each file is moved with ``os.replace`` (atomic
     per file), the file it replaces first set aside; if any move fails, the
     moves already made are undone and the files set aside put back, so the
     folder is as it was. A crash (power loss, ``kill -9``) in the few
     milliseconds of these renames can leave some files new and others old;
     the set aside files then remain in the ``.costmodel-*`` folder.

Files of an earlier run that the new one does not write are left alone, except
with :func:`write_report_tree` (``costmodel report``): it lists what it writes in
``.costmodel.files`` and removes the files the previous listing names that
this run does not write (outputs an older version made, or of a scenario removed),
so a reader never opens a stale chart beside new ones. Nothing else is touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from costmodel.problems import InputError, Problem

__all__ = [
    "REPORT_MANIFEST",
    "OutputError",
    "check_outputs",
    "output_file_problems",
    "output_folder_problems",
    "write_outputs",
    "write_report_tree",
    "write_tree",
]

_FOLDER_EXPECTED = "expected a folder (or a path that does not exist yet)"


class OutputError(InputError):
    """An output path that cannot be written: a file where a folder is expected, or a folder where a file is."""


def _lexists(path: Path) -> bool:
    return os.path.lexists(path)


def _first_existing(path: Path) -> Path:
    """``path`` or its nearest parent that exists (``.`` for a relative path)."""
    for candidate in (path, *path.parents):
        if _lexists(candidate):
            return candidate
    return Path(".")  # pragma: no cover - the root or "." always exists


def _writable(folder: Path, option: str, shown: Path) -> list[Problem]:
    if not os.access(folder, os.W_OK | os.X_OK):
        return [Problem(option, str(shown), f"cannot write in {folder} (permission denied)")]
    return []


def output_folder_problems(path: str | os.PathLike, option: str = "-o") -> list[Problem]:
    """What prevents writing into the folder ``path`` (empty when it can be written).

    ``path`` must be a folder or not exist yet, and its nearest existing
    parent a folder one can write in.

    Examples
    --------
    >>> output_folder_problems("README.md")  # doctest: +SKIP
    [Problem(file='-o', path='README.md', message='expected a folder (or a path that does not exist yet), got a file')]
    """
    path = Path(path)
    if _lexists(path):
        if not path.is_dir():
            what = "a broken link" if not path.exists() else "a file"
            return [Problem(option, str(path), f"{_FOLDER_EXPECTED}, got {what}")]
        return _writable(path, option, path)
    ancestor = _first_existing(path)
    if not ancestor.is_dir():
        return [Problem(option, str(path), f"{ancestor} is a file, {_FOLDER_EXPECTED}")]
    return _writable(ancestor, option, path)


def output_file_problems(path: str | os.PathLike, option: str = "-o") -> list[Problem]:
    """What prevents writing the file ``path`` (empty when it can be written): a folder there, a file as its parent."""
    path = Path(path)
    if _lexists(path) and path.is_dir():
        return [Problem(option, str(path), "expected a file, got a folder")]
    ancestor = _first_existing(path.parent)
    if not ancestor.is_dir():
        return [Problem(option, str(path), f"{ancestor} is a file, expected a folder to hold {path.name}")]
    return _writable(ancestor, option, path)


def check_outputs(folders: Sequence[tuple[str, Path]] = (), files: Sequence[tuple[str, Path]] = ()) -> None:
    """Raise :class:`OutputError` with every problem of the output ``folders`` and ``files`` (``(option, path)`` pairs)."""
    problems = [p for option, path in folders for p in output_folder_problems(path, option)]
    problems += [p for option, path in files for p in output_file_problems(path, option)]
    if problems:
        raise OutputError(problems)


def _relative(name: str) -> PurePosixPath:
    rel = PurePosixPath(str(name).replace(os.sep, "/"))
    if rel.is_absolute() or not rel.parts or ".." in rel.parts or rel.parts == (".",):
        raise ValueError(f"output file names are relative paths inside the folder, got {name!r}")
    return rel


def _tree_problems(root: Path, rels: Sequence[PurePosixPath]) -> list[Problem]:
    """A folder where a file goes, or a file where a folder goes, inside ``root``."""
    problems = output_folder_problems(root, str(root))
    if problems or not root.is_dir():
        return [Problem(p.path, "", p.message) for p in problems]
    seen: set[Path] = set()
    for rel in rels:
        target = root.joinpath(*rel.parts)
        for parent in list(target.parents)[: len(rel.parts) - 1]:
            if parent not in seen and _lexists(parent) and not parent.is_dir():
                problems.append(Problem(str(parent), "", "is a file, expected a folder"))
            seen.add(parent)
        if _lexists(target) and target.is_dir():
            problems.append(Problem(str(target), "", "is a folder, expected a file"))
    return problems


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not possible on every platform
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _stage(folder: Path, files: Mapping[str, bytes], rels: Sequence[PurePosixPath]) -> None:
    for rel, content in zip(rels, files.values(), strict=True):
        target = folder.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())


def _makedirs(folder: Path, created: list[Path]) -> None:
    """``mkdir -p``, recording the folders made (outermost first)."""
    missing = []
    for candidate in (folder, *folder.parents):
        if _lexists(candidate):
            break
        missing.append(candidate)
    for d in reversed(missing):
        d.mkdir()
        created.append(d)


def _remove_dirs(created: list[Path]) -> None:
    for d in reversed(created):
        try:
            d.rmdir()
        except OSError:
            pass


def write_tree(root: str | os.PathLike, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (relative path -> content) under ``root``, all of them or none (see the module docstring).

    Parameters
    ----------
    root : path
        Destination folder; created (with its parents) when missing.
    files : mapping of str to bytes
        Paths relative to ``root`` (``"a.csv"``, ``"scenario/summary.csv"``) and their content.

    Returns
    -------
    list of pathlib.Path
        The paths written, in the order given.

    Raises
    ------
    OutputError
        When a path cannot hold what goes there (nothing is written).
    OSError
        When writing fails (nothing is left written).
    """
    root = Path(root)
    rels = [_relative(name) for name in files]
    problems = _tree_problems(root, rels)
    if problems:
        raise OutputError(problems)
    targets = [root.joinpath(*rel.parts) for rel in rels]
    if not files:
        return []
    if _lexists(root):
        _replace_into(root, files, rels)
    else:
        _create(root, files, rels)
    return targets


def _create(root: Path, files: Mapping[str, bytes], rels: Sequence[PurePosixPath]) -> None:
    """A destination that does not exist yet: stage the whole tree beside it, then one rename."""
    ancestor = _first_existing(root.parent)
    staging = Path(tempfile.mkdtemp(prefix=".costmodel-", dir=ancestor))
    created: list[Path] = []
    try:
        payload = staging / "tree"
        _stage(payload, files, rels)
        _makedirs(root.parent, created)
        os.replace(payload, root)
        _fsync_dir(root.parent)
    except BaseException:
        _remove_dirs(created)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace_into(root: Path, files: Mapping[str, bytes], rels: Sequence[PurePosixPath]) -> None:
    """An existing destination: stage inside it, then replace file by file, undoing every move if one fails."""
    staging = Path(tempfile.mkdtemp(prefix=".costmodel-", dir=root))
    new, old = staging / "new", staging / "old"
    created: list[Path] = []
    moved: list[tuple[Path, Path | None]] = []
    lost = False  # a file set aside could not be put back: keep it in the staging folder
    try:
        _stage(new, files, rels)
        for rel in rels:
            target = root.joinpath(*rel.parts)
            _makedirs(target.parent, created)
            backup = None
            if _lexists(target):
                backup = old.joinpath(*rel.parts)
                backup.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, backup)
            moved.append((target, backup))
            os.replace(new.joinpath(*rel.parts), target)
        for folder in {t.parent for t, _ in moved}:
            _fsync_dir(folder)
    except BaseException:
        for target, backup in reversed(moved):
            try:
                if backup is None:
                    target.unlink(missing_ok=True)
                elif _lexists(backup):
                    os.replace(backup, target)
            except OSError:
                lost = lost or backup is not None
        _remove_dirs(created)
        raise
    finally:
        if not lost:
            shutil.rmtree(staging, ignore_errors=True)


#: The listing of the files ``costmodel report`` wrote in its output folder (one relative path a line).
REPORT_MANIFEST = ".costmodel.files"  # not under the staging folders' prefix ".costmodel-"


def _listed(root: Path) -> set[PurePosixPath]:
    """The files the previous report listed in ``root`` (lines that are not relative paths inside it are ignored)."""
    try:
        text = (root / REPORT_MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    listed = set()
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            listed.add(_relative(line))
        except ValueError:
            continue
    return listed


def write_report_tree(root: str | os.PathLike, files: Mapping[str, bytes]) -> list[Path]:
    """:func:`write_tree` with a listing, removing what the previous listing names and this run does not write.

    Parameters
    ----------
    root : path
        The report folder.
    files : mapping of str to bytes
        Paths relative to ``root`` and their content.

    Returns
    -------
    list of pathlib.Path
        The paths written (the listing :data:`REPORT_MANIFEST` last).
    """
    root = Path(root)
    previous = _listed(root) if root.is_dir() else set()
    rels = {_relative(name) for name in files}
    listing = "".join(f"{rel}\n" for rel in sorted(rels, key=str)).encode("utf-8")
    written = write_tree(root, {**files, REPORT_MANIFEST: listing})
    for rel in sorted(previous - rels, key=str):
        target = root.joinpath(*rel.parts)
        if target.is_file() and not target.is_symlink():
            target.unlink(missing_ok=True)
            for parent in list(target.parents)[: len(rel.parts) - 1]:  # folders it leaves empty, inside root only
                try:
                    parent.rmdir()
                except OSError:
                    break
    return written


def write_outputs(outdir: str | os.PathLike, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (name -> content) into ``outdir``, all of them or none (:func:`write_tree`)."""
    return write_tree(outdir, files)
