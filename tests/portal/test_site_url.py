"""`make run PORT=…` serves on that port and its certificates' QR codes point there: the
Makefile passes HOST and PORT to the settings, which use them unless SITE_URL is given."""

import subprocess
from pathlib import Path

import pytest

from certificates.services.issues import verify_url
from portal.settings.base import site_url_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"RUN_PORT": "8123"}, "http://127.0.0.1:8123"),
        ({"RUN_HOST": "192.168.1.20", "RUN_PORT": "8101"}, "http://192.168.1.20:8101"),
        ({"RUN_HOST": "0.0.0.0", "RUN_PORT": "8123"}, "http://127.0.0.1:8123"),
        (
            {"SITE_URL": "https://jxjy.example.gov.cn/", "RUN_PORT": "8123"},
            "https://jxjy.example.gov.cn",
        ),
        ({}, "http://127.0.0.1:8000"),
    ],
)
def test_the_site_address_follows_the_served_port_unless_given(environ, expected):
    assert site_url_of(environ) == expected


def test_a_certificate_served_on_8123_points_its_qr_code_there(settings):
    settings.SITE_URL = site_url_of({"RUN_HOST": "127.0.0.1", "RUN_PORT": "8123"})
    assert verify_url("ABCDEFGHJKLMNPQRSTUV") == "http://127.0.0.1:8123/v/ABCDEFGHJKLMNPQRSTUV"


def test_make_run_passes_its_host_and_port_to_the_settings():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123", "HOST=127.0.0.1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    serve = next(line for line in dry_run.splitlines() if "runserver" in line)
    assert "RUN_HOST=127.0.0.1 RUN_PORT=8123" in serve and serve.endswith("127.0.0.1:8123")
