from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from .ids import normalize_id_number


def user_lookup_for_identifier(identifier: str) -> dict[str, str]:
    """The field lookup a login identifier means: an ID number if it is one, else a username."""
    text = str(identifier).strip()
    try:
        return {"id_number": normalize_id_number(text)}
    except ValidationError:
        return {"username": text}


def user_for_identifier(identifier: str):
    """The account a login identifier names (username or ID number), or None."""
    return (
        get_user_model()
        ._default_manager.filter(**user_lookup_for_identifier(identifier))
        .only("pk", "username", "id_number")
        .first()
    )
