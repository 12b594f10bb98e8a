"""The per-article path: decode -> extract (HTML) or split the dump header -> repair ->
metadata. Each step returns its result and what it changed; this module only chains them.
The extractor (trafilatura, jusText) is imported by the first HTML input: a run of text
inputs never loads it.

Any failure of one article becomes that article's error record; the batch goes on.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cleaners.config import Config, TextConfig
from cleaners.extract.parse import defuse_html, parse_html
from cleaners.language import SAMPLE_CHARS, choose_language
from cleaners.metadata import PageMeta, page_metadata
from cleaners.metadata.dates import crawl_day
from cleaners.metadata.merge import dump_date, language_source, merge_text, provenance
from cleaners.read.decode import decode_bytes
from cleaners.read.files import load
from cleaners.read.rawdoc import RawDoc
from cleaners.record import Article, InputError
from cleaners.text.chrome import TextMeta, strip_chrome
from cleaners.text.linemodel import LineModel, load_line_model
from cleaners.text.dump import split_dump_header
from cleaners.stoplists import stoplist
from cleaners.text.minimum import not_article, require_article
from cleaners.text.templates import strip_templates
from cleaners.text.repair import (drop_repeated_paragraphs, fix_encoding, fix_punctuation,
                                  normalize_whitespace)

SKIPPED_KINDS = {"not_html", "not_article", "unsupported_format"}


def process(raw: RawDoc, config: Config) -> Article:
    """One input to one record, whatever the input."""
    raw = load(raw, config.read)
    art = Article(id=raw.id, source=raw.source, format=raw.format, url=raw.url,
                  site=raw.hints.get("site"), signals=dict(raw.signals))
    try:
        if raw.error is not None:
            raise InputError(raw.error.kind, raw.error.message)
        _run_steps(raw, art, config)
    except InputError as exc:
        art.fail(exc.kind, exc.message, "skipped" if exc.kind in SKIPPED_KINDS else "error")
    except RecursionError:
        art.fail("too_deep", "the input is nested too deeply to process")
    except Exception as exc:  # noqa: BLE001 - one bad article must never stop the batch
        art.fail("internal", f"{type(exc).__name__}: {exc}")
    return art


def _run_steps(raw: RawDoc, art: Article, config: Config) -> None:
    text = _decode(raw, art, config)
    meta = PageMeta()
    crawled = crawl_day(raw.signals.get("crawl_date"), date.today())
    if raw.is_html:
        text, oversized = defuse_html(text)
        if oversized:
            art.note("parse", "drop_attributes", "start tags over 20,000 characters", oversized)
        tree = parse_html(text, config.extract)
        meta = page_metadata(tree, raw.url, config.metadata, crawled)  # before extraction prunes
        _metadata(art, raw, meta, meta.language, config)  # kept if extraction fails
        from cleaners.extract.html import extract_html  # the HTML stack, for HTML inputs only

        extraction = extract_html(text, tree, raw.url, config.extract)
        text = extraction.body
        art.changes += extraction.changes
        art.signals.update(extraction.signals)
    else:
        text = _dump_header(text, raw, art, meta, config, crawled)
    text, changes = fix_encoding(text)
    art.changes += changes
    language = choose_language(text, meta.language, config.language)
    model = _line_model(config.text) if config.text.line_model_on_html or not raw.is_html else None
    text, text_meta = _clean_text(text, art, raw.hints.get("title") or meta.title, language,
                                  model, config.text, dump=not raw.is_html)
    art.body = normalize_whitespace(text)
    merge_text(meta, text_meta, not raw.is_html, config.metadata, crawled)
    art.truncated = text_meta.truncated
    _metadata(art, raw, meta, language, config, text)
    if why := not_article(art, config.text.min_body_chars):
        raise InputError("not_article", why)


def _dump_header(text: str, raw: RawDoc, art: Article, meta: PageMeta, config: Config,
                 crawled: date) -> str:
    """The text without its dump header, the header's date a candidate. Any plain text may
    carry one, whatever holds it: a ``.txt`` file, a JSON Lines record's ``text``, a WARC
    text record (issue 36: seeds wrapped in JSONL lost their date and kept the header)."""
    text, header_date, changes = split_dump_header(text)
    art.changes += changes
    if header_date:
        if raw.format == "text":
            art.format = "text-dump"  # a container keeps its own name (jsonl, warc)
        dump_date(meta, header_date, config.metadata, crawled)
    return text


def _clean_text(text: str, art: Article, title: str | None, language: str,
                model: LineModel | None, config: TextConfig, dump: bool = True
                ) -> tuple[str, TextMeta]:
    """Chrome removal with the text's own stop words, then punctuation and repeats.

    ``model`` judges the lines of text that lost its markup (None for an extractor's
    output). A comment thread is cut on a ``dump`` only: on a page the markup decides
    (the extractor leaves comments out), and the cut read a forum's posts and an article's
    dated updates as one (WCXB dev: page 0435's recall 0.997 -> 0.21 with it). A language
    jusText has no stop words for (Japanese, Chinese, Thai...) is left whole but for
    phrase-lexicon lines, and flagged in signals.
    """
    stops = stoplist(language)
    if stops is None:
        art.signals["chrome"] = f"no stop-word list for '{language}': structure rules skipped"
        stops, model = frozenset(), None
    text, text_meta, changes = strip_chrome(text, stops, title, model, config.line_threshold,
                                             config.min_run_kept, config.cut_comments and dump)
    art.changes += changes
    if text_meta.model_note:
        art.signals["line_model"] = text_meta.model_note
    text, changes = fix_punctuation(text)
    art.changes += changes
    text, changes = drop_repeated_paragraphs(normalize_whitespace(text))
    art.changes += changes
    return text, text_meta


def _line_model(config: TextConfig) -> LineModel | None:
    return None if config.line_model == "off" else load_line_model(config.line_model)


def _decode(raw: RawDoc, art: Article, config: Config) -> str:
    if isinstance(raw.content, str):
        return raw.content
    decoded = decode_bytes(raw.content or b"", config.read, raw.declared_encoding, raw.is_html)
    art.signals.update(encoding=decoded.encoding, encoding_from=decoded.how)
    if decoded.ambiguous:
        art.signals["encoding_ambiguous"] = True
    return decoded.text


def _metadata(art: Article, raw: RawDoc, meta: PageMeta, language: str | None,
              config: Config, text: str = "") -> None:
    """Input hints win over what the page says; the page wins over nothing.

    ``language`` was identified on the text before cleaning (py3langid by default), with
    the page's declared language only when the text is too short to tell.
    """
    hints = raw.hints
    art.title = hints.get("title") or meta.title or None
    art.date = hints.get("date") or meta.date or None
    authors = hints.get("authors") or meta.authors or []
    art.authors = [authors] if isinstance(authors, str) else list(authors)
    art.site = art.site or meta.site or None
    art.url = art.url or meta.url or None
    art.credit = meta.credit if not hints.get("authors") else None
    art.language = hints.get("language") or language
    letters = sum(map(str.isalpha, text[:SAMPLE_CHARS]))
    lang = language_source(art.language or "und", hints.get("language"), meta.language,
                           letters, config.language.min_chars)
    art.signals["metadata"] = provenance(meta, hints, lang)


def process_batch(raws: Iterable[RawDoc], config: Config) -> list[Article]:
    """A batch's records; a site's template lines shared across the batch are removed (an
    article this leaves under the article minimum is ``not_article``)."""
    arts = [process(raw, config) for raw in raws]
    for art in strip_templates(arts, config.templates):
        require_article(art, config.text.min_body_chars)
    return arts
