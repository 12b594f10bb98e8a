"""Text-level cleaning on text that lost its markup: chrome out, story in, words untouched."""
from __future__ import annotations

import re

import ftfy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners.config import Config
from cleaners.pipeline import process
from cleaners.read.rawdoc import RawDoc
from cleaners.text.lexicon import entries, match_line
from cleaners.text.lines import byline_names, credit_line, is_embed_footer, is_timestamp, line_date
from cleaners.text.repair import drop_repeated_paragraphs, fix_punctuation

STORY = [
    "LONDON: The city council on Monday approved a plan to rebuild the old harbour, ending "
    "two years of argument over how the works would be paid for and who would run the port.",
    "\u201cThis is the day the waterfront comes back to life,\u201d the mayor said.",
    "Under the plan, the city will borrow 40 million pounds over ten years, while the port "
    "authority will cover the rest of the cost from berth fees charged to ferry companies.",
    "Opposition councillors said the repayment schedule would leave too little money for "
    "schools and roads, and they voted against the plan as a bloc on Monday evening.",
    "Work on the northern quay is expected to begin in the spring and to last until the end "
    "of next year, according to the chief engineer of the port authority.",
]


def clean(text: str) -> dict:
    return process(RawDoc(id="t", source="t.txt", format="text", content=text), Config()).to_dict()


@pytest.mark.parametrize("entry", entries(), ids=lambda e: e.id)
def test_each_lexicon_entry_has_a_true_positive_and_a_true_negative(entry) -> None:
    assert match_line(entry.pos) is not None, entry.pos
    assert match_line(entry.neg) is None, entry.neg


@pytest.mark.parametrize("entry", [e for e in entries() if e.search], ids=lambda e: e.id)
def test_every_line_a_search_entry_matches_holds_one_of_its_needs(entry) -> None:
    """The scan is skipped on a line without any of the entries' 'needs': that must never
    skip a line an entry matches. Lines are generated from the pattern itself (lower case,
    as the scan reads them), so a pattern edited without its needs fails here."""
    pattern = re.compile(entry.regex.pattern)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.from_regex(pattern, fullmatch=True))
    def holds_a_need(line: str) -> None:
        assert any(word in line for word in entry.needs), line

    holds_a_need()
    assert match_line(f"Prefix words. {entry.pos}") is not None


def test_line_signals() -> None:
    assert is_timestamp("Dec 28, 2023\u00a0-\u00a014:42") and is_timestamp("Updated: 5 Jan 2024, 10:30 IST")
    assert not is_timestamp("28 people died on May 5 in the flood")
    assert byline_names("Yeshi Seli By") == ["Yeshi Seli"]
    assert byline_names("ByBySantosh KumarMay 22, 2025") == ["Santosh Kumar"]
    assert byline_names("By Jane Doe and John Smith") == ["Jane Doe", "John Smith"]
    assert byline_names("By the way, he said") is None
    assert credit_line("Express News Service") == "Express News Service"
    assert credit_line("(With inputs from PTI)") == "PTI"
    assert credit_line("Express trains were cancelled") is None
    assert is_embed_footer("\u2014 Dr. S. Jaishankar (@DrSJaishankar) December 27, 2023")
    assert line_date("Dec 28, 2023 - 14:42") == "2023-12-28" and line_date("28 June 2024") == "2024-06-28"
    assert line_date("Updated 14:42") is None


def test_header_chrome_becomes_metadata_and_leaves_the_body() -> None:
    text = "\n\n".join(["\u2022 Home\n  \u2022 World\n  \u2022 Harbour plan approved after two years",
                        "Harbour plan approved after two years", "Jane Doe By", "Express News Service",
                        "Mar 4, 2024 - 09:12", *STORY])
    rec = clean(text)
    assert rec["title"] == "Harbour plan approved after two years"
    assert (rec["authors"], rec["credit"], rec["date"]) == (["Jane Doe"], "Express News Service", "2024-03-04")
    assert rec["body"] == "\n\n".join(STORY)
    dropped = {(c["action"], c["text"]) for c in rec["changes"]}
    assert ("drop_byline", "Jane Doe By") in dropped and ("drop_timestamp", "Mar 4, 2024 - 09:12") in dropped


def test_teaser_tail_and_footer_go_but_short_story_paragraphs_stay() -> None:
    tail = ["Related Posts", "Storm closes ferry routes across the channel",
            "Ferry companies cancelled all crossings on Tuesday as winds reached\u2026",
            "ByByJohn Smith Jan 16, 2025", "Leave a Reply",
            "Your email address will not be published. Required fields are marked *", "Scroll to Top"]
    rec = clean("\n\n".join(STORY + ["What's Your Reaction?"] + tail))
    assert rec["body"] == "\n\n".join(STORY)
    assert rec["authors"] == [] and rec["date"] is None  # a teaser's byline and date are not ours
    assert rec["truncated"] is False


