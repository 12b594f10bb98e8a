"""Property tests (issue 8): hostile input never crashes a reader or the pipeline, never
loses an input, and every record it gives is valid.

What one "input" is, and so how many records a file must give:
- a .txt/.html/.htm/unknown file (gzipped or not): exactly one record;
- a .jsonl file: one record per line that is not blank (``bytes.strip()``);
- a .warc file: one record per response record whose header was read whole, plus exactly one
  error record for a record cut inside its header (unless the part read states another
  WARC-Type), for a gzip member cut before its header, or for bytes that are not a record.
Every error record has a ``kind`` and a non-empty message; no record is an ``internal``
error (a crash caught by the pipeline); every record validates against the JSON Schema.

Deterministic (``derandomize=True``), no example database; each test's settings are its own.
"""
from __future__ import annotations

import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaners.config import Config
from cleaners.pipeline import process_batch
from cleaners.read import iter_inputs
from cleaners.schema import article_schema

from tests.conftest import ROOT, SEEDS, SHARED
from tests.pages import ARTICLE_HTML, warc_record

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=50,
                print_blob=True, suppress_health_check=[HealthCheck.too_slow,
                                                       HealthCheck.data_too_large,
                                                       HealthCheck.large_base_example])
CONFIG = Config()
VALIDATOR = jsonschema.Draft202012Validator(article_schema())


def _shared_pages(limit: int = 3) -> list[str]:
    folder = SHARED / "bench" / "extraction" / "scrapinghub" / "html"
    files = sorted(folder.glob("*.html.gz"))[:limit] if folder.is_dir() else []
    return [gzip.decompress(f.read_bytes()).decode("utf-8", "replace")[:60_000] for f in files]


HTML_SEEDS = [ARTICLE_HTML, *_shared_pages()]
TEXT_SEEDS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


# -- running and checking ------------------------------------------------------------------

