import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(request, settings, tmp_path):
    """Certificates and seals are written under a per-test directory, except in worker tests,
    where the worker process writes to the MEDIA_ROOT of its own environment."""
    if "celery_worker" not in request.keywords:
        settings.MEDIA_ROOT = tmp_path / "media"
