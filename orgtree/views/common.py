"""What the orgtree views share: service errors on form fields, paging links."""

from django import forms
from django.core.exceptions import ValidationError


def errors_to_forms(
    exc: ValidationError,
    routes: dict[str, tuple[forms.Form, str]],
    fallback: forms.Form,
) -> None:
    """Shows a service's ValidationError on the form fields its keys name."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            fallback.add_error(None, message)
        return
    for key, messages in exc.message_dict.items():
        form, field = routes.get(key, (fallback, key))
        if field not in form.fields:
            form, field = fallback, None
        for message in messages:
            form.add_error(field, message)


def page_query(request) -> str:
    """The query string without ``page`` and ``export``, for pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()
