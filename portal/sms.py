"""Text messages (password-reset and phone-confirmation codes) through a backend chosen in
settings, the way Django chooses its e-mail backend.

``settings.SMS_BACKEND`` names a class with ``send(phone, text, params)``; an empty value means
the deployment has no SMS, and pages then explain the unit-admin route instead. ``FileBackend``
serves the embedded default and the tests, ``HttpGatewayBackend`` a production gateway.

A message carries a code that grants access to an account, so neither the text nor the
parameters ever reach a log line, and phones are logged masked.
"""

import json
import logging
import threading
import urllib.error
import urllib.request
from http.client import HTTPException
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("portal.sms")

SEND_FAILED_MESSAGE = "短信发送失败，请稍后再试或联系单位管理员。"
UNAVAILABLE_MESSAGE = "本平台暂未开通短信服务，请联系单位管理员办理。"


class SmsError(Exception):
    """A message could not be sent; ``str()`` is a Chinese sentence to show the user."""

    def __init__(self, message: str = SEND_FAILED_MESSAGE):
        super().__init__(message)


def mask_phone(phone: str) -> str:
    """``13812345678`` -> ``138****5678``: enough to tell numbers apart in a log or on a page,
    not enough to call one. A number too short to keep 3 + 4 digits is masked whole."""
    phone = phone.strip()
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def sms_available() -> bool:
    return bool(getattr(settings, "SMS_BACKEND", ""))


def sms_send(*, phone: str, text: str, params: dict[str, str]) -> None:
    """Sends one message through ``settings.SMS_BACKEND``; raises SmsError when there is no
    backend or it fails (any exception of the backend becomes an SmsError)."""
    path = getattr(settings, "SMS_BACKEND", "")
    if not path:
        raise SmsError(UNAVAILABLE_MESSAGE)
    try:
        backend = import_string(path)()
        backend.send(phone, text, params)
    except SmsError:
        raise
    except Exception as exc:
        # The class name only: a backend's own message might quote what it was sending.
        logger.warning(
            "SMS backend %s failed (%s) for %s", path, type(exc).__name__, mask_phone(phone)
        )
        raise SmsError() from exc


# --- File backend -------------------------------------------------------------------------------

# One lock for every FileBackend of the process (backends are made per message): threads of
# runserver, gunicorn's threads or the tests never interleave their lines.
_file_lock = threading.Lock()


class FileBackend:
    """Appends each message as one JSON line to ``settings.SMS_FILE_PATH``: the outbox of the
    embedded default (a demo reads the code there) and of the tests (``file_outbox``)."""

    def __init__(self):
        self.path = Path(settings.SMS_FILE_PATH)

    def send(self, phone: str, text: str, params: dict[str, str]) -> None:
        line = json.dumps(
            {
                "phone": phone,
                "text": text,
                "params": params,
                "sent_at": timezone.localtime().isoformat(),
            },
            ensure_ascii=False,
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock, self.path.open("a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")
        logger.info("SMS written to the outbox file for %s", mask_phone(phone))


def file_outbox(path: str | Path | None = None) -> list[dict]:
    """The messages FileBackend wrote to ``path`` (default ``settings.SMS_FILE_PATH``), oldest
    first; none when the file does not exist yet."""
    outbox = Path(path if path is not None else settings.SMS_FILE_PATH)
    try:
        lines = outbox.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.strip()]


# --- HTTP gateway backend -----------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer that is not 2xx, hence a failure: following it would hand the
    Authorization header to whatever address the redirect names."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpGatewayBackend:
    """POSTs ``{"phone", "template_id", "params"}`` as JSON to ``settings.SMS_GATEWAY_URL``
    with ``Authorization: Bearer <SMS_GATEWAY_KEY>``. The text is not sent: the gateway fills
    its own template (SMS_TEMPLATE_ID), the wording the carrier approved."""

    def __init__(self):
        self.url = settings.SMS_GATEWAY_URL
        self.key = settings.SMS_GATEWAY_KEY
        self.template_id = settings.SMS_TEMPLATE_ID
        self.timeout = float(getattr(settings, "SMS_GATEWAY_TIMEOUT", 5))

    def send(self, phone: str, text: str, params: dict[str, str]) -> None:
        masked = mask_phone(phone)
        if urlsplit(self.url).scheme not in ("http", "https"):
            logger.warning("SMS_GATEWAY_URL is not an http(s) address; nothing sent to %s", masked)
            raise SmsError()
        body = json.dumps(
            {"phone": phone, "template_id": self.template_id, "params": params},
            ensure_ascii=False,
        ).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout):
                pass  # any answer that reaches here is 2xx; its body is not needed
        except urllib.error.HTTPError as exc:
            exc.close()
            logger.warning("SMS gateway answered HTTP %s for %s", exc.code, masked)
            raise SmsError() from exc
        except (OSError, HTTPException) as exc:
            # URLError wraps the cause (refused, timed out, DNS): name that, never the message,
            # which may carry the URL.
            cause = getattr(exc, "reason", exc)
            name = type(cause).__name__ if isinstance(cause, BaseException) else type(exc).__name__
            logger.warning("SMS gateway unreachable (%s) for %s", name, masked)
            raise SmsError() from exc
        logger.info("SMS handed to the gateway for %s", masked)
