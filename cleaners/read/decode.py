"""Bytes to text, never silently wrong: BOM, then a declared charset, then detection.

A declared charset (HTTP header, HTML ``<meta>``, XML declaration) that does not decode the
bytes strictly is not trusted; detection decides: charset-normalizer proposes, and when its
best guess is a single-byte code page the reading a language model finds likeliest wins
(:mod:`cleaners.read.codepage`: windows-1252 unless the text is likelier Czech in cp1250,
Russian in cp1251...). When nothing reads the bytes coherently the input is an error
record rather than a page of mojibake.
"""
from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass

import charset_normalizer

from cleaners.config import ReadConfig
from cleaners.language import language_probability
from cleaners.read.codepage import is_single_byte, rank_readings
from cleaners.record import InputError

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"), (b"\x89PNG", "PNG image"), (b"PK\x03\x04", "ZIP archive"),
    (b"GIF8", "GIF image"), (b"\xff\xd8\xff", "JPEG image"), (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "ELF executable"), (b"7z\xbc\xaf", "7-Zip archive"), (b"Rar!", "RAR archive"),
    (b"OggS", "Ogg media"), (b"ID3", "MP3 audio"), (b"wOFF", "web font"), (b"wOF2", "web font"),
    (b"\xd0\xcf\x11\xe0", "MS Office document"), (b"\x00asm", "WebAssembly"),
)

# WHATWG: these labels mean windows-1252 on the web.
ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252",
           "us-ascii": "cp1252", "iso8859-1": "cp1252", "x-sjis": "shift_jis"}

META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{2,40})""",
                          re.IGNORECASE)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-zA-Z0-9_.:-]{2,40})["']""")
TEXT_CONTROLS = set(b"\t\n\r\f\x0b\x1b")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    how: str  # bom | declared | meta | xml | utf-8 | detected
    ambiguous: bool = False  # detection had equally good candidates that read differently


def sniff_binary(data: bytes, config: ReadConfig) -> str | None:
    """Name the binary format of ``data``, or None when it may be text."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            return name
    head = data[:4096]
    if any(head.startswith(bom) for bom, _ in BOMS) or _utf16_guess(head):
        return None
    controls = sum(1 for b in head if b < 32 and b not in TEXT_CONTROLS)
    if head and controls / len(head) > config.binary_control_ratio:
        return "binary data"
    return None


def _utf16_guess(head: bytes) -> str | None:
    """UTF-16 without a BOM: NULs in every other byte of mostly-ASCII text."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def normalize_label(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("'\"").lower()
    try:
        name = codecs.lookup(ALIASES.get(label, label)).name
    except LookupError:
        return None
    return ALIASES.get(name, name)


