"""One typed configuration for every threshold, with the source of each default.

Signals are computed first; the decisions that use them read their thresholds from here
(Dolma's tagger/mixer split). Each field's ``metadata["source"]`` says where its default
comes from, so a user tuning a value knows what evidence it rests on.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any


def setting(default: Any, source: str) -> Any:
    """A config field with its default and where that default comes from."""
    return field(default=default, metadata={"source": source})


@dataclass(frozen=True)
class ReadConfig:
    max_bytes: int = setting(20_000_000, "issue #3: inputs over 20 MB are refused as too large")
    max_decompressed_ratio: int = setting(
        100, "gzip bombs: real HTML compresses 5-15x; 100x is far outside real pages")
    binary_control_ratio: float = setting(
        0.10, "text has almost no C0 control bytes; >10% in the first 4 KiB means binary")
    max_decode_chaos: float = setting(
        0.5, "charset-normalizer's chaos (mess) ratio: above 0.5 no encoding reads the bytes sensibly")
    cp1252_prior: float = setting(
        5.0, "bench/encoding.py (fundus text, 100 snippets per code page): log prior, in nats, "
        "of windows-1252 over other single-byte readings, so near-ties go to the web's default; "
        "0 and 5 read the same snippets right, 10 loses 3 of 100 Czech/Polish and 1 of 80 "
        "Turkish snippets to cp1252")
    rare_codepage_penalty: float = setting(
        40.0, "bench/encoding.py: log penalty of DOS/Mac/HP code pages (cp850, mac_cyrillic...) "
        "against the web's windows-*/ISO-8859-*/KOI8; 0 reads 6 of 58 Russian cp1251 snippets "
        "as mac_cyrillic (and an Icelandic passage as hp_roman8), 20 still 2, 40 none")
    encoding_tie_nats: float = setting(
        3.0, "two readings within 3 nats (a likelihood ratio under 20) are a toss-up: the "
        "record is flagged encoding_ambiguous")
    max_glued_share: float = setting(
        0.5, "bench/encoding.py: Latin snippets charset-normalizer reads as big5/gb18030/"
        "shift_jis have most non-ASCII characters touching an ASCII letter ('f僡r'); of the "
        "153 ja/zh/ko fundus paragraphs none has over 0.08; above 0.5 single-byte readings compete")


@dataclass(frozen=True)
class ExtractConfig:
    fast: bool = setting(
        True, "bench/extraction.py (ScrapingHub, 181 pages): trafilatura without its "
        "readability/jusText comparison, F1 0.9623 in 1.8 s against 0.9641 in 2.9 s with it; "
        "the paragraph rules below more than make up the difference")
    favor_precision: bool = setting(
        False, "bench/extraction.py: in fast mode precision focus drops recall (F1 0.9461 "
        "against 0.9623 balanced); precision comes from pruning and the paragraph rules")
    include_comments: bool = setting(False, "reader comments are not the article (+0.010 F1 "
                                     "on ScrapingHub with fast mode)")
    drop_tags: str = setting(
        "noscript svg nav footer aside iframe button select input textarea", "tags that "
        "never hold article prose (scripts, styles and templates always go); removing them "
        "first leaves ScrapingHub F1 unchanged and cuts extraction time ~20%. Each is kept "
        "when it holds over chrome_max_share of the page's prose (WCXB dev: pages whose "
        "<main> sits under a <button>). <form> (-0.005: ASP.NET pages wrap everything in "
        "one) and <header> (-0.008: ledes live there) stay")
    chrome_tokens: str = setting(
        "related newsletter share sharing social subscribe promo byline caption comment "
        "comments breadcrumb breadcrumbs tags figcaption",
        "class/id words of page chrome (issue list); +0.0005 F1 on ScrapingHub, as "
        "trafilatura already drops most of these itself")
    chrome_max_share: float = setting(
        0.3, "an element named as chrome (or a drop_tags tag) but holding over 30% of the "
        "page's prose is the article wrapper, not chrome")
    prose_run_chars: int = setting(
        80, "prose = text runs of 80+ characters outside links and code: a sentence or "
        "more; menu items, buttons and link lists are shorter. WCXB dev, with "
        "collapse_share 0.8: runs of 20/40/80/160/320 -> all-pages F1 0.8236/0.8236/0.8230/"
        "0.8224/0.8135, reruns 612/488/375/268/180; 5 folds by domain over both settings "
        "pick 20-40, held-out 0.8228 (articles 0.9381): 80 is on the plateau, fewer reruns")
    collapse_share: float = setting(
        0.6, "WCXB dev (1,497 pages): when the pruned fast extraction keeps under this share "
        "of the page's prose, redo it in full mode. Since the recall and in-article link-line "
        "rules: share 0.4/0.5/0.6/0.7/0.8/1.0 -> all-pages F1 0.8342/0.8342/0.8344/0.8338/"
        "0.8342/0.8343, articles 0.9474/0.9474/0.9474/0.9475/0.9473/0.9473, full-mode redos "
        "260/289/324/372/422/630 pages, ScrapingHub 0.9659 throughout: a plateau. 5 folds "
        "grouped by site pick 0.6 (3), 0.8 (1), 1.0 (1): held-out all pages 0.8337, articles "
        "0.9474. 0.6 keeps the plateau with 98 fewer full-mode runs than 0.8 (each about "
        "twice a fast run). Before those rules 0.8 was chosen (0.1/0.2: articles 0.928/0.935)")
    headline_lines: int = setting(
        3, "the headline the extractor keeps is within its first 3 lines on ScrapingHub")
    min_headline_chars: int = setting(
        10, "shorter leading lines ('News', 'Sport') are section labels, not a headline")
    trailing_link_share: float = setting(
        0.5, "ScrapingHub: dropping trailing lines that are half or more link text +0.0015 F1 "
        "(related-story and teaser lists closing the page)")
    link_line_share: float = setting(
        0.8, "ScrapingHub: dropping any line that is 80%+ link text +0.0017 F1 ('Read more: "
        "<link>', link lists); 0.6 gave +0.0011. Since WCXB dev: only before the article's "
        "first prose line (menus, breadcrumbs, tags) and, after it, when the line reads as an "
        "inline teaser (an unlinked label, capitals, a chrome phrase): of the link lines after "
        "prose 68% are in the WCXB article gold (resource, chapter and product lists), of those "
        "before it 33%. Articles / ScrapingHub: every link line dropped 0.9466 / 0.9652, none "
        "after prose 0.9473 / 0.9646, teasers after prose 0.9473 / 0.9659; prose from 40 or 160 "
        "characters: the same within 0.0005")
    merged_line_chars: int = setting(
        2000, "a fast extraction whose longest line has 2,000+ characters and most of the text "
        "is trafilatura's fallback gluing the page into one paragraph: it is redone in full "
        "mode, kept when full mode gives paragraphs with half the text or more. WCXB dev: 3 "
        "pages (the same 3 from 1,000 characters, share 0.3 or 0.5); articles 0214 0.896 -> "
        "0.953 and 4661 0.954 -> 0.994, forum 0503 0.251 -> 0.171; ScrapingHub unchanged")
    list_miss_share: float = setting(
        0.5, "WCXB dev articles: when the fast extraction leaves out over half of the prose runs "
        "that list items hold (one or more), trafilatura's recall mode is tried and kept if it "
        "holds more of them and more text (its fallback for a page without a named article "
        "container skips lists). Articles 0.9421 -> 0.9466, all pages 0.8283 -> 0.8323, "
        "ScrapingHub unchanged; missed share 0.3/0.5/0.8/all -> articles 0.9463-0.9466; runs of "
        "60/80/120 characters (prose_run_chars) -> 0.9466/0.9466/0.9459")
    list_other_share: float = setting(
        0.5, "the recall redo is for a fast text that read the page's paragraphs but not its "
        "lists (trafilatura's fallback): it must hold half or more of the prose runs outside "
        "lists. WCXB dev: recall calls 218 -> 124 pages, articles 0.9466 either way, all pages "
        "0.8324 -> 0.8328; share 0.3/0.5/0.7 -> articles 0.9466/0.9466/0.9464, all pages "
        "0.8328/0.8328/0.8324")
    min_text_chars: int = setting(
        200, "jusText's length_high is 200 chars: below it trafilatura's result is re-checked "
        "unpruned and with jusText, and a page under it after every extractor is not an "
        "article. The link-line rules never leave less than it: on WCXB dev, keeping "
        "link-only pages whole took all-pages F1 from 0.8194 to 0.8231 (19 empty, not 29)")
    max_html_depth: int = setting(
        250, "libxml2 stops at depth 255 and silently drops the rest of the page; real news "
        "pages nest under 60, so a tree this deep is refused rather than read in part")


@dataclass(frozen=True)
class LanguageConfig:
    min_chars: int = setting(
        40, "langdetect is unreliable on short strings; below 40 letters we say 'und'")
    seed: int = setting(0, "langdetect is random unless DetectorFactory.seed is set")
    detector: str = setting(
        "py3langid", "fundus bench: py3langid 257/258 pages right, langdetect 251 (it lacks "
        "zu, xh and is); 'langdetect' selects the latter")
    declared_fallback: bool = setting(
        True, "fundus bench: the body's language beats <html lang> on every page where they "
        "differ (Zulu pages declare 'en'); the declared one is used when the body is too short")


@dataclass(frozen=True)
class MetadataConfig:
    title_order: str = setting(
        "shared,ld,shown,twitter,h1,og,title", "bench/metadata.py, title accuracy fundus / "
        "WCXB dev; five folds grouped by site choose among 3,840 orders (all 1,920 of 3+ of "
        "the six sources, each alone and after 'shared'; a shared-first order on every fold): "
        "the <h1> that og: or twitter:title repeats, on a page whose JSON-LD declares one "
        "headline ('shared': the page's two own fields against the JSON-LD's search "
        "headline), else the JSON-LD headline, else the <h1> the reader sees when a declared "
        "title contains it or the <title> starts with it ('shown'), else twitter:title, the "
        "<h1> (one that reads as a name comes last), og:title (the share card's title, the "
        "most often rewritten), the <title>. 0.860 / 0.856, held-out 0.857 / 0.847; without "
        "'shared' 0.849 / 0.851; 'shared' beside an alternativeHeadline too 0.833 / 0.856 "
        "(its JSON-LD headline is the gold on 7 of fundus' Funke pages); the <h1> first "
        "0.775 / 0.869, og:title first 0.845 / 0.778: the golds follow other conventions")
    organisations_as_authors: bool = setting(
        False, "issue 16: the site, an agency or a desk ('Staff', 'Team') is a credit, never "
        "an author. Both golds count them as authors, so bench/metadata.py scores authors "
        "(persons) and byline (authors + credit): fundus / WCXB dev 0.848 / 0.726 and 0.905 / "
        "0.798. Without organisations read from the byline 0.900 / 0.792; without one-word "
        "names after 'By' 0.905 / 0.794; any one-token meta name taken as a login 0.911 / 0.794")
    date_weights: str = setting(
        "declared:4,dump_header:4,search:3,url:2,headline:3,dateline:5,text:1,page:0,modified:0",
        "bench/metadata.py, re-deciding the recorded candidates of fundus (258) and WCXB dev "
        "(659 dated): 0.9884 / 0.8574; a strict rank declared-first 0.9922 / 0.8452; "
        "htmldate alone 0.9767 / 0.8467; each weight one step off: WCXB 0.853-0.859. A "
        "visible dateline or a <time> by the headline outvotes one declared field; a "
        "modification date never wins; within the declared class schema.org/OpenGraph's "
        "published field speaks first (fundus 0.9845 -> 0.9884, WCXB unchanged). Held-out "
        "(site-grouped folds) 0.9881 / 0.8536")
    date_max_future_days: int = setting(
        1, "a date after the crawl (or today) is not the article's; a day of slack for time zones")
    date_listing_days: int = setting(
        3, "bench/metadata.py: <time> or dateline elements naming 3+ distinct days are a list of "
        "posts, not the article's dateline, and are all dropped")
    date_outlier_days: int = setting(
        3650, "bench/metadata.py: dropping a date over 365 days before the median of the other "
        "published candidates costs 0.006 on WCXB dev (0.8513 vs 0.8574; republished pages), "
        "180 days 0.008; ten years drops only stray archive stamps")
    date_search: bool = setting(
        True, "htmldate's original-date search is one of the date candidates, run only where "
        "the page's own dates leave the choice open (dates.decided): bench/metadata.py gives "
        "the same accuracy with and without the skip (fundus 0.9845, WCXB dev 0.8574) and "
        "the metadata step a third faster")
    date_extensive_search: bool = setting(
        True, "htmldate's default; measured on the fundus pages that declare no date")


@dataclass(frozen=True)
class TextConfig:
    line_model: str = setting(
        "", "the line model of text dumps: empty = the packaged cleaners/data/line_model.json "
        "(scripts/train_line_model.py: WCXB and Dragnet dev articles by 7 renderers and their "
        "gold texts; held-out figures in bench/textdump.py); 'off' = rules only")
    line_model_on_html: bool = setting(
        False, "the line model also judges an extractor's output: off. WCXB dev articles, "
        "HTML path, fold models by site: F1 0.9409 with it and without (P +0.0006, R -0.0007)")
    line_threshold: float = setting(
        0.4, "bench/textdump.py, fold 1 held out by site: WCXB F1 0.926 / 0.927 / 0.925 at "
        "0.3 / 0.4 / 0.5, Dragnet 0.830 / 0.843 / 0.848; 0.4 is WCXB's best, and a higher "
        "threshold trades recall (articles lost) for Dragnet's comment threads")
    min_run_kept: float = setting(
        0.5, "the article guard on dumps (issue 34, the HTML path's principle): a cut that keeps "
        "under half of the dump's densest run of prose paragraphs (before any tail marker) "
        "backs off, first to the rules' cut, then to the whole run; said in changes")
    cut_comments: bool = setting(
        True, "reader comment threads on dumps go, never on HTML pages, where the markup "
        "decides (cleaners/text/comments.py: a run of dated "
        "signatures after the article). Designed on fold 1 of bench/textdump.py's site folds "
        "(Dragnet F1 +0.04 to +0.06 per renderer, held out), checked on folds 2-5: Dragnet "
        "+0.013 to +0.026 on every fold (browser, wrap80), WCXB within -0.001 / +0.001; off "
        "leaves them to the line model, line by line")
    min_body_chars: int = setting(
        70, "the article minimum: a cleaned body under jusText's length_low (70 characters; a "
        "paragraph shorter is 'short', never article text on its own) is not_article, unless "
        "it is the record's title (a headline-only record, the UCI headline set). No article "
        "of WCXB dev (791 with gold text) or ScrapingHub (181) has gold text under 200 "
        "characters; a lone prompt ('Read more from The Daily Outlet') has 31")


@dataclass(frozen=True)
class TemplateConfig:
    min_articles: int = setting(
        3, "CCNet drops lines seen across many documents of a shard; one site's template shows "
        "in every page, so three articles of the site sharing a line is enough evidence")
    min_share: float = setting(
        0.5, "a template line is on most of a site's pages; a line on under half is content "
        "shared by a few related stories")
    max_words: int = setting(
        25, "template lines are labels, prompts and slogans; longer lines shared by one site "
        "are reused background paragraphs, which originality scores, not chrome")
    site_window: int = setting(
        100, "across batches and runs (the store keeps each site's line counts): every 100 "
        "articles of a site its counts halve, so a line seen once goes and a template line "
        "(on most pages) keeps its share; a site's new template line counts after about 50 "
        "of its articles (within one batch after 3)")
    copy_jaccard: float = setting(
        1 / 3, "two articles of a site whose word 3-grams' Jaccard is >= 1/3 are one article "
        "to the template count (a re-crawl, a re-post, an update): their shared lines are the "
        "article's, not the site's. 1/3 is DedupeConfig.min_containment (0.5) between texts "
        "of equal size; copies with 5% of words edited are at ~0.75, distinct reports of one "
        "story share <= 0.05 (seeds)")
    sketch_size: int = setting(
        16, "a bottom-16 sketch of an article's 3-grams estimates that Jaccard within ~0.12 "
        "(one sd at 1/3), far inside the gap between copies (>= 0.6) and distinct articles "
        "(<= 0.05); a site remembers the sketches of its last site_window articles")
    max_site_lines: int = setting(
        500, "the store keeps at most 500 lines per site (the least counted, then the longest "
        "unseen go first): with lines of at most max_words words, under ~100 KB a site. A "
        "site's template is a few dozen lines; a window of 100 articles with ~5 short lines "
        "each of their own fills it")


@dataclass(frozen=True)
class DedupeConfig:
    shingle_words: int = setting(
        3, "bench/dedupe.py (20k articles): word 3-grams P 0.998 / R 1.000; 4-grams R 0.998 "
        "and 5-grams R 0.995 (light edits and mojibake copies split off); 2-grams P 0.994 "
        "(heavy rewrites merged). The five seeds share <= 0.05 of their 3-grams")
    num_perm: int = setting(
        64, "bench/dedupe.py: 128 permutations give the same P/R (0.999/1.000) as 64, the "
        "duplicate/distinct gap being wide, at twice the signature time and memory")
    bands: int = setting(
        32, "32 bands of 2 rows put the LSH S-curve midpoint at Jaccard (1/32)^(1/2) = 0.18 and "
        "find a J=0.3 pair with p=0.95: a 50% truncation with edits (J ~0.3) stays a "
        "candidate; bench/dedupe.py recall 1.000")
    rows: int = setting(2, "see bands")
    min_containment: float = setting(
        0.5, "3-gram survival: copies (<= 8% words edited or deleted, >= 50% kept) keep "
        ">= ~0.75 containment, heavy rewrites (35-60% replaced) <= ~0.3, distinct reports "
        "<= 0.05 (seeds); midway, it gives bench/dedupe.py P 0.998 / R 1.000")
    min_size_ratio: float = setting(
        0.3, "a copy keeps >= 30% of the original's n-grams: a shorter text inside a longer "
        "one is a quotation or an excerpt, not a copy (bench truncations keep >= 50%)")
    min_shingles: int = setting(
        8, "below 8 word n-grams a near match is chance phrase overlap; exact copies still count")
    seed: int = setting(1, "datasketch's default MinHash seed")


@dataclass(frozen=True)
class StoriesConfig:
    threshold: float = setting(
        0.18, "two bodies (>= long_words content words each): bench/stories.py, Giveme5W1H "
        "dev events of the tuning fold: ARI falls as the threshold rises (0.924 at 0.14, "
        "0.912 at 0.18, 0.904 at 0.22), so the lowest value that keeps a report of another "
        "meeting of the same minister (0.172 from the seed story, tests/test_stories.py) "
        "out; the seed reports are 0.32-0.41 from the rest of their story")
    short_threshold: float = setting(
        0.02, "a headline (<= short_words content words) with a headline or a body: best ARI "
        "on the first half (by time) of the UCI headlines (0.833); bench/stories.py prints "
        "the whole set at 0.01, 0.02, 0.03 (ARI 0.698, 0.753, 0.750)")
    short_words: int = setting(
        12, "a headline has 6-12 content words; two headlines of one event share 1-3 of them, "
        "so their cosine with a story centroid is small")
    long_words: int = setting(
        80, "a news brief of 80+ content words shares much of its topic's vocabulary by "
        "chance; between short and long the threshold moves with the log of the length")
    window_days: float = setting(
        21.0, "a story is open to articles dated up to 21 days outside its date range, which "
        "grows with each report: trials and campaigns pause for weeks. bench/stories.py, "
        "tuning fold: ARI 0.787 at 3 days, 0.856 at 7, 0.900 at 14, 0.912 at 21, 30 and "
        "60; the smallest window on that plateau. UCI spans 1.5 days")
    long_window_days: float = setting(
        30.0, "a story of two or more reports stays open 30 days past its date range (one of "
        "a single report keeps window_days: most stories of a stream are one report): trials, "
        "leaks and campaigns pause for weeks, and the pairwise model weighs the gap itself. "
        "bench/stories.py, 4 event folds of Giveme5W1H dev, each held out (the model trained "
        "on the others with the same window): worst fold ARI 0.771 at 21 days, 0.847 at 30, "
        "45 and 60; mean 0.868 / 0.887 / 0.887 / 0.911: the smallest window on the worst "
        "fold's plateau. At 60, multi-report stories of bench/load.py's 8-week stream never "
        "left memory: 1,629 MB PSS, over its 1.5 GB target")
    max_words: int = setting(
        300, "news writing puts the event in the lead; later paragraphs are background "
        "shared with other stories on the topic")
    refine_passes: int = setting(
        1, "bench/stories.py, first half of UCI: re-placing each report once the whole batch "
        "is in raises ARI 0.814 -> 0.833; a second pass lowers it")
    merge_threshold: float = setting(
        0.25, "first half of UCI: merging each story started in a "
        "batch into an open story whose centroid is this alike gives ARI 0.8357 for every "
        "value 0.20-0.30 (0.8339 unmerged, 0.8226 at 0.15); the middle of that plateau. Above "
        "the full-text join threshold, so two new stories of one event merge and reports of "
        "another meeting (0.18) do not")
    body_merge_threshold: float = setting(
        0.15, "the merge threshold for two stories of full texts (with the pairwise model): "
        "chosen on the training folds of each of bench/stories.py's 4 event folds among "
        "0.10-0.25, it is 0.10 on three and 0.15 on one (within 0.005 of each other there); "
        "both give the held-out folds ARI 0.931 / 0.847 / 0.901 / 0.870 (worst 0.771 at "
        "0.25 with a 60-day window); the larger, as a wrong merge joins two events for good. "
        "Headline stories keep merge_threshold: UCI ARI 0.745 at 0.15")
    shared_terms: int = setting(5, "terms shown in signals['story'] to explain a match")
    candidate_terms: int = setting(
        30, "stories are looked up through an article's 30 heaviest TF-IDF terms: a headline "
        "has fewer, so UCI is unchanged; a full text's event is in its names and rare words, "
        "and bench/load.py spent 57 s of 249 walking the postings of common words")
    accumulators: int = setting(
        50, "a candidate search keeps at most ~50 partial scores before a common term may "
        "start new ones (Moffat & Zobel 1996, 'continue'): bench/stories.py gives the same "
        "ARI at 10, 50, 200 and unlimited on both sets; bench/load.py's main process spent "
        "~3% less time")
    article_terms: int = setting(
        100, "an article is compared on its 100 heaviest TF-IDF terms (its document "
        "frequencies count them all), as TDT systems truncate vectors: bench/stories.py, "
        "Giveme5W1H tuning fold ARI 0.912 at 80-200 and uncut; held-out fold 0.876 at 100 "
        "(0.879 at 80, 0.832 at 150, 0.837 uncut, 0.778 at 50); UCI headlines have fewer. "
        "bench/load.py's main process spent ~15% less time and held fewer postings")
    rerank: int = setting(
        4, "the 4 stories scoring best on those terms get an exact cosine: bench/load.py spent "
        "163 s of 282 computing exact cosines for ~100 open candidates per article")
    centroid_terms: int = setting(
        100, "a story keeps its 100 heaviest terms (TF-IDF of the centroid) after each "
        "batch, as TDT systems truncate their vectors: bench/stories.py UCI ARI 0.7519 "
        "(0.7526 at 150, 0.7505 at 80 and uncut), the 4 held-out event folds the same at "
        "80, 100 and 150; bench/load.py holds a third less per open story than at 150")
    recall_batches: int = setting(
        4, "a retired story brought back for a late report stays 4 batches: bench/load.py "
        "(many reports days late) reloaded ~1,100 stories a batch when they retired again at "
        "the next one, and a 20-batch stay kept ~3,000 recalled stories in memory")
    retire_days: float = setting(
        21.0, "a story whose last report is 21 days older than the newest article seen leaves "
        "memory (the store keeps it and brings it back for a late report): past the window no "
        "new report can join it from memory anyway. bench/load.py grew ~90 MB per 1,000 "
        "articles keeping every story, and peaked at 1,580 MB PSS retiring at 28 days")
    pair_model: bool = setting(
        True, "a full text joins the story the pairwise model (cleaners/data/story_model.json, "
        "scripts/train_story_model.py) finds it most likely of, at probability 0.5; off, "
        "the cosine thresholds decide as for headlines. See bench/stories.py for both")
    model_path: str = setting("", "the pairwise story model; empty: the packaged one")
    reuse_days: float = setting(
        90.0, "originality compares an article with every earlier article of the last 90 "
        "days, whatever its story: a press release or wire text is reused for weeks, past "
        "the story window (bench/reuse.py, kind 'late')")
    reuse_window: int = setting(
        16, "earlier articles sharing text are found through winnowed word 5-grams (Schleimer "
        "et al. 2003), the smallest hash of every 16 in a row: a reused run of 16 5-grams "
        "(20 words, a sentence or two) always shares one, at 2/17 of the 5-grams indexed "
        "(2/9 at 8 cost bench/load.py's main process 2 ms an article). Sampling 1 in 8 by "
        "hash missed 1 in 8 one-paragraph reuses (bench/reuse.py, kind 'release')")
    reuse_postings: int = setting(
        16, "a sampled 5-gram keeps the first 16 articles that have it: one that more "
        "articles share is a stock phrase, not evidence of reuse")
    reuse_sources: int = setting(
        8, "the 8 earlier articles sharing most sampled 5-grams are compared in full")


@dataclass(frozen=True)
class OriginalityConfig:
    sentence_share: float = setting(
        1 / 6, "a sentence is reused from an earlier article when one of its sentences holds "
        "1/6 of its word trigrams (those with a plain lower-case content word: not trigrams "
        "of stop words, names, titles and figures alone): what a sentence keeps "
        "with 45% of its words changed ((1 - 0.45)^3), the middle of issue 33's heavy "
        "rewrite (30-60% of the words changed). bench/reuse.py prints the AUC at 0.1-0.3. "
        "Aligned sentence by sentence, not the whole text's trigrams, which would count the "
        "names and titles independent reports of one event share")
    sentence_hits: int = setting(
        2, "and at least 2 of them: one shared trigram is a name or a title ('prime minister "
        "narendra'), which a short sentence of an independent report has by itself")
    align_sources: int = setting(
        4, "sentences are aligned with the 4 earlier articles holding most of the article's "
        "5-grams (candidates the story step and the containment index found): a rewrite "
        "mostly has one source, and each candidate costs a read of its trigrams")
    trigram_sample: int = setting(
        8, "the reuse index also holds the article's trigrams whose hash is 0 mod 8: a "
        "rewrite with 45% of its words changed keeps ~1/6 of its ~1 trigram a word, so a "
        "300-word one shares ~6 such anchors with its source (P(none) ~ e^-6), where "
        "winnowed 5-grams need a 20-word run it rarely keeps; 1 in 8 adds about as many "
        "anchors as the 2/17 winnowed 5-grams")


@dataclass(frozen=True)
class RunConfig:
    batch_size: int = setting(
        500, "stories are refined per batch: UCI headlines through the CLI give ARI 0.748 in "
        "batches of 500, 0.727 in batches of 256; issue #6 asks for 500-2,000 per task")
    jobs: int = setting(1, "one process; --jobs N for more")
    worker_task: int = setting(
        250, "a worker cleans a batch in tasks of this many inputs: bench/load.py --n 5000, "
        "peak memory of the process tree 999 MB in tasks of 250, 1,050 MB in tasks of 500")
    worker_nice: int = setting(
        10, "workers yield the cores to the main process' serial steps: bench/load.py on 2 "
        "cores had the main process at 73-80% of a core and the tree at 1.5 of 2 cores "
        "with workers at the same priority")


@dataclass(frozen=True)
class StoreConfig:
    path: str = setting(
        "", "issue #5: the embedded SQLite index; empty means ROOT/.newsclean/index.sqlite "
        "(issue #19: ROOT is the CLI's output, fresh per run, or the flows' reports folder); "
        "a path shared by runs makes each run see everything indexed before; issue #19: a "
        "postgresql:// URL puts it in that PostgreSQL database")


@dataclass(frozen=True)
class OutputConfig:
    url: str = setting(
        "", "issue 35: empty means the local directory (the CLI's --out, the flows' "
        "REPORTS/<run>/), as before; s3://BUCKET/PREFIX (any fsspec URL; endpoint and keys "
        "from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) uploads each "
        "run's files whole (a flow run's under PREFIX/<run>/); postgresql://... writes each "
        "record as a row of its articles table. Outputs on a worker's disk die with it")


@dataclass(frozen=True)
class FetchConfig:
    timeout: float = setting(20.0, "seconds per request, connect + read; news pages answer in "
                             "well under 5 s, slow ones are not worth a stalled batch")
    max_bytes: int = setting(5_000_000, "a news page's HTML is 50 KB-2 MB; 5 MB caps a hostile "
                             "or mistaken response")
    max_redirects: int = setting(5, "requests' default is 30; real article links redirect 1-3 times")
    retries: int = setting(2, "transient errors (timeouts, 429, 5xx) are retried twice with backoff")
    per_host_delay: float = setting(1.0, "seconds between requests to one host (polite crawling; "
                                    "trafilatura's spider sleeps 5 s, robots.txt crawl-delay 1-10 s)")
    allow_private: bool = setting(False, "issue #8: no private, loopback or link-local addresses "
                                  "unless allowed (SSRF)")
    allow_hosts: tuple = setting((), "hosts or IPs allowed even when private (tests: 127.0.0.1)")
    user_agent: str = setting("newsclean/0.1 (+https://github.com/newsclean/newsclean)",
                              "a crawler names itself")
    retry_delays: tuple = setting(
        (3600, 21600, 86400), "issue 35: seconds before a failed page (5xx, 429, timeout, "
        "connection) is fetched again, one per failure so far: an outage of an hour or a day "
        "heals within one of them; after the last, the page is given up. A 404, 410 or any "
        "other non-transient failure is given up at once")


@dataclass(frozen=True)
class SourcesConfig:
    inbox: str = setting("", "a directory of new input files (any kind the readers take)")
    feeds: tuple = setting((), "RSS/Atom feed URLs whose article pages are fetched")
    max_items: int = setting(2000, "new feed items fetched per run at most; the rest wait for "
                             "the next run")


@dataclass(frozen=True)
class ScheduleConfig:
    cron: str = setting("", "a cron line for the deployment; set cron or interval, not both")
    interval: int = setting(0, "seconds between scheduled runs; 0 (unset) means hourly when "
                            "no cron is given either")
    reports: str = setting("reports", "each flow run writes into REPORTS/<run name>/")
    deployment: str = setting("newsclean-ingest", "the deployment's name in the Prefect UI")
    report_host: str = setting("127.0.0.1", "issue 18: `newsclean serve` serves REPORTS over "
                               "HTTP for the report artifact's link; local only by default")
    report_port: int = setting(4210, "a free port beside the Prefect UI's 4200")
    max_error_share: float = setting(0.5, "issue 18: a run whose records are mostly errors "
                                     "ends with a warning")
    quality_jump: float = setting(0.2, "issue 18: an error or chrome share 20 points over the "
                                  "previous run's emits newsclean.quality.dropped")
    stuck_after: int = setting(120, "issue 35: seconds a run may stay Cancelling, or Running "
                               "or Pending without its process, before `newsclean serve` ends "
                               "it: the runner cancels within ~40 s (10 s polling, 30 s grace)")
    heal_every: int = setting(30, "issue 35: seconds between `newsclean serve`'s checks for "
                              "stuck runs (and one at start); a cheap API query")


@dataclass(frozen=True)
class Config:
    read: ReadConfig = field(default_factory=ReadConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    language: LanguageConfig = field(default_factory=LanguageConfig)
    text: TextConfig = field(default_factory=TextConfig)
    templates: TemplateConfig = field(default_factory=TemplateConfig)
    dedupe: DedupeConfig = field(default_factory=DedupeConfig)
    stories: StoriesConfig = field(default_factory=StoriesConfig)
    originality: OriginalityConfig = field(default_factory=OriginalityConfig)
    run: RunConfig = field(default_factory=RunConfig)
    metadata: MetadataConfig = field(default_factory=MetadataConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    sources: SourcesConfig = field(default_factory=SourcesConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)

    def with_overrides(self, data: dict[str, dict[str, Any]]) -> "Config":
        """Return a copy with ``{section: {key: value}}`` applied; unknown keys are errors."""
        updated = self
        for section, values in data.items():
            current = getattr(updated, section, None)
            if not is_dataclass(current):
                raise ValueError(f"unknown config section [{section}]")
            known = {f.name: f for f in fields(current)}
            checked = {}
            for key, value in values.items():
                if key not in known:
                    raise ValueError(f"unknown config key {section}.{key}")
                expected = type(getattr(current, key))
                if expected is float and isinstance(value, int):
                    value = float(value)
                if expected is tuple and isinstance(value, list):
                    value = tuple(value)
                if not isinstance(value, expected):
                    raise ValueError(f"{section}.{key} must be {expected.__name__}, got {value!r}")
                checked[key] = value
            updated = replace(updated, **{section: replace(current, **checked)})
        return updated


def load_config(path: Path | None = None) -> Config:
    """The embedded defaults, overridden by a TOML file's sections when one is given."""
    config = Config()
    if path is None:
        return config
    with open(path, "rb") as fh:
        return config.with_overrides(tomllib.load(fh))


def describe(config: Config) -> list[tuple[str, Any, str]]:
    """Every setting as (dotted name, value, source of the default)."""
    rows = []
    for section in fields(config):
        sub = getattr(config, section.name)
        for f in fields(sub):
            rows.append((f"{section.name}.{f.name}", getattr(sub, f.name), f.metadata["source"]))
    return rows
