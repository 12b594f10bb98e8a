"""Walk paths in a deterministic order and dispatch each file to its reader by kind."""
from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from cleaners.config import ReadConfig
from cleaners.read.decode import BOMS, TEXT_CONTROLS, inflate, sniff_binary
from cleaners.read.jsonl import count_json_records, read_json_records
from cleaners.read.rawdoc import RawDoc
from cleaners.read.warc import count_warc_records, read_warc
from cleaners.record import ErrorInfo, InputError

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSON_SUFFIXES = {".jsonl", ".json", ".ndjson"}
TEXT_SUFFIXES = {".txt", ".text"}


def walk(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under ``paths``: directories recursively, sorted, hidden entries skipped."""
    for path in map(Path, paths):
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


def kind_of(path: Path) -> tuple[str, bool]:
    """(kind, gzipped) from the file name: kind is warc, json, html, text or unknown."""
    name = path.name.lower()
    gz = name.endswith(".gz")
    stem = name[:-3] if gz else name
    if stem.endswith((".warc", ".arc")):
        return "warc", gz
    suffix = Path(stem).suffix
    if suffix in JSON_SUFFIXES:
        return "json", gz
    if suffix in HTML_SUFFIXES:
        return "html", gz
    if suffix in TEXT_SUFFIXES:
        return "text", gz
    return "unknown", gz


def doc_id(path: Path) -> str:
    """The file name without its extensions: ``seeds/000_ab.txt`` -> ``000_ab``."""
    return path.name.split(".", 1)[0] or path.name


def read_bytes(path: Path, gz: bool, config: ReadConfig) -> bytes:
    """A file's bytes (decompressed), refusing inputs over the size limit and gzip bombs."""
    size = path.stat().st_size
    if size > config.max_bytes:
        raise InputError("too_large", f"{size:,} bytes is over the {config.max_bytes:,}-byte limit")
    with open(path, "rb") as fh:
        data = fh.read()
    if not gz:
        return data
    limit = min(config.max_bytes, max(size, 1) * config.max_decompressed_ratio)
    return inflate(data, limit, wbits=31)


def sniff_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head


def sniff_format(data: bytes, config: ReadConfig) -> tuple[str, str | None]:
    """(html | text | unknown, what the bytes are) for a file without a known extension:
    HTML by its leading markup, text when no binary magic starts it and it has a Unicode
    BOM or no NUL or other control byte in its first 4 KiB; anything else is not read."""
    if sniff_html(data):
        return "html", None
    binary = sniff_binary(data, config)
    head = data[:4096]
    if binary is None and (any(head.startswith(bom) for bom, _ in BOMS)
                           or not any(b < 32 and b not in TEXT_CONTROLS for b in head)):
        return "text", None
    return "unknown", binary or "binary data"


def read_file(path: Path, config: ReadConfig) -> Iterator[RawDoc]:
    """One file's inputs: a page or text is one; JSON(L) and WARC hold several."""
    kind, gz = kind_of(path)
    source = str(path)
    if kind == "warc":
        yield from read_warc(path, config)
        return
    if kind == "json":
        yield from read_json_records(path, gz, config)
        return
    yield RawDoc(id=doc_id(path), source=source, format="html" if kind == "html" else "text",
                 is_html=kind == "html", path=source)


def load(raw: RawDoc, config: ReadConfig) -> RawDoc:
    """``raw`` with its file read, when it is a page or text file not read yet. The process
    that cleans it reads it: the main process of a run with workers then neither holds nor
    ships the bytes of such files (bench/load.py: 77% of the raw bytes)."""
    if raw.path is None:
        return raw
    path = Path(raw.path)
    kind, gz = kind_of(path)
    loaded = replace(raw, path=None)
    try:
        data = read_bytes(path, gz, config)
    except InputError as exc:
        loaded.error = ErrorInfo(exc.kind, f"{path}: {exc.message}")
        return loaded
    except OSError as exc:
        loaded.error = ErrorInfo("read_error", f"cannot read {path}: {exc.strerror or exc}")
        return loaded
    if kind == "unknown":
        loaded.format, binary = sniff_format(data, config)
        if binary:
            loaded.error = ErrorInfo("unsupported_format", f"{binary} ({path.name}): not "
                                     "text or HTML, no reader for this format")
            return loaded
    loaded.content = data
    loaded.is_html = loaded.format == "html"
    return loaded


def iter_inputs(paths: Iterable[str | Path], config: ReadConfig | None = None) -> Iterator[RawDoc]:
    """Every input under ``paths`` as a RawDoc, in a deterministic order, ids made unique."""
    config = config or ReadConfig()
    seen: dict[str, int] = {}
    for path in walk(paths):
        for raw in _guarded(path, config):
            count = seen.get(raw.id, 0)
            seen[raw.id] = count + 1
            if count:
                raw.id = f"{raw.id}~{count + 1}"
            yield raw


def count_inputs(paths: Iterable[str | Path], config: ReadConfig | None = None) -> int:
    """How many inputs :func:`iter_inputs` yields, counted cheaply (for a progress total):
    one per page or text file, JSON Lines by their non-blank lines, WARC records by their
    framing. A file that cannot be read counts one (its error record)."""
    config = config or ReadConfig()
    return sum(_count_file(path, config) for path in walk(paths))


def _count_file(path: Path, config: ReadConfig) -> int:
    kind, gz = kind_of(path)
    try:
        if kind == "warc":
            return count_warc_records(path, config)
        if kind == "json":
            return count_json_records(path, gz, config)
    except (OSError, EOFError, ValueError, zlib.error):
        pass
    return 1


def _guarded(path: Path, config: ReadConfig) -> Iterator[RawDoc]:
    """A missing path is an error record naming it, not a crash."""
    if not path.exists():
        yield RawDoc(id=doc_id(path), source=str(path), format="unknown",
                     error=ErrorInfo("not_found", f"{path}: no such file or directory"))
        return
    yield from read_file(path, config)


__all__ = ["count_inputs", "iter_inputs", "load", "read_file", "walk"]
