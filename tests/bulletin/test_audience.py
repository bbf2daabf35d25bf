"""Who a notice reaches: the subtree of its office (people and admins there), never a sibling
office's subtree; only while it is published, its time has come and it has not expired."""

import pytest

from bulletin.models import NoticeRead
from bulletin.selectors import (
    audience_paths,
    notices_for,
    notices_visible_to,
    path_ancestors,
    unread_count,
)
from bulletin.services import notice_read_mark, notice_withdraw
from tests.bulletin.conftest import in_days, notice
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def listed(user) -> set[int]:
    return set(notices_for(user).values_list("pk", flat=True))


def test_the_ancestors_of_a_path_are_its_prefixes_itself_included():
    assert path_ancestors("/1/7/42/") == ["/1/", "/1/7/", "/1/7/42/"]
    assert path_ancestors("") == []


def test_a_city_notice_reaches_its_people_and_admins_and_not_the_neighbouring_city(tree, people):
    pds_notice = notice(tree, "pds")
    for reader in (
        people["pds"].user,
        people["xinhua"].user,  # a county below the city
        tree.admins["pds"],
        tree.admins["health"],
        tree.admins["hospital1"],
        tree.admins["xinhua"],
    ):
        assert pds_notice.pk in listed(reader), reader
    for outsider in (people["lh"].user, tree.admins["lh"], tree.admins["lh_hospital"]):
        assert pds_notice.pk not in listed(outsider), outsider
        assert not notices_visible_to(outsider).filter(pk=pds_notice.pk).exists()
    # Nor upwards: the province office reads its own notices, not those of the offices below.
    assert pds_notice.pk not in listed(tree.admins["province"])


def test_a_province_notice_reaches_both_cities(tree, people):
    province_notice = notice(tree, "province")
    for reader in (people["pds"].user, people["lh"].user, tree.admins["lh"], tree.admins["pds"]):
        assert province_notice.pk in listed(reader)


def test_a_county_notice_stays_in_the_county(tree, people):
    county_notice = notice(tree, "xinhua")
    assert county_notice.pk in listed(people["xinhua"].user)
    assert county_notice.pk not in listed(people["pds"].user)
    assert county_notice.pk not in listed(tree.admins["pds"])


def test_a_pending_person_reads_nothing_of_the_subtree(tree):
    pending = make_person(tree.hospital1, status="pending")
    pending.user.is_active = True  # even were the account usable
    assert audience_paths(pending.user) == []
    assert notice(tree, "pds").pk not in listed(pending.user)


def test_drafts_future_expired_and_withdrawn_notices_are_hidden(tree, people):
    reader = people["pds"].user
    draft = notice(tree, publish=False, title="草稿")
    future = notice(tree, title="定时发布", publish_at=in_days(2))
    expired = notice(tree, title="已过期", publish_at=in_days(-10), expires_at=in_days(-1))
    withdrawn = notice(tree, title="已撤回")
    notice_withdraw(actor=tree.admins["pds"], notice_id=withdrawn.pk)
    current = notice(tree, title="展示中", expires_at=in_days(5))
    assert listed(reader) == {current.pk}
    hidden = [draft.pk, future.pk, expired.pk, withdrawn.pk]
    assert not notices_visible_to(reader).filter(pk__in=hidden).exists()
    # The office's own admins still open each of them (to edit or publish again).
    assert notices_visible_to(tree.admins["pds"]).filter(pk__in=hidden).count() == 4


def test_opening_marks_read_once_and_the_unread_count_follows(tree, people):
    reader = people["pds"].user
    first, second = notice(tree, title="一"), notice(tree, "province", title="二")
    assert unread_count(reader, 1000) == 2
    assert {n.pk: n.unread for n in notices_for(reader)} == {first.pk: True, second.pk: True}
    notice_read_mark(actor=reader, notice_id=first.pk)
    notice_read_mark(actor=reader, notice_id=first.pk)  # idempotent
    assert NoticeRead.objects.filter(user=reader).count() == 1
    assert {n.pk: n.unread for n in notices_for(reader)} == {first.pk: False, second.pk: True}
    assert unread_count(reader, 1000) == 1
    assert unread_count(people["lh"].user, 1000) == 1  # the province's only


def test_visitors_and_users_without_an_org_read_the_public_notices(tree, django_user_model):
    public = notice(tree, "lh", public=True, title="公开")
    notice(tree, "lh", title="不公开")
    from django.contrib.auth.models import AnonymousUser

    assert listed(AnonymousUser()) == {public.pk}
    loner = django_user_model.objects.create_user(username="loner", password="x")
    assert listed(loner) == {public.pk}
