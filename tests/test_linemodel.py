"""The line model of text dumps: real pages rendered to text, headers of real layouts,
the guard that keeps an article when the model is wrong, and deterministic training."""
from __future__ import annotations

import gzip
import json
import sys
from dataclasses import replace

import numpy as np
import pytest

from cleaners.config import Config, TextConfig
from cleaners.pipeline import process
from cleaners.read.rawdoc import RawDoc
from cleaners.text.chrome import strip_chrome
from cleaners.text.layout import split_lines
from cleaners.text.lexicon import match_line
from cleaners.text.linefeatures import FEATURES, line_table
from cleaners.text.linemodel import LineModel, Stage, load_line_model
from tests.conftest import ROOT, SHARED
from tests.test_chrome import STORY

sys.path[:0] = [str(ROOT / "scripts"), str(SHARED / "tools")]
SCRAPINGHUB = SHARED / "bench/extraction/scrapinghub"


def clean(text: str, config: Config | None = None) -> dict:
    raw = RawDoc(id="t", source="t.txt", format="text", content=text)
    return process(raw, config or Config()).to_dict()


def test_packaged_model_reads_the_features_the_code_computes() -> None:
    model = load_line_model()
    assert model.features == FEATURES
    lines = split_lines("\n\n".join(["Home", *STORY, "Share this article"]))[0]
    table = line_table(lines, [match_line(ln.text) for ln in lines], frozenset({"the", "of"}))
    assert table.shape == (len(lines), len(FEATURES))
    proba = model.proba(table)
    assert proba.shape == (len(lines),) and ((proba >= 0) & (proba <= 1)).all()
    assert proba[1:-1].min() > proba[[0, -1]].max()  # the story over its chrome


@pytest.mark.skipif(not SCRAPINGHUB.exists(), reason="../shared/bench is not beside the clone")
@pytest.mark.parametrize("renderer", ["inscriptis", "html2text"])
def test_pages_of_another_benchmark_rendered_to_text_lose_their_chrome(renderer: str) -> None:
    """ScrapingHub's news pages (never trained on) as dumps: the model's text is far
    closer to the gold than the raw dump and the rules alone, and loses little of it."""
    import linecorpus
    import score_wcxb
    gold = json.loads((SCRAPINGHUB / "ground-truth.json").read_text(encoding="utf-8"))
    rules = replace(Config(), text=TextConfig(line_model="off"))
    raw_f1, rules_f1, model_f1, recall = [], [], [], []
    for path in sorted((SCRAPINGHUB / "html").glob("*.html.gz"))[:25]:
        html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        dump, truth = linecorpus.RENDERERS[renderer](html), gold[path.name.split(".")[0]]["articleBody"]
        raw_f1.append(score_wcxb.word_prf(dump, truth)[2])
        rules_f1.append(score_wcxb.word_prf(clean(dump, rules)["body"] or "", truth)[2])
        p, r, f = score_wcxb.word_prf(clean(dump)["body"] or "", truth)
        model_f1.append(f)
        recall.append(r)
    assert np.mean(model_f1) >= np.mean(raw_f1) + 0.1
    assert np.mean(model_f1) >= np.mean(rules_f1) + 0.08
    assert np.mean(recall) >= 0.9


def test_every_model_drop_says_which_signals_decided() -> None:
    # the site's name first: the rules' leading run of menu lines does not start, the model decides
    menu = ["Harbour Times", "* Home", "* World", "* Business", "* Sport", "Subscribe & Save"]
    footer = ["* About us", "* Contact", "* Privacy policy", "Follow us",
              "\u00a9 2025 Harbour Times Media Ltd"]
    rec = clean("\n".join(menu) + "\n\n" + "\n\n".join(STORY) + "\n\n" + "\n".join(footer))
    kept = rec["body"].split("\n\n")
    assert kept[:len(STORY)] == STORY  # every paragraph of the story, in order
    assert len(kept) - len(STORY) <= 2  # of 11 chrome lines, at most 2 stay
    model_drops = [c for c in rec["changes"] if c["action"] == "drop_line_model"]
    assert model_drops and all(c["why"].startswith("p=") for c in model_drops)
    assert {c["text"] for c in model_drops} <= set(menu + footer)


