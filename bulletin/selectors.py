"""Who reads which notice, and the help centre's reads.

A notice reaches the subtree of its office: a reader sees it when the office's path is one of
the ancestors (or the path itself) of an org the reader belongs to, i.e. a few exact values of
``office_path``, which the (office_path, status, publish_at) index serves. A professional
belongs to their unit; an admin to each org they administer.
"""

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from orgtree.models import Org, Region
from orgtree.roles import hrss_offices, roles_of

from .models import FaqEntry, Notice, NoticeAttachment, NoticeRead, OfficeContact

HOME_NOTICES = 5
APPROVED = "approved"  # accounts.Person.Status.APPROVED (bulletin may not import accounts)


def path_ancestors(path: str) -> list[str]:
    """ "/1/7/42/" -> ["/1/", "/1/7/", "/1/7/42/"]."""
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[: end + 1]) + "/" for end in range(len(parts))]


def person_path(user) -> str:
    """The approved professional's unit path, or "". Read through the reverse one-to-one that
    accounts defines, without importing accounts; an admin's account has no ID number and no
    Person, so it costs no query."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "id_number", None):
        return ""
    person = getattr(user, "person", None)  # Django caches the row, or its absence, on the user
    if person is None or getattr(person, "status", "") != APPROVED:
        return ""
    return person.org_path


def reader_paths(user) -> list[str]:
    """The paths of the orgs the user belongs to: their unit's, and each org they administer
    (every one, not only the outermost: a notice of an office below the outermost reaches it)."""
    paths = [org.path for org in roles_of(user).orgs]
    if own := person_path(user):
        paths.append(own)
    return list(dict.fromkeys(paths))


def audience_paths(user) -> list[str]:
    """Every office path whose notices reach the user."""
    return sorted({ancestor for path in reader_paths(user) for ancestor in path_ancestors(path)})


def current_q(now=None) -> Q:
    """Published, its publication time reached, not yet expired."""
    now = now or timezone.now()
    return Q(status=Notice.Status.PUBLISHED, publish_at__lte=now) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def _unread_annotated(notices: QuerySet, user) -> QuerySet:
    if not user.is_authenticated:
        return notices
    read = NoticeRead.objects.filter(user_id=user.pk, notice_id=OuterRef("pk"))
    return notices.annotate(unread=~Exists(read))


def notices_public() -> QuerySet[Notice]:
    """Current notices open to anyone (向社会公开), of any office."""
    return Notice.objects.filter(current_q(), is_public=True)


def notices_for(user) -> QuerySet[Notice]:
    """The reader's list: current notices of the offices above them (their own office's
    included), each with ``unread``; a visitor, or a signed-in user who belongs to no org,
    reads the public ones."""
    paths = audience_paths(user) if user.is_authenticated else []
    notices = (
        Notice.objects.filter(current_q(), office_path__in=paths) if paths else notices_public()
    )
    return _unread_annotated(notices, user)


def notices_listed(notices: QuerySet) -> QuerySet[Notice]:
    """What a list shows of each notice, newest first."""
    return (
        notices.select_related("office")
        .only("pk", "title", "category", "is_public", "status", "publish_at", "office__name")
        .order_by("-publish_at", "-pk")
    )


def notices_managed_by(user) -> QuerySet[Notice]:
    """发布管理: every notice (any status) of the HRSS offices the user administers."""
    offices = [office.pk for office in hrss_offices(user)]
    return Notice.objects.filter(office_id__in=offices)


def notices_visible_to(user) -> QuerySet[Notice]:
    """What a detail page or an attachment download may show: a current notice that reaches
    the user or is public, and any notice of an office the user runs (drafts included)."""
    q = current_q() & Q(is_public=True)
    if user.is_authenticated:
        if paths := audience_paths(user):
            q |= current_q() & Q(office_path__in=paths)
        if offices := [office.pk for office in hrss_offices(user)]:
            q |= Q(office_id__in=offices)
    return _unread_annotated(Notice.objects.filter(q), user)


def attachments_visible_to(user) -> QuerySet[NoticeAttachment]:
    return NoticeAttachment.objects.filter(notice__in=notices_visible_to(user).values("pk"))


def notices_home_public() -> list[Notice]:
    """The visitors' front page: the province office's newest public notices. The office test
    is :func:`orgtree.roles.is_province_office` in SQL."""
    province = Q(office__kind=Org.Kind.HRSS, office__region__level=Region.Level.PROVINCE)
    return list(notices_listed(notices_public().filter(province))[:HOME_NOTICES])


def unread_count(user, limit: int) -> int:
    """The user's unread current notices, counted up to ``limit + 1``."""
    if not user.is_authenticated or not (paths := audience_paths(user)):
        return 0
    read = NoticeRead.objects.filter(user_id=user.pk, notice_id=OuterRef("pk"))
    unread = Notice.objects.filter(current_q(), ~Exists(read), office_path__in=paths)
    return unread.order_by().values("pk")[: limit + 1].count()


# --- 联系我们 ------------------------------------------------------------------------------------


def contacts_all() -> list[OfficeContact]:
    """Every office's contact, in region order. One row per HRSS office at most (offices are
    reference data: about two hundred), so the whole list is one query and one page."""
    return list(
        OfficeContact.objects.select_related("office__region__parent").order_by(
            "office__region_id", "office__path"
        )
    )


def contacts_above(user) -> list[OfficeContact]:
    """The contacts of the HRSS offices at or above the user's orgs, the nearest first."""
    ids = {
        int(part): depth
        for path in reader_paths(user)
        for depth, part in enumerate(part for part in path.split("/") if part)
    }
    if not ids:
        return []
    rows = OfficeContact.objects.filter(office_id__in=list(ids), office__kind=Org.Kind.HRSS)
    rows = rows.select_related("office__region__parent")
    return sorted(rows, key=lambda contact: -ids[contact.office_id])


def contact_nearest(user) -> OfficeContact | None:
    return next(iter(contacts_above(user)), None)


def contact_group(contact: OfficeContact) -> tuple[str, str]:
    """The city a contact is listed under (code, name): the province's own office under 省直,
    a county's or zone's under its city."""
    region = contact.office.region
    if region.level == Region.Level.PROVINCE:
        return region.code, "省直"
    if region.level in (Region.Level.COUNTY, Region.Level.ZONE) and region.parent_id:
        return region.parent.code, region.parent.name
    return region.code, region.name


# --- FAQ -----------------------------------------------------------------------------------------


def faq_search(text: str = "") -> QuerySet[FaqEntry]:
    """Entries holding every word of ``text`` in their question or answer."""
    entries = FaqEntry.objects.all()
    for word in text.split()[:10]:
        entries = entries.filter(Q(question__icontains=word) | Q(answer__icontains=word))
    # The topics in the order a newcomer meets them (注册 first), not by their codes.
    topic_order = Case(
        *(When(topic=topic, then=Value(rank)) for rank, topic in enumerate(FaqEntry.Topic.values)),
        default=Value(len(FaqEntry.Topic.values)),
    )
    return entries.annotate(topic_order=topic_order).order_by("topic_order", "position", "pk")
