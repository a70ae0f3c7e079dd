"""Bytes → text: byte order marks, UTF-16 without one, and the ordered trial decodings."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vobject.base import foldOneLine  # type: ignore[import-untyped]

from kith.interchange.encodings import codec_for, decode_bytes, decode_document
from kith.interchange.vcard import fold


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Zoë".encode(), "Zoë", "utf-8"),
        ("\ufeffZoë".encode(), "Zoë", "utf-8-sig"),
        ("\ufeffZoë".encode("utf-16-le"), "Zoë", "utf-16-le"),
        ("\ufeffZoë".encode("utf-16-be"), "Zoë", "utf-16-be"),
        ("Zoë Ann".encode("utf-16-be"), "Zoë Ann", "utf-16-be"),
        ("Zoë Ann".encode("utf-16-le"), "Zoë Ann", "utf-16-le"),
        ("名無しの権兵衛,@host".encode("shift_jis"), "名無しの権兵衛,@host", "shift_jis"),
        ("Renée,Müller,Straße".encode("latin-1"), "Renée,Müller,Straße", "cp1252"),
        ("O’Brien “quoted”".encode("cp1252"), "O’Brien “quoted”", "cp1252"),
        (b"caf\xe9 \x81", "café \x81", "latin-1"),
    ],
)
def test_decode_document(data: bytes, text: str, encoding: str) -> None:
    assert decode_document(data) == (text, encoding)


def test_a_declared_charset_wins_and_a_wrong_one_falls_back() -> None:
    assert decode_bytes("Doë".encode("cp1252"), "windows-1252") == ("Doë", "cp1252")
    assert decode_bytes("安藤".encode("shift_jis"), "SHIFT_JIS") == ("安藤", "cp932")
    assert decode_bytes("Doë".encode(), "invalid-encoding") == ("Doë", "utf-8")
    assert decode_bytes("Doë".encode("cp1252"), "us-ascii") == ("Doë", "cp1252")
    assert codec_for("x-sjis") == "cp932" and codec_for("nonsense") is None


@given(st.binary(max_size=300))
def test_any_bytes_decode(data: bytes) -> None:
    text, encoding = decode_document(data)
    assert isinstance(text, str) and encoding


@given(st.text(max_size=400).filter(lambda s: "\r" not in s and "\n" not in s))
def test_folding_gives_the_same_bytes_as_vobject(line: str) -> None:
    expected = io.StringIO()
    foldOneLine(expected, line, 75)
    assert fold(line) == expected.getvalue()
