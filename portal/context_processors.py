from django.conf import settings
from django.contrib.sites.models import Site

from .navigation import menu_for


def site_name() -> str:
    """The portal's name: the Site row an admin may rename, else the official default."""
    try:
        return Site.objects.get_current().name or settings.DEFAULT_SITE_NAME
    except Site.DoesNotExist:
        return settings.DEFAULT_SITE_NAME


def portal(request) -> dict:
    return {
        "site_name": site_name(),
        "nav_items": menu_for(request.user, request.path),
    }
