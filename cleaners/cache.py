"""Derived data kept on disk between runs: compressed models unpacked once, then
memory-mapped, and the report's compiled templates (:func:`cache_dir`).

py3langid ships its model as an LZMA-compressed ``.npz`` (4.5 MB); unpacking its 68 MB took
0.5 s of every process that identifies a language: half of ``newsclean clean ONE.txt``'s
time. Unpacked once into ``.npy`` files, its arrays are memory-mapped (a few
milliseconds): a process reads only the pages its texts touch, and the page cache holds
them once for every process and run (the ``--jobs`` workers share them as the fork server's
copy did). The cache is derived data, named by the source file's path, size and
modification time (as Python names its bytecode; hashing the 4.5 MB took 11 ms): a changed
model gets a directory of its own. Where it cannot be written or read, the model is
unpacked in memory as its library does. Its place: ``NEWSCLEAN_CACHE_DIR``, else
``$XDG_CACHE_HOME/newsclean``, else ``~/.cache/newsclean``; ``NEWSCLEAN_CACHE_DIR=off``
turns it off.
"""
from __future__ import annotations

import hashlib
import lzma
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

OFF = "off"


def cache_root() -> Path | None:
    """The cache directory, or None when ``NEWSCLEAN_CACHE_DIR=off``."""
    explicit = os.environ.get("NEWSCLEAN_CACHE_DIR")
    if explicit:
        return None if explicit == OFF else Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsclean"


def cache_dir(name: str) -> Path | None:
    """``name``'s folder in the cache, created; None when there is no usable cache."""
    root = cache_root()
    if root is None:
        return None
    try:
        (root / name).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return root / name


def npz_xz_arrays(source: Path) -> dict[str, np.ndarray] | None:
    """The arrays of an LZMA-compressed ``.npz``, memory-mapped read-only from the cache
    (unpacked there on first use); None when there is no usable cache (the caller then
    unpacks the model in memory, its library's own way)."""
    root = cache_root()
    if root is None:
        return None
    stat = source.stat()  # as Python's bytecode: a new size or time is a new model
    digest = hashlib.sha256(f"{source.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    folder = root / f"{source.name.split('.')[0]}-{digest.hexdigest()[:16]}"
    try:
        return _mapped(folder)
    except (OSError, ValueError, EOFError):  # absent, or damaged: unpacked (again)
        shutil.rmtree(folder, ignore_errors=True)
    try:
        _unpack(source, folder)
        return _mapped(folder)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, lzma.LZMAError):
        return None  # a read-only home, a full disk


def _mapped(folder: Path) -> dict[str, np.ndarray]:
    """The cached arrays; ``names`` lists them, so a folder missing one is no cache."""
    import numpy as np  # here: the report's templates need no numpy

    names = (folder / "names").read_text(encoding="utf-8").split()
    if not names:
        raise ValueError(f"{folder}: empty cache")
    return {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in names}


def _unpack(source: Path, folder: Path) -> None:
    """Unpacks the ``.npz`` (a zip of ``.npy`` files) beside ``folder`` and renames it into
    place: a reader sees the whole cache or none, also when two processes unpack it at
    once (the second's copy is dropped). Streamed: the 68 MB are never in memory."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        npz = tmp / "model.npz"
        with lzma.open(source) as src, npz.open("wb") as dst:
            shutil.copyfileobj(src, dst, length=1 << 20)
        with zipfile.ZipFile(npz) as archive:
            names = [_array_name(member) for member in archive.namelist()]
            for name in names:
                with archive.open(f"{name}.npy") as src, (tmp / f"{name}.npy").open("wb") as dst:
                    shutil.copyfileobj(src, dst, length=1 << 20)
        npz.unlink()
        (tmp / "names").write_text("\n".join(names), encoding="utf-8")
        os.chmod(tmp, 0o755)
        try:
            tmp.rename(folder)
        except OSError:
            if not (folder / "names").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _array_name(member: str) -> str:
    """``ptc.npy`` -> ``ptc``; anything else in the archive (a path, another kind of file)
    makes it no model of ours."""
    name = member.removesuffix(".npy")
    if not name.isidentifier() or member == name:
        raise ValueError(f"unexpected member {member!r}")
    return name
