"""The QR code's signed statement checked in the browser (issue 19): a real certificate's QR code
opens its page, whose script verifies the statement after "#" with the office's embedded public
key, with every request to another host refused and without crypto.subtle (as over plain http);
an altered statement, one signed by a stranger's key and one whose key was revoked say so."""

import base64
import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "王晓燕"
CERT_NO = "4104000000001"
# crypto.subtle exists only in secure contexts; the live server's localhost is one, so the page
# is made to look like plain http to prove the script does without.
NO_SUBTLE = (
    "Object.defineProperty(Crypto.prototype, 'subtle', "
    "{get() { return undefined; }, configurable: true});"
)


@pytest.fixture
def certificate(db, settings, tmp_path):
    """A rendered 2019—2021 certificate of 平顶山's hospital, and its tree."""
    from certificates.services import certificate_request, issue_render
    from tests.certificates.support import approved_seal, filed_years
    from tests.factories import make_person
    from tests.shared_tree import Tree

    settings.MEDIA_ROOT = tmp_path
    tree = Tree()
    seal = approved_seal(tree, tree.pds)
    person = make_person(tree.hospital1, cert_no=CERT_NO)
    person.user.name = NAME
    person.user.save(update_fields=["name"])
    filed_years(person, [2019, 2020])
    filed_years(person, [2021], public=30, professional=20)  # 50 of 90: 未完成
    issue, _ = certificate_request(
        actor=person.user, person_id=person.pk, first_year=2019, last_year=2021, enqueue=False
    )
    issue = issue_render(issue_id=issue.pk)
    assert issue.is_ready
    issue.tree, issue.seal_row = tree, seal
    return issue


def qr_link(issue) -> tuple[str, str]:
    """The path and the fragment (the signed statement) that the printed QR code carries."""
    from tests.certificates.pdf_support import qr_texts

    with issue.pdf.open("rb") as handle:
        (text,) = qr_texts(handle.read())
    parts = urlsplit(text)
    assert parts.path == f"/v/{issue.code}" and parts.fragment.count(".") == 2
    return parts.path, parts.fragment


def offline_page(open_page, live_server):
    """A page that refuses (and records) every request to another host, without crypto.subtle."""
    page = open_page()
    home = urlsplit(live_server.url).netloc
    page.foreign = []

    def handle(route):
        if urlsplit(route.request.url).netloc != home:
            page.foreign.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", handle)
    page.requests = []
    page.on("request", lambda r: page.requests.append((r.url, r.resource_type)))
    page.context.add_init_script(NO_SUBTLE)
    return page


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def stranger_signed(token: str) -> str:
    """The same statement, signed by a key the portal never published."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    _, body, _ = token.split(".")
    head = b64url(json.dumps({"alg": "ES256", "kid": "strangerk1"}).encode())
    private = ec.generate_private_key(ec.SECP256R1())
    r, s = decode_dss_signature(private.sign(f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256())))
    return f"{head}.{body}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def altered(token: str) -> str:
    """The statement with one year's hours raised, its signature kept."""
    head, body, signature = token.split(".")
    payload = json.loads(unb64url(body))
    payload["y"][2][2] = "60.0"  # 2021's professional hours, 20 in truth
    return f"{head}.{b64url(json.dumps(payload, ensure_ascii=False).encode())}.{signature}"


def test_the_qr_statement_verifies_in_the_browser_without_the_network(
    open_page, live_server, certificate
):
    from portal.ids import mask_name

    path, statement = qr_link(certificate)
    typed = offline_page(open_page, live_server)
    typed.goto(path)  # an address typed by hand: no statement, no panel
    expect(typed.get_by_test_id("verify-status")).to_contain_text("真实有效")
    expect(typed.get_by_test_id("statement-result")).to_be_hidden()

    page = offline_page(open_page, live_server)
    page.goto(f"{live_server.url}{path}#{statement}")
    panel = page.get_by_test_id("statement-result")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("✓ 签名有效")
    expect(panel).to_contain_text(mask_name(NAME))
    expect(panel).to_contain_text(CERT_NO)
    expect(panel).to_contain_text(certificate.code)
    expect(panel).to_contain_text("未经网络查询")
    rows = panel.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("2019")
    expect(rows.nth(0)).to_contain_text("合格")
    expect(rows.nth(2)).to_contain_text("2021")
    expect(rows.nth(2)).to_contain_text("未完成")
    assert NAME not in panel.inner_text()  # the statement carries the masked name only
    assert page.evaluate("window.crypto.subtle === undefined")

    # Once loaded, the page checks another statement with the network cut.
    page.context.set_offline(True)
    loaded = len(page.requests)
    page.evaluate("hash => { location.hash = hash; }", altered(statement))
    expect(panel).to_contain_text("签名无效：内容被修改或不是由该密钥签署")
    expect(panel).not_to_contain_text("签名有效")
    page.evaluate("hash => { location.hash = hash; }", stranger_signed(statement))
    expect(panel).to_contain_text("签名密钥未知")
    page.evaluate("hash => { location.hash = hash; }", statement[: len(statement) // 2])
    expect(panel).to_contain_text("二维码中的签名数据不完整或格式错误")
    # The live status above is untouched by what the panel says.
    expect(page.get_by_test_id("verify-status")).to_contain_text("真实有效")

    assert page.foreign == []
    assert not [url for url, kind in page.requests if kind in ("fetch", "xhr", "websocket")]
    # Offline, the browser only asked again for the tab's icon (each new address does so).
    icon = f"{live_server.url}/static/img/emblem.svg"
    assert {url for url, _ in page.requests[loaded:]} <= {icon}
    assert all("ERR_INTERNET_DISCONNECTED" in error for error in page.console_errors)


def test_a_statement_of_a_revoked_key_says_so(open_page, live_server, certificate):
    from certificates.services import seal_revoke
    from certificates.verify_cache import pages_forget

    path, statement = qr_link(certificate)
    page = offline_page(open_page, live_server)
    page.goto(f"{live_server.url}{path}#{statement}")
    expect(page.get_by_test_id("statement-result")).to_contain_text("✓ 签名有效")

    tree = certificate.tree
    seal_revoke(actor=tree.admins["province"], seal_id=certificate.seal_row.pk, reason="印章遗失")
    # Revoking a seal forgets no page (its certificates stay valid): the page cached by the
    # first visit would show the key as in force for up to a minute (verify_cache.PAGE_TTL).
    pages_forget([certificate.code])
    page.reload()  # a goto of the same URL with a fragment would not load the page again
    panel = page.get_by_test_id("statement-result")
    expect(panel).to_contain_text("签名密钥已吊销")
    expect(panel).not_to_contain_text("签名有效")
    expect(page.get_by_test_id("verify-status")).to_contain_text("真实有效")
    assert page.foreign == []
    assert not [url for url, kind in page.requests if kind in ("fetch", "xhr", "websocket")]
