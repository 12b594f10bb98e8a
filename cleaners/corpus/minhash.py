"""Body normalisation, word shingles and MinHash signatures for duplicate detection.

Normalised text: mojibake repaired (UTF-8 read as cp1252/Latin-1, the commonest re-post
damage), NFKC, casefolded, punctuation dropped, whitespace collapsed. Tokens are words;
Chinese and Japanese script has no spaces, so each of its characters is a token.

Shingles are word n-grams hashed to 32 bits: every word is hashed once with xxhash and the
n-gram hashes are combined in numpy, which is ~5x faster than hashing each joined n-gram.
Signatures are exactly datasketch's ``MinHash`` over those hashes (same permutations, same
arithmetic; ``hashfunc`` is the identity because the shingles are already xxhash values),
computed for a whole batch at once in numpy instead of one ``update_batch`` per article
(tests check the two agree). datasketch itself is not imported: its package imports scipy
and redis (0.7 s of a one-file run's start-up), and its permutations and finaliser are a
few lines of numpy, kept here.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import xxhash

_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"\w+")
# cp1252 characters of the bytes 0x80-0x9F; 0x81, 0x8D, 0x8F, 0x90, 0x9D read as Latin-1
_CONT = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
         "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
         "\u20ac\u2122")
SUSPECT = re.compile(f"[\u00c2-\u00f4][{_CONT}]")
MOJIBAKE = re.compile(f"(?:[\u00c2-\u00f4][{_CONT}]{{1,3}})+")


def _cp1252_byte(ch: str) -> bytes:
    try:
        return ch.encode("cp1252")
    except UnicodeEncodeError:
        return ch.encode("latin-1")


def _unbake(match: re.Match[str]) -> str:
    try:
        return b"".join(_cp1252_byte(c) for c in match.group(0)).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return match.group(0)


def tokens(text: str) -> list[str]:
    """The body's normalised tokens (see the module docstring)."""
    if not text.isascii():
        if SUSPECT.search(text):
            text = MOJIBAKE.sub(_unbake, text)
        text = unicodedata.normalize("NFKC", text)
        if _CJK.search(text):
            text = _CJK.sub(r" \g<0> ", text)
    return WORD.findall(text.casefold())


def exact_key(toks: Sequence[str]) -> int:
    """Hash of the normalised body: equal for copies differing only in case, spacing,
    punctuation or repairable mojibake."""
    return xxhash.xxh3_64_intdigest(" ".join(toks).encode())


EMPTY = np.uint32(0xFFFFFFFF)
_MUL = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def shingle_hashes(toks: Sequence[str], n: int) -> np.ndarray:
    """32-bit hashes of the word n-grams in text order (one n-gram if there are fewer
    words). Not made distinct: a MinHash ignores repeats, and news text repeats few
    n-grams, so the count stands in for the set size at a fraction of ``np.unique``'s cost."""
    if not toks:
        return np.zeros(0, dtype=np.uint64)
    words = np.fromiter(map(xxhash.xxh64_intdigest, map(str.encode, toks)), dtype=np.uint64,
                        count=len(toks))
    n = min(n, len(words))
    count = len(words) - n + 1
    h = words[:count].copy()
    with np.errstate(over="ignore"):
        for k in range(1, n):
            h = h * _MUL + words[k:k + count]
        h ^= h >> np.uint64(31)
        h *= _MIX
    return (h >> np.uint64(32)).astype(np.uint32)


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """LSH bucket keys, one uint64 per (signature, band): the band's ``rows`` values and
    the band number folded together (equal values in different bands are other keys)."""
    parts = sigs[:, :bands * rows].reshape(len(sigs), bands, rows).astype(np.uint64)
    keys = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64), parts.shape[:2]).copy()
    with np.errstate(over="ignore"):
        for j in range(rows):
            keys = keys * _MUL + parts[:, :, j]
        keys ^= keys >> np.uint64(29)
        keys *= _MIX
    return keys


# datasketch 2.0's MurmurHash3 32-bit finaliser (datasketch.minhash._FMIX_CONSTANTS[32])
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35),
           np.uint32(16))


def fmix32(hv: np.ndarray) -> np.ndarray:
    """datasketch's ``_fmix(hv, 32)``: a bijection on uint32 that spreads weak hashes."""
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch 2.0's ``affine32`` permutations ``(a, b)`` for ``seed`` (its
    ``MinHash._init_permutations``): odd multipliers, so each map is a bijection."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


class Signer:
    """datasketch MinHash signatures (``num_perm`` x uint32) for many shingle sets at once.

    datasketch 2.0's default ``affine32`` scheme: the MurmurHash3 finaliser, then
    ``a*h + b mod 2**32``; no modulo by a prime, so numpy does it at memory speed.
    """

    def __init__(self, num_perm: int, seed: int = 1, chunk: int = 1 << 19) -> None:
        self.a, self.b = permutations(num_perm, seed)
        self.num_perm = num_perm
        self.chunk = max(1, chunk // num_perm)  # shingles per numpy step: bounds temporaries

    def sign(self, sets: Sequence[np.ndarray]) -> np.ndarray:
        """One signature row per shingle array; an empty array keeps all-max values.

        Repeated hashes do not change a MinHash, so the arrays need not be distinct.
        """
        out = np.full((self.num_perm, len(sets)), EMPTY, dtype=np.uint32)
        lens = np.array([len(s) for s in sets], dtype=np.int64)
        if not lens.sum():
            return out.T.copy()
        owner = np.repeat(np.arange(len(sets)), lens)
        allh = fmix32(np.concatenate([s for s in sets if len(s)]).astype(np.uint32))
        for start in range(0, len(allh), self.chunk):
            phv = self.a[:, None] * allh[None, start:start + self.chunk]
            phv += self.b[:, None]  # in place: one chunk-sized temporary, 2 MB
            rows = owner[start:start + self.chunk]
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            idx = rows[starts]
            out[:, idx] = np.minimum(out[:, idx], np.minimum.reduceat(phv, starts, axis=1))
        return out.T.copy()
