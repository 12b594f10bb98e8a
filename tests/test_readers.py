"""Readers: every input kind, encodings detected, one RawDoc per input in a stable order."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from cleaners.config import Config, ReadConfig
from cleaners.pipeline import process
from cleaners.read import iter_inputs
from cleaners.read.decode import decode_bytes

from tests.conftest import SEEDS, run_records
from tests.pages import ARTICLE_HTML, warc_record


def test_directory_walk_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".cache").mkdir()
    for rel in ("b/2.txt", "a.txt", "b/1.txt", ".hidden.txt", ".cache/x.txt"):
        (tmp_path / rel).write_text("Some article text about the city council meeting.")
    ids = [raw.id for raw in iter_inputs([tmp_path])]
    assert ids == ["a", "1", "2"]


def test_same_file_names_in_two_folders_get_distinct_ids(tmp_path: Path) -> None:
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text("A council meeting was held on Monday.")
    assert [raw.id for raw in iter_inputs([tmp_path])] == ["story", "story~2"]


def test_seed_dump_header_gives_date_and_leaves_body(tmp_path: Path) -> None:
    records = {r["id"]: r for r in run_records([SEEDS], tmp_path)}
    seed = records["000_52dd1108271556ea"]
    assert seed["format"] == "text-dump"
    assert seed["date"] == "2023-12-28"
    assert seed["body"].startswith("MOSCOW: Russia\u2019s relations with India")
    assert {"step": "dump_header", "action": "drop", "text": "date 2023-12-28", "count": 1} in seed["changes"]


def test_html_meta_charset_cp1252(tmp_path: Path) -> None:
    page = ARTICLE_HTML.replace("<head>", '<head><meta charset="windows-1252">')
    page = page.replace("Mayor", "Bürgermeisterin Müller")
    (tmp_path / "page.html").write_bytes(page.encode("cp1252"))
    [rec] = run_records([tmp_path], tmp_path / "out")
    assert rec["status"] == "ok"
    assert "Bürgermeisterin Müller" in rec["body"]
    assert rec["signals"]["encoding"] == "cp1252" and rec["signals"]["encoding_from"] == "meta"


FRENCH = ("Le maire a annoncé lundi une réforme du réseau de tramway à Zürich. Selon la "
          "municipalité, les travaux débuteront à l'été et dureront deux ans. « C'est une "
          "décision très attendue », a déclaré la présidente de l'association des usagers, qui "
          "réclamait depuis longtemps des rames plus fréquentes. Les commerçants du centre-ville "
          "craignent toutefois une baisse de fréquentation pendant le chantier.")


def test_declared_charset_that_lies_is_not_trusted() -> None:
    page = f'<html><head><meta charset="utf-8"></head><body><p>{FRENCH}</p></body></html>'
    decoded = decode_bytes(page.encode("cp1252"), ReadConfig(), html=True)
    assert FRENCH in decoded.text and decoded.how == "detected"


def test_boms_and_utf16_without_bom() -> None:
    text = "Die Regierung in Zürich hat am Dienstag neue Regeln beschlossen."
    for data, enc in ((b"\xef\xbb\xbf" + text.encode(), "utf-8"), (text.encode("utf-16"), "utf-16"),
                      (text.encode("utf-16-le"), "utf-16-le"), (text.encode("utf-16-be"), "utf-16-be")):
        decoded = decode_bytes(data, ReadConfig())
        assert decoded.text.lstrip("\ufeff") == text and decoded.encoding == enc


def test_legacy_encodings_are_detected() -> None:
    samples = {
        "cp1251": "Москва. Президент России заявил в среду о новых переговорах с партнёрами.",
        "cp1250": ("Předseda vlády řekl, že příští týden začne jednání o rozpočtu. Ministr financí "
                   "uvedl, že schodek by měl být nižší než letos, a opozice žádá, aby vláda "
                   "předložila podrobný plán úspor."),
        "shift_jis": "日本語のニュース記事です。東京で国際会議が開かれ、多くの代表が参加しました。",
        "cp1252": FRENCH,
        "cp1253": "Ελληνικά νέα σήμερα για την οικονομία της χώρας και τις εκλογές.",
    }
    for encoding, text in samples.items():
        assert decode_bytes(text.encode(encoding), ReadConfig()).text == text


def test_jsonl_records_html_and_text_with_hints(tmp_path: Path) -> None:
    lines = [
        {"id": "a1", "html": ARTICLE_HTML, "url": "https://example.org/news/1", "site": "Example"},
        {"id": "a2", "text": "The council met on Monday. " * 10, "title": "Council meets",
         "date": "2024-03-01"},
    ]
    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(line) + "\n" for line in lines)
    a1, a2 = run_records([path], tmp_path / "out")
    assert (a1["id"], a1["format"], a1["url"], a1["site"]) == ("a1", "jsonl", "https://example.org/news/1", "Example")
    assert "proposed budget" in a1["body"] and "<p>" not in a1["body"]
    assert (a2["title"], a2["date"]) == ("Council meets", "2024-03-01")


def test_json_array_file(tmp_path: Path) -> None:
    items = [{"text": f"Report number {i} on the harbour works, filed on Tuesday: the north quay "
                      "is half built."} for i in range(3)]
    (tmp_path / "batch.json").write_text(json.dumps(items))
    records = run_records([tmp_path / "batch.json"], tmp_path / "out")
    assert [r["id"] for r in records] == ["batch:1", "batch:2", "batch:3"]
    assert all(r["status"] == "ok" for r in records)


def test_gzipped_html_page(tmp_path: Path) -> None:
    (tmp_path / "p.html.gz").write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    [rec] = run_records([tmp_path], tmp_path / "out")
    assert rec["status"] == "ok" and rec["id"] == "p" and "proposed budget" in rec["body"]


def test_warc_response_records(tmp_path: Path) -> None:
    data = (warc_record("https://example.org/a", "text/html; charset=utf-8", ARTICLE_HTML.encode())
            + warc_record("https://example.org/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40))
    (tmp_path / "crawl.warc.gz").write_bytes(gzip.compress(data))
    page, image = run_records([tmp_path], tmp_path / "out")
    assert (page["status"], page["url"], page["format"]) == ("ok", "https://example.org/a", "warc")
    assert "proposed budget" in page["body"]
    assert (image["status"], image["error"]["kind"]) == ("skipped", "not_html")


def test_process_never_raises_on_a_raw_doc_with_no_content() -> None:
    from cleaners.read.rawdoc import RawDoc
    art = process(RawDoc(id="x", source="x", format="text", content=None), Config())
    assert art.status == "error" and art.error.kind == "empty"


def test_utf8_page_that_declares_latin1_is_read_as_utf8() -> None:
    page = f'<html><head><meta charset="iso-8859-1"></head><body><p>{FRENCH}</p></body></html>'
    decoded = decode_bytes(page.encode("utf-8"), ReadConfig(), html=True)
    assert FRENCH in decoded.text and decoded.encoding == "utf-8"


def test_page_files_are_read_by_the_process_that_cleans_them(tmp_path: Path) -> None:
    """A page or text file is listed, not read, by the reader (a run's main process ships
    its path to a worker); a file gone by the time it is read is an error record."""
    (tmp_path / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (tmp_path / "b.txt").write_text("A council meeting was held on Monday in the town hall.")
    raws = list(iter_inputs([tmp_path]))
    assert [(r.id, r.content, r.path is not None) for r in raws] == [("a", None, True),
                                                                     ("b", None, True)]
    (tmp_path / "b.txt").unlink()
    page, gone = (process(raw, Config()) for raw in raws)
    assert page.status == "ok" and page.format == "html" and "40 million euros" in page.body
    assert gone.status == "error" and gone.error.kind == "read_error"


def test_unknown_or_binary_formats_are_skipped_and_text_is_still_read(tmp_path: Path) -> None:
    """A file without a known extension is sniffed: text and HTML are read, a real .docx
    (a zip) or a PDF is a skipped record, not an article made of its bytes."""
    import zipfile
    with zipfile.ZipFile(tmp_path / "notes.docx", "w") as docx:
        docx.writestr("word/document.xml", "<w:document>Meeting at noon.</w:document>")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n")
    story = "The council met on Monday and approved the budget for the new harbour works."
    (tmp_path / "draft.md").write_text(f"# Harbour works\n\n{story}\n")
    (tmp_path / "README").write_text(f"{story}\n")
    (tmp_path / "saved.page").write_text(f"<!doctype html><html><body><p>{story}</p></body></html>")
    arts = {raw.id: process(raw, Config()) for raw in iter_inputs([tmp_path])}
    for name in ("notes", "scan"):
        assert (arts[name].status, arts[name].error.kind) == ("skipped", "unsupported_format")
    assert "ZIP archive" in arts["notes"].error.message and arts["notes"].body is None
    assert "PDF" in arts["scan"].error.message
    for name in ("draft", "README"):
        assert arts[name].status == "ok" and arts[name].format == "text", name
        assert "approved the budget" in arts[name].body
    assert arts["saved"].format == "html"


def test_count_inputs_matches_the_readers(tmp_path: Path) -> None:
    """The CLI's progress total: files, JSON Lines (blank lines aside), a JSON array, WARC
    response records (not the others), a missing path."""
    from cleaners.read.files import count_inputs
    (tmp_path / "a.txt").write_text("A council meeting was held on Monday.")
    (tmp_path / "b.html").write_text(ARTICLE_HTML)
    (tmp_path / "feed.jsonl").write_text('{"text": "one"}\n\n{"text": "two"}\nnot json\n')
    (tmp_path / "list.json").write_text(json.dumps([{"text": "x"}, {"text": "y"}]))
    request = b"WARC/1.0\r\nWARC-Type: request\r\nContent-Length: 4\r\n\r\nGET \r\n\r\n"
    data = (warc_record("https://example.org/a", "text/html", ARTICLE_HTML.encode()) + request
            + warc_record("https://example.org/b", "image/png", b"\x89PNG\r\n\x1a\n"))
    (tmp_path / "crawl.warc.gz").write_bytes(gzip.compress(data))
    paths = [tmp_path, tmp_path / "missing.txt"]
    assert count_inputs(paths) == len(list(iter_inputs(paths))) == 10
