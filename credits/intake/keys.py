"""The natural key of a declaration (DESIGN.md, "Intake"): person, year, subject, category,
title and start date. Its SHA-256 is stored on every declaration; unique among intake rows, it
makes every import, commit and push idempotent, and the personal form warns on it.

Titles are normalised before they are stored (``title_clean``), so that the key of a stored row
is a function of its columns alone: the migration that filled the keys of earlier rows computes
the same digest in SQL (``KEY_SQL``).
"""

import hashlib
import re
from datetime import date

SPACES = re.compile(r"\s+")

# The same digest in PostgreSQL, for set-based back-fills (migration 0009, the benchmark).
KEY_SQL = (
    "encode(sha256(convert_to(concat_ws('|', person_id::text, year::text, subject, category, "
    "title, coalesce(to_char(start_date, 'YYYY-MM-DD'), '')), 'UTF8')), 'hex')"
)


def title_clean(title: str) -> str:
    """Runs of spaces (full-width ones too) as one, none at the ends. Not NFKC: a Chinese
    title's full-width brackets and commas are what the person typed and stay as they are."""
    return SPACES.sub(" ", title or "").strip()


def natural_key(
    *, person_id: int, year: int, subject: str, category: str, title: str, start: date | None
) -> str:
    text = "|".join(
        (str(person_id), str(year), subject, category, title, start.isoformat() if start else "")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def natural_key_of(declaration) -> str:
    return natural_key(
        person_id=declaration.person_id,
        year=declaration.year,
        subject=declaration.subject,
        category=declaration.category,
        title=declaration.title,
        start=declaration.start_date,
    )
