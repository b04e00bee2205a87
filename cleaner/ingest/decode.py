"""Bytes -> text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, Big5, and whatever else
charset-normalizer can name. Anything that is not text raises `Unreadable` with a reason."""

from __future__ import annotations

import codecs

import charset_normalizer

# Tried first for non-UTF-8 input: on short Chinese text an unrestricted guess often names a Korean or
# Cyrillic code page (`人才工作` in GBK comes back as cp949).
CHINESE_ENCODINGS = ("gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class Unreadable(ValueError):
    """The bytes are not a text we can decode; the message is the reason shown in the manifest."""


def decode(data: bytes) -> tuple[str, str]:
    """Return `(text, encoding name)`.

    >>> decode("党管人才".encode("gb18030"))
    ('党管人才', 'gb18030')
    """
    if not data.strip():
        raise Unreadable("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise Unreadable(
                    f"starts with a {encoding} byte order mark but does not decode: {error}"
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    match = charset_normalizer.from_bytes(data, cp_isolation=list(CHINESE_ENCODINGS)).best()
    if match is None:
        match = charset_normalizer.from_bytes(data).best()
    if match is None:
        kind = "binary data" if b"\x00" in data else "bytes in no known text encoding"
        raise Unreadable(f"not text: {kind}")
    return str(match), match.encoding
