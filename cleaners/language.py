"""Language identification: langdetect with a fixed seed, 'und' when the text is too short."""
from __future__ import annotations

from functools import lru_cache

from langdetect import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from cleaners.config import LanguageConfig


@lru_cache(maxsize=1)
def _factory() -> DetectorFactory:
    """Profiles load once per process (~100 ms); the factory is our own, not langdetect's."""
    factory = DetectorFactory()
    factory.load_profile(__import__("langdetect").detector_factory.PROFILES_DIRECTORY)
    return factory


def detect_language(text: str, config: LanguageConfig) -> str:
    letters = sum(ch.isalpha() for ch in text[:5000])
    if letters < config.min_chars:
        return "und"
    detector = _factory().create()
    detector.seed = config.seed
    detector.append(text[:5000])
    try:
        lang = detector.detect()
    except LangDetectException:
        return "und"
    return lang.split("-")[0] if lang != "unknown" else "und"


def language_probability(text: str, seed: int = 0) -> float:
    """How sure langdetect is of the text's top language (0 when it cannot tell)."""
    detector = _factory().create()
    detector.seed = seed
    detector.append(text)
    try:
        probabilities = detector.get_probabilities()
    except LangDetectException:
        return 0.0
    return probabilities[0].prob if probabilities else 0.0
