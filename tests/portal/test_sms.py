import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.settings.base import sms_backend_of
from portal.sms import (
    FileBackend,
    HttpGatewayBackend,
    SmsError,
    file_outbox,
    mask_phone,
    sms_available,
    sms_send,
)

PHONE = "13812345678"
CODE = "493817"
TEXT = f"【河南继续教育】您的验证码为 {CODE}，10 分钟内有效。"
PARAMS = {"code": CODE, "minutes": "10"}
KEY = "gateway-secret-key-7f3a9c"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMS_BACKEND = "portal.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms" / "messages.jsonl"
    return settings.SMS_FILE_PATH


def test_the_phone_is_masked_to_its_first_three_and_last_four_digits():
    assert mask_phone(PHONE) == "138****5678"
    assert mask_phone(" 13812345678 ") == "138****5678"
    assert mask_phone("1234567") == "*******"


def test_the_file_backend_writes_one_line_a_message_and_file_outbox_reads_it_back(outbox):
    assert file_outbox() == []
    sms_send(phone=PHONE, text=TEXT, params=PARAMS)

    assert len(outbox.read_text(encoding="utf-8").splitlines()) == 1
    (message,) = file_outbox()
    assert message["phone"] == PHONE
    assert message["text"] == TEXT
    assert message["params"] == PARAMS
    assert message["sent_at"].endswith("+08:00")
    assert file_outbox(outbox) == [message]

    sms_send(phone="13900001111", text=TEXT, params=PARAMS)
    assert [m["phone"] for m in file_outbox()] == [PHONE, "13900001111"]


