"""Real text dumps with labelled lines: the WCXB dev pages rendered to plain text.

Each page of ``../shared/bench/extraction/wcxb_dev`` is rendered by several HTML-to-text
renderers (what scrapers that lost the markup hand over), and each line of a dump is
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WCXB = ROOT.parent / "shared/bench/extraction/wcxb_dev"
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
    "inscriptis": _inscriptis, "html2text": _html2text, "lxml": _lxml_blocks}
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
    """(id, domain, page type, gold main text) of every dev page, in id order."""
    files = json.loads((data / "metadata.json").read_text(encoding="utf-8"))["files"]
    for path in sorted((data / "ground-truth").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        meta = files.get(path.stem, {})
        kind = (record.get("_internal") or {}).get("page_type") or {}
        kind = kind.get("primary", "article") if isinstance(kind, dict) else kind
        domain = meta.get("domain") or urlsplit(record.get("url") or "").hostname or path.stem
        yield path.stem, domain.removeprefix("www."), meta.get("page_type", kind), \
            record["ground_truth"].get("main_content") or ""


def build(renderers: list[str], page_types: tuple[str, ...] = ("article",),
          data: Path = WCXB, cache: Path | None = None) -> list[Dump]:
    """Every page of ``page_types`` rendered by each renderer (or :data:`CLEAN`, the gold
    text itself); cached as JSONL.gz."""
    if cache and cache.exists():
        dumps = [Dump(**json.loads(line)) for line in gzip.open(cache, "rt", encoding="utf-8")]
        return [d for d in dumps if d.renderer in renderers and d.page_type in page_types]
    dumps = []
    for page_id, domain, kind, gold in page_index(data):
        if kind not in page_types:
            continue
        html = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes())
        html = html.decode("utf-8", "replace")
        for name in renderers:
            text = gold if name == CLEAN else RENDERERS[name](html)
            dumps.append(Dump(page_id, domain, kind, name, text, gold, label_lines(text, gold)))
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(cache, "wt", encoding="utf-8") as out:
            for d in dumps:
                out.write(json.dumps(d.__dict__, ensure_ascii=False) + "\n")
    return dumps