def records_for(files: dict[str, bytes]) -> list[dict]:
    """Write ``files`` to a fresh folder, read them and run the per-article pipeline."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
        raws = list(iter_inputs([tmp], CONFIG.read))
        arts = process_batch(raws, CONFIG)
    # the record must survive JSON as the writer writes it
    return [json.loads(json.dumps(a.to_dict(), ensure_ascii=False)) for a in arts]


def check(records: list[dict], expected: int) -> None:
    assert len(records) == expected, [r["id"] for r in records]
    for rec in records:
        VALIDATOR.validate(rec)
        if rec["status"] != "ok":
            assert rec["error"]["kind"] and rec["error"]["message"].strip(), rec["error"]
        assert (rec["error"] or {}).get("kind") != "internal", rec["error"]


def nonblank_lines(data: bytes) -> int:
    return sum(1 for line in data.split(b"\n") if line.strip())


# -- random bytes and random text ----------------------------------------------------------

SINGLE_NAMES = ["a.txt", "a.html", "a.htm", "a.dat", "a.txt.gz", "a.html.gz"]


@FUZZ
@given(data=st.binary(max_size=3000), name=st.sampled_from(SINGLE_NAMES))
@example(data=b"\xff\xfe" + "<p>UTF-16 page</p>".encode("utf-16-le")[:-1], name="a.html")  # odd length
@example(data=b"\x00" * 50, name="a.html")
@example(data=b"<html>" + b"\x00" * 10 + b"<body><p>nul</p>", name="a.html")
def test_random_bytes_as_single_documents(data: bytes, name: str) -> None:
    if name.endswith(".gz") and data[:1] == b"\x01":
        data = gzip.compress(data[1:])  # a real gzip member now and then
    check(records_for({name: data}), 1)


@FUZZ
@given(text=st.text(max_size=2000), name=st.sampled_from(["a.txt", "a.html"]))
@example(text="\ud7ff\ue000\U0010ffff" * 50, name="a.txt")
@example(text=" date 2024-01-01\n" + "\u202e\u200b" * 200, name="a.txt")
def test_random_unicode_text(text: str, name: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    check(records_for({name: data}), 1)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_jsonl(data: bytes) -> None:
    check(records_for({"feed.jsonl": data}), nonblank_lines(data))


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_warc(data: bytes) -> None:
    records = records_for({"crawl.warc": data})
    assert len(records) <= max(1, data.count(b"WARC/")) + 1
    check(records, len(records))
    if data.strip(b"\r\n") and not data.lstrip(b"\r\n").startswith(b"WARC/"):
        assert records and records[0]["error"]["kind"] == "bad_record"


# -- mutated real HTML ---------------------------------------------------------------------

TAGS = re.compile(r"</?[a-zA-Z][^>]{0,80}>")
JUNK = ["<div>", "</div>", "<p>", "</p></p>", "<![CDATA[", "]]>", "<!--", "-->", "<!-- <!--",
        "\x00", "&amp;", "&#0;", "&#xD800;", "&#x110000;", "&#99999999999;", "&#x;", "&#;",
        "&nbsp", "&notanentity;", "<script>", "</script>", "<style>", "<table><tr><td>",
        "<a href='", '"', "<?xml version='1.0'?>", "<!DOCTYPE html>", "\ufeff", "\r",
        "<meta charset='shift_jis'>", "<html lang='zz-ZZ'>", "<br/>" * 20, "\u2028"]


@st.composite
def mutated_html(draw) -> str:
    page = draw(st.sampled_from(HTML_SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["cut", "drop_tags", "insert", "splice", "dup"]))
        pos = draw(st.integers(0, len(page)))
        if op == "cut":
            page = page[:pos]
        elif op == "drop_tags":  # unbalanced: remove a random share of the tags
            keep = draw(st.integers(0, 9))
            page = TAGS.sub(lambda m: m.group(0) if hash(m.start()) % 10 < keep else "", page)
        elif op == "insert":
            page = page[:pos] + draw(st.sampled_from(JUNK)) * draw(st.integers(1, 50)) + page[pos:]
        elif op == "splice":
            page = page[:pos] + draw(st.text(max_size=50)) + page[pos:]
        else:
            end = draw(st.integers(pos, min(len(page), pos + 2000)))
            page = page[:end] + page[pos:end] * draw(st.integers(1, 5)) + page[end:]
    return page


@FUZZ
@given(page=mutated_html(), encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_mutated_real_html(page: str, encoding: str) -> None:
    data = page.encode(encoding, "replace") if encoding != "utf-8" else page.encode("utf-8", "surrogatepass")
    check(records_for({"page.html": data}), 1)


HOSTILE_PAGES = {
    "deep_div": "<html><body>" + "<div>" * 10_000 + "<p>deep</p>" + "</div>" * 10_000,
    "deep_unclosed_b": "<html><body>" + "<b><i>" * 10_000 + "text",
    "deep_table": "<html><body>" + "<table><tr><td>" * 3_000 + "cell",
    "deep_li": "<html><body>" + "<ul><li>" * 10_000,
    "nested_cdata": "<html><body><p>" + "<![CDATA[" * 10_000 + "x" + "]]>" * 10_000 + "</p>",
    "nested_comments": "<html><body>" + "<!--" * 10_000 + "x" + "-->" * 10_000 + "<p>after</p>",
    "nul_bytes": ARTICLE_HTML.replace(" ", "\x00 ").replace("<p>", "<p>\x00"),
    "numeric_entities": "<html><body><p>" + "".join(
        f"&#{n};&#x{n:x};&#{n}" for n in (0, 1, 8, 9, 10, 13, 31, 127, 128, 159, 160, 0xD800,
                                            0xDFFF, 0xFFFE, 0xFFFF, 0x10FFFF, 0x110000,
                                            2**31, 2**64, 10**30)) * 200 + "</p></body>",
    "truncated_in_tag": ARTICLE_HTML[: ARTICLE_HTML.index("<p>") + 2],
    "truncated_in_entity": ARTICLE_HTML[:600] + "&#x1F6",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_hostile_pages(name: str) -> None:
    check(records_for({f"{name}.html": HOSTILE_PAGES[name].encode("utf-8", "surrogatepass")}),
          1)


# Memory: floods must not blow up. Run in a child process with a capped address space.
MEMORY_CASES = {
    "amp_flood": lambda: "<html><body><p>" + "&amp;" * 1_000_000 + "</p></body></html>",
    "numeric_flood": lambda: "<html><body><p>" + "&#x1F600;&#233;&#0;" * 300_000 + "</p>",
    "huge_attribute": lambda: ARTICLE_HTML.replace("<article>", "<article data-x='"
                                                   + "a" * 10_000_000 + "'>"),
    "many_attributes": lambda: ARTICLE_HTML.replace(
        "<article>", "<article " + " ".join(f"a{i}='{i}'" for i in range(200_000)) + ">"),
    "huge_text_line": lambda: "word " * 2_000_000,
}
CHILD = """
import json, resource, sys, time
from cleaners.config import Config
from cleaners.pipeline import process
from cleaners.read.rawdoc import RawDoc
from tests.test_fuzz import MEMORY_CASES
config = Config()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
vm = int(open('/proc/self/status').read().split('VmSize:')[1].split()[0]) * 1024
resource.setrlimit(resource.RLIMIT_AS, (vm + int(1.5 * 2**30), resource.RLIM_INFINITY))
out = {}
for name in sys.argv[1:]:
    page = MEMORY_CASES[name]()
    start = time.perf_counter()
    html = not name.endswith("line")
    art = process(RawDoc(id=name, source=name, format="html" if html else "text",
                         content=page.encode(), is_html=html), config)
    out[name] = {"status": art.status, "kind": art.error and art.error.kind,
                 "seconds": round(time.perf_counter() - start, 2),
                 "rss_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024}
print(json.dumps(out))
"""


def test_floods_and_huge_attributes_stay_in_bounded_memory() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", CHILD, *MEMORY_CASES], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    for name, res in results.items():
        assert res["kind"] != "internal", (name, res)
        assert res["rss_growth_mb"] < 800, (name, res)  # peak growth, cumulative over cases
        assert res["seconds"] < 30, (name, res)


# -- mixed encodings -----------------------------------------------------------------------

FRENCH = ("Le maire a annoncé lundi une réforme du réseau de tramway à Zürich. Selon la "
          "municipalité, les travaux débuteront à l'été et dureront deux ans. « C'est une "
          "décision très attendue », a déclaré la présidente de l'association des usagers.")
JAPANESE = ("東京都は月曜日、港湾の改修予算を承認した。市議会は二年間の議論の末、費用を十年間で"
            "分担することで合意した。工事は春に始まり、来年末まで続く見通しだという。")


def _encodings_cases() -> dict[str, bytes]:
    text = TEXT_SEEDS[0]
    mixed = "\n".join(line.encode("utf-8" if i % 2 else "cp1252", "replace").decode("latin-1")
                      for i, line in enumerate(FRENCH.split(". ") * 4)).encode("latin-1")
    return {
        "cp1252.txt": FRENCH.encode("cp1252"),
        "latin1.txt": FRENCH.encode("latin-1"),
        "utf16_bom.txt": text.encode("utf-16"),
        "utf16le_nobom.txt": text.encode("utf-16-le"),
        "utf16be_nobom.txt": text.encode("utf-16-be"),
        "utf16_bom_cut.txt": text.encode("utf-16")[:-1],
        "utf32.txt": FRENCH.encode("utf-32"),
        "shift_jis.txt": JAPANESE.encode("shift_jis"),
        "shift_jis_page.html": (f"<html><head><meta charset='shift_jis'></head><body><p>"
                                f"{JAPANESE * 3}</p></body></html>").encode("shift_jis"),
        "lying_meta.html": (f"<html><head><meta charset='utf-16'></head><body><p>{FRENCH}"
                            "</p></body></html>").encode("cp1252"),
        "utf8_and_cp1252_lines.txt": mixed,
        "utf7.html": f"<html><head><meta charset='utf-7'></head><body><p>{FRENCH}</p>".encode("utf-7"),
    }


def test_mixed_encodings() -> None:
    cases = _encodings_cases()
    records = {r["id"]: r for r in records_for(cases)}
    check(list(records.values()), len(cases))
    for name in ("cp1252", "latin1"):
        assert records[name]["status"] == "ok" and "réforme" in records[name]["body"], name
    assert "Russia" in records["utf16_bom"]["body"]
    assert "Russia" in records["utf16le_nobom"]["body"]


@FUZZ
@given(parts=st.lists(st.tuples(st.sampled_from(["utf-8", "cp1252", "latin-1", "shift_jis",
                                           "utf-16-le", "utf-16"]),
                          st.sampled_from(TEXT_SEEDS + [FRENCH, JAPANESE]),
                          st.integers(0, 4000)), min_size=1, max_size=4))
def test_files_mixing_encodings(parts) -> None:
    data = b"\n".join(text[:cut or None].encode(enc, "replace") for enc, text, cut in parts)
    check(records_for({"mixed.txt": data}), 1)


# -- mutated JSONL -------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
FIELD_VALUES = JSON_VALUES | st.sampled_from(
    [ARTICLE_HTML, TEXT_SEEDS[1], "", "   ", "2024-03-04", "yesterday", "0000-00-00",
     "2024-13-45T99:99", ["Jane Doe", 3], {"name": "x"}, 10**40, -1.5])


@st.composite
def jsonl_line(draw) -> bytes:
    kind = draw(st.sampled_from(["record", "record", "broken", "non_object", "huge", "deep"]))
    if kind in ("record", "broken"):
        fields = draw(st.dictionaries(
            st.sampled_from(["id", "html", "text", "url", "title", "date", "site", "authors",
                             "language"]), FIELD_VALUES, max_size=6))
        line = json.dumps(fields)
        if kind == "broken":
            line = line[:draw(st.integers(0, max(0, len(line) - 1)))]
    elif kind == "non_object":
        line = json.dumps(draw(JSON_VALUES.filter(lambda v: not isinstance(v, dict))))
    elif kind == "huge":
        line = json.dumps({"id": "huge", "text": "word " * draw(st.integers(1, 60_000))})
    else:
        depth = draw(st.sampled_from([100, 5_000, 100_000]))
        line = '{"text": ' + "[" * depth + "1" + "]" * depth + "}"
    return line.encode("utf-8", "surrogatepass")


@FUZZ
@given(lines=st.lists(jsonl_line(), min_size=1, max_size=6), gz=st.booleans())
@example(lines=[b'{"id": "d", "text": ' + b"[" * 100_000 + b"1" + b"]" * 100_000 + b"}"], gz=False)
@example(lines=[b'{"text": "The council met on Monday to approve the budget.", "title": 5, '
          b'"date": "yesterday", "authors": {"a": 1}, "site": ["x"], "id": 1.5}'], gz=False)
def test_mutated_jsonl(lines: list[bytes], gz: bool) -> None:
    data = b"\n".join(lines) + b"\n"
    name = "feed.jsonl.gz" if gz else "feed.jsonl"
    check(records_for({name: gzip.compress(data) if gz else data}), nonblank_lines(data))


def test_cut_gzipped_jsonl_is_accounted_for() -> None:
    lines = [json.dumps({"id": f"r{i}", "text": TEXT_SEEDS[i % 5][:400]}) for i in range(20)]
    data = gzip.compress("\n".join(lines).encode())
    for cut in (10, len(data) // 2, len(data) - 4):
        records = records_for({"feed.jsonl.gz": data[:cut]})
        check(records, len(records))
        assert records and records[-1]["error"]["kind"] == "read_error"


def test_whole_json_deeply_nested() -> None:
    data = b"[" * 200_000 + b"]" * 200_000
    check(records_for({"deep.json": data}), 1)


# -- mutated WARC --------------------------------------------------------------------------

def _warc(rtype: str, uri: str, block: bytes) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2024-03-04T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{zlib.crc32(uri.encode()):032x}>\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def _http(payload: bytes, ctype: str = "text/html", extra: str = "") -> bytes:
    return (f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\n{extra}\r\n").encode() + payload


def _chunked(payload: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(payload[i:i + 500]), payload[i:i + 500])
                    for i in range(0, len(payload), 500)) + b"0\r\n\r\n"


WARC_PARTS = [
    ("response", lambda: _http(ARTICLE_HTML.encode())),
    ("response", lambda: _http(HTML_SEEDS[-1].encode())),
    ("response", lambda: _http(gzip.compress(ARTICLE_HTML.encode()), extra="Content-Encoding: gzip\r\n")),
    ("response", lambda: _http(_chunked(ARTICLE_HTML.encode()), extra="Transfer-Encoding: chunked\r\n")),
    ("response", lambda: b"not an HTTP message at all"),
    ("response", lambda: _http(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "image/png")),
    ("response", lambda: _http(gzip.compress(b"x")[:-5], extra="Content-Encoding: gzip\r\n")),
    ("request", lambda: b"GET / HTTP/1.1\r\nHost: example.org\r\n\r\n"),
    ("metadata", lambda: b"outlinks: https://example.org/\r\n"),
    ("warcinfo", lambda: b"software: fuzz\r\n"),
]


def warc_oracle(records: list[tuple[str, bytes]], avail: bytes | None) -> int:
    """Records the reader must give when the file holds ``records`` cut so that the last
    one has only ``avail`` (None: not cut; b"" with a gzip member cut: nothing inflated)."""
    if avail is None:
        return sum(1 for rtype, _ in records if rtype == "response")
    whole = sum(1 for rtype, _ in records[:-1] if rtype == "response")
    rtype, raw = records[-1]
    head_end = raw.find(b"\r\n\r\n")
    if len(avail) > head_end and rtype != "response":
        return whole
    stated = re.search(rb"\r\nWARC-Type: (\w+)\r\n", avail)
    if stated and stated.group(1) != b"response":
        return whole
    return whole + 1


@st.composite
def warc_file(draw) -> tuple[bytes, bool, int]:
    picks = draw(st.lists(st.sampled_from(range(len(WARC_PARTS))), min_size=1, max_size=5))
    records = [(WARC_PARTS[i][0], _warc(WARC_PARTS[i][0], f"https://example.org/{n}",
                                        WARC_PARTS[i][1]())) for n, i in enumerate(picks)]
    gz = draw(st.booleans())
    members = [gzip.compress(raw, mtime=0) if gz else raw for _, raw in records]
    mode = draw(st.sampled_from(["whole", "cut", "cut", "length"]))
    if mode == "whole":
        return b"".join(members), gz, warc_oracle(records, None)
    if mode == "cut":  # cut inside the last kept record, at a random offset
        k = draw(st.integers(0, len(records) - 1))
        member = members[k]
        at = draw(st.integers(1, len(member) - 1))
        avail = zlib.decompressobj(31).decompress(member[:at]) if gz else member[:at]
        if not gz and len(avail) >= len(records[k][1]) - 4:
            avail = None  # only the record separator is gone: the record is whole
        if gz and avail == records[k][1]:
            avail = None
        return b"".join(members[:k]) + member[:at], gz, warc_oracle(records[:k + 1], avail)
    # a wrong Content-Length on one record; the record count stays the same
    k = draw(st.integers(0, len(records) - 1))
    rtype, raw = records[k]
    length = int(re.search(rb"Content-Length: (\d+)", raw).group(1))
    delta = draw(st.integers(-min(length, 300), 5000).filter(bool))
    raw = raw.replace(b"Content-Length: %d\r\n" % length, b"Content-Length: %d\r\n" % (length + delta), 1)
    members[k] = gzip.compress(raw, mtime=0) if gz else raw
    return b"".join(members), gz, -1


@FUZZ
@given(case=warc_file())
def test_mutated_warc(case) -> None:
    data, gz, expected = case
    records = records_for({"crawl.warc.gz" if gz else "crawl.warc": data})
    if expected < 0:  # wrong Content-Length: at most one record more than the responses
        responses = data.count(b"WARC-Type: response") if not gz else len(records)
        assert len(records) <= responses + 1
        expected = len(records)
    check(records, expected)


def _two_responses() -> tuple[bytes, bytes]:
    return (warc_record("https://example.org/a", "text/html", ARTICLE_HTML.encode()),
            warc_record("https://example.org/b", "text/html", ARTICLE_HTML.encode()))


@pytest.mark.parametrize("gz", [False, True])
def test_warc_cut_inside_a_record_header_is_an_error_record(gz: bool, tmp_path) -> None:
    first, second = _two_responses()
    for at in (3, 9, 30, 60, second.index(b"Content-Length"), second.index(b"HTTP/") - 2):
        if gz:
            data = gzip.compress(first) + gzip.compress(second)[:at]
        else:
            data = first + second[:at]
        records = records_for({"cut.warc.gz" if gz else "cut.warc": data})
        kinds = [(r["status"], (r["error"] or {}).get("kind")) for r in records]
        assert kinds == [("ok", None), ("error", "warc_truncated")], (at, kinds)
        check(records, 2)


def test_warc_wrong_content_length_keeps_the_other_records() -> None:
    first, second = _two_responses()
    third = warc_record("https://example.org/c", "text/html", ARTICLE_HTML.encode())
    length = int(re.search(rb"Content-Length: (\d+)\r\n\r\nHTTP", second).group(1))
    for wrong in (length - 100, length + 40, length + 5000):
        bad = second.replace(b"Content-Length: %d\r\n\r\nHTTP" % length,
                             b"Content-Length: %d\r\n\r\nHTTP" % wrong)
        records = records_for({"w.warc": first + bad + third})
        got = [(r["url"], r["status"], (r["error"] or {}).get("kind")) for r in records]
        assert got == [("https://example.org/a", "ok", None),
                       ("https://example.org/b", "error", "bad_record"),
                       ("https://example.org/c", "ok", None)], (wrong, got)
        check(records, 3)


# -- the whole run ---------------------------------------------------------------------------

def test_whole_run_on_a_hostile_folder(tmp_path: Path) -> None:
    """The CLI's path (reading, the per-article pipeline, the corpus stage, the writer) on a
    folder of hostile inputs: one record per input."""
    from tests.conftest import run_records

    rng = random.Random(8)
    folder = tmp_path / "in"
    folder.mkdir()
    expected = 0
    for i, page in enumerate(HOSTILE_PAGES.values()):
        (folder / f"p{i}.html").write_bytes(page.encode("utf-8", "surrogatepass"))
        expected += 1
    for name, data in _encodings_cases().items():
        (folder / name).write_bytes(data)
        expected += 1
    (folder / "noise.bin").write_bytes(bytes(rng.randrange(256) for _ in range(3000)))
    first, second = _two_responses()
    (folder / "cut.warc").write_bytes(first + second[:40])
    lines = b"\n".join([b"{", b"[]", b'{"text": 5}', json.dumps({"text": TEXT_SEEDS[2]}).encode()])
    (folder / "feed.jsonl").write_bytes(lines)
    expected += 1 + 2 + 4
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
        expected += 1
    start = time.perf_counter()
    records = run_records([folder], tmp_path / "out")
    check(records, expected)
    assert time.perf_counter() - start < 30
