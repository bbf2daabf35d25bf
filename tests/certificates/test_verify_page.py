"""The public verification page (/v/<code>) that a certificate's QR code opens: valid,
superseded, revoked, still rendering, unknown and malformed codes, the masked ID, the log, the
query budget, the rate limit, and the QR code of a rendered certificate read back and opened."""

import hashlib
import re
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from certificates.models import CertificateIssue, VerificationLog
from certificates.services import (
    certificate_request,
    issue_render,
    issue_revoke,
    issues_supersede,
    verify_url,
)
from certificates.signing.keys import keys_published
from certificates.signing.statement import statement_verify
from credits.signals import person_years_changed
from portal.context_processors import site_name
from portal.ids import mask_id_number
from tests.certificates import pdf_support
from tests.certificates.support import approved_seal, filed_years
from tests.factories import make_person

pytestmark = pytest.mark.django_db

NAME = "王晓燕"
CERT_NO = "4104000000001"
UNIT = "平顶山市第一人民医院"
OFFICE = "平顶山市人力资源和社会保障局"
CLIENT_IP = "203.0.113.7"


@pytest.fixture
def person(tree):
    person = make_person(tree.hospital1, cert_no=CERT_NO)
    person.user.name = NAME
    person.user.save(update_fields=["name"])
    filed_years(person, [2019, 2020, 2021])
    filed_years(person, [2022], public=30, professional=20)  # 50 of 90: 未完成
    return person


@pytest.fixture
def seal(tree):
    return approved_seal(tree, tree.pds)


def request_issue(person, first, last, capture=None) -> CertificateIssue:
    """An issue of ``first``..``last``; rendered when ``capture`` (the on-commit fixture) runs
    the rendering task, left pending otherwise."""
    if capture is None:
        issue, _ = certificate_request(
            actor=person.user, person_id=person.pk, first_year=first, last_year=last, enqueue=False
        )
        return issue
    with capture(execute=True):
        issue, _ = certificate_request(
            actor=person.user, person_id=person.pk, first_year=first, last_year=last
        )
    issue.refresh_from_db()
    return issue


@pytest.fixture
def rendered(person, seal, django_capture_on_commit_callbacks):
    return request_issue(person, 2019, 2022, django_capture_on_commit_callbacks)


def page_url(code: str) -> str:
    return "/v/" + quote(code, safe="")


