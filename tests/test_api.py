"""The Python API (``newsclean.clean``, ``clean_many``, ``Config``): the README's example runs
as written, records equal the CLI's, bad input gives error records, the import stays light."""
from __future__ import annotations

import doctest
import json
import re
import subprocess
import sys
from pathlib import Path

import newsclean
import newsclean.api
from cleaners.config import Config

from tests.conftest import ROOT, SEEDS
from tests.test_cli import cli

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BROKEN_HTML = b"<html><body><div><p>Half a page <b>cut in the mid"
RUN_SPECIFIC = ("source",)  # a path as given: the CLI's and the API's may be spelt apart


def readme_example() -> str:
    """The code block of the README's "The Python API" section, as it stands."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## The Python API\n\n```python\n(.*?)^```", readme, re.S | re.M)
    assert match, "README.md has no '## The Python API' section with a python block"
    return match.group(1)


def cli_records(paths: list[Path], out: Path) -> list[dict]:
    result = cli("clean", *map(str, paths), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]


def comparable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in RUN_SPECIFIC}


def test_readme_example_runs_as_written(capsys, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(readme_example(), "README.md", "exec"), {"__name__": "readme"})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ok ")
    ids = [line.split()[0] for line in lines[1:]]
    assert ids == sorted(p.name.split(".")[0] for p in SEEDS.iterdir()) + ["x", "missing"]
    assert lines[-2].split()[:3] == ["x", "ok", "000_52dd1108271556ea"]  # a copy of seed 000
    assert lines[-1].split()[:2] == ["missing", "error"]


def test_docstring_examples() -> None:
    failed, tried = doctest.testmod(newsclean.api)
    assert tried >= 6 and failed == 0


def test_clean_many_equals_the_cli_on_the_seeds(tmp_path: Path) -> None:
    paths = sorted(SEEDS.iterdir())
    expected = cli_records(paths, tmp_path / "out")
    got = [a.to_dict() for a in newsclean.clean_many(paths)]
    assert [r["id"] for r in got] == [r["id"] for r in expected]
    for mine, theirs in zip(got, expected):
        assert json.loads(json.dumps(mine)) == theirs  # every field, source included


def test_clean_equals_the_cli_for_one_file_but_the_corpus_fields(tmp_path: Path) -> None:
    seed = sorted(SEEDS.iterdir())[2]
    (expected,) = cli_records([seed], tmp_path / "out")
    got = newsclean.clean(seed.read_bytes(), kind="text").to_dict()
    assert got.pop("id") != expected.pop("id")  # a content hash, not the file name
    corpus = {"duplicate_of": None, "story": None, "first_report": None, "reused": None,
              "scores": {"completeness": None, "originality": None}}
    assert {k: got.pop(k) for k in corpus} == corpus  # the corpus step's, not run
    assert expected.pop("story") and expected["scores"]["completeness"] is not None
    for name in corpus:
        expected.pop(name, None)
    assert set(expected["signals"]) - set(got["signals"]) == {"completeness", "story"}
    for name in ("completeness", "story"):  # the corpus step's signals
        expected["signals"].pop(name)
    assert got["status"] == "ok"
    assert comparable(json.loads(json.dumps(got))) == comparable(expected)


def test_bad_input_gives_the_cli_error_records(tmp_path: Path) -> None:
    """Empty, binary and broken HTML content, and a missing path: the records the CLI
    writes for files holding the same bytes, never an exception."""
    folder = tmp_path / "in"
    folder.mkdir()
    cases = {"empty.txt": b"", "image.bin": PNG, "broken.html": BROKEN_HTML,
             "blank.txt": b"  \n"}
    for name, data in cases.items():
        (folder / name).write_bytes(data)
    missing = tmp_path / "nowhere" / "gone.html"
    expected = {r["id"]: r for r in cli_records([folder, missing], tmp_path / "out")}
    assert expected["gone"]["error"]["kind"] == "not_found"
    for name, data in cases.items():
        stem = name.split(".")[0]
        kind = {"html": "html", "txt": "text"}.get(name.split(".")[1])
        for content in (data, data.decode("latin-1")):
            if isinstance(content, str) and stem == "image":
                continue  # binary bytes as str are not what a caller holds
            got = newsclean.clean(content, kind=kind).to_dict()
            want = expected[stem]
            assert got["status"] == want["status"] != "ok", name
            assert got["error"]["kind"] == want["error"]["kind"], name
    (gone,) = newsclean.clean_many([missing])
    assert comparable(gone.to_dict()) == comparable(expected["gone"])


def test_records_as_dicts_and_paths_mixed(tmp_path: Path) -> None:
    text = (SEEDS / sorted(p.name for p in SEEDS.iterdir())[0]).read_text(encoding="utf-8")
    records = [{"id": "a", "text": text, "site": "example.com"}, {"text": ""}, 42,
               {"html": "<p>x</p>", "id": "a"}, str(tmp_path / "none.txt")]
    got = list(newsclean.clean_many(records))
    assert [a.id for a in got] == ["a", "record:2", "record:3", "a~2", "none"]
    assert got[0].status == "ok" and got[0].site == "example.com" and got[0].date
    assert [a.error.kind for a in got[1:] if a.error] == ["empty", "bad_record", "not_article",
                                                         "not_found"]


def test_store_remembers_across_calls(tmp_path: Path) -> None:
    """With ``store``, a second call sees the first's articles: a copy is a duplicate and
    not a first report; without it each call starts empty."""
    seed = sorted(SEEDS.iterdir())[1]
    text = seed.read_text(encoding="utf-8")
    store = tmp_path / "index.sqlite"
    (first,) = newsclean.clean_many([{"id": "first", "text": text}], store=store)
    (again,) = newsclean.clean_many([{"id": "again", "text": text}], store=str(store))
    (alone,) = newsclean.clean_many([{"id": "alone", "text": text}])
    assert first.duplicate_of is None and again.duplicate_of == "first"
    assert again.scores["originality"] == 0.0 and alone.scores["originality"] == 1.0


def test_streams_batch_by_batch() -> None:
    """The first batch's records come before the later inputs are read."""
    text = "The council approved the new bridge on Monday after a long debate. " * 4
    read: list[int] = []

    def records():
        for n in range(5):
            read.append(n)
            yield {"id": f"r{n}", "text": f"Item {n}. " + text}

    config = Config().with_overrides({"run": {"batch_size": 2}})
    stream = newsclean.clean_many(records(), config=config)
    assert next(stream).id == "r0" and read == [0, 1]
    assert [a.id for a in stream] == ["r1", "r2", "r3", "r4"]


def test_config_and_article_are_the_library_types() -> None:
    from cleaners.record import Article

    assert newsclean.Config is Config and newsclean.Article is Article
    assert {"clean", "clean_many", "Config", "Article"} <= set(dir(newsclean))
    assert (ROOT / "newsclean" / "py.typed").is_file()


def test_import_is_light() -> None:
    """``import newsclean`` loads neither the pipeline nor Prefect (names load on use)."""
    code = ("import sys, newsclean; heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('prefect', 'cleaners', 'trafilatura', 'lxml', 'numpy') and m not in "
            "('cleaners', 'cleaners.lazy')]; print(heavy)")  # the package and its PEP 562 helper
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"