def meta_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KiB."""
    match = META_CHARSET.search(data[:4096])
    return normalize_label(match.group(1).decode("ascii", "ignore")) if match else None


def xml_charset(data: bytes) -> str | None:
    """The encoding an XML declaration (``<?xml version="1.0" encoding="..."?>``) names."""
    match = XML_ENCODING.match(data[:1024])
    return normalize_label(match.group(1).decode("ascii", "ignore")) if match else None


def decode_bytes(data: bytes, config: ReadConfig, declared: str | None = None,
                 html: bool = False) -> Decoded:
    """Decode ``data`` or raise :class:`InputError` (empty, binary, undecodable)."""
    if not data.strip():
        raise InputError("empty", "the input has no content")
    binary = sniff_binary(data, config)
    if binary:
        raise InputError("binary", f"{binary}, not a text or HTML article")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding)
            if text is None:
                raise InputError("decode_error", f"bytes after the {encoding} BOM do not decode")
            return Decoded(text, encoding.replace("-sig", ""), "bom")
    utf16 = _utf16_guess(data[:4096])
    if utf16 and (text := _strict(data, utf16)) is not None:
        return Decoded(text, utf16, "detected")
    # Bytes that are valid UTF-8 with non-ASCII in them are UTF-8 whatever a page declares:
    # single-byte text almost never forms valid multi-byte sequences by chance, while pages
    # that announce iso-8859-1 and send UTF-8 are common.
    candidates = [("utf-8", "utf-8"), (normalize_label(declared), "declared")]
    if html:
        candidates.append((meta_charset(data), "meta"))
    candidates.append((xml_charset(data), "xml"))
    for encoding, how in candidates:
        if encoding and (text := _strict(data, encoding)) is not None:
            return Decoded(text, encoding, how)
    return _detect(data, config)


def _detect(data: bytes, config: ReadConfig) -> Decoded:
    matches = list(charset_normalizer.from_bytes(data[:200_000]))
    if not matches or min(m.chaos for m in matches) > config.max_decode_chaos:
        raise InputError("decode_error", "no text encoding reads these bytes coherently")
    best = normalize_label(matches[0].encoding) or matches[0].encoding
    if is_single_byte(best) or _glued_to_latin(str(matches[0])) > config.max_glued_share:
        encoding, ambiguous = _likeliest_codepage(data, matches, config)
    else:
        encoding, ambiguous = _choose(matches)
    text = _strict(data, encoding)
    if text is None:
        raise InputError("decode_error", f"bytes do not decode as detected {encoding}")
    return Decoded(text, encoding, "detected", ambiguous)


def _glued_to_latin(text: str) -> float:
    """The share of non-ASCII characters touching an ASCII letter.

    Latin text misread in a multi-byte code page ('fü' as 'f僡', 'Niño' as 'Ni隳') puts
    each ideograph inside a Latin word; Japanese or Chinese text has runs of them.
    """
    sample = text[:20_000]
    spots = [i for i, ch in enumerate(sample) if ch >= "\x80"]
    if not spots:
        return 0.0

    def latin(j: int) -> bool:
        return 0 <= j < len(sample) and sample[j] < "\x80" and sample[j].isalpha()

    return sum(latin(i - 1) or latin(i + 1) for i in spots) / len(spots)


def _likeliest_codepage(data: bytes, matches: list, config: ReadConfig) -> tuple[str, bool]:
    """(encoding, ambiguous) among the single-byte pages charset-normalizer found, and cp1252."""
    names = ["cp1252"]
    for match in matches:
        if match.chaos > config.max_decode_chaos:
            continue
        for name in (match.encoding, *(match.could_be_from_charset or [])):
            name = normalize_label(name) or name
            if name not in names and is_single_byte(name):
                names.append(name)
    ranked = rank_readings(data, names, config)
    if not ranked:  # no single-byte page decodes all of it (only the first 200 kB was seen)
        return _choose(matches)
    ambiguous = len(ranked) > 1 and ranked[0].score - ranked[1].score < config.encoding_tie_nats
    return ranked[0].encoding, ambiguous


def _choose(matches: list) -> tuple[str, bool]:
    """(encoding, ambiguous): charset-normalizer's best, or the likeliest of near-ties.

    Short Western text decodes about equally well in a dozen code pages (Czech in cp1250
    and cp1252, 'Zürich' even in cp1006). Among near-ties the decoding a language model
    finds most probable wins, then windows-1252 (the web's fallback); the record says
    the choice was ambiguous.
    """
    best = matches[0]
    ties = [m for m in matches[:6]
            if m.chaos <= best.chaos + 0.02 and m.coherence >= best.coherence - 0.05]
    if len({str(m) for m in ties}) <= 1:
        return normalize_label(best.encoding) or best.encoding, False

    def likelihood(match) -> tuple[float, bool]:
        western = "cp1252" in (match.could_be_from_charset or [match.encoding])
        return language_probability(str(match)[:2000]), western

    chosen = max(ties, key=likelihood)
    if "cp1252" in (chosen.could_be_from_charset or []):
        return "cp1252", True
    return normalize_label(chosen.encoding) or chosen.encoding, True


def inflate(data: bytes, limit: int, wbits: int = 47, what: str = "gzip data") -> bytes:
    """Decompress gzip/zlib ``data`` to at most ``limit`` bytes; refuse bombs and cut streams."""
    inflater = zlib.decompressobj(wbits=wbits)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError("corrupt_gzip", f"{what} does not inflate: {exc}") from None
    if len(out) > limit:
        raise InputError("too_large", f"{what} inflates to over {limit:,} bytes")
    if not inflater.eof:
        raise InputError("corrupt_gzip", f"{what} is truncated")
    return out
