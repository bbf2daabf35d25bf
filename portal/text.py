"""Text that databases and logs accept.

PostgreSQL refuses NUL in text columns (a COPY with one such row fails whole), and the other C0
control characters have no business in a name or a code. Tab, line feed and carriage return are
ordinary text (a textarea sends them).
"""

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)
