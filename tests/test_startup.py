"""What a one-off command loads, and what it holds (bench/startup.py measures the time).

Each laziness is checked in a fresh interpreter's ``sys.modules`` after a real run, so that
an import moved back to a module's top fails here, not only in the benchmark.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import justext
import numpy as np
import pytest
from datasketch import MinHash
from lxml import html as lxml_html

from cleaners.cache import npz_xz_arrays
from cleaners.config import Config
from cleaners.corpus.minhash import permutations
from cleaners.metadata import page_metadata
from cleaners.metadata.sources import gather
from cleaners.run import pool_pays
from cleaners.stoplists import _NAMES, stoplist

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_52dd1108271556ea.txt"
NEVER = ("prefect", "dask", "distributed", "fastapi", "sklearn", "scipy", "datasketch", "redis")
HTML_ONLY = ("trafilatura", "justext", "htmldate", "courlan", "dateparser")
PAGE = """<html lang="en"><head><title>Harbour plan approved | Daily</title>
<link rel="canonical" href="https://daily.example/2024/05/harbour"></head><body><article>
<h1>Harbour plan approved</h1><p>{}</p></article></body></html>"""
PROSE = ("The city council approved the harbour plan on Monday after a long debate, and the "
         "work on the northern quay is to begin in spring. ") * 4


def loaded_after(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    """Top-level packages in ``sys.modules`` after ``newsclean ARGS`` ran in a fresh
    interpreter (the CLI's own entry point, as the console script calls it)."""
    code = ("import json, sys\nfrom newsclean.cli import app\n"
            f"app({args!r}, standalone_mode=False)\n"
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300, cwd=ROOT, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_a_text_run_loads_no_html_stack_and_no_corpus_extras(tmp_path: Path) -> None:
    loaded = loaded_after(["clean", str(SEED), "--out", str(tmp_path), "-q"])
    assert "cleaners" in loaded and "py3langid" in loaded  # the run did run
    assert loaded.isdisjoint(NEVER + HTML_ONLY), sorted(loaded & set(NEVER + HTML_ONLY))
    assert "langdetect" not in loaded  # py3langid decides; langdetect only for code pages


def test_an_html_run_loads_the_extractor_but_no_corpus_extras(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE.format(PROSE), encoding="utf-8")
    loaded = loaded_after(["clean", str(page), "--out", str(tmp_path / "out"), "-q"])
    assert "trafilatura" in loaded
    assert loaded.isdisjoint(NEVER), sorted(loaded & set(NEVER))


def test_one_input_with_jobs_starts_no_worker_pool(tmp_path: Path) -> None:
    """``--jobs 2`` on one page: cleaned in this process (no fork server loading the
    models for it), the same record as ``--jobs 1``."""
    code = ("import json, multiprocessing.forkserver as fs, sys\n"
            "from newsclean.cli import app\n"
            f"app(['clean', {str(SEED)!r}, '--out', {str(tmp_path / 'two')!r}, '-q', "
            "'--jobs', '2'], standalone_mode=False)\n"
            "print(fs._forkserver._forkserver_pid is None)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "True"
    loaded_after(["clean", str(SEED), "--out", str(tmp_path / "one"), "-q"])
    one, two = ((tmp_path / d / "articles.jsonl").read_text(encoding="utf-8")
                for d in ("one", "two"))
    assert one == two


def test_a_pool_only_for_more_than_one_worker_task(tmp_path: Path) -> None:
    config = Config().with_overrides({"run": {"worker_task": 3}})
    for n in range(4):
        (tmp_path / f"{n}.txt").write_text(PROSE, encoding="utf-8")
    assert not pool_pays([tmp_path / "0.txt"], config)
    assert not pool_pays([tmp_path / f"{n}.txt" for n in range(3)], config)
    assert pool_pays([tmp_path], config)  # 4 files
    (tmp_path / "many.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    assert pool_pays([tmp_path / "many.jsonl"], config)  # records unknown until read


LANGUAGE_TEXTS = {
    "de": "Die Stadt Zürich hat am Montag den Ausbau des Hafens beschlossen. Der Gemeinderat "
          "stimmte nach langer Debatte zu, die Kosten über zehn Jahre zu verteilen.",
    "fr": "Le conseil municipal a approuvé lundi le projet du port après un long débat; les "
          "travaux sur le quai nord doivent commencer au printemps.",
    "ru": "Городской совет в понедельник одобрил план расширения порта после долгих дебатов.",
    "ja": "市議会は月曜日、長い議論の末に港の拡張計画を承認した。工事は春に始まる予定だ。",
    "zu": "Umkhandlu wedolobha uvumile uhlelo lokwandiswa kwethekwini ngoMsombuluko ngemuva "
          "kwenkulumompikiswano ende.",
}


def identify_in_fresh_process(cache: str) -> dict:
    """Each sample's (language, score) from :func:`cleaners.language._langid` and from
    py3langid's own loader, and how our model's tables are held, in a fresh process."""
    code = ("import json, sys, numpy as np\n"
            "from cleaners.language import _langid\n"
            "from py3langid.langid import LanguageIdentifier, MODEL_FILE\n"
            "ours, theirs = _langid(), LanguageIdentifier.from_model_file(MODEL_FILE)\n"
            "texts = json.loads(sys.stdin.read())\n"
            "print(json.dumps({'ours': [ours.classify(t) for t in texts],\n"
            "                  'theirs': [theirs.classify(t) for t in texts],\n"
            "                  'mapped': isinstance(getattr(ours.tk_nextmove, 'obj', None), "
            "np.memmap)}))")
    texts = json.dumps(list(LANGUAGE_TEXTS.values()))
    result = subprocess.run([sys.executable, "-c", code], input=texts, capture_output=True,
                            text=True, timeout=300, cwd=ROOT,
                            env={**os.environ, "NEWSCLEAN_CACHE_DIR": cache})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_language_model_from_the_cache_identifies_as_py3langid(tmp_path: Path) -> None:
    """Unpacked into the cache by the first process, memory-mapped by the next; both give
    py3langid's own languages and scores."""
    for attempt in range(2):
        got = identify_in_fresh_process(str(tmp_path / "cache"))
        assert got["ours"] == got["theirs"], attempt
        assert [lang for lang, _ in got["ours"]] == list(LANGUAGE_TEXTS)
        assert got["mapped"]
    [folder] = (tmp_path / "cache").iterdir()
    assert folder.name.startswith("model-")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["names"] + [f"{n}.npy" for n in (folder / "names").read_text().split()])


def test_without_a_usable_cache_the_model_loads_as_py3langid_loads_it(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for cache in ("off", str(blocker / "cache")):  # off, and a cache that cannot be made
        got = identify_in_fresh_process(cache)
        assert got["ours"] == got["theirs"] and not got["mapped"], cache
    assert blocker.read_text() == "not a folder"


def test_a_damaged_cache_is_unpacked_again(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    monkeypatch.setenv("NEWSCLEAN_CACHE_DIR", str(tmp_path))
    first = npz_xz_arrays(MODEL_DIR / MODEL_FILE)
    assert first is not None and isinstance(first["ptc"], np.memmap)
    [folder] = tmp_path.iterdir()
    names = (folder / "names").read_text()
    (folder / "ptc.npy").unlink()  # a new, empty file: the mapped one stays whole
    (folder / "ptc.npy").write_bytes(b"")  # as if cut by a full disk
    again = npz_xz_arrays(MODEL_DIR / MODEL_FILE)
    assert again is not None and (folder / "names").read_text() == names
    assert (again["ptc"] == first["ptc"]).all()


def test_stop_lists_are_justexts() -> None:
    """Read from jusText's folder without importing it: the same words for every language."""
    for code, name in _NAMES.items():
        assert stoplist.__wrapped__(code) == frozenset(justext.get_stoplist(name)), code
    assert stoplist("ja") is None


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 0)])
def test_minhash_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    reference = MinHash(num_perm=num_perm, seed=seed, hashfunc=int, scheme="affine32")
    a, b = permutations(num_perm, seed)
    assert a.dtype == b.dtype == np.uint32
    assert (a == reference.permutations[0]).all() and (b == reference.permutations[1]).all()


def test_metadata_holds_no_page_tree() -> None:
    """lxml's "smart" strings reference their element, and so the whole parsed page: a
    record's url was one, and kept every page of a batch alive (100 MB over 200 pages)."""
    tree = lxml_html.document_fromstring(PAGE.format(PROSE))
    assert type(gather(tree).url) is str
    meta = page_metadata(tree, None, Config().metadata)
    assert meta.url == "https://daily.example/2024/05/harbour" and type(meta.url) is str


def test_the_report_templates_compile_once_into_the_cache(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {"NEWSCLEAN_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):
        loaded_after(["clean", str(SEED), "--out", str(out), "-q"], env)
    compiled = list((tmp_path / "cache" / "templates").iterdir())
    assert compiled and all(p.name.startswith("__jinja2_") for p in compiled)
    assert (out / "report.html").stat().st_size > 1000


def test_the_console_script_keeps_its_exit_codes_and_outputs(tmp_path: Path) -> None:
    """``entry`` freezes the objects out of the last collections: the outputs are whole and
    the exit codes those of the command."""
    run = [sys.executable, "-m", "newsclean", "clean", str(SEED), "--out"]
    ok = subprocess.run(run + [str(tmp_path / "ok"), "-q"], capture_output=True, text=True,
                        timeout=300, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    [record] = [json.loads(line) for line in (tmp_path / "ok" / "articles.jsonl").open()]
    assert record["status"] == "ok" and (tmp_path / "ok" / "report.html").is_file()
    bad = subprocess.run(run + [str(tmp_path / "bad"), "--config", str(tmp_path / "none.toml")],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert bad.returncode == 2 and "error:" in bad.stderr
