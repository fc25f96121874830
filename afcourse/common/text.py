"""How answers and names are compared: one normal form for text, shared by every stage."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


_ARTICLE = re.compile(r"^(the|a|an) ")


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Fold case, diacritics, punctuation, spacing and a leading article for comparison (remembered: building
    the bank compares the same clauses hundreds of thousands of times)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w\s]|_", " ", text)
    text = " ".join(text.split())
    return _ARTICLE.sub("", text)
