"""Bytes from outside → text, and which encoding that took.

Files arrive in whatever their program wrote: UTF-8 with or without a byte
order mark, UTF-16 (with a mark, or Apple's big-endian without one), Shift-JIS
from Japanese phones and Thunderbird, Windows-1252 or Latin-1 from older
exports.  Nothing here guesses with statistics: a byte order mark is trusted,
UTF-16 is recognised by its zero bytes, then a short ordered list of strict
trial decodings is tried, and Latin-1 (which decodes anything) ends it.

Shift-JIS is only accepted when the result reads like Japanese: Latin text
often decodes as valid Shift-JIS too (``é`` followed by a letter is a kanji),
but then a kanji sits glued to a Latin letter, which real Japanese text does
not do.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Names people and programs write in CHARSET= parameters, mapped to the codec
# that reads them best (cp932 is the Windows superset phones actually write).
_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
}
# How each codec is named when we say which one was used.
_DISPLAY = {"cp932": "shift_jis", "iso8859-1": "latin-1", "ascii": "us-ascii"}

_JAPANESE = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f"
_HAS_JAPANESE = re.compile(f"[{_JAPANESE}]")
_GLUED_TO_LATIN = re.compile(f"[A-Za-z][{_JAPANESE}]|[{_JAPANESE}][A-Za-z]")


def codec_for(charset: str) -> str | None:
    """The Python codec for a CHARSET name, or None when there is no such codec."""
    name = charset.strip().strip('"').lower()
    if not name:
        return None
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def display_name(codec: str) -> str:
    """How to name a codec to a person (``shift_jis`` rather than ``cp932``)."""
    return _DISPLAY.get(codec, codec)


def sniff_bom(data: bytes) -> tuple[str, int] | None:
    """(encoding, length of the mark) when ``data`` starts with a byte order mark."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def sniff_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` for UTF-16 without a mark, told by where its zero bytes fall."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_zeros, odd_zeros = even.count(0), odd.count(0)
    if even_zeros > 0.4 * len(even) and odd_zeros < 0.1 * len(odd):
        return "utf-16-be"
    if odd_zeros > 0.4 * len(odd) and even_zeros < 0.1 * len(even):
        return "utf-16-le"
    return None


def _looks_japanese(text: str) -> bool:
    return bool(_HAS_JAPANESE.search(text)) and not _GLUED_TO_LATIN.search(text)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a damaged file) rather than another encoding."""
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    wide = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if wide and broken * 4 <= wide:
        return text
    return None


def decode_bytes(data: bytes, declared: str = "") -> tuple[str, str]:
    """Decode ``data``, trying the ``declared`` charset first; returns (text, codec used).

    Order: the declared charset (when Python knows it and it fits), UTF-8,
    UTF-8 with a few damaged bytes replaced, Shift-JIS (only when the result
    reads like Japanese), Windows-1252, and Latin-1, which never fails.
    """
    first = codec_for(declared) if declared else None
    candidates = [c for c in (first, "utf-8") if c]
    for codec in candidates:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    damaged = _mostly_utf8(data)
    if damaged is not None:
        return damaged, "utf-8"
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_japanese(text):
            return text, "cp932"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "iso8859-1"


def decode_document(data: bytes) -> tuple[str, str]:
    """A whole file as text, and the name of the encoding that was used.

    The name is what a person should read: ``utf-8``, ``utf-8-sig`` (UTF-8 with
    a byte order mark), ``utf-16-le``, ``utf-16-be``, ``shift_jis``,
    ``cp1252``, ``latin-1``; ``utf-8 (N bytes could not be decoded)`` for a
    UTF-8 file with a few damaged bytes.
    """
    bom = sniff_bom(data)
    if bom is not None:
        name, size = bom
        return data[size:].decode(name.removesuffix("-sig"), errors="replace"), name
    utf16 = sniff_utf16(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace"), utf16
    text, codec = decode_bytes(data)
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    if codec == "utf-8" and broken:
        return text, f"utf-8 ({broken} bytes could not be decoded)"
    return text, display_name(codec)
