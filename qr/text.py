"""Folding Vietnamese text to plain ASCII.

This is the project's single folding primitive: ``tracker.lib.text.search_key`` builds on it, and the
VietQR payload encoder uses it for the fields that banking apps require in ASCII. It lives here because
``qr`` is a leaf library that imports nothing from the rest of the project.
"""

from __future__ import annotations

import unicodedata

# Unicode decomposition leaves đ/Đ (and a few letters with bars or strokes) alone: map them by hand.
_STROKED = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})


def strip_marks(text: str) -> str:
    """Drop Vietnamese diacritics (tones and vowel marks) and map đ to d; other characters are kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_STROKED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_ascii(text: str) -> str:
    """Fold to printable ASCII: marks dropped, whitespace collapsed, anything still non-ASCII removed."""
    stripped = strip_marks(text)
    printable = "".join(ch if (" " <= ch <= "~") else " " for ch in stripped)
    return " ".join(printable.split())
