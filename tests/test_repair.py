"""ftfy's encoding fix skipped only where it provably finds nothing: the records are ftfy's."""
from __future__ import annotations

import ftfy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaners.text import repair
from cleaners.text.repair import FTFY_OPTIONS, _encoding_is_sound, fix_encoding

from tests.conftest import SEEDS

# ASCII, news typography, accented letters, the characters mojibake is made of (cp1252 and
# MacRoman readings of UTF-8), C1 controls, a combining mark, entities and a ligature; what
# other fixers turn into a line break or drop, ampersands that are no entity, plain prose
PIECES = ["a", "Z", " ", "\n", "s", ".", ",", "&amp;", "&eacute;", "&Atilde;", "<", "\u2019", "\u201c",
          "\u201d", "\u2014", "\u2013", "\u2026", "\u2022", "\u00a0", "\u00a9", "\u2122", "\u00b0",
          "\u00e9", "\u00e8", "\u00fc", "\u00c9", "\u00c3", "\u00c2", "\u00e2", "\u20ac",
          "\u0153", "\u00a2", "\u00ae", "\u00b7", "\u00bb", "\u221a", "\u2202", "\u0432",
          "\u0402", "\u00d8", "\u00e0", "\u00b2", "\u0080", "\u009d", "\u0301", "\ufb01",
          "\u2500", "\u00d7", "\u00a3", "\u00bd", "A\u0303", "caf\u00c3\u00a9",
          "\u00e2\u20ac\u2122", "\r", "\u2028", "\x1b", "\u00c3 ", "AT&T", "Q&A ", "&", "#", ";",
          "Il a dit ceci et cela pendant des heures. "]


def reference(text: str) -> tuple[str, list[repair.Change]]:
    """ftfy's fix with its encoding fix always run, as fix_encoding words it."""
    fixed, explanation = ftfy.fix_and_explain(text, fix_latin_ligatures=False,
                                              remove_control_chars=False, **FTFY_OPTIONS)
    rare = repair._rare_characters()
    if rare.search(text) or rare.search(fixed):
        fixed, explanation = ftfy.fix_and_explain(text, **FTFY_OPTIONS)
    changes = [repair.Change("fix_encoding", step[1], step[0]) for step in explanation or []]
    return repair.NBSP.sub(" ", fixed), changes


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_the_skip_changes_no_text_and_no_explanation(text: str) -> None:
    fixed, changes = fix_encoding(text)
    assert (fixed, [c for c in changes if c.action != "nbsp_to_space"]) == reference(text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
@example("Il a dit ceci. a \u00c3 ")  # two ASCII characters before the non-ASCII one
@example("\u00c3 et cela")  # '^' at the text's start
@example("Il a dit \u0413\u045e\u0412\u0402\u0412.x")  # five Cyrillic letters, then two ASCII
def test_the_windows_find_what_the_whole_scan_finds(text: str) -> None:
    """Never a miss: where ftfy's regex matches the text, it matches the windows (a match in
    the windows alone only sends the text to the whole scan)."""
    from ftfy.badness import BADNESS_RE
    if BADNESS_RE.search(text):
        assert repair._windows_are_bad(text)


def test_the_windows_skip_the_scan_of_a_real_text_with_accents_and_find_one_pair() -> None:
    seed = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    text = seed.replace("Minister", "Minist\u00e8re", 3)  # \u00e8 with \u2019 may make mojibake
    assert repair._may_be_mojibake(frozenset(c for c in text if c >= "\x80"))
    assert not repair._windows_are_bad(text) and _encoding_is_sound(text)
    middle = len(text) // 2
    broken = text[:middle] + " caf\u00c3\u00a9 " + text[middle:]  # 'café' read as cp1252
    assert repair._windows_are_bad(broken) and not _encoding_is_sound(broken)
    assert "caf\u00e9" in fix_encoding(broken)[0]


def test_a_clean_seed_skips_the_scan_and_its_mojibake_is_still_fixed() -> None:
    text = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    assert "\u2019" in text and _encoding_is_sound(text)
    # UTF-8 read as cp1252 (the bytes it leaves undefined as Latin-1, as browsers do)
    broken = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b)
                     for b in text.encode("utf-8"))
    assert not _encoding_is_sound(broken)
    fixed, changes = fix_encoding(broken)
    assert fixed == repair.NBSP.sub(" ", text) and any(c.text == "encode" for c in changes)