def test_paywall_right_after_the_lede_is_truncation() -> None:
    rec = clean("\n\n".join(STORY[:2] + ["Subscribe to continue reading", "Already a subscriber? Log in"]))
    assert rec["truncated"] is True and rec["body"] == "\n\n".join(STORY[:2])


def test_subscribe_box_after_a_complete_story_is_not_truncation() -> None:
    rec = clean("\n\n".join(STORY + ["Related Posts", "Storm closes ferry routes\u2026",
                                     "Discover more from Harbour Daily",
                                     "Subscribe now to keep reading and get access to the full archive.",
                                     "Continue reading"]))
    assert rec["truncated"] is False and rec["body"] == "\n\n".join(STORY)


def test_repairs() -> None:
    fixed, changes = fix_punctuation("Charanjit Singh. , in charge. He said it will remain. ,\n\n"
                                     "It is Sovereign.\u201dEquality. And \u201cfair.\u201dThen ByByJane Doe")
    assert fixed == ("Charanjit Singh, in charge. He said it will remain.\n\n"
                     "It is Sovereign.\u201d Equality. And \u201cfair.\u201d Then By Jane Doe")
    assert {c.action for c in changes} == {"stray_period_comma", "trailing_comma", "space_after_quote",
                                           "doubled_byline"}
    text, changes = drop_repeated_paragraphs("\n\n".join([STORY[0], STORY[2], STORY[0]]))
    assert text == "\n\n".join([STORY[0], STORY[2]]) and changes[0].action == "drop_repeat"


def test_mojibake_entities_and_no_break_spaces_are_fixed() -> None:
    rec = clean("The mayor\u00e2\u20ac\u2122s plan &amp; budget\u00a0passed. " + STORY[2])
    assert rec["body"].startswith("The mayor\u2019s plan & budget passed.")
    assert "\u00a0" not in rec["body"]


def test_german_article_is_cleaned_not_emptied() -> None:
    story = ["BERLIN: Der Stadtrat hat am Montag den Umbau des alten Hafens beschlossen und damit "
             "einen zweijährigen Streit über die Finanzierung der Arbeiten beendet.",
             "\u201eDas ist ein guter Tag für die Stadt\u201c, sagte die Bürgermeisterin.",
             "Die Arbeiten am Nordkai sollen im Frühjahr beginnen und bis Ende des nächsten Jahres "
             "dauern, wie der Chefingenieur der Hafenbehörde mitteilte."]
    rec = clean("\n\n".join(story + ["Advertisement", "Share this article"]))
    assert rec["body"] == "\n\n".join(story) and rec["language"] == "de"


def test_japanese_article_is_left_whole() -> None:
    text = "東京で国際会議が開かれ、多くの代表が参加しました。会議では気候変動について話し合われました。"
    rec = clean(text)
    assert rec["status"] == "ok" and rec["body"] == text


def alnum(text: str) -> str:
    return re.sub(r"[\W_]+", "", ftfy.fix_text(text)).lower()


CHROME = [e.pos for e in entries()] + ["Dec 28, 2023 - 14:42", "By Jane Doe", "Storm hits coast\u2026"]
ARTIFACTS = [lambda p: p.replace(", ", ". , ", 1), lambda p: p.replace(" ", "\u00a0", 3),
             lambda p: p.replace("\u2019", "\u00e2\u20ac\u2122"), lambda p: p + " ,", lambda p: p]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(STORY), st.sampled_from(CHROME)), min_size=1, max_size=12),
       st.lists(st.sampled_from(ARTIFACTS), min_size=12, max_size=12))
def test_kept_paragraphs_keep_their_words(parts: list[str], artifacts: list) -> None:
    """For every kept paragraph, its words appear in the input in the same order."""
    source = "\n\n".join(f(p) for p, f in zip(parts, artifacts))
    rec = clean(source)
    if rec["status"] != "ok":
        assert rec["error"]["kind"] == "not_article"
        return
    original = alnum(source)
    for paragraph in rec["body"].split("\n\n"):
        assert alnum(paragraph) in original, paragraph


def test_a_headline_only_record_keeps_its_headline() -> None:
    rec = process(RawDoc(id="h", source="h", format="jsonl", content="Fed official says weak data caused by weather",
                         hints={"title": "Fed official says weak data caused by weather"}), Config()).to_dict()
    assert rec["status"] == "ok" and rec["body"] == "Fed official says weak data caused by weather"


def test_text_that_is_all_chrome_is_not_an_article() -> None:
    rec = clean("Leave a Reply\n\nScroll to Top\n\nShare this article")
    assert (rec["status"], rec["error"]["kind"]) == ("skipped", "not_article")
