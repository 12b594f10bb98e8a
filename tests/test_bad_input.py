"""Bad input never crashes the batch and never loses an article: one record per input."""
from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from cleaners.config import Config, ReadConfig

from tests.conftest import SEEDS, run_records
from tests.pages import ARTICLE_HTML, warc_record


def png_bytes() -> bytes:
    """A real 1x1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("article.txt", "The council met on Monday.")
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n"
NAV_ONLY = ("<html><body><nav><a href='/'>Home</a> <a href='/login'>Log in</a></nav>"
            "<form><input name='user'><input type='password'></form></body></html>")

BAD_FILES: dict[str, tuple[bytes, str, str]] = {
    # name: (content, expected status, expected error kind)
    "empty.txt": (b"", "error", "empty"),
    "blank.html": (b"  \n\t \n", "error", "empty"),
    "report.pdf": (PDF, "skipped", "unsupported_format"),
    "image.png": (png_bytes(), "skipped", "unsupported_format"),
    "bundle.zip": (zip_bytes(), "skipped", "unsupported_format"),
    "photo.html": (png_bytes(), "error", "binary"),  # a binary file behind an .html name
    "noise.txt": (bytes(range(128, 256)) * 30, "error", "decode_error"),
    "bomb.html.gz": (gzip.compress(b"<p>" + b"a" * 3_000_000 + b"</p>"), "error", "too_large"),
    "cut.html.gz": (gzip.compress(ARTICLE_HTML.encode())[:-30], "error", "corrupt_gzip"),
    "deep.html": (b"<html><body>" + b"<div>" * 10_000 + b"<p>text</p>" + b"</div>" * 10_000
                  + b"</body></html>", "error", "too_deep"),
    "login.html": (NAV_ONLY.encode(), "skipped", "not_article"),
}


@pytest.fixture
def bad_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name, (content, _, _) in BAD_FILES.items():
        (folder / name).write_bytes(content)
    (folder / "huge.txt").write_bytes(b"news " * 300_000)  # 1.5 MB: over the test's limit
    return folder


def small_limit() -> Config:
    return Config().with_overrides({"read": {"max_bytes": 1_000_000}})


def test_each_bad_file_gets_a_clear_error_record(bad_dir: Path, tmp_path: Path, validator) -> None:
    records = {r["id"]: r for r in run_records([bad_dir], tmp_path / "out", small_limit())}
    assert len(records) == len(BAD_FILES) + 1
    for name, (_, status, kind) in BAD_FILES.items():
        rec = records[name.split(".", 1)[0]]
        assert (rec["status"], rec["error"]["kind"]) == (status, kind), name
        assert rec["error"]["message"] and rec["body"] is None
    assert records["huge"]["error"]["kind"] == "too_large"
    for rec in records.values():
        validator.validate(rec)


def test_bad_files_do_not_stop_good_ones(bad_dir: Path, tmp_path: Path) -> None:
    records = run_records([bad_dir, SEEDS], tmp_path / "out", small_limit())
    good = [r for r in records if r["source"].startswith(str(SEEDS))]
    assert len(good) == 5 and all(r["status"] == "ok" for r in good)


def test_truncated_and_broken_html_still_yield_the_article(tmp_path: Path) -> None:
    cut = ARTICLE_HTML[: ARTICLE_HTML.index("Work on the northern quay")]
    broken = ARTICLE_HTML.replace("</p>", "").replace("</article>", "<div><span><b>")
    (tmp_path / "cut.html").write_text(cut)
    (tmp_path / "broken.html").write_text(broken)
    records = run_records([tmp_path], tmp_path / "out")
    assert len(records) == 2
    for rec in records:
        assert rec["status"] == "ok" and "proposed budget for the harbour" in rec["body"]


def test_malformed_jsonl_lines_among_good_ones(tmp_path: Path, validator) -> None:
    good = {"id": "ok1", "text": "The harbour budget was approved by the council on Monday, "
                                 "after a two-year dispute over who would pay for the works."}
    lines = [json.dumps(good), '{"id": "bad", "text": "unterminated', "", "[1, 2, 3]",
             json.dumps({"id": "nohtml", "title": "no body"}), json.dumps({"id": "e", "text": "  "}),
             json.dumps({**good, "id": "ok2"})]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines) + "\n")
    records = run_records([tmp_path / "feed.jsonl"], tmp_path / "out")
    # six inputs: the blank line is not a record
    got = [(r["id"], r["status"], (r["error"] or {}).get("kind")) for r in records]
    assert got == [("ok1", "ok", None), ("feed:2", "error", "bad_json"), ("feed:4", "error", "bad_record"),
                   ("nohtml", "error", "bad_record"), ("e", "error", "empty"), ("ok2", "ok", None)]
    for rec in records:
        validator.validate(rec)


def test_warc_with_a_truncated_record(tmp_path: Path) -> None:
    first = warc_record("https://example.org/a", "text/html", ARTICLE_HTML.encode())
    second = warc_record("https://example.org/b", "text/html", ARTICLE_HTML.encode())
    (tmp_path / "cut.warc").write_bytes(first + second[:-400])
    records = run_records([tmp_path / "cut.warc"], tmp_path / "out")
    assert [(r["status"], (r["error"] or {}).get("kind")) for r in records] == [
        ("ok", None), ("error", "warc_truncated")]


def test_missing_path_is_an_error_record(tmp_path: Path) -> None:
    records = run_records([tmp_path / "nope.txt"], tmp_path / "out")
    assert [(r["status"], r["error"]["kind"]) for r in records] == [("error", "not_found")]


def test_non_english_article_is_kept_whole(tmp_path: Path) -> None:
    text = ("Die Stadt Zürich hat am Montag den Ausbau des Hafens beschlossen. Der Gemeinderat "
            "stimmte nach langer Debatte zu, die Kosten von 40 Millionen Franken über zehn Jahre "
            "zu verteilen. Die Arbeiten am Nordquai sollen im Frühling beginnen.")
    (tmp_path / "de.txt").write_text(text, encoding="utf-8")
    [rec] = run_records([tmp_path], tmp_path / "out")
    assert rec["status"] == "ok" and rec["body"] == text and rec["language"] == "de"


def test_record_count_equals_input_count_with_parallel_jobs(bad_dir: Path, tmp_path: Path) -> None:
    config = small_limit().with_overrides({"run": {"batch_size": 3, "worker_task": 2}})
    serial = run_records([bad_dir, SEEDS], tmp_path / "a", config, jobs=1)
    parallel = run_records([bad_dir, SEEDS], tmp_path / "b", config, jobs=2)
    assert len(serial) == len(BAD_FILES) + 1 + 5
    assert serial == parallel


def test_read_config_limit_is_respected_exactly(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"x" * 101)
    records = run_records([tmp_path], tmp_path / "out",
                          Config().with_overrides({"read": {"max_bytes": 100}}))
    assert records[0]["error"]["kind"] == "too_large"
    assert ReadConfig().max_bytes == 20_000_000
