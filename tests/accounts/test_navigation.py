"""Who sees which accounts pages in the menu."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory, make_person

pytestmark = pytest.mark.django_db

ADMIN_ITEMS = ["人员注册审核", "人员目录", "调动接收"]


def nav_labels(client) -> list[str]:
    content = client.get(reverse("home")).content.decode()
    nav = content.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


def test_anonymous_visitors_see_the_registration_entry(client, db):
    labels = nav_labels(client)
    assert "专业技术人员注册" in labels
    assert labels.index("注册指南") < labels.index("专业技术人员注册")
    assert "我的档案" not in labels
    assert not set(ADMIN_ITEMS) & set(labels)


def test_an_approved_professional_sees_their_record_only(client, tree):
    client.force_login(make_person(tree.hospital1).user)
    labels = nav_labels(client)
    assert "我的档案" in labels
    assert "专业技术人员注册" not in labels
    assert not set(ADMIN_ITEMS) & set(labels)


def test_admins_see_the_review_pages_in_their_groups(client, tree):
    client.force_login(tree.admins["hospital1"])
    labels = nav_labels(client)
    # 审核 holds the registrations and the transfers, 人员与机构 the people list.
    assert [label for label in labels if label in ADMIN_ITEMS] == [
        "人员注册审核",
        "调动接收",
        "人员目录",
    ]
    assert "我的档案" not in labels


def test_a_plain_account_sees_neither(client, db):
    client.force_login(UserFactory())
    labels = nav_labels(client)
    assert "我的档案" not in labels
    assert not set(ADMIN_ITEMS) & set(labels)


def test_the_record_check_is_cached_on_the_user_for_the_request(tree, django_assert_num_queries):
    from accounts.selectors import has_approved_person

    user = make_person(tree.hospital1).user
    with django_assert_num_queries(1):
        assert has_approved_person(user)
        assert has_approved_person(user)
