"""Real text dumps with labelled lines: the dev pages rendered to plain text.

Each article page of ``../shared/bench/extraction/wcxb_dev`` (2025-26) and
``../shared/bench/extraction/dragnet_dev`` (2012) is rendered by several HTML-to-text
renderers (what scrapers that lost the markup hand over: inscriptis, html2text's Markdown,
lxml's text, and ours in scripts/renderers.py: a browser's innerText and text-mode
browsers' dumps hard-wrapped at 72, 80 and 100 columns), and each line of a dump is
labelled by aligning it with the page's gold main text: a token of the dump is *covered*
when it starts or continues a run of ``K`` consecutive dump tokens that also occurs in the
gold, and a line is article text when most of its tokens are covered. Short lines are
judged with their neighbours (a heading followed by its paragraph aligns; a lone "Home"
between menu items does not).

Used by ``scripts/train_line_model.py`` (training) and ``bench/textdump.py`` (scoring);
the renderers are dev dependencies, never imported by ``cleaners/``.
"""
from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from multiprocessing import Pool
from urllib.parse import urlsplit

import renderers

ROOT = Path(__file__).resolve().parent.parent
WCXB = ROOT.parent / "shared/bench/extraction/wcxb_dev"
DRAGNET = ROOT.parent / "shared/bench/extraction/dragnet_dev"
SETS = {"wcxb": WCXB, "dragnet": DRAGNET}
TOKEN = re.compile(r"\w+")
K = 4  # aligned run length: 4 tokens rarely repeat by chance between chrome and gold
COVERED = 0.5  # a line is article text when at least half of its tokens align


@dataclass
class Dump:
    id: str
    domain: str
    page_type: str
    renderer: str
    text: str
    gold: str
    labels: list[int]  # per line of text.split("\n"): 1 article, 0 chrome, -1 no tokens
    corpus: str = "wcxb"  # the data set: a key of SETS


def _inscriptis(html: str) -> str:
    import inscriptis
    return inscriptis.get_text(html)


def _html2text(html: str) -> str:
    import html2text
    converter = html2text.HTML2Text()
    converter.body_width = 0  # no hard wrapping: one paragraph a line, as scrapers keep it
    return converter.handle(html)


def _lxml_blocks(html: str) -> str:
    """lxml's text with a line break after each block element (the simplest renderer)."""
    from lxml import html as lxml_html
    tree = lxml_html.document_fromstring(html.encode("utf-8", "replace"))
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    blocks = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section",
              "article", "header", "footer", "nav", "aside", "ul", "ol", "table", "blockquote"}
    for el in tree.iter("*"):
        if isinstance(el.tag, str) and el.tag in blocks:
            el.tail = "\n" + (el.tail or "")
    return re.sub(r"\n\s*\n+", "\n\n", tree.text_content())


RENDERERS: dict[str, Callable[[str], str]] = {
    "inscriptis": _inscriptis, "html2text": _html2text, "lxml": _lxml_blocks,
    "browser": renderers.browser,
    "wrap72": lambda page: renderers.wrapped(page, 72, 0, "*"),       # w3m-like
    "wrap80": lambda page: renderers.wrapped(page, 80, 3, "*"),       # lynx-like
    "wrap100": lambda page: renderers.wrapped(page, 100, 2, "\u2022")}  # links-like
CLEAN = "clean"  # not a renderer: the gold text itself, as clean article text arrives


def label_lines(text: str, gold: str) -> list[int]:
    """Per line of ``text``: 1 article, 0 chrome, -1 no word tokens."""
    gold_tokens = TOKEN.findall(gold.lower())
    runs = {tuple(gold_tokens[i:i + K]) for i in range(len(gold_tokens) - K + 1)}
    tokens, owner = [], []
    lines = text.split("\n")
    for n, line in enumerate(lines):
        found = TOKEN.findall(line.lower())
        tokens += found
        owner += [n] * len(found)
    covered = [False] * len(tokens)
    for i in range(len(tokens) - K + 1):
        if tuple(tokens[i:i + K]) in runs:
            covered[i:i + K] = [True] * K
    hits, totals = [0] * len(lines), [0] * len(lines)
    for n, flag in zip(owner, covered):
        totals[n] += 1
        hits[n] += flag
    return [-1 if not t else int(h / t >= COVERED) for h, t in zip(hits, totals)]


