"""Text helpers shared by search and filters."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case ``text`` and drop accents: "Perú" and "PERU" both become "peru".

    Stored beside names, it lets a plain ``contains`` lookup ignore case and accents on
    SQLite and PostgreSQL alike.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
