"""Language identification of the body, with the page's declared language as fallback.

Two detectors: py3langid (langid.py's model: 97 languages, including Zulu, Xhosa and
Icelandic that langdetect lacks) and langdetect (fixed seed). On fundus' 258 pages in 25
languages py3langid alone is right on 257, langdetect on 251, the page's <html lang> on 244:
Zulu and Xhosa pages declare ``lang="en"``. So the body decides; the declaration is used
only when the body is too short to read ('und' when there is neither).
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cleaners.config import LanguageConfig

if TYPE_CHECKING:  # langdetect is imported by its first use: py3langid decides by default
    from langdetect import DetectorFactory

# py3langid's cost grows with the sample. fundus (258 pages, 25 languages, Zulu and Xhosa
# among them): the body's first 400, 600, 1000 or 2000 characters all give 258/258 right;
# 1000 keeps a margin at half the cost of 2000
SAMPLE_CHARS = 1000


@lru_cache(maxsize=1)
def langdetect_profiles() -> DetectorFactory:
    """Profiles load once per process (~100 ms); the factory is our own, not langdetect's."""
    from langdetect import DetectorFactory, detector_factory

    factory = DetectorFactory()
    factory.load_profile(detector_factory.PROFILES_DIRECTORY)
    return factory


@lru_cache(maxsize=1)
def _langid() -> Any:
    """py3langid's bundled model, loaded once per process: memory-mapped from its unpacked
    copy in the cache (:mod:`cleaners.cache`), else unpacked in memory by py3langid."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from cleaners.cache import npz_xz_arrays

    arrays = npz_xz_arrays(MODEL_DIR / MODEL_FILE)
    if arrays is None:
        return LanguageIdentifier.from_model_file(MODEL_FILE)
    # what py3langid's own loader hands its constructor, its copies (the DFA tables as
    # array('H'/'I'), the outputs as a list of 104,583 ints: 4 MB) as flat views
    return LanguageIdentifier(arrays["ptc"], arrays["pc"], arrays["classes"].tolist(),
                              memoryview(arrays["nextmove"]), memoryview(arrays["out_feat"]),
                              tk_row=memoryview(arrays["nextmove_row"]))


def preload() -> None:
    """Load both detectors' models now (before worker processes fork, so they share them)."""
    langdetect_profiles()
    _langid()


def detect_language(text: str, config: LanguageConfig, detector: str = "langdetect") -> str:
    """ISO 639-1 code of ``text``'s language, or 'und' when it is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < config.min_chars:
        return "und"
    if detector == "py3langid":
        return str(_langid().classify(sample)[0]).split("-")[0]
    return _langdetect(sample, config.seed)


def _probabilities(text: str, seed: int) -> list[Any]:
    """langdetect's ranked languages for ``text``, with our factory and a fixed seed."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = langdetect_profiles().create()
    detector.seed = seed
    detector.append(text)
    try:
        return detector.get_probabilities()
    except LangDetectException:
        return []


def _langdetect(sample: str, seed: int) -> str:
    ranked = _probabilities(sample, seed)
    lang = ranked[0].lang if ranked else "unknown"
    return lang.split("-")[0] if lang != "unknown" else "und"


def choose_language(text: str, declared: str | None, config: LanguageConfig) -> str:
    """The text's language; the page's declared one when the text cannot tell."""
    detected = detect_language(text, config, config.detector)
    if detected == "und" and config.declared_fallback and declared:
        return declared
    return detected


def language_probability(text: str, seed: int = 0) -> float:
    """How sure langdetect is of the text's top language (0 when it cannot tell)."""
    ranked = _probabilities(text, seed)
    return ranked[0].prob if ranked else 0.0
