"""Path converters of the portal's URLs."""

# Ids are bigint primary keys: 18 digits always fit in 2**63 - 1, 20 would overflow the
# database's integer (an error on SQLite and PostgreSQL, so a 500 instead of a 404).
ID_MAX_DIGITS = 18


class IdConverter:
    """``<id:pk>``: a row id of 1 to 18 digits; a longer number is no URL of the portal (404)."""

    regex = f"[0-9]{{1,{ID_MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