def test_two_threads_never_interleave_their_lines(outbox):
    def send_twenty(prefix):
        for number in range(20):
            FileBackend().send(f"{prefix}{number:08d}", TEXT * 20, {"code": str(number)})

    threads = [threading.Thread(target=send_twenty, args=(p,)) for p in ("138", "139")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    lines = outbox.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 40
    messages = [json.loads(line) for line in lines]
    assert {m["phone"] for m in messages} == {
        f"{p}{n:08d}" for p in ("138", "139") for n in range(20)
    }
    assert all(m["text"] == TEXT * 20 for m in messages)


def test_the_file_backend_logs_the_masked_phone_and_never_the_code(outbox, caplog):
    with caplog.at_level(logging.INFO, logger="portal.sms"):
        sms_send(phone=PHONE, text=TEXT, params=PARAMS)

    records = [r for r in caplog.records if r.name == "portal.sms"]
    assert len(records) == 1
    assert records[0].levelno == logging.INFO
    assert "138****5678" in records[0].getMessage()
    assert PHONE not in caplog.text
    assert CODE not in caplog.text


def test_without_a_backend_sms_is_unavailable_and_sending_fails_in_chinese(settings, tmp_path):
    settings.SMS_BACKEND = ""
    settings.SMS_FILE_PATH = tmp_path / "messages.jsonl"

    assert sms_available() is False
    with pytest.raises(SmsError) as raised:
        sms_send(phone=PHONE, text=TEXT, params=PARAMS)
    assert "单位管理员" in str(raised.value)
    assert file_outbox() == []


def test_with_the_file_backend_sms_is_available(outbox):
    assert sms_available() is True


def test_a_backend_that_breaks_becomes_an_sms_error(settings, caplog):
    settings.SMS_BACKEND = "portal.sms.NoSuchBackend"
    with caplog.at_level(logging.INFO, logger="portal.sms"), pytest.raises(SmsError) as raised:
        sms_send(phone=PHONE, text=TEXT, params=PARAMS)
    assert str(raised.value) == "短信发送失败，请稍后再试或联系单位管理员。"
    assert "138****5678" in caplog.text
    assert CODE not in caplog.text


# --- The HTTP gateway, against a real server on 127.0.0.1 ---------------------------------------


class Gateway:
    """A local HTTP server that records every request and answers ``status`` after ``delay``."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.delay = 0.0
        self.location = ""
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                gateway.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                time.sleep(gateway.delay)
                self.send_response(gateway.status)
                if gateway.location:
                    self.send_header("Location", gateway.location)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            do_GET = do_POST

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def gateway(settings):
    with Gateway() as server:
        settings.SMS_BACKEND = "portal.sms.HttpGatewayBackend"
        settings.SMS_GATEWAY_URL = server.url
        settings.SMS_GATEWAY_KEY = KEY
        settings.SMS_TEMPLATE_ID = "SMS_0042"
        settings.SMS_GATEWAY_TIMEOUT = 5
        yield server


def test_the_gateway_receives_the_json_body_and_the_bearer_key(gateway):
    sms_send(phone=PHONE, text=TEXT, params=PARAMS)

    (request,) = gateway.requests
    assert request["path"] == "/sms/send"
    assert request["headers"]["Authorization"] == f"Bearer {KEY}"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(request["body"].decode("utf-8")) == {
        "phone": PHONE,
        "template_id": "SMS_0042",
        "params": PARAMS,
    }
    assert "验证码" not in request["body"].decode("utf-8")  # the gateway's template has the text


def assert_failure_logged_safely(caplog, *words):
    records = [r for r in caplog.records if r.name == "portal.sms"]
    assert records and all(r.levelno == logging.WARNING for r in records)
    assert "138****5678" in caplog.text
    for word in words:
        assert word in caplog.text
    for secret in (KEY, CODE, PHONE, TEXT):
        assert secret not in caplog.text


def test_a_500_from_the_gateway_is_an_sms_error(gateway, caplog):
    gateway.status = 500
    with caplog.at_level(logging.INFO, logger="portal.sms"), pytest.raises(SmsError) as raised:
        sms_send(phone=PHONE, text=TEXT, params=PARAMS)

    assert str(raised.value) == "短信发送失败，请稍后再试或联系单位管理员。"
    assert len(gateway.requests) == 1
    assert_failure_logged_safely(caplog, "500")


def test_a_redirect_is_a_failure_and_is_not_followed(gateway, caplog):
    gateway.status = 302
    gateway.location = gateway.url.replace("/sms/send", "/elsewhere")
    with caplog.at_level(logging.INFO, logger="portal.sms"), pytest.raises(SmsError):
        sms_send(phone=PHONE, text=TEXT, params=PARAMS)

    assert [r["path"] for r in gateway.requests] == ["/sms/send"]
    assert_failure_logged_safely(caplog, "302")


def test_a_gateway_that_does_not_answer_in_time_is_an_sms_error(gateway, settings, caplog):
    gateway.delay = 1.0
    settings.SMS_GATEWAY_TIMEOUT = 0.2
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="portal.sms"), pytest.raises(SmsError):
        sms_send(phone=PHONE, text=TEXT, params=PARAMS)

    assert time.monotonic() - started < 0.9
    assert_failure_logged_safely(caplog, "Timeout")


def test_a_closed_port_is_an_sms_error(settings, caplog):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_BACKEND = "portal.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{port}/sms/send"
    settings.SMS_GATEWAY_KEY = KEY
    settings.SMS_TEMPLATE_ID = "SMS_0042"

    with caplog.at_level(logging.INFO, logger="portal.sms"), pytest.raises(SmsError) as raised:
        sms_send(phone=PHONE, text=TEXT, params=PARAMS)

    assert "短信发送失败" in str(raised.value)
    assert_failure_logged_safely(caplog, "ConnectionRefusedError")


def test_a_gateway_url_that_is_not_http_sends_nothing(settings, tmp_path, caplog):
    settings.SMS_GATEWAY_URL = f"file://{tmp_path}/x"
    settings.SMS_GATEWAY_KEY = KEY
    settings.SMS_TEMPLATE_ID = "SMS_0042"
    with caplog.at_level(logging.INFO, logger="portal.sms"), pytest.raises(SmsError):
        HttpGatewayBackend().send(PHONE, TEXT, PARAMS)
    assert_failure_logged_safely(caplog)


# --- How SMS_BACKEND is chosen ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "debug", "expected"),
    [
        ({}, True, "portal.sms.FileBackend"),
        ({}, False, ""),
        (
            {"SMS_GATEWAY_URL": "https://sms.example.gov.cn/send"},
            False,
            "portal.sms.HttpGatewayBackend",
        ),
        (
            {"SMS_GATEWAY_URL": "https://sms.example.gov.cn/send"},
            True,
            "portal.sms.HttpGatewayBackend",
        ),
        ({"SMS_GATEWAY_URL": " "}, False, ""),
        ({"SMS_BACKEND": ""}, True, ""),
        ({"SMS_BACKEND": "", "SMS_GATEWAY_URL": "https://sms.example.gov.cn/send"}, False, ""),
        ({"SMS_BACKEND": "portal.sms.FileBackend"}, False, "portal.sms.FileBackend"),
    ],
)
def test_the_backend_follows_the_environment(environ, debug, expected):
    assert sms_backend_of(environ, debug=debug) == expected
