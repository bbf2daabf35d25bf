"""In-portal messages: the header badge, the list, opening one, marking all read."""

import pytest
from django.urls import reverse

from portal.models import Notification
from portal.services import notifications_send

pytestmark = pytest.mark.django_db


def send(user, count=1, link="/credits/declarations/1/"):
    notifications_send(
        messages=[
            {"user_id": user.pk, "title": f"消息 {index}", "body": "原因", "link": link}
            for index in range(count)
        ]
    )
    return list(Notification.objects.filter(user=user).order_by("pk"))


def test_the_badge_shows_the_unread_count(client, user, other_user):
    send(user, 3)
    send(other_user, 5)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.context["unread_notifications"] == 3
    assert 'aria-label="3 条未读"' in response.content.decode()
    Notification.objects.filter(user=user).update(read_at="2026-01-01T00:00:00Z")
    response = client.get(reverse("home"))
    assert response.context["unread_notifications"] == 0
    assert "条未读" not in response.content.decode()


def test_anonymous_visitors_have_no_badge(client):
    response = client.get(reverse("home"))
    assert response.context["unread_notifications"] == 0
    assert 'data-testid="notification-badge"' not in response.content.decode()


def test_the_list_is_newest_first_and_opening_it_marks_nothing(client, user, other_user):
    first, second = send(user, 2)
    send(other_user, 1)
    client.force_login(user)
    response = client.get(reverse("notifications"))
    assert [n.pk for n in response.context["notifications"]] == [second.pk, first.pk]
    assert "<strong>消息 0</strong>" in response.content.decode()
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 2


def test_the_list_is_paginated_by_20(client, user):
    send(user, 25)
    client.force_login(user)
    assert len(client.get(reverse("notifications")).context["notifications"]) == 20
    assert len(client.get(reverse("notifications"), {"page": 2}).context["notifications"]) == 5


def test_opening_a_message_marks_it_read_and_goes_to_its_link(client, user):
    first, second = send(user, 2)
    client.force_login(user)
    response = client.get(reverse("notification-read", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/credits/declarations/1/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_a_foreign_link_is_refused(client, user, link):
    (notification,) = send(user, 1, link=link)
    client.force_login(user)
    response = client.get(reverse("notification-read", args=[notification.pk]))
    assert response["Location"] == reverse("notifications")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_users_message_is_404(client, user, other_user):
    (theirs,) = send(other_user, 1)
    client.force_login(user)
    assert client.get(reverse("notification-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client, user, other_user):
    send(user, 3)
    send(other_user, 2)
    client.force_login(user)
    assert client.get(reverse("notifications-read-all")).status_code == 405
    response = client.post(reverse("notifications-read-all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other_user, read_at__isnull=True).count() == 2


def test_the_pages_need_a_login(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_has_messages_for_signed_in_users(client, user):
    client.force_login(user)
    labels = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
    assert "消息" in labels
    client.logout()
    labels = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
    assert "消息" not in labels