def text(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def status_text(response) -> str:
    match = re.search(
        r'data-testid="verify-status">(.*?)</div>', response.content.decode(), flags=re.S
    )
    assert match, "no status block on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def without_time(response) -> str:
    """The page without the time of the check, the one part that differs between scans."""
    return re.sub(r"核验时间 [^。]*。", "", response.content.decode())


def test_a_valid_certificate_shows_its_content_status_and_digest(client, person, rendered):
    site_name()  # the header's site name is cached per process; warm it like a served page
    when = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(rendered.code), REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 200
    # The issue row, its office's public keys for the QR statement's in-browser check (issue
    # 19) and the log INSERT, nothing else (no person, no user, no office row of its own).
    assert len(queries) == 3, [query["sql"] for query in queries]

    assert status_text(response).startswith("✓ 真实有效")
    page = text(response)
    assert NAME in page and UNIT in page and OFFICE in page and CERT_NO in page
    masked = mask_id_number(person.user.id_number)
    assert masked in page
    assert person.user.id_number not in response.content.decode()
    assert "2019—2022 年度（合并打印）" in page
    years = re.findall(
        r"<tr><td>(\d{4})</td><td class=\"num\">([\d.]+)</td><td class=\"num\">([\d.]+)</td>"
        r"<td class=\"num\">([\d.]+)</td><td class=\"vf-\w+\">(\S+)</td></tr>",
        response.content.decode(),
    )
    assert years == [
        ("2019", "30", "60", "90", "合格"),
        ("2020", "30", "60", "90", "合格"),
        ("2021", "30", "60", "90", "合格"),
        ("2022", "30", "20", "50", "未完成"),
    ]
    today = timezone.localdate()
    assert f"出证日期 {today.year}年{today.month}月{today.day}日" in page
    digest = hashlib.sha256(rendered.pdf.read()).hexdigest()
    assert rendered.sha256 == digest
    assert f'data-testid="verify-sha256">{digest}<' in response.content.decode()
    assert f"核验码 {rendered.code}" in page
    assert "核验时间" in page
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    log = VerificationLog.objects.get()
    assert log.channel == VerificationLog.Channel.PAGE
    assert log.found and log.issue == rendered and log.code == rendered.code
    assert (
        log.ip_hash == salted_hmac("certificates.verify", CLIENT_IP, algorithm="sha256").hexdigest()
    )
    assert log.created_at >= when


def test_a_superseded_certificate_says_so_without_naming_the_newer_one(
    client, person, seal, django_capture_on_commit_callbacks
):
    old = request_issue(person, 2019, 2021, django_capture_on_commit_callbacks)
    person_years_changed.send(sender=None, pairs=[(person.pk, 2020)])  # a later filing
    filed_years(person, [2020], public=6, professional=0)
    new = request_issue(person, 2019, 2021)
    old.refresh_from_db()
    assert old.status == CertificateIssue.Status.SUPERSEDED and new.code != old.code

    response = client.get(page_url(old.code))
    assert response.status_code == 200
    day = timezone.localtime(old.superseded_at)
    assert status_text(response) == (
        f"已失效 已失效 — 持证人的学时记录于 {day.year}年{day.month}月{day.day}日 已有变更，"
        "本证书已被取代，请以持证人最新出具的证书为准。"
    )
    assert "真实有效" not in text(response)
    assert new.code not in response.content.decode()
    assert NAME in text(response)  # what the old certificate stated is still shown
    # Its PDF exists, so its digest is still offered for comparison.
    assert old.sha256 in response.content.decode()


def test_a_revoked_certificate_shows_the_date_and_reason(client, tree, person, rendered):
    issue_revoke(actor=tree.admins["pds"], issue_id=rendered.pk, reason="学时证明材料不实")
    rendered.refresh_from_db()

    response = client.get(page_url(rendered.code))
    assert response.status_code == 200
    day = timezone.localtime(rendered.revoked_at)
    status = status_text(response)
    assert status.startswith("✗ 已作废")
    assert status.count("已作废") == 1  # said once, with its mark
    assert f"该证书已于 {day.year}年{day.month}月{day.day}日 由发证机关作废，不再有效" in status
    assert "作废原因：学时证明材料不实" in status
    assert "真实有效" not in text(response)
    # The years it stated are still shown, but not as a green 合格 beside a revoked status.
    html = response.content.decode()
    assert 'class="vf-done"' not in html and 'class="vf-void">合格<' in html


def test_a_certificate_still_rendering_is_verifiable_without_a_digest(client, person, seal):
    issue = request_issue(person, 2021, 2021)
    assert issue.render_status == CertificateIssue.Render.PENDING

    response = client.get(page_url(issue.code))
    assert response.status_code == 200
    assert status_text(response).startswith("✓ 真实有效")
    assert NAME in text(response) and "2021 年度" in text(response)
    assert 'data-testid="verify-no-pdf"' in response.content.decode()
    assert 'data-testid="verify-sha256"' not in response.content.decode()


@pytest.mark.parametrize(
    "code",
    [
        "ABCDEFGHJKLMNPQRSTUV",  # well formed, issued to nobody
        "NOT-A-CODE",
        "0OIL0OIL0OIL0OIL0OIL",  # letters the alphabet leaves out
        "A" * 200,
        '"><img src=x onerror=alert(1)>',
    ],
)
def test_an_unknown_or_malformed_code_gets_one_plain_404(client, person, rendered, code):
    response = client.get(page_url(code))
    assert response.status_code == 404
    page = text(response)
    assert "未查询到该证书" in page
    assert "发证机关" in page and "二维码" in page
    body = response.content.decode()
    # Nothing that looks like a certificate: no status, no badge, no content, no echo.
    for absent in ('data-testid="verify-status"', "badge", "真实有效", "证书管理号 ", NAME):
        assert absent not in body
    assert "<img src=x" not in body
    log = VerificationLog.objects.get()
    assert not log.found and log.issue is None and log.code == code[:40]


def test_unknown_and_malformed_codes_answer_identically(client, rendered):
    unknown = client.get(page_url("ABCDEFGHJKLMNPQRSTUV"))
    malformed = client.get(page_url("hello"))
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.content == malformed.content


def test_codes_are_normalised_before_the_lookup(client, rendered):
    typed = f" {rendered.code.lower()} "
    response = client.get("/v/" + quote(typed))
    assert response.status_code == 200
    assert response.context["content"]["code"] == rendered.code
    assert VerificationLog.objects.get().code == typed.strip()


def test_the_qr_code_of_a_rendered_certificate_opens_it_as_valid(client, rendered):
    texts = pdf_support.qr_texts(rendered.pdf.read())
    assert len(texts) == 1 and texts[0].startswith(verify_url(rendered.code) + "#")
    # After the "#": the signed statement (issue 19), which the server never receives.
    stated = statement_verify(urlsplit(texts[0]).fragment, keys_published())
    assert stated.ok and stated.payload["c"] == rendered.code
    path = urlsplit(texts[0]).path
    assert path == reverse("verify:certificate", args=[rendered.code])

    response = client.get(path)
    assert response.status_code == 200
    assert response.context["content"]["valid"] is True
    assert status_text(response).startswith("✓ 真实有效")


def test_the_page_is_public_and_the_same_for_anyone(client, tree, person, rendered):
    """No login, no scope: a neighbour's admin (漯河) and the person's own city admin see
    exactly the public page, with the ID masked, like an anonymous visitor."""
    anonymous = client.get(page_url(rendered.code))
    assert anonymous.status_code == 200
    for admin in (tree.admins["lh"], tree.admins["pds"]):
        client.force_login(admin)
        response = client.get(page_url(rendered.code))
        assert response.status_code == 200
        assert without_time(response) == without_time(anonymous)
        assert person.user.id_number not in response.content.decode()
        assert mask_id_number(person.user.id_number) in text(response)
        client.logout()
    assert VerificationLog.objects.filter(found=True).count() == 3


def test_too_many_checks_get_429_in_chinese(client, settings, rendered):
    settings.CERT_VERIFY_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(page_url(rendered.code)).status_code == 200
    response = client.get(page_url(rendered.code))
    assert response.status_code == 429
    assert "查询过于频繁" in text(response)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert VerificationLog.objects.count() == 3  # a refused request reached no certificate
    # Another client is not held back, and the lookup keeps its own budget.
    assert client.get(page_url(rendered.code), REMOTE_ADDR="198.51.100.9").status_code == 200
    lookup = client.post(
        reverse("verify:lookup"), {"mode": "cert", "cert-cert_no": CERT_NO, "cert-name": NAME}
    )
    assert lookup.status_code == 200 and lookup.context["content"] is not None


def test_a_second_scan_is_served_from_the_cache_with_only_the_log_insert(client, rendered):
    first = client.get(page_url(rendered.code))
    with CaptureQueriesContext(connection) as queries:
        second = client.get(page_url(rendered.code))
    assert second.status_code == 200
    assert [query["sql"].split()[0] for query in queries] == ["INSERT"]
    assert without_time(second) == without_time(first)
    now = timezone.localtime()
    assert f"核验时间 {now.year}年{now.month}月{now.day}日 " in text(second)
    assert "verify-checked-at" not in second.content.decode()
    logs = VerificationLog.objects.order_by("pk")
    assert [(log.issue_id, log.found) for log in logs] == [(rendered.pk, True)] * 2


def test_a_revocation_shows_at_once_on_a_page_already_cached(
    client, tree, rendered, django_capture_on_commit_callbacks
):
    assert status_text(client.get(page_url(rendered.code))).startswith("✓ 真实有效")
    with django_capture_on_commit_callbacks(execute=True):
        issue_revoke(actor=tree.admins["pds"], issue_id=rendered.pk, reason="学时证明材料不实")
    assert status_text(client.get(page_url(rendered.code))).startswith("✗ 已作废")


def test_a_supersession_shows_at_once_on_a_page_already_cached(client, person, rendered):
    assert status_text(client.get(page_url(rendered.code))).startswith("✓ 真实有效")
    issues_supersede(pairs=[(person.pk, 2020)])
    assert status_text(client.get(page_url(rendered.code))).startswith("已失效")


def test_the_digest_appears_once_a_cached_pending_certificate_is_rendered(client, person, seal):
    issue = request_issue(person, 2021, 2021)
    assert 'data-testid="verify-no-pdf"' in client.get(page_url(issue.code)).content.decode()
    issue = issue_render(issue_id=issue.pk)
    page = client.get(page_url(issue.code)).content.decode()
    assert 'data-testid="verify-sha256"' in page and issue.sha256 in page
