"""What the orgtree views share: paging links."""


def page_query(request) -> str:
    """The query string without ``page`` and ``export``, for pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return query.urlencode()
