"""jusText's stop lists by language code (``de``, ``de-AT`` -> German), for every step that
measures stop-word density: the HTML fallback extractor and the text-line classifier.

The lists are read from jusText's package folder as ``justext.get_stoplist`` reads them,
without importing jusText (lxml, urllib.request: 35 ms of a text run's start-up)."""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

# ISO 639-1 codes of the languages jusText ships a stoplist for (its names are English ones)
_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan",
    "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian", "eu": "Basque",
    "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "gl": "Galician",
    "gu": "Gujarati", "kn": "Kannada", "ne": "Nepali", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian",
    "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ka": "Georgian", "kk": "Kazakh",
    "ko": "Korean", "la": "Latin", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian",
    "ml": "Malayalam", "mr": "Marathi", "ms": "Malay", "nb": "Norwegian_Bokmal",
    "nl": "Dutch", "nn": "Norwegian_Nynorsk", "no": "Norwegian_Bokmal", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "uz": "Uzbek", "vi": "Vietnamese", "yo": "Yoruba",
}


@lru_cache(maxsize=64)
def stoplist(lang: str) -> frozenset[str] | None:
    """The stop words of ``lang`` (a BCP 47 tag); None when jusText has none (ja, zh, th...).

    Callers decide what no list means: jusText then runs language-independent (length and
    link density only) rather than judging, say, Japanese text by English stop words.
    """
    name = _NAMES.get(lang.split("-")[0].split("_")[0].lower())
    if not name:
        return None
    words = (_justext_dir() / "stoplists" / f"{name}.txt").read_bytes()
    return frozenset(w.decode("utf8").lower() for w in words.splitlines())  # as jusText's


@lru_cache(maxsize=1)
def _justext_dir() -> Path:
    """jusText's package folder, found without running its ``__init__``."""
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("justext is not installed")
    return Path(next(iter(spec.submodule_search_locations)))