def page_index(data: Path = WCXB) -> Iterator[tuple[str, str, str, str]]:
    """(id, site, page type, gold main text) of every dev page, in id order."""
    meta_file = data / "metadata.json"
    files = json.loads(meta_file.read_text(encoding="utf-8"))["files"] if meta_file.exists() \
        else {}
    for path in sorted((data / "ground-truth").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        meta = files.get(path.stem, {})
        kind = (record.get("_internal") or {}).get("page_type") or {}
        kind = kind.get("primary", "article") if isinstance(kind, dict) else kind
        host = meta.get("domain") or urlsplit(record.get("url") or "").hostname \
            or page_host(_page(data, path.stem)) or path.stem
        yield path.stem, site_of(host), meta.get("page_type", kind), \
            article_gold(record["ground_truth"].get("main_content") or "")


# Dragnet's gold: the comment thread follows its own separator line, ``!@#$%^&*() COMMENTS``
# in 406 golds, typed otherwise in 3 (``!@#$%$%^&*() COMMENTS``, ``... COMMNENTS``,
# ``... CORRECTED``): any line of those symbols then one word.
COMMENTS = re.compile(r"^!@#\$%[$%^&*]*\(\) ?[A-Z]+\s*$", re.M)


def article_gold(gold: str) -> str:
    """The article of a gold text: Dragnet's golds (409 of 1,381) go on past the article
    with the comment thread after its own separator line; comments are not the article
    (its README), so the gold ends there. (At least 3 more hold a thread without the
    separator: pages 437, 503 and T126; they are left as they are.)"""
    return COMMENTS.split(gold, 1)[0].rstrip()


CANONICAL = re.compile(r"<link[^>]+rel=[\"']canonical[\"'][^>]*href=[\"']([^\"']+)|"
                       r"<meta[^>]+property=[\"']og:url[\"'][^>]*content=[\"']([^\"']+)", re.I)


def page_host(page: str) -> str | None:
    """The host a page names as its own (canonical link, og:url), else its links' usual host
    (Dragnet's records have no URL)."""
    match = CANONICAL.search(page)
    host = urlsplit(match.group(1) or match.group(2)).hostname if match else None
    if not host:
        hosts = Counter(urlsplit(u).hostname for u in re.findall(r"href=[\"'](https?://[^\"']+)", page))
        host = hosts.most_common(1)[0][0] if hosts else None
    return host


def site_of(host: str) -> str:
    """The registered domain of a host, roughly: folds group bbc.com with bbc.co.uk's pages
    only when they share it (the last two labels, three under a two-letter country code)."""
    labels = host.lower().removeprefix("www.").split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])


def _page(data: Path, page_id: str) -> str:
    return gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes()).decode(
        "utf-8", "replace")


def _render(job: tuple[str, str, str, str, str, list[str]]) -> list[Dump]:
    data, page_id, site, kind, gold, names = job
    page = _page(Path(data), page_id)
    out = []
    for name in names:
        try:
            text = gold if name == CLEAN else RENDERERS[name](page)
        except Exception:  # noqa: BLE001 - a renderer that cannot read a page skips it
            continue
        out.append(Dump(page_id, site, kind, name, text, gold, label_lines(text, gold),
                        Path(data).name.removesuffix("_dev")))
    return out


def build(renderers: list[str], page_types: tuple[str, ...] = ("article",),
          data: Path = WCXB, cache: Path | None = None, processes: int = 2) -> list[Dump]:
    """Every page of ``page_types`` rendered by each renderer (or :data:`CLEAN`, the gold
    text itself); cached as JSONL.gz (the cache holds what it was built with)."""
    if cache and cache.exists():
        dumps = [Dump(**json.loads(line)) for line in gzip.open(cache, "rt", encoding="utf-8")]
        return [d for d in dumps if d.renderer in renderers and d.page_type in page_types]
    # (a cache is rebuilt by deleting it: it holds the gold and labels it was built with)
    jobs = [(str(data), page_id, site, kind, gold, renderers)
            for page_id, site, kind, gold in page_index(data) if kind in page_types]
    with Pool(processes) as pool:
        dumps = [d for part in pool.imap(_render, jobs, chunksize=8) for d in part]
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(cache, "wt", encoding="utf-8") as out:
            for d in dumps:
                out.write(json.dumps(d.__dict__, ensure_ascii=False) + "\n")
    return dumps
