"""What bulletin puts on the home page (portal.home): for visitors, the province's public
notices; for a signed-in user, the newest notices that reach them with the unread count, and
the 联系我们 of their nearest HRSS office. Each panel costs a fixed number of queries."""

from portal.pagination import COUNT_LIMIT

from .selectors import (
    HOME_NOTICES,
    contact_nearest,
    notices_for,
    notices_home_public,
    notices_listed,
    unread_count,
)


def public_notices_panel() -> dict | None:
    notices = notices_home_public()
    if not notices:
        return None
    return {"template": "bulletin/home_public_notices.html", "notices": notices}


def notices_panel(user) -> dict | None:
    notices = list(notices_listed(notices_for(user))[:HOME_NOTICES])
    if not notices:
        return None
    unread = unread_count(user, COUNT_LIMIT)
    return {
        "template": "bulletin/home_notices.html",
        "notices": notices,
        "unread": unread,
        "unread_label": f"{COUNT_LIMIT:,}+" if unread > COUNT_LIMIT else f"{unread:,}",
    }


def contact_panel(user) -> dict | None:
    contact = contact_nearest(user)
    if contact is None:
        return None
    return {"template": "bulletin/home_contact.html", "contact": contact}
