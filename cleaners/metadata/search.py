"""htmldate's search for a page's original publication date, without its last resort.

``htmldate.find_date`` ends, when every element, attribute and text segment it knows has
failed, with ``search_page``: regular expressions over the whole serialised page (scripts,
attributes, URLs of other pages included), where a copyright notice gives "2025-01-01".
On WCXB dev that last resort dated 322 pages whose gold has no date and none whose gold has
one; on fundus it changed no record (bench/metadata.py, both sets: date accuracy the same
with and without it). It was also 40% of the metadata step's time. So this runs
htmldate's own steps, in its order, and stops before it; with ``extensive`` off it is
``find_date`` itself. htmldate is pinned to the minor version these steps were read from.
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any

MAX_DATE = "2100-01-01"  # the crawl-date check is ours (dates.py), not htmldate's today
FORMAT = "%Y-%m-%d"


def htmldate_search(tree: Any, extensive: bool) -> str | None:
    """The original-date day htmldate finds in ``tree`` (left unchanged), or None."""
    from htmldate import core, find_date

    if not extensive:
        return find_date(tree, original_date=True, extensive_search=False,
                         outputformat=FORMAT, max_date=MAX_DATE)
    options = core.Extractor(True, core.get_max_date(MAX_DATE), core.get_min_date(None),
                             True, FORMAT)
    return _declared(core, tree, options) or _searched(core, deepcopy(tree), options)


def _declared(core: Any, tree: Any, options: Any) -> str | None:
    """The canonical URL's date, header meta tags, JSON and <abbr> elements."""
    canonical = tree.find('.//link[@rel="canonical"]')
    url = canonical.get("href") if canonical is not None else None
    return (core.extract_url_date(url, options) or core.examine_header(tree, options)
            or core.json_search(tree, options) or core.examine_abbr_elements(tree, options))


def _searched(core: Any, tree: Any, options: Any) -> str | None:
    """Date elements, the title and headline, <time>, timestamps, images, site idioms and
    the free-text segments of the pruned copy: every step of find_date but search_page."""
    try:
        tree = core.discard_unwanted(core.clean_html(tree, core.CLEANING_LIST))
    except ValueError:  # lxml refuses a control character: htmldate searches uncleaned
        pass
    found = (core.examine_elements(core.date_candidates(tree, True), options)
             or core.examine_elements(tree.xpath(".//title|.//h1"), options)
             or core.examine_time_elements(tree, options))
    if found:
        return found
    html = core.serialize(tree)
    found = (core.pattern_search(html, core.TIMESTAMP_PATTERN, options)
             or core.img_search(tree, options) or core.idiosyncrasies_search(html, options))
    if found:
        return found
    reference = None
    for segment in core.FREE_TEXT_EXPRESSIONS(tree):
        segment = segment.strip()
        if core.MIN_SEGMENT_LEN < len(segment) < core.MAX_SEGMENT_LEN:
            reference = core.compare_reference(reference, segment, options)
    return core.check_extracted_reference(reference, options)


def warm() -> None:
    """Compile dateparser's locale patterns now, once per process (1.3 s): a string no
    locale reads makes htmldate's parser try, and so compile, every one. Else the first
    page that needs it pays, in every worker; the fork server calls this before forking."""
    from htmldate.extractors import get_external_parser

    get_external_parser().get_date_data("3 xyzzy 2024")
