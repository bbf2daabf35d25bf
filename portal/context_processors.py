from django.conf import settings
from django.contrib.sites.models import Site

from .models import Notification
from .navigation import menu_groups, register_menu_item, signed_in

register_menu_item("消息", "notifications", signed_in, order=79)


def site_name() -> str:
    """The portal's name: the Site row an admin may rename, else the official default."""
    try:
        return Site.objects.get_current().name or settings.DEFAULT_SITE_NAME
    except Site.DoesNotExist:
        return settings.DEFAULT_SITE_NAME


def portal(request) -> dict:
    return {
        "site_name": site_name(),
        "nav_items": menu_groups(request.user, request.path),
        "unread_notifications": unread_notifications(request.user),
    }


def unread_notifications(user) -> int:
    """The header badge: one COUNT on the (user, read_at) index, none for anonymous visitors."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
