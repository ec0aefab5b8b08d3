"""Search keys: the one way Vietnamese text is folded for matching.

SQLite's ``lower()``/``LIKE`` and PostgreSQL's ``ILIKE`` do not fold Vietnamese accents, so every
searchable column has a stored ``*_search`` twin holding ``search_key`` of its text, and queries fold
the user's input the same way.
"""

from __future__ import annotations

from qr.text import strip_marks


def search_key(text: str | None) -> str:
    """Accent- and case-insensitive form: marks dropped, đ → d, casefolded, spaces collapsed."""
    if not text:
        return ""
    return " ".join(strip_marks(text).casefold().split())


def like_escape(term: str) -> str:
    """Escape LIKE wildcards so that user input matches literally (used with ``escape='\\\\'``)."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
