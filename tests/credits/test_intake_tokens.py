"""The HRSS offices' pages of the learning platforms' tokens: issue (shown once), list, revoke."""

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from credits.intake.tokens import api_token_revoke
from credits.models import ApiToken
from portal.models import AuditLog
from tests.credits.intake_support import TOKEN, URL, push, record, token_of
from tests.factories import make_person

# --- The token pages ------------------------------------------------------------------------------


def test_urls_are_named():
    assert reverse("credits:api-completions") == URL
    assert reverse("credits:api-tokens") == "/platform/tokens/"
    assert reverse("credits:api-token-create") == "/platform/tokens/new/"


def test_the_city_office_issues_sees_the_token_once_and_only_its_digest_is_kept(client, tree):
    client.force_login(tree.admins["pds"])
    form = client.get(reverse("credits:api-token-create"))
    assert form.status_code == 200
    assert tree.institution.name in form.content.decode()
    assert 'name="recognised"' not in form.content.decode()  # a city office cannot recognise

    response = client.post(
        reverse("credits:api-token-create"),
        {"institution": tree.institution.pk, "name": "豫继教在线", "recognised": "on"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "只在本页显示这一次" in page
    assert "no-store" in response["Cache-Control"]
    plain = TOKEN.search(page).group()
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(plain.encode()).hexdigest()
    assert token.prefix == plain[4:12]
    assert token.recognised is False  # the box was not the city's to tick
    assert token.institution == tree.institution
    assert token.org_path == tree.institution.path
    assert token.created_by == tree.admins["pds"]
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert plain not in stored
    audit = AuditLog.objects.get(action="api_token.issue")
    assert audit.target == f"api_token:{token.pk}"
    assert plain not in json.dumps(audit.detail)

    listing = client.get(reverse("credits:api-tokens")).content.decode()
    assert f"cep_{token.prefix}…" in listing
    assert plain not in listing
    assert "有效" in listing and "从未使用" in listing


def test_the_province_may_recognise_a_platform(client, tree):
    client.force_login(tree.admins["province"])
    assert 'name="recognised"' in client.get(reverse("credits:api-token-create")).content.decode()
    response = client.post(
        reverse("credits:api-token-create"),
        {"institution": tree.institution.pk, "name": "河南省公需科目平台", "recognised": "on"},
    )
    assert TOKEN.search(response.content.decode())
    assert ApiToken.objects.get().recognised is True


def test_only_the_province_may_set_recognised_in_the_service(tree):
    with pytest.raises(ValidationError) as refused:
        token_of(tree, recognised=True, actor=tree.admins["pds"])
    assert "只有省级人社部门" in str(refused.value)
    assert not ApiToken.objects.exists()
    token, plain = token_of(tree, recognised=False, actor=tree.admins["pds"])
    assert plain.startswith("cep_") and not token.recognised


def test_a_neighbour_office_gets_404_and_a_unit_admin_403(client, tree):
    token, _ = token_of(tree, actor=tree.admins["pds"])
    revoke = reverse("credits:api-token-revoke", args=[token.pk])

    client.force_login(tree.admins["lh"])  # 漯河: the institution is not under it
    assert client.get(revoke).status_code == 404
    assert client.post(revoke).status_code == 404
    assert tree.institution.name not in client.get(reverse("credits:api-tokens")).content.decode()
    response = client.post(
        reverse("credits:api-token-create"), {"institution": tree.institution.pk, "name": "x"}
    )
    assert response.status_code == 200
    assert "请选择您管理范围内的施教机构" in response.content.decode()
    with pytest.raises(Http404):
        token_of(tree, actor=tree.admins["lh"])
    with pytest.raises(Http404):
        api_token_revoke(actor=tree.admins["lh"], token_id=token.pk)
    assert ApiToken.objects.count() == 1
    assert ApiToken.objects.get().revoked_at is None

    client.force_login(tree.admins["hospital1"])
    assert client.get(reverse("credits:api-tokens")).status_code == 403
    assert client.get(reverse("credits:api-token-create")).status_code == 403
    assert client.post(revoke).status_code == 403
    client.force_login(tree.admins["institution"])  # nor may the institution itself
    assert client.get(reverse("credits:api-tokens")).status_code == 403


def test_the_office_revokes_with_a_confirmation_and_once(client, tree):
    token, plain = token_of(tree, actor=tree.admins["pds"])
    revoke = reverse("credits:api-token-revoke", args=[token.pk])
    client.force_login(tree.admins["pds"])
    confirm = client.get(revoke)
    assert confirm.status_code == 200
    assert "确认吊销" in confirm.content.decode()
    assert ApiToken.objects.get().revoked_at is None  # a GET changes nothing

    response = client.post(revoke, follow=True)
    assert "已吊销" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == tree.admins["pds"]
    assert "已吊销" in client.get(reverse("credits:api-tokens")).content.decode()

    again = client.post(revoke, follow=True).content.decode()
    assert "无需重复操作" in again
    assert AuditLog.objects.filter(action="api_token.revoke").count() == 1
    assert push(Client(), plain, [record(make_person(tree.hospital1))]).status_code == 401


def test_hrss_admins_see_the_menu_item(client, tree):
    client.force_login(tree.admins["pds"])
    assert "平台接口令牌" in client.get("/").content.decode()
    client.force_login(tree.admins["hospital1"])
    assert "平台接口令牌" not in client.get("/").content.decode()


def test_the_token_list_does_not_query_per_row(client, tree, django_assert_max_num_queries):
    client.force_login(tree.admins["pds"])
    url = reverse("credits:api-tokens")
    client.get(url)  # the session and the site are read once, on the first request
    counts = []
    for total in (2, 20):
        while ApiToken.objects.count() < total:
            token, _ = token_of(tree, actor=tree.admins["pds"])
            api_token_revoke(actor=tree.admins["pds"], token_id=token.pk)
        with django_assert_max_num_queries(12) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