def test_a_model_that_calls_everything_chrome_cannot_lose_the_article() -> None:
    n = len(FEATURES)
    hostile = LineModel(FEATURES, (), (Stage(np.zeros(n), np.ones(n), np.zeros(n), -50.0),))
    body, _, _ = strip_chrome("\n\n".join(STORY + ["Share this article"]), frozenset({"the", "of", "a"}),
                              model=hostile, threshold=0.4)
    assert body == "\n\n".join(STORY)


def test_the_guard_is_noted_in_the_record() -> None:
    rec = clean("\n\n".join(STORY), replace(Config(), text=TextConfig(line_threshold=1.0)))
    assert rec["body"] == "\n\n".join(STORY)
    assert "densest prose run" in rec["signals"]["line_model"]
    guards = [c for c in rec["changes"] if c["action"] == "article_guard"]
    assert len(guards) == 1 and "line model's drops undone" in guards[0]["text"]


def test_markdown_dump_keeps_link_text_not_targets() -> None:
    text = ("* [Home](https://example.com/)\n* [World](https://example.com/world)\n\n"
            "# Harbour plan approved after two years\n\n"
            + "\n\n".join(s.replace("old harbour", "[old harbour](https://example.com/h)")
                          for s in STORY))
    rec = clean(text)
    assert rec["title"] == "Harbour plan approved after two years"
    assert rec["body"] == "\n\n".join(STORY)
    assert any(c["action"] == "drop_markdown" for c in rec["changes"])


def test_header_fields_parted_by_separators_are_read_as_metadata() -> None:
    header = ["Skip to content", "",
              "Harbour plan approved after two years", "", "",
              "By Jane Doe | Reuters | Updated: Mar 4, 2024, 09:12 IST",
              "Facebook X WhatsApp Email"]
    rec = clean("\n".join(header) + "\n\n" + "\n\n".join(STORY))
    assert rec["title"] == "Harbour plan approved after two years"
    assert (rec["authors"], rec["credit"], rec["date"]) == (["Jane Doe"], "Reuters", "2024-03-04")
    assert rec["body"] == "\n\n".join(STORY)
    dropped = {c["text"]: c["action"] for c in rec["changes"]}
    assert dropped["Facebook X WhatsApp Email"] == "drop_share"


def test_training_is_deterministic() -> None:
    import linecorpus
    import train_line_model as T
    dumps = [linecorpus.Dump(f"{i}", f"site{i % 3}.example", "article", "clean", text, text,
                             []) for i, text in enumerate(
        ["\n\n".join(STORY), "Home\nNews\n\n" + STORY[0], STORY[2] + "\n\nShare\nPrint"] * 4)]
    docs = [T.prepare(d, Config()) for d in dumps]
    for doc in docs:
        doc.labels[:] = [int(len(ln.text) > 30) for ln in doc.lines]
    assert json.dumps(T.fit(docs, share=1)) == json.dumps(T.fit(docs, share=1))


def test_the_exported_trees_give_the_learning_library_s_probabilities() -> None:
    """linemodel.Trees, numpy alone at run time, reproduces sklearn's own predictions, and
    its per-signal contributions add up to the log-odds."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    import train_line_model as T
    from cleaners.text.linemodel import _stage
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, 6))
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0.3).astype(int)
    params = dict(T.TREES, max_iter=30)
    trees = _stage(T.tree_stage(x, y, params))
    expected = HistGradientBoostingClassifier(**params).fit(x, y).predict_proba(x)[:, 1]
    assert np.abs(trees.proba(x) - expected).max() < 1e-9
    logit = np.log(expected / (1 - expected))
    assert np.abs(trees.contributions(x).sum(axis=1) + trees.bias
                  + trees.value[trees.roots].sum() - logit).max() < 1e-6
