"""Expected denials are logged as one line; a real error keeps its traceback."""

import io
import logging
import sys

import pytest
from django.urls import reverse

from portal.logging import ExpectedDenialsOneLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the portal's console handler (with its filter) writes, captured."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(ExpectedDenialsOneLine())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def test_a_403_is_one_line_without_traceback(client, user, log_lines):
    client.force_login(user)  # not an admin of any org

    response = client.get(reverse("orgtree:directory"))

    assert response.status_code == 403
    text = log_lines.getvalue()
    assert "Forbidden (Permission denied): /orgs/" in text
    assert "Traceback" not in text
    assert len([line for line in text.splitlines() if "Forbidden" in line]) == 1


def test_a_5xx_keeps_its_traceback(log_lines):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", "/x", exc_info=sys.exc_info(), extra={"status_code": 500}
        )
    assert "Traceback" in log_lines.getvalue()
    assert "RuntimeError: boom" in log_lines.getvalue()
