"""The article minimum: a record whose cleaned body is a lone prompt or one short line is a
``not_article`` skip; a 'Read more from X' line is chrome; headline-only records stay."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaners.config import Config
from cleaners.pipeline import process, process_batch
from cleaners.read.rawdoc import RawDoc
from cleaners.text.lexicon import match_line

from tests.conftest import SEEDS, run_records

PROMPT = "Read more from The Daily Outlet"


def clean_text(text: str, **hints: str) -> dict:
    raw = RawDoc(id="t", source="t.txt", format="text", content=text.encode("utf-8"),
                 hints=dict(hints))
    return process(raw, Config()).to_dict()


@pytest.mark.parametrize("line", [PROMPT, "READ MORE FROM THE DAILY OUTLET",
                                  "Read more at dailyoutlet.com", "Read more on BBC News",
                                  "More from The Daily Outlet", "\u2022 Read more from Reuters"])
def test_read_more_from_a_site_is_a_chrome_line(line: str) -> None:
    entry = match_line(line)
    assert entry is not None and entry.cls == "related" and entry.tail


@pytest.mark.parametrize("line", [
    "Read more from the report, the judge told the jury on Tuesday.",
    "Readers wanted more from the council than a one-page summary of the budget.",
    "If you want to read more on this subject, the council has published its report."])
def test_prose_about_reading_more_is_not_chrome(line: str) -> None:
    assert match_line(line) is None


def test_a_read_more_prompt_after_a_seed_story_goes_with_a_change() -> None:
    seed = (SEEDS / "001_94717b999ff50f1a.txt").read_text(encoding="utf-8")
    plain = clean_text(seed)
    prompted = clean_text(seed.rstrip() + f"\n\n{PROMPT}\n")
    assert prompted["status"] == "ok"
    assert PROMPT not in prompted["body"] and prompted["body"] == plain["body"]
    assert {"step": "chrome", "action": "drop_related", "text": PROMPT,
            "count": 1} in prompted["changes"]
    last = seed.rstrip().rsplit("\n\n", 1)[1]
    assert prompted["body"].endswith(last)


def test_a_text_that_is_only_the_prompt_is_not_an_article() -> None:
    rec = clean_text(PROMPT + "\n")
    assert (rec["status"], rec["error"]["kind"]) == ("skipped", "not_article")
    assert not rec["body"]


@pytest.mark.parametrize("text", ["Photo gallery: flood waters in the old town",
                                  "The mayor resigned on Friday.",
                                  "Weather: sunny, 21C"])
def test_a_body_under_the_minimum_is_not_an_article(text: str) -> None:
    rec = clean_text(text)
    assert (rec["status"], rec["error"]["kind"]) == ("skipped", "not_article"), rec
    assert "under the article minimum of 70" in rec["error"]["message"]


def test_a_short_report_of_two_sentences_is_an_article() -> None:
    text = ("The mayor of Harbourton resigned on Friday. She said the budget dispute had made "
            "her position impossible.")
    rec = clean_text(text)
    assert rec["status"] == "ok" and rec["body"] == text


def test_headline_only_records_stay_articles(tmp_path: Path) -> None:
    """UCI-style records (shared/bench/stories/uci): the body is the headline, and so is the
    title; without a title a lone line is not an article."""
    headlines = ["Fed official says weak data caused by weather, should not slow taper",
                 "US open: Stocks fall after Fed official hints at accelerated tapering",
                 "Apple's new iPad sales disappoint"]
    rows = [{"id": f"h{i}", "title": h, "text": h, "date": "2014-03-10"}
            for i, h in enumerate(headlines)]
    rows.append({"id": "untitled", "text": headlines[2]})
    (tmp_path / "uci.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    records = {r["id"]: r for r in run_records([tmp_path / "uci.jsonl"], tmp_path / "out")}
    for i, headline in enumerate(headlines):
        assert (records[f"h{i}"]["status"], records[f"h{i}"]["body"]) == ("ok", headline)
    assert records["untitled"]["error"]["kind"] == "not_article"


def test_a_short_article_in_a_wide_script_is_measured_in_columns() -> None:
    """40 Japanese characters say what 80 English ones do: wide characters count two."""
    text = "東京で国際会議が開かれ、多くの代表が参加しました。気候変動について話し合われました。"
    assert len(text) < 70
    rec = clean_text(text)
    assert rec["status"] == "ok" and rec["body"] == text
    assert clean_text("東京で会議。")["error"]["kind"] == "not_article"


def test_an_article_the_batch_template_leaves_too_short_is_not_an_article() -> None:
    template = "Harbour Daily | Independent local news since 1921"
    stories = [
        "The council approved the harbour budget on Monday after a two-year dispute over "
        "who would pay for the works.",
        "A new ferry route to the islands will open in May, the operator said, with four "
        "crossings a day in summer.",
        "Teachers in the district will strike on Friday over pay, closing most primary "
        "schools for the day.",
        "Regatta results are on page 12."]
    raws = [RawDoc(id=f"a{i}", source="feed.jsonl", format="jsonl",
                   content=f"{story}\n\n{template}", hints={"site": "Harbour Daily"})
            for i, story in enumerate(stories)]
    arts = process_batch(raws, Config())
    assert [a.status for a in arts] == ["ok", "ok", "ok", "skipped"]
    assert all(template not in (a.body or "") for a in arts)
    assert arts[3].error.kind == "not_article" and "31 characters" in arts[3].error.message
    assert [c.action for c in arts[3].changes if c.step == "site_template"] == ["drop_template"]
